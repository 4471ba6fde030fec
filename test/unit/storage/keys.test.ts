import assert from 'node:assert/strict';
import { compareKeys } from '../../../storage/index.js';

describe('compareKeys', () => {
  const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const cases: [string, string][] = [
    ['a', 'b'],
    ['a', 'ab'],
    ['', 'a'],
    ['/x/\u00e9', '/x/z'],
    ['\uffff', '\u{1F600}'],
    ['\ue000', '\ud83d\ude00'],
    ['\u{10000}', '\u{10FFFF}'],
    ['\u07ff', '\u0800'],
    ['same', 'same'],
  ];
  for (const [a, b] of cases) {
    it(`orders ${JSON.stringify(a)} and ${JSON.stringify(b)} as their UTF-8 bytes do`, () => {
      assert.equal(Math.sign(compareKeys(a, b)), Math.sign(byBytes(a, b)));
      assert.equal(Math.sign(compareKeys(b, a)), Math.sign(byBytes(b, a)));
    });
  }
});
