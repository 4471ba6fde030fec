/**
 * A minimal protobuf wire-format reader: just what Kubernetes' proto2 messages use (varints, length-delimited
 * fields, and skipping of fixed32/fixed64 fields we do not know). Every malformed input is the client's fault,
 * so failures are 400 BadRequest rather than exceptions that would surface as 500s.
 */
import { badRequest, type StatusError } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export interface Tag {
  readonly field: number;
  readonly wireType: number;
}

const TWO_32 = 4294967296;
/** hi words for which hi * 2^32 + lo stays a safe integer. */
const SAFE_HI_MIN = -(2 ** 21);
const SAFE_HI_MAX = 2 ** 21 - 1;

export const malformed = (what: string): StatusError => badRequest(`unable to decode protobuf body: ${what}`);

const utf8 = new TextDecoder('utf-8');

export class WireReader {
  private readonly buf: Uint8Array;
  private pos: number;
  private readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Next field key. Field 0 and field numbers past 2^29-1 are invalid on the wire. */
  tag(): Tag {
    const [lo, hi] = this.varint64();
    const field = Math.floor((lo >>> 3) + hi * 2 ** 29);
    if (field === 0 || field > 0x1fffffff) throw malformed(`invalid field number ${field}`);
    return { field, wireType: lo & 7 };
  }

  /** int32 as Go decodes it: the low 32 bits of the varint, signed (negatives arrive sign-extended to 10 bytes). */
  int32(): number {
    return this.varint64()[0] | 0;
  }

  /**
   * int64 as a number when it is a safe integer, else its exact decimal string: JSON numbers past 2^53 cannot be
   * represented faithfully in JavaScript, so the caller decides what to do with those.
   */
  int64(): number | string {
    const [lo, hi] = this.varint64();
    const shi = hi | 0;
    if (shi >= SAFE_HI_MIN && shi <= SAFE_HI_MAX) {
      const v = shi * TWO_32 + lo;
      if (Number.isSafeInteger(v)) return v;
    }
    return ((BigInt(shi) << 32n) + BigInt(lo)).toString();
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  /** A length-delimited payload, as a view into the input (no copy). */
  bytes(): Uint8Array {
    const [lo, hi] = this.varint64();
    if (hi !== 0 || lo > this.end - this.pos) throw malformed('length-delimited field runs past the end of its message');
    const start = this.pos;
    this.pos += lo;
    return this.buf.subarray(start, this.pos);
  }

  /** proto2 strings are not UTF-8 validated by Go; invalid sequences become U+FFFD, as Go's JSON encoder writes them. */
  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Skips one field's value: unknown fields come from clients newer than our descriptors and must be ignored. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw malformed('unexpected end of data');
    this.pos += n;
  }

  /** A varint of up to 10 bytes, as unsigned [low 32 bits, high 32 bits]; bits past 64 are dropped as Go does. */
  private varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed('unexpected end of data in varint');
      const b = this.buf[this.pos++] as number;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw malformed('varint longer than 10 bytes');
  }
}
