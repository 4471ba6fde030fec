/**
 * A minimal protobuf (proto3) writer: varints, length-delimited fields and doubles, enough to
 * encode gnostic's `openapi.v2.Document`. Messages are built bottom-up: a nested message is
 * encoded into its own growable buffer first, then copied in behind its length, which keeps the
 * writer free of length back-patching at the cost of one copy per nesting level. Default values
 * (empty string, false, 0) are skipped, as proto3 does.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

const encoder = new TextEncoder();

export class ProtoWriter {
  #buf = new Uint8Array(64);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  /** A string field; empty strings are omitted unless `always` (repeated elements keep them). */
  string(field: number, value: string | undefined, always = false): this {
    if (value === undefined || (value === '' && !always)) return this;
    const size = Buffer.byteLength(value, 'utf8');
    this.#tag(field, WIRE_LEN);
    this.#varint(size);
    this.#reserve(size);
    encoder.encodeInto(value, this.#buf.subarray(this.#len, this.#len + size));
    this.#len += size;
    return this;
  }

  /** Each element as its own entry (repeated strings are never packed). */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.string(field, v, true);
    return this;
  }

  /** `always` writes `false` too (a oneof member is present even when it holds the default). */
  bool(field: number, value: boolean | undefined, always = false): this {
    if (value === undefined || (!value && !always)) return this;
    this.#tag(field, WIRE_VARINT);
    this.#byte(value ? 1 : 0);
    return this;
  }

  /** int64/uint64 values within the safe integer range; negative values use ten bytes. */
  int64(field: number, value: number | undefined): this {
    if (!value) return this;
    this.#tag(field, WIRE_VARINT);
    this.#varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.#tag(field, WIRE_FIXED64);
    this.#reserve(8);
    new DataView(this.#buf.buffer, this.#buf.byteOffset + this.#len, 8).setFloat64(0, value, true);
    this.#len += 8;
    return this;
  }

  /** A nested message; `always` keeps an empty one (its presence can matter, as with a oneof). */
  message(field: number, msg: ProtoWriter | undefined, always = false): this {
    if (!msg || (msg.length === 0 && !always)) return this;
    return this.bytes(field, msg.finish(), true);
  }

  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.#tag(field, WIRE_LEN);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#buf.set(value, this.#len);
    this.#len += value.length;
    return this;
  }

  /** The bytes written so far (a view; copy it before writing more). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  #tag(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  #varint(value: number): void {
    if (value < 0) {
      // Two's complement over 64 bits, as protobuf encodes negative int64.
      let v = BigInt.asUintN(64, BigInt(value));
      while (v > 0x7fn) {
        this.#byte(Number((v & 0x7fn) | 0x80n));
        v >>= 7n;
      }
      this.#byte(Number(v));
      return;
    }
    let v = value;
    while (v > 0x7f) {
      this.#byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#byte(v);
  }

  #byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = b;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}
