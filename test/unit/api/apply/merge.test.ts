import assert from 'node:assert/strict';
import {
  ApplyTypeError,
  DEDUCED,
  compare,
  compareWithEmpty,
  equalSets,
  fieldsOf,
  mergeList,
  mergeValues,
  pathStrings,
  schemaFromOpenApiV2,
  schemaFromStructural,
  type ApplySchema,
  type ListSchema,
} from '../../../../src/api/apply/index.js';
import { WIDGET_SCHEMA, builtin } from './fixtures.js';

const SCALAR: ApplySchema = { kind: 'scalar' };
const STRUCT_ITEM: ApplySchema = { kind: 'struct', atomic: false, open: false, field: (f) => (f === 'name' || f === 'v' ? SCALAR : undefined) };
const keyed: ListSchema = { kind: 'list', listType: 'map', keys: ['name'], items: () => STRUCT_ITEM };
const set: ListSchema = { kind: 'list', listType: 'set', keys: [], items: () => ({ kind: 'scalar' }) };
const n = (...names: string[]): { name: string }[] => names.map((name) => ({ name }));

describe('apply: merge order of keyed lists and sets (§3.6)', () => {
  const cases: [string, string[], string[], string[]][] = [
    ['new elements interleave after their config predecessor', ['a', 'b', 'c', 'd'], ['a', 'aprime', 'c', 'cprime'], ['a', 'b', 'aprime', 'c', 'd', 'cprime']],
    ['pure reordering follows the config', ['a', 'b', 'c', 'd'], ['a', 'd', 'c', 'b'], ['a', 'd', 'c', 'b']],
    ['live-only element keeps its place (SSA-25)', ['a', 'b', 'c'], ['c', 'a'], ['b', 'c', 'a']],
    ['new elements go last', ['b1', 'b2'], ['x'], ['b1', 'b2', 'x']],
    ['empty live', [], ['x', 'y'], ['x', 'y']],
    ['empty config keeps live', ['a', 'b'], [], ['a', 'b']],
    ['identical', ['a', 'b'], ['a', 'b'], ['a', 'b']],
  ];
  for (const [name, live, cfg, want] of cases) {
    it(`map list: ${name}`, () => {
      assert.deepEqual(mergeList(n(...live), n(...cfg), keyed), n(...want));
    });
    it(`set: ${name}`, () => {
      assert.deepEqual(mergeList(live, cfg, set), want);
    });
  }

  it('merges a config element into its live twin', () => {
    assert.deepEqual(mergeList([{ name: 'a', v: '1' }, { name: 'b' }], [{ name: 'a', v: '2' }], keyed), [
      { name: 'a', v: '2' },
      { name: 'b' },
    ]);
  });

  it('untouched duplicates in live are kept; a named duplicate collapses into the config element', () => {
    const live = [{ name: 'x', v: '1' }, { name: 'x', v: '2' }, { name: 'y' }];
    assert.deepEqual(mergeList(live, [{ name: 'y', v: 'n' }], keyed), [{ name: 'x', v: '1' }, { name: 'x', v: '2' }, { name: 'y', v: 'n' }]);
    assert.deepEqual(mergeList(live, [{ name: 'x', v: '3' }], keyed), [{ name: 'x', v: '3' }, { name: 'y' }]);
  });
});

describe('apply: value merge', () => {
  const widget = schemaFromStructural(WIDGET_SCHEMA);
  const live = { spec: { args: ['a', 'b'], selector: { k: 'v', j: 'w' }, params: { p1: '1' }, tags: ['x'], replicas: 1 } };
  const cases: [string, unknown, unknown][] = [
    ['atomic list replaced whole', { spec: { args: ['c'] } }, { ...live.spec, args: ['c'] }],
    ['atomic map replaced whole', { spec: { selector: { k2: 'v2' } } }, { ...live.spec, selector: { k2: 'v2' } }],
    ['granular map merged per key', { spec: { params: { p2: '2' } } }, { ...live.spec, params: { p1: '1', p2: '2' } }],
    ['set unioned', { spec: { tags: ['y', 'x'] } }, { ...live.spec, tags: ['y', 'x'] }],
    ['scalar null sets null', { spec: { replicas: null } }, { ...live.spec, replicas: null }],
    ['null on granular map with content leaves it', { spec: { params: null } }, live.spec],
    ['null on atomic list sets null', { spec: { args: null } }, { ...live.spec, args: null }],
    ['[] on atomic list replaces it', { spec: { args: [] } }, { ...live.spec, args: [] }],
    ['[] on a set keeps live', { spec: { tags: [] } }, live.spec],
  ];
  for (const [name, cfg, want] of cases) {
    it(name, () => assert.deepEqual((mergeValues(live, cfg, widget) as { spec: unknown }).spec, want));
  }

  it('null on a granular node absent in live sets null', () => {
    assert.deepEqual(mergeValues({ spec: {} }, { spec: { params: null } }, widget), { spec: { params: null } });
  });
});

