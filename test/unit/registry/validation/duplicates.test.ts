import assert from 'node:assert/strict';
import { findDuplicateFields } from '../../../../src/registry/validation/index.js';
import { bigObject } from './fixtures.js';

describe('findDuplicateFields', () => {
  /** [case, JSON text, duplicate paths]. */
  const CASES: [string, string, string[]][] = [
    ['none', '{"a":1,"b":{"a":2}}', []],
    ['at the root', '{"kind":"Pod","kind":"Pod"}', ['kind']],
    ['nested', '{"spec":{"replicas":1,"replicas":2}}', ['spec.replicas']],
    ['in arrays of objects', '{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}', ['spec.containers[1].name']],
    ['in nested arrays', '{"a":[[{"x":1}],[{"y":1,"y":2}]]}', ['a[1][0].y']],
    ['escaped keys compare unescaped', '{"k\\u0065y":1,"key":2}', ['key']],
    ['escaped quotes inside keys and values', '{"a\\"b":"x\\"","a\\"b":"\\\\"}', ['a"b']],
    ['keys in strings are not keys', '{"a":"{\\"b\\":1,\\"b\\":2}","c":["a","a"]}', []],
    ['reported once however often repeated', '{"a":1,"a":2,"a":3}', ['a']],
    ['same key in sibling objects is fine', '{"x":{"a":1},"y":{"a":1},"z":[{"a":1},{"a":2}]}', []],
    ['whitespace everywhere', '{ "m" : { "k" : 1 ,\n "k" : 2 } }', ['m.k']],
    ['document order', '{"b":{"x":1,"x":1},"a":1,"a":2}', ['b.x', 'a']],
    ['malformed input does not throw', '{"a":1,"a":"unterminated', ['a']],
    ['empty', '', []],
  ];
  for (const [name, text, expected] of CASES) {
    it(name, () => assert.deepEqual(findDuplicateFields(text), expected));
  }

  it('stops at 100 problems, like upstream', () => {
    const keys = Array.from({ length: 150 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',');
    assert.equal(findDuplicateFields(`{${keys}}`).length, 100);
  });

  it('scans a 100 KiB body in a few milliseconds', () => {
    const text = JSON.stringify(bigObject());
    assert.ok(text.length > 100 * 1024);
    findDuplicateFields(text);
    const runs = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) assert.deepEqual(findDuplicateFields(text), []);
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    assert.ok(ms < 25, `took ${ms.toFixed(2)} ms`);
  });
});
