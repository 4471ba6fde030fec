import assert from 'node:assert/strict';
import { chunkedDecoder } from '../../../bench/lib/raw-stream.js';

describe('bench raw watch stream: chunked body decoder', () => {
  const body = Buffer.from('5\r\nhello\r\n1a;ext=1\r\n{"type":"ADDED","x":"01"}\n\r\n0\r\n\r\n');

  it('hands on exactly the chunk data and sees the last chunk, however the bytes are split', () => {
    for (let a = 0; a <= body.length; a++) {
      for (let b = a; b <= body.length; b += 3) {
        const got: Buffer[] = [];
        let ends = 0;
        const feed = chunkedDecoder((bytes) => got.push(Buffer.from(bytes)), () => ends++);
        for (const piece of [body.subarray(0, a), body.subarray(a, b), body.subarray(b)]) if (piece.length > 0) feed(piece, 0);
        assert.equal(Buffer.concat(got).toString(), 'hello{"type":"ADDED","x":"01"}\n', `split at ${a}, ${b}`);
        assert.equal(ends, 1, `split at ${a}, ${b}`);
      }
    }
  });

  it('refuses a size line that is not hexadecimal', () => {
    const feed = chunkedDecoder(() => undefined, () => undefined);
    assert.throws(() => feed(Buffer.from('zz\r\n'), 0), /malformed chunk size/);
  });
});