describe('apply: field sets of values (§3.2)', () => {
  const deploy = builtin('apps', 'v1', 'Deployment');
  it('Deployment: containers by name, ports by containerPort+protocol, env by name', () => {
    const obj = {
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'x' } },
        template: {
          spec: {
            containers: [
              { name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'UDP' }], env: [{ name: 'E', value: '1' }], args: ['a'] },
            ],
          },
        },
      },
    };
    assert.deepEqual(pathStrings(fieldsOf(obj, deploy, true)), [
      '.spec.replicas',
      '.spec.selector',
      '.spec.template.spec.containers[name="c"]',
      '.spec.template.spec.containers[name="c"].args',
      '.spec.template.spec.containers[name="c"].env[name="E"]',
      '.spec.template.spec.containers[name="c"].env[name="E"].name',
      '.spec.template.spec.containers[name="c"].env[name="E"].value',
      '.spec.template.spec.containers[name="c"].image',
      '.spec.template.spec.containers[name="c"].name',
      '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="UDP"]',
      '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="UDP"].containerPort',
      '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="UDP"].protocol',
    ]);
  });

  it('Service ports keyed by port+protocol (protocol defaulted)', () => {
    const svc = builtin('', 'v1', 'Service');
    const got = pathStrings(fieldsOf({ spec: { ports: [{ port: 53 }, { port: 53, protocol: 'UDP' }] } }, svc, true));
    assert.deepEqual(got.filter((p) => !p.endsWith('port') && !p.endsWith('protocol')), [
      '.spec.ports[port=53,protocol="TCP"]',
      '.spec.ports[port=53,protocol="UDP"]',
    ]);
  });

  it('a key field without value or default is left out of the key', () => {
    const pod = builtin('', 'v1', 'Pod');
    const got = pathStrings(fieldsOf({ spec: { containers: [{ name: 'c', ports: [{ protocol: 'UDP' }] }] } }, pod, true));
    assert.ok(got.includes('.spec.containers[name="c"].ports[protocol="UDP"]'), got.join(' '));
  });

  it('finalizers are a set of scalars; {} owns the node; [] on a granular list owns nothing', () => {
    const cm = builtin('', 'v1', 'ConfigMap');
    assert.deepEqual(pathStrings(fieldsOf({ metadata: { finalizers: ['a', 'b'], labels: {}, ownerReferences: [] } }, cm, true)), [
      '.metadata.finalizers[="a"]',
      '.metadata.finalizers[="b"]',
      '.metadata.labels',
    ]);
  });

  const errors: [string, unknown, string][] = [
    ['undeclared field', { spec: { x: 1 } }, '.spec.x: field not declared in schema'],
    ['duplicate keyed element', { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } }, '.spec.template.spec.containers: duplicate entries for key [name="a"]'],
    ['element without any key', { spec: { template: { spec: { containers: [{ image: 'i' }] } } } }, '.spec.template.spec.containers: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)'],
    ['list where a map is expected', { spec: { selector: [] } }, '.spec.selector: expected map, got list'],
  ];
  for (const [name, obj, message] of errors) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => fieldsOf(obj, deploy, true),
        (e: unknown) => e instanceof ApplyTypeError && e.message === message,
      );
    });
  }
});

describe('apply: comparison (§3.4)', () => {
  const widget = schemaFromStructural(WIDGET_SCHEMA);
  it('reordering a keyed list is no change', () => {
    const c = compare({ spec: { items: n('a', 'b') } }, { spec: { items: n('b', 'a') } }, widget);
    assert.deepEqual([c.added, c.modified, c.removed].map(pathStrings), [[], [], []]);
  });
  it('added granular node brings its own path and descendants; atomic change is one modification', () => {
    const c = compare({ spec: { args: ['a'] } }, { spec: { args: ['b'], params: { p: '1' } } }, widget);
    assert.deepEqual(pathStrings(c.added), ['.spec.params', '.spec.params.p']);
    assert.deepEqual(pathStrings(c.modified), ['.spec.args']);
  });
  it('removed element reports the element and its fields', () => {
    const c = compare({ spec: { items: [{ name: 'a', image: 'i' }] } }, { spec: { items: [] } }, widget);
    assert.deepEqual(pathStrings(c.removed), ['.spec.items[name="a"]', '.spec.items[name="a"].image', '.spec.items[name="a"].name']);
  });
});

