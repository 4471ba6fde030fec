/**
 * Spec §4.5 (server-side apply and managedFields), transcribed. Vectors that rest on the HTTP
 * handler alone (fieldManager/force parameters, kind check, 404, resourceVersion preconditions,
 * dry-run: SSA-20–22, 34, 36–38) are not engine behaviour and are left to the handler's tests.
 */
import assert from 'node:assert/strict';
import { Server, assertConflict, shortMf } from './fixtures.js';
import type { KubeObject } from '../../../../src/api/apply/index.js';

interface MfWant {
  manager: string;
  op: 'Apply' | 'Update';
  f?: unknown;
  v?: string;
  subresource?: string;
}

/** Compares the entries in order, on the members the vector states. */
function expectMf(s: Server, want: readonly MfWant[] | null): void {
  if (want === null) return assert.equal(s.mf, undefined);
  const got = shortMf(s.mf) as Record<string, unknown>[] | undefined;
  assert.ok(got !== undefined, 'managedFields missing');
  assert.deepEqual(
    got.map((g, i) => {
      const w = want[i];
      return {
        manager: g.manager,
        op: g.op,
        ...(w?.f !== undefined && { f: g.f }),
        ...(w?.v !== undefined && { v: g.v }),
        ...(g.subresource !== undefined && { subresource: g.subresource }),
      };
    }),
    want,
  );
}

const W0_SPEC = { items: [{ name: 'a', image: 'a:1' }], tags: ['x'], args: ['p'], selector: { k: 'v' }, params: { p1: '1' } };
const w0 = (): Server => {
  const s = new Server('Widget');
  assert.equal(s.ap({ spec: W0_SPEC }, 'app'), undefined);
  return s;
};
const W0_WITHOUT = (field: string): KubeObject => {
  const { [field]: _gone, ...spec } = W0_SPEC as Record<string, unknown>;
  return { spec };
};
const ssa01 = (): Server => {
  const s = new Server('ConfigMap');
  assert.equal(s.ap({ metadata: { labels: { tier: 'web' } }, data: { a: '1' } }, 'app'), undefined);
  return s;
};
const APP_01 = { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } };
const ssa03 = (): Server => {
  const s = ssa01();
  assert.equal(s.ap({ data: { a: '1' } }, 'ops'), undefined);
  return s;
};

