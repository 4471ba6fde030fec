import assert from 'node:assert/strict';
import { warningHeaderValues } from '../../../../src/registry/validation/index.js';

/** What client-go reads back: the header bytes as UTF-8. */
const decoded = (v: string): string => Buffer.from(v, 'latin1').toString('utf8');

describe('warningHeaderValues', () => {
  /** [case, texts, decoded header values]. */
  const CASES: [string, string[], string[]][] = [
    ['one warning', ['unknown field "spec.foo"'], ['299 - "unknown field \\"spec.foo\\""']],
    ['backslashes are escaped', ['a\\b'], ['299 - "a\\\\b"']],
    ['commas stay as they are', ['first, with comma'], ['299 - "first, with comma"']],
    ['duplicates are sent once', ['x', 'y', 'x'], ['299 - "x"', '299 - "y"']],
    ['empty texts are skipped', ['', 'a'], ['299 - "a"']],
    ['non-ASCII survives the Latin-1 writer', ['größe ✓ 🚀'], ['299 - "größe ✓ 🚀"']],
    ['control characters cannot be sent', ['line\nbreak', 'ok'], ['299 - "ok"']],
    ['unpaired surrogates cannot be sent', ['bad \ud800', 'ok'], ['299 - "ok"']],
  ];
  for (const [name, texts, expected] of CASES) {
    it(name, () => assert.deepEqual(warningHeaderValues(texts).map(decoded), expected));
  }

  it('produces Latin-1 strings Node can write', () => {
    const [v] = warningHeaderValues(['größe']);
    assert.ok(v !== undefined && [...v].every((c) => c.charCodeAt(0) <= 0xff));
    assert.equal(v, Buffer.from('299 - "größe"', 'utf8').toString('latin1'));
  });

  it('keeps everything while the total stays within 4096 runes', () => {
    const texts = Array.from({ length: 8 }, (_, i) => `${i}`.padEnd(500, 'x'));
    const values = warningHeaderValues(texts);
    assert.equal(values.length, 8);
    assert.ok(values.every((v) => v.length === 500 + 8));
  });

  it('cuts every warning to 256 runes once the total passes 4096', () => {
    const texts = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(500, 'é'));
    const values = warningHeaderValues(texts).map(decoded);
    assert.equal(values.length, 10);
    for (const [i, v] of values.entries()) assert.equal(v, `299 - "${`${i}`.padEnd(256, 'é')}"`);
  });

  it('drops warnings beyond the budget once truncating', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(1000, 'z'));
    const values = warningHeaderValues(texts);
    // 4096 / 256 = 16 truncated warnings fill the budget; the rest are dropped.
    assert.equal(values.length, 16);
  });

  it('uses the given agent', () => {
    assert.deepEqual(warningHeaderValues(['a'], 'kube-apiserver'), ['299 kube-apiserver "a"']);
  });
});