describe('apply: schema model (§3.1)', () => {
  const defs = {
    T: {
      type: 'object',
      properties: {
        merged: { type: 'array', items: { $ref: '#/definitions/E' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'k' },
        mergedScalars: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
        retain: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'retainKeys' },
        explicit: { type: 'array', items: { $ref: '#/definitions/E' }, 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'k' },
        plain: { type: 'array', items: { type: 'string' } },
        atomicRef: { $ref: '#/definitions/E', 'x-kubernetes-map-type': 'atomic' },
        raw: { $ref: '#/definitions/Raw' },
        m: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    E: { type: 'object', properties: { k: { type: 'string' } } },
    Raw: { type: 'object' },
  };
  const s = schemaFromOpenApiV2(defs, 'T');
  const f = (name: string): ApplySchema => (s.kind === 'struct' ? s.field(name)! : assert.fail());
  const describeList = (x: ApplySchema): string => (x.kind === 'list' ? `${x.listType}${x.keys.length ? `:${x.keys.join('+')}` : ''}` : x.kind);
  const cases: [string, string][] = [
    ['merged', 'map:k'],
    ['mergedScalars', 'set'],
    ['retain', 'atomic'],
    ['explicit', 'atomic'],
    ['plain', 'atomic'],
  ];
  for (const [name, want] of cases) it(`list ${name} → ${want}`, () => assert.equal(describeList(f(name)), want));
  it('map-type atomic on the property makes a struct atomic', () => {
    const x = f('atomicRef');
    assert.ok(x.kind === 'struct' && x.atomic);
  });
  it('RawExtension-like objects are atomic; maps granular', () => {
    const raw = f('raw');
    assert.ok(raw.kind === 'untyped' && raw.atomic);
    const m = f('m');
    assert.ok(m.kind === 'map' && !m.atomic);
  });
  it('CRD lists are atomic without list type; metadata is ObjectMeta', () => {
    const w = schemaFromStructural(WIDGET_SCHEMA);
    assert.ok(w.kind === 'struct');
    const spec = w.field('spec');
    assert.ok(spec?.kind === 'struct');
    assert.equal(describeList(spec.field('args')!), 'atomic');
    const meta = w.field('metadata');
    assert.ok(meta?.kind === 'struct' && meta.field('ownerReferences')?.kind === 'list');
  });
  it('preserve-unknown-fields accepts undeclared fields as granular maps', () => {
    const open = schemaFromStructural({ type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } });
    assert.deepEqual(pathStrings(fieldsOf({ spec: { a: { b: 1 }, l: [1] } }, open, true)), ['.spec.a.b', '.spec.l']);
  });
});

describe('apply: comparison with an empty object (a create)', () => {
  const widget = schemaFromStructural(WIDGET_SCHEMA);
  const deployment = builtin('apps', 'v1', 'Deployment');
  const configMap = builtin('', 'v1', 'ConfigMap');
  const cases: [string, unknown, ApplySchema][] = [
    ['empty object', {}, widget],
    ['widget: keyed list, set, atomic map, granular map, nulls and empty nodes', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: '1' }, annotations: {} },
      spec: { replicas: 2, items: [{ name: 'a', image: 'i', env: { X: '1' } }, { name: 'b' }], tags: ['x', 'y'], args: ['--v'], selector: { app: 'w' }, params: null },
      status: {},
    }, widget],
    ['widget: duplicate keyed elements and set values are one leaf each', { spec: { items: [{ name: 'a', image: '1' }, { name: 'a', image: '2' }, {}], tags: ['x', 'x'] } }, widget],
    ['deployment: containers by name, ports by containerPort+protocol', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n', labels: { app: 'd' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] } },
      },
    }, deployment],
    ['configmap with undeclared fields', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x', b: '' }, extra: { deep: [1, { x: 2 }] } }, configMap],
    ['untyped', { a: { b: [1, 2], c: null }, d: [] }, DEDUCED],
    ['atomic root falls back to the general comparison', { a: 1 }, { kind: 'untyped', atomic: true }],
  ];
  for (const [name, value, schema] of cases) {
    it(name, () => {
      const fast = compareWithEmpty(value, schema);
      const general = compare({}, value, schema);
      assert.deepEqual([fast.added, fast.modified, fast.removed].map(pathStrings), [general.added, general.modified, general.removed].map(pathStrings));
      assert.ok(equalSets(fast.added, general.added));
    });
  }
  it('finds every node below the root', () => {
    const c = compareWithEmpty({ spec: { items: [{ name: 'a' }], params: { p: '1' } } }, widget);
    assert.deepEqual(pathStrings(c.added), ['.spec', '.spec.items', '.spec.items[name="a"]', '.spec.items[name="a"].name', '.spec.params', '.spec.params.p']);
  });
});