describe('apply: spec §4.5 vectors', () => {
  it('SSA-01 create by apply', () => {
    const s = ssa01();
    assert.deepEqual(s.body(), { metadata: { labels: { tier: 'web' } }, data: { a: '1' } });
    expectMf(s, [{ manager: 'app', op: 'Apply', v: 'v1', f: APP_01 }]);
    assert.match(String(s.mf?.[0]?.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('SSA-02 identical re-apply is a no-op (managedFields incl. time unchanged)', () => {
    const s = ssa01();
    const before = structuredClone(s.obj);
    assert.equal(s.ap({ metadata: { labels: { tier: 'web' } }, data: { a: '1' } }, 'app'), undefined);
    assert.deepEqual(s.obj, before);
  });

  it('SSA-03 same value = shared ownership; the new co-owner has no time', () => {
    const s = ssa03();
    expectMf(s, [
      { manager: 'ops', op: 'Apply', f: { 'f:data': { 'f:a': {} } } },
      { manager: 'app', op: 'Apply', f: APP_01 },
    ]);
    assert.equal(s.mf?.[0]?.time, undefined);
  });

  it('SSA-04 different value = conflict', () => {
    const s = ssa01();
    const err = assertConflict(s.ap({ data: { a: '2' } }, 'ops'), ['.data.a']);
    assert.equal(err.status.details?.causes?.[0]?.message, 'conflict with "app"');
    assert.equal(err.status.details?.name, undefined);
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "app": .data.a');
  });

  it('SSA-05 force moves ownership', () => {
    const s = ssa01();
    assert.equal(s.ap({ data: { a: '2' } }, 'ops', { force: true }), undefined);
    assert.deepEqual(s.body().data, { a: '2' });
    expectMf(s, [
      { manager: 'app', op: 'Apply', f: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } } },
      { manager: 'ops', op: 'Apply', f: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('SSA-06 an entry that loses everything disappears', () => {
    const s = ssa01();
    assert.equal(s.ap({ metadata: { labels: { tier: 'db' } }, data: { a: '2' } }, 'ops', { force: true }), undefined);
    expectMf(s, [{ manager: 'ops', op: 'Apply', f: APP_01 }]);
  });

  it('SSA-07 omitted sole-owned field is removed', () => {
    const s = ssa01();
    assert.equal(s.ap({ metadata: { labels: { tier: 'web' } }, data: { b: '2' } }, 'app'), undefined);
    assert.deepEqual(s.body(), { metadata: { labels: { tier: 'web' } }, data: { b: '2' } });
    expectMf(s, [{ manager: 'app', op: 'Apply', f: { 'f:data': { 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } } }]);
  });

  it('SSA-08 omitted shared field stays; times unchanged', () => {
    const s = ssa03();
    const times = s.mf?.map((e) => e.time);
    assert.equal(s.ap({ metadata: { labels: { tier: 'web' } } }, 'app'), undefined);
    assert.deepEqual(s.body().data, { a: '1' });
    expectMf(s, [
      { manager: 'ops', op: 'Apply', f: { 'f:data': { 'f:a': {} } } },
      { manager: 'app', op: 'Apply', f: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } } },
    ]);
    assert.deepEqual(s.mf?.map((e) => e.time), times);
  });

  const ssa09 = (): Server => {
    const s = ssa01();
    s.mp({ data: { a: '9' } }, 'editor');
    return s;
  };

  it('SSA-09 Update takes ownership silently', () => {
    const s = ssa09();
    assert.deepEqual(s.body().data, { a: '9' });
    expectMf(s, [
      { manager: 'app', op: 'Apply', f: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } } },
      { manager: 'editor', op: 'Update', v: 'v1', f: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('SSA-10 re-apply now conflicts with the updater', () => {
    const s = ssa09();
    const err = assertConflict(s.ap({ metadata: { labels: { tier: 'web' } }, data: { a: '1' } }, 'app'), ['.data.a']);
    assert.equal(err.status.details?.causes?.[0]?.message, 'conflict with "editor" using v1');
  });

  it('SSA-11 Update entries accumulate per identity', () => {
    const s = ssa01();
    s.mp({ data: { b: '2' } }, 'editor');
    s.mp({ data: { c: '3' } }, 'editor');
    expectMf(s, [
      { manager: 'app', op: 'Apply' },
      { manager: 'editor', op: 'Update', v: 'v1', f: { 'f:data': { 'f:b': {}, 'f:c': {} } } },
    ]);
  });

  it('SSA-12 no-op update adds no entry', () => {
    const s = ssa01();
    const before = structuredClone(s.mf);
    s.put(structuredClone(s.obj)!, 'noop');
    assert.deepEqual(s.mf, before);
  });

  it('SSA-13 removal by an updater strips ownership and grants none', () => {
    const s = ssa01();
    s.mp({ data: { a: null } }, 'editor');
    assert.deepEqual(s.body().data, {});
    expectMf(s, [{ manager: 'app', op: 'Apply', f: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } } }]);
  });

  it('SSA-14 create tracks added nodes with "."', () => {
    const s = new Server('ConfigMap');
    s.put({ metadata: { labels: { tier: 'web' } }, data: { a: '1' } }, 'kubectl-create');
    expectMf(s, [
      {
        manager: 'kubectl-create',
        op: 'Update',
        v: 'v1',
        f: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:tier': {} } } },
      },
    ]);
  });

  it('SSA-15 before-first-apply', () => {
    const s = new Server('ConfigMap', { data: { a: '1', b: '2' } });
    assert.equal(s.ap({ data: { a: '1' } }, 'app'), undefined);
    expectMf(s, [
      { manager: 'app', op: 'Apply', f: { 'f:data': { 'f:a': {} } } },
      { manager: 'before-first-apply', op: 'Update', v: 'v1', f: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } } },
    ]);
  });

  it('SSA-16 before-first-apply can conflict', () => {
    const s = new Server('ConfigMap', { data: { a: '1' } });
    const err = assertConflict(s.ap({ data: { a: '5' } }, 'app'), ['.data.a']);
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  });

  it('SSA-17 reset with [{}] (or []), then untracked', () => {
    for (const reset of [[{}], []]) {
      const s = ssa01();
      s.mp({ metadata: { managedFields: reset } }, 'x');
      assert.equal(s.mf, undefined);
      s.mp({ data: { z: '1' } }, 'y');
      assert.equal(s.mf, undefined);
    }
  });

  it('SSA-18 client-supplied list replaces the tracked set', () => {
    const s = ssa01();
    const entry = { manager: 'other', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } };
    s.put({ data: { a: '1' }, metadata: { labels: { tier: 'web' }, managedFields: [entry] } }, 'x');
    expectMf(s, [{ manager: 'other', op: 'Apply', f: { 'f:data': { 'f:a': {} } } }]);
  });

  it('SSA-19 managedFields in an apply body → 400', () => {
    const s = new Server('ConfigMap');
    assert.throws(
      () => s.ap({ metadata: { managedFields: [{ manager: 'x' }] } }, 'app'),
      (e: unknown) => (e as { code: number; reason: string }).code === 400 && (e as { reason: string }).reason === 'BadRequest',
    );
  });

  it('SSA-23 unknown field → 400 naming the path', () => {
    const s = new Server('ConfigMap');
    assert.throws(
      () => s.ap({ spec: { x: 1 } }, 'app'),
      (e: unknown) => (e as { code: number }).code === 400 && (e as Error).message.endsWith('.spec: field not declared in schema'),
    );
  });

  it('SSA-24 keyed list merge across managers; fieldsV1 of W0', () => {
    const s = w0();
    assert.equal(s.ap({ spec: { items: [{ name: 'b', image: 'b:1' }] } }, 'ops'), undefined);
    assert.deepEqual((s.body().spec as KubeObject).items, [
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:1' },
    ]);
    expectMf(s, [
      {
        manager: 'app',
        op: 'Apply',
        f: {
          'f:spec': {
            'f:args': {},
            'f:items': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
            'f:params': { 'f:p1': {} },
            'f:selector': {},
            'f:tags': { 'v:"x"': {} },
          },
        },
      },
      { manager: 'ops', op: 'Apply', f: { 'f:spec': { 'f:items': { 'k:{"name":"b"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    ]);
  });

  it('SSA-25 merge order', () => {
    const s = new Server('Widget', { spec: { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } });
    assert.equal(s.ap({ spec: { items: [{ name: 'c' }, { name: 'a' }] } }, 'ops'), undefined);
    assert.deepEqual((s.body().spec as KubeObject).items, [{ name: 'b' }, { name: 'c' }, { name: 'a' }]);
  });

  it('SSA-26 atomic list and atomic map conflict as a whole; with force they are replaced', () => {
    const cfg = { spec: { args: ['q'], selector: { k: 'v', k2: 'v2' }, params: { p2: '2' } } };
    const s = w0();
    const err = assertConflict(s.ap(cfg, 'ops'), ['.spec.args', '.spec.selector']);
    assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "app":\n- .spec.args\n- .spec.selector');
    assert.equal(s.ap(cfg, 'ops', { force: true }), undefined);
    const spec = s.body().spec as KubeObject;
    assert.deepEqual([spec.args, spec.selector, spec.params], [['q'], { k: 'v', k2: 'v2' }, { p1: '1', p2: '2' }]);
  });

  it('SSA-27 sets', () => {
    const s = w0();
    assert.equal(s.ap({ spec: { tags: ['y'] } }, 'ops'), undefined);
    assert.deepEqual((s.body().spec as KubeObject).tags, ['x', 'y']);
    assert.equal(s.ap(W0_WITHOUT('tags'), 'app'), undefined);
    assert.deepEqual((s.body().spec as KubeObject).tags, ['y']);
    const ops = s.mf?.find((e) => e.manager === 'ops');
    assert.deepEqual(ops?.fieldsV1, { 'f:spec': { 'f:tags': { 'v:"y"': {} } } });
    const app = s.mf?.find((e) => e.manager === 'app')?.fieldsV1 as { 'f:spec': object };
    assert.equal(Object.hasOwn(app['f:spec'], 'f:tags'), false);
  });

  it('SSA-28 dropping an element deletes it even if someone owns a field inside', () => {
    const s = w0();
    s.mp({ spec: { items: [{ name: 'a', image: 'a:1', env: { E: '1' } }] } }, 'ctl');
    assert.equal(s.ap(W0_WITHOUT('items'), 'app'), undefined);
    assert.equal((s.body().spec as KubeObject).items, undefined);
    assert.deepEqual(
      s.mf?.map((e) => e.manager),
      ['app'],
    );
  });

  it('SSA-29 co-owned element survives its applier', () => {
    const s = w0();
    assert.equal(s.ap({ spec: { items: [{ name: 'a', image: 'a:1' }] } }, 'ops'), undefined);
    assert.equal(s.ap(W0_WITHOUT('items'), 'app'), undefined);
    assert.deepEqual((s.body().spec as KubeObject).items, [{ name: 'a', image: 'a:1' }]);
    expectMf(s, [
      { manager: 'ops', op: 'Apply', f: { 'f:spec': { 'f:items': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
      { manager: 'app', op: 'Apply', f: { 'f:spec': { 'f:args': {}, 'f:params': { 'f:p1': {} }, 'f:selector': {}, 'f:tags': { 'v:"x"': {} } } } },
    ]);
  });

  it('SSA-30 key field defaulted for identity', () => {
    const s = new Server('Pod');
    assert.equal(s.ap({ spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } }, 'app'), undefined);
    expectMf(s, [
      {
        manager: 'app',
        op: 'Apply',
        f: {
          'f:spec': {
            'f:containers': {
              'k:{"name":"c"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    ]);
  });

  it('SSA-31 atomic elements of a keyed list', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u1' }] } }, 'app'), undefined);
    expectMf(s, [{ manager: 'app', op: 'Apply', f: { 'f:metadata': { 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } } } }]);
  });

  it('SSA-32 status apply is tracked separately; status in a main apply is ignored', () => {
    const s = w0();
    assert.equal(s.ap({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'ctl', { subresource: 'status' }), undefined);
    expectMf(s, [
      { manager: 'app', op: 'Apply' },
      {
        manager: 'ctl',
        op: 'Apply',
        subresource: 'status',
        f: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } },
      },
    ]);
    assert.equal(s.ap({ spec: W0_SPEC, status: { conditions: [{ type: 'Other', status: 'x' }] } }, 'app'), undefined);
    assert.deepEqual(s.body().status, { conditions: [{ type: 'Ready', status: 'True' }] });
    assert.equal(JSON.stringify(s.mf?.[0]?.fieldsV1).includes('f:status'), false);
  });

  it('SSA-33 subresource is part of Update identity', () => {
    const s = w0();
    s.mp({ spec: { replicas: 2 } }, 'ctl');
    s.mp({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'ctl', { subresource: 'status' });
    const ctl = s.mf?.filter((e) => e.manager === 'ctl').map((e) => [e.operation, e.subresource ?? '']);
    assert.deepEqual(ctl, [
      ['Update', ''],
      ['Update', 'status'],
    ]);
  });

  it('SSA-39 apply owning nothing recordable leaves the object untracked', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ metadata: { name: 'c' } }, 'app'), undefined);
    assert.ok(s.obj !== undefined);
    assert.equal(s.mf, undefined);
    s.mp({ data: { a: '1' } }, 'later');
    assert.equal(s.mf, undefined);
  });

  it('SSA-40 eleventh Update manager folds the oldest into ancient-changes', () => {
    const s = ssa01();
    for (let i = 1; i <= 11; i++) s.mp({ data: { [`k${i}`]: 'v' } }, `u${String(i).padStart(2, '0')}`);
    const names = s.mf?.map((e) => e.manager);
    assert.deepEqual(names, ['app', 'ancient-changes', ...Array.from({ length: 9 }, (_, i) => `u${String(i + 3).padStart(2, '0')}`)]);
    const ancient = s.mf?.[1];
    assert.deepEqual(ancient?.fieldsV1, { 'f:data': { 'f:k1': {}, 'f:k2': {} } });
    assert.equal(ancient?.time, s.mf?.[2]?.time === undefined ? undefined : new Date(Date.parse(s.mf[2].time) - 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('SSA-41 applying a key that is duplicated in live', () => {
    const live = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'a',
                image: 'i',
                env: [
                  { name: 'X', value: '1' },
                  { name: 'X', value: '2' },
                ],
              },
            ],
          },
        },
      },
    };
    const s = new Server('Deployment');
    s.put(live, 'creator');
    const cfg = { spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '3' }] }] } } } };
    const err = assertConflict(s.ap(cfg, 'app'), ['.spec.template.spec.containers[name="a"].env[name="X"]']);
    assert.equal(err.status.details?.causes?.[0]?.message, 'conflict with "creator" using apps/v1');
    assert.equal(s.ap(cfg, 'app', { force: true }), undefined);
    const spec = (s.body().spec as { template: { spec: { containers: { env: unknown }[] } } }).template.spec;
    assert.deepEqual(spec.containers[0]?.env, [{ name: 'X', value: '3' }]);
  });

  it('W0 params: null leaves content and owns the node only', () => {
    const s = w0();
    const before = structuredClone(s.body());
    assert.equal(s.ap({ spec: { params: null } }, 'ops'), undefined);
    assert.deepEqual(s.body(), before);
    expectMf(s, [
      { manager: 'ops', op: 'Apply', f: { 'f:spec': { 'f:params': {} } } },
      { manager: 'app', op: 'Apply' },
    ]);
  });
});
