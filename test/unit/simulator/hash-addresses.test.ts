import assert from 'node:assert/strict';
import { intToIpv4, ipv4ToInt, pickAddress } from '../../../src/simulator/model/addresses.js';
import { canonicalJson, fnv32a, safeEncode, templateHash } from '../../../src/simulator/model/hash.js';
import { template } from './fixtures.js';

describe('simulator hashes', () => {
  const cases: [string, string, number][] = [
    ['empty', '', 0x811c9dc5],
    ['a', 'a', 0xe40c292c],
    ['foobar', 'foobar', 0xbf9cf968],
  ];
  for (const [what, input, want] of cases) it(`fnv32a of ${what}`, () => assert.equal(fnv32a(Buffer.from(input)), want));

  it('encodes with kube’s safe alphabet', () => {
    assert.equal(safeEncode('0123'), '4567');
    assert.match(templateHash(template()), /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });

  it('hashes equal templates equally whatever their key order', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
    assert.equal(templateHash({ spec: { x: 1 }, metadata: { y: 2 } }), templateHash({ metadata: { y: 2 }, spec: { x: 1 } }));
  });

  it('gives another hash for another template or collision count', () => {
    const base = templateHash(template());
    assert.notEqual(templateHash(template('nginx:1.27')), base);
    assert.notEqual(templateHash(template(), 0), base);
    assert.notEqual(templateHash(template(), 1), templateHash(template(), 0));
  });
});

describe('simulator addresses', () => {
  it('converts IPv4 addresses', () => {
    assert.equal(ipv4ToInt('10.244.1.2'), 0x0af40102);
    assert.equal(intToIpv4(0x0af40102), '10.244.1.2');
  });

  it('picks a stable address per seed and skips those in use', () => {
    const range = { base: '192.168.0.0', size: 4 };
    const first = pickAddress(range, 'pod-a', new Set());
    assert.ok(first === '192.168.0.1' || first === '192.168.0.2');
    assert.equal(pickAddress(range, 'pod-a', new Set()), first);
    const other = first === '192.168.0.1' ? '192.168.0.2' : '192.168.0.1';
    assert.equal(pickAddress(range, 'pod-a', new Set([first])), other);
    assert.equal(pickAddress(range, 'pod-a', new Set([first, other])), undefined);
  });
});
