import assert from 'node:assert/strict';
import { isStatusError } from '../../../../src/api/errors.js';
import { WireReader } from '../../../../src/api/protobuf/wire.js';
import { Writer } from './helpers/encoder.js';

const reader = (w: Writer): WireReader => new WireReader(w.finish());

describe('WireReader', () => {
  it('reads int64 as a safe number, or as an exact decimal string past 2^53', () => {
    assert.equal(reader(new Writer().varint(2 ** 53 - 1)).int64(), 2 ** 53 - 1);
    assert.equal(reader(new Writer().varint(-(2 ** 53 - 1))).int64(), -(2 ** 53 - 1));
    assert.equal(reader(new Writer().varint(2n ** 63n - 1n)).int64(), '9223372036854775807');
    assert.equal(reader(new Writer().varint(-(2n ** 63n))).int64(), '-9223372036854775808');
    assert.equal(reader(new Writer().varint(-1)).int64(), -1);
  });

  it('reads int32 as the low 32 bits, signed, like Go', () => {
    assert.equal(reader(new Writer().varint(-5)).int32(), -5);
    assert.equal(reader(new Writer().varint(2 ** 31 - 1)).int32(), 2 ** 31 - 1);
    assert.equal(reader(new Writer().varint(2 ** 32 + 7)).int32(), 7);
  });

  it('reads tags, booleans and strings, and knows when it is done', () => {
    const r = reader(new Writer().tag(17, 2).varint(2).string(1, 'x'));
    assert.deepEqual(r.tag(), { field: 17, wireType: 2 });
    assert.equal(r.bool(), true);
    assert.deepEqual(r.tag(), { field: 1, wireType: 2 });
    assert.equal(r.string(), 'x');
    assert.equal(r.done, true);
  });

  it('fails with 400 on truncation and on a length past the end', () => {
    for (const bytes of [[0x80], [0x0a, 0x05, 0x61], [0x09, 1, 2, 3]]) {
      const r = new WireReader(Uint8Array.from(bytes));
      assert.throws(
        () => {
          const t = r.tag();
          r.skip(t.wireType);
          r.int64();
        },
        (err: unknown) => isStatusError(err, 'BadRequest') && err.code === 400,
      );
    }
  });
});
