import assert from 'node:assert/strict';
import {
  FieldSetBuilder,
  FieldsV1Error,
  decodeFieldsV1,
  difference,
  encodeFieldsV1,
  has,
  intersection,
  isEmpty,
  keyElement,
  pathStrings,
  pathToString,
  setOf,
  union,
  valueElement,
  withoutSubtrees,
} from '../../../../src/api/apply/index.js';

const P = (...els: string[]): string[] => els;

describe('apply: FieldsV1 codec', () => {
  const roundTrips: [string, unknown][] = [
    ['kubectl create ConfigMap', { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } }],
    ['nested keyed element', { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } }],
    ['multi-field key', { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } }],
    ['set values of several types', { 'f:s': { 'v:1': {}, 'v:"a"': {}, 'v:true': {} } }],
    ['index elements', { 'f:l': { 'i:0': {}, 'i:2': {} } }],
    ['empty set', {}],
  ];
  for (const [name, json] of roundTrips) {
    it(`round-trips: ${name}`, () => {
      assert.deepEqual(encodeFieldsV1(decodeFieldsV1(json)), json);
      assert.equal(JSON.stringify(encodeFieldsV1(decodeFieldsV1(json))), JSON.stringify(json));
    });
  }

  it('emits "." first, then f: < k: < v: < i:, names byte-wise', () => {
    const s = setOf([P('i:1'), P('v:"b"'), P('k:{"a":1}'), P('f:b'), P('f:B'), P('f:a'), P('f:a', 'f:x'), P('v:2')]);
    assert.deepEqual(Object.keys(encodeFieldsV1(s)), ['f:B', 'f:a', 'f:b', 'k:{"a":1}', 'v:2', 'v:"b"', 'i:1']);
    assert.deepEqual(Object.keys(encodeFieldsV1(s)['f:a']!), ['.', 'f:x']);
  });

  it('orders keys field by field, numbers before strings', () => {
    const s = setOf([P('k:{"n":"b"}'), P('k:{"n":2}'), P('k:{"n":"a"}'), P('k:{"m":"z"}')]);
    assert.deepEqual(Object.keys(encodeFieldsV1(s)), ['k:{"m":"z"}', 'k:{"n":2}', 'k:{"n":"a"}', 'k:{"n":"b"}']);
  });

  it('decodes any member order and canonicalizes keys', () => {
    const s = decodeFieldsV1({ 'f:p': { 'k:{"protocol":"TCP","containerPort":80}': {} } });
    assert.ok(has(s, ['f:p', keyElement({ containerPort: 80, protocol: 'TCP' })]));
  });

  it('ignores unknown prefixes', () => {
    assert.deepEqual(encodeFieldsV1(decodeFieldsV1({ 'x:zz': {}, 'f:a': {} })), { 'f:a': {} });
  });

  const bad: [string, unknown][] = [
    ['not an object', 'f:a'],
    ['array member', { 'f:a': [] }],
    ['key not JSON', { 'k:{oops': {} }],
    ['key not an object', { 'k:[1]': {} }],
    ['bad index', { 'i:x': {} }],
    ['bad value JSON', { 'v:{': {} }],
  ];
  for (const [name, json] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => decodeFieldsV1(json), FieldsV1Error));
  }
});

describe('apply: field set operations', () => {
  const a = setOf([P('f:data', 'f:a'), P('f:data', 'f:b'), P('f:metadata', 'f:labels')]);
  const b = setOf([P('f:data', 'f:b'), P('f:data', 'f:c'), P('f:data')]);

  it('union', () => {
    assert.deepEqual(pathStrings(union(a, b)), ['.data', '.data.a', '.data.b', '.data.c', '.metadata.labels']);
  });
  it('difference', () => {
    assert.deepEqual(pathStrings(difference(a, b)), ['.data.a', '.metadata.labels']);
    assert.deepEqual(pathStrings(difference(b, a)), ['.data', '.data.c']);
  });
  it('intersection', () => {
    assert.deepEqual(pathStrings(intersection(a, b)), ['.data.b']);
  });
  it('isEmpty after removing everything', () => {
    assert.ok(isEmpty(difference(a, a)));
    assert.ok(!isEmpty(a));
  });
  it('withoutSubtrees drops members at and below the prefixes', () => {
    assert.deepEqual(pathStrings(withoutSubtrees(union(a, b), setOf([P('f:data')]))), ['.metadata.labels']);
  });
  it('a builder prunes branches without members and is spent once built', () => {
    const builder = new FieldSetBuilder();
    builder.insert(P('f:spec', 'f:replicas'));
    builder.insert(P('f:metadata', 'f:labels', 'f:app'));
    const set = builder.build();
    assert.deepEqual(pathStrings(set), ['.metadata.labels.app', '.spec.replicas']);
    assert.deepEqual(encodeFieldsV1(set), { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
    assert.throws(() => builder.insert(P('f:x')));
    assert.throws(() => builder.build());
    assert.deepEqual(pathStrings(set), ['.metadata.labels.app', '.spec.replicas']);
  });
});

describe('apply: path strings', () => {
  const cases: [string[], string][] = [
    [['f:spec', 'f:replicas'], '.spec.replicas'],
    [['f:spec', 'f:containers', keyElement({ name: 'nginx' }), 'f:image'], '.spec.containers[name="nginx"].image'],
    [['f:metadata', 'f:finalizers', valueElement('a')], '.metadata.finalizers[="a"]'],
    [['f:list', 'i:0'], '.list[0]'],
    [['f:ports', keyElement({ protocol: 'TCP', containerPort: 80 })], '.ports[containerPort=80,protocol="TCP"]'],
  ];
  for (const [path, text] of cases) it(text, () => assert.equal(pathToString(path), text));
});
