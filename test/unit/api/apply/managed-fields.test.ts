import assert from 'node:assert/strict';
import {
  ManagedFieldsError,
  apply,
  capUpdateEntries,
  decodeManagedFields,
  defaultFieldManager,
  encodeManagedFields,
  formatTime,
  setOf,
  update,
  validateManagedFields,
  type ManagedEntry,
  type ManagedFieldsEntry,
} from '../../../../src/api/apply/index.js';
import { Server, assertConflict, builtin, shortMf } from './fixtures.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('apply: ownership across managers', () => {
  it('removing a field shared by two appliers: it stays until the last one drops it', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ data: { a: '1', b: '1' } }, 'one'), undefined);
    assert.equal(s.ap({ data: { a: '1' } }, 'two'), undefined);
    assert.equal(s.ap({ data: { b: '1' } }, 'one'), undefined);
    assert.deepEqual(s.body().data, { a: '1', b: '1' });
    assert.equal(s.ap({ data: { c: '1' } }, 'two'), undefined);
    assert.deepEqual(s.body().data, { b: '1', c: '1' });
  });

  it('apply after an update by another manager: the updated field is not pruned by the applier', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ data: { a: '1' } }, 'app'), undefined);
    s.mp({ data: { b: '2' } }, 'editor');
    assert.equal(s.ap({ data: { a: '1', c: '3' } }, 'app'), undefined);
    assert.deepEqual(s.body().data, { a: '1', b: '2', c: '3' });
  });

  it('conflicts with several managers are grouped by manager identity', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ data: { a: '1' } }, 'zed'), undefined);
    s.mp({ data: { b: '1', c: '1' } }, 'alpha');
    const err = assertConflict(s.ap({ data: { a: '2', b: '2', c: '2' } }, 'me'), ['.data.b', '.data.c', '.data.a']);
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "alpha" using v1:\n- .data.b\n- .data.c\nconflicts with "zed":\n- .data.a',
    );
  });

  it('an applier never conflicts on a field nobody owns', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ metadata: { labels: { x: 'y' } }, data: { a: '1' } }, 'app'), undefined);
    const onlyLabels = [
      { manager: 'app', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:x': {} } } } },
    ];
    s.jp([{ op: 'replace', path: '/metadata/managedFields', value: onlyLabels }], 'kubectl');
    assert.equal(s.ap({ data: { a: '2' } }, 'other'), undefined);
    assert.deepEqual(s.body().data, { a: '2' });
  });

  it('Update never conflicts and takes changed fields from appliers', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap({ spec: { replicas: 3 } }, 'app'), undefined);
    s.mp({ spec: { replicas: 5 } }, 'hpa');
    assert.deepEqual(
      shortMf(s.mf)?.map((e) => (e as { manager: string }).manager),
      ['hpa'],
    );
    assertConflict(s.ap({ spec: { replicas: 3 } }, 'app'), ['.spec.replicas']);
  });
});

describe('apply: subresources', () => {
  it('status writes are tracked under their own identity and never own spec', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap({ spec: { replicas: 1 } }, 'app'), undefined);
    s.mp({ status: { replicas: 1 } }, 'controller', { subresource: 'status' });
    const ctl = s.mf?.find((e) => e.manager === 'controller');
    assert.deepEqual([ctl?.subresource, ctl?.fieldsV1], ['status', { 'f:status': { '.': {}, 'f:replicas': {} } }]);
  });

  it('conflicts are evaluated against all entries regardless of subresource', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap({ spec: { replicas: 1 } }, 'scaler', { subresource: 'scale' }), undefined);
    const err = assertConflict(s.ap({ spec: { replicas: 2 } }, 'app'), ['.spec.replicas']);
    assert.equal(err.status.details?.causes?.[0]?.message, 'conflict with "scaler" with subresource "scale"');
  });
});

describe('apply: realistic Deployment', () => {
  const manifest = (image: string, env: { name: string; value: string }[]) => ({
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }], env }] },
      },
    },
  });

  it('re-applying without an env var removes it; a sidecar added by another manager survives', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap(manifest('nginx:1', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), 'kubectl'), undefined);
    assert.equal(s.ap({ spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } } }, 'mesh'), undefined);
    assert.equal(s.ap(manifest('nginx:2', [{ name: 'B', value: '2' }]), 'kubectl'), undefined);
    const containers = (s.body().spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    assert.deepEqual(containers, [
      { name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }], env: [{ name: 'B', value: '2' }] },
      { name: 'sidecar', image: 'envoy' },
    ]);
  });

  it('an associative list reordered by the applier follows the config order', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap(manifest('i', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), 'kubectl'), undefined);
    assert.equal(s.ap(manifest('i', [{ name: 'B', value: '2' }, { name: 'A', value: '1' }]), 'kubectl'), undefined);
    const c = (s.body().spec as { template: { spec: { containers: { env: unknown }[] } } }).template.spec.containers[0];
    assert.deepEqual(c?.env, [{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
  });

  it('atomic selector: a different selector from another manager conflicts as a whole', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap(manifest('i', []), 'kubectl'), undefined);
    assertConflict(s.ap({ spec: { selector: { matchLabels: { app: 'web', x: 'y' } } } }, 'other'), ['.spec.selector']);
  });
});

describe('apply: kubectl client-side → server-side upgrade (§3.9)', () => {
  it('the rewritten list is stored as sent, and the next apply prunes what left the manifest', () => {
    const s = new Server('ConfigMap');
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1', b: '2' } });
    s.put({ metadata: { annotations: { [LAST_APPLIED]: lastApplied } }, data: { a: '1', b: '2' } }, 'kubectl-client-side-apply');
    const csa = s.mf?.[0];
    assert.equal(csa?.manager, 'kubectl-client-side-apply');
    // kubectl turns the client-side entry into its Apply entry and replaces the list (JSON Patch).
    const rewritten: ManagedFieldsEntry[] = [{ ...csa!, manager: 'kubectl', operation: 'Apply' }];
    s.jp([{ op: 'replace', path: '/metadata/managedFields', value: rewritten }], 'kubectl');
    assert.deepEqual(s.mf, rewritten);
    assert.equal(s.ap({ metadata: { annotations: { [LAST_APPLIED]: lastApplied } }, data: { a: '1' } }, 'kubectl'), undefined);
    assert.deepEqual(s.body().data, { a: '1' });
  });

  it('a JSON Patch removing managedFields changes nothing', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ data: { a: '1' } }, 'app'), undefined);
    const before = structuredClone(s.mf);
    s.jp([{ op: 'remove', path: '/metadata/managedFields' }], 'kubectl');
    assert.deepEqual(s.mf, before);
  });

  it('a request list that fails to decode is ignored in favour of the live list', () => {
    const s = new Server('ConfigMap');
    assert.equal(s.ap({ data: { a: '1' } }, 'app'), undefined);
    const before = structuredClone(s.mf);
    const bad = [{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    s.jp([{ op: 'replace', path: '/metadata/managedFields', value: bad }], 'kubectl');
    assert.deepEqual(s.mf, before);
  });

  it('status writes ignore a request list', () => {
    const s = new Server('Deployment');
    assert.equal(s.ap({ spec: { replicas: 1 } }, 'app'), undefined);
    const r = update({
      live: s.obj,
      updated: { ...s.obj, metadata: { ...(s.obj!.metadata as object), managedFields: [] } },
      manager: 'x',
      schema: builtin('apps', 'v1', 'Deployment'),
      now: new Date(0),
      apiVersion: 'apps/v1',
      subresource: 'status',
    });
    assert.deepEqual(r.managedFields, s.mf);
  });
});

describe('apply: managedFields entries', () => {
  const entry = (o: Partial<ManagedFieldsEntry>): ManagedFieldsEntry => ({
    manager: 'm',
    operation: 'Update',
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { 'f:a': {} } },
    ...o,
  });
  const invalid: [string, unknown][] = [
    ['not a list', {}],
    ['bad operation', [entry({ operation: 'Patch' })]],
    ['missing apiVersion', [entry({ apiVersion: '' })]],
    ['bad fieldsType', [entry({ fieldsType: 'FieldsV2' })]],
    ['bad fieldsV1', [entry({ fieldsV1: { 'f:a': 1 } })]],
    ['entry not an object', ['x']],
  ];
  for (const [name, list] of invalid) {
    it(`decode rejects ${name}`, () => assert.throws(() => decodeManagedFields(list), ManagedFieldsError));
  }

  it('same identity merges; Apply identity ignores apiVersion', () => {
    const got = decodeManagedFields([
      entry({ operation: 'Apply', apiVersion: 'v1' }),
      entry({ operation: 'Apply', apiVersion: 'v2', fieldsV1: { 'f:data': { 'f:b': {} } } }),
    ]);
    assert.equal(got.length, 1);
    assert.deepEqual(encodeManagedFields(got)[0]?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
  });

  it('orders Apply first, then by time (missing first), then manager', () => {
    const e = (manager: string, operation: 'Apply' | 'Update', time?: string): ManagedEntry => ({
      manager,
      operation,
      apiVersion: 'v1',
      ...(time !== undefined && { time }),
      set: setOf([['f:x']]),
    });
    const list = encodeManagedFields([e('u1', 'Update', 't1'), e('b', 'Apply', 't2'), e('a', 'Apply', 't2'), e('c', 'Apply')]);
    assert.deepEqual(list.map((x) => x.manager), ['c', 'a', 'b', 'u1']);
  });

  it('empty entries are dropped', () => {
    assert.deepEqual(encodeManagedFields([{ manager: 'm', operation: 'Update', apiVersion: 'v1', set: setOf([]) }]), []);
  });

  it('the cap folds per apiVersion and never touches Apply entries', () => {
    const entries: ManagedEntry[] = Array.from({ length: 12 }, (_, i) => ({
      manager: `u${String(i).padStart(2, '0')}`,
      operation: 'Update' as const,
      apiVersion: i === 0 ? 'v0' : 'v1',
      time: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`,
      set: setOf([[`f:k${i}`]]),
    }));
    const applier: ManagedEntry = { manager: 'ap', operation: 'Apply', apiVersion: 'v1', time: '2000-01-01T00:00:00Z', set: setOf([['f:z']]) };
    const capped = encodeManagedFields(capUpdateEntries([applier, ...entries]));
    assert.deepEqual(
      capped.slice(0, 4).map((e) => [e.manager, e.apiVersion]),
      [
        ['ap', 'v1'],
        ['ancient-changes', 'v0'],
        ['ancient-changes', 'v1'],
        ['u04', 'v1'],
      ],
    );
    assert.equal(capped.filter((e) => e.operation === 'Update').length, 10);
  });

  it('validateManagedFields reports upstream field errors', () => {
    const errs = validateManagedFields([entry({ operation: 'Patch', fieldsType: 'X', manager: 'a'.repeat(129) })]);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ['FieldValueInvalid', 'metadata.managedFields[0].operation'],
        ['FieldValueInvalid', 'metadata.managedFields[0].fieldsType'],
        ['FieldValueTooLong', 'metadata.managedFields[0].manager'],
      ],
    );
  });

  const agents: [string | undefined, string][] = [
    ['kubectl/v1.33.1 (linux/amd64) kubernetes/abc', 'kubectl'],
    ['', 'unknown'],
    [undefined, 'unknown'],
    ['my\u0007tool/1', 'mytool'],
    ['x'.repeat(300), 'x'.repeat(128)],
  ];
  for (const [ua, want] of agents) it(`default manager for ${JSON.stringify(ua)?.slice(0, 30)}`, () => assert.equal(defaultFieldManager(ua), want));

  it('time is RFC 3339 in whole seconds, UTC', () => {
    assert.equal(formatTime(new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 987))), '2025-05-06T07:08:09Z');
  });
});

describe('apply: engine API', () => {
  it('returns the conflicts as data with the 409', () => {
    const schema = builtin('', 'v1', 'ConfigMap');
    const first = apply({ live: null, config: { data: { a: '1' } }, manager: 'a', schema, now: new Date(0), apiVersion: 'v1' });
    assert.ok(first.ok);
    const second = apply({ live: first.object, config: { data: { a: '2' } }, manager: 'b', schema, now: new Date(1000), apiVersion: 'v1' });
    assert.ok(!second.ok);
    assert.equal(second.conflicts.length, 1);
    assert.equal(second.conflicts[0]?.entry.manager, 'a');
    assert.equal(second.error.code, 409);
  });

  it('schema errors name the object when objectRef is given', () => {
    const schema = builtin('', 'v1', 'ConfigMap');
    assert.throws(
      () => apply({ live: null, config: { spec: {} }, manager: 'a', schema, now: new Date(0), apiVersion: 'v1', objectRef: 'ns/c; /v1, Kind=ConfigMap' }),
      (e: unknown) => (e as { code: number }).code === 400 && (e as Error).message.startsWith('failed to create typed patch object (ns/c; /v1, Kind=ConfigMap): .spec'),
    );
  });

  it('create by Update with nothing recordable stays untracked', () => {
    const r = update({ live: null, updated: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, manager: 'm', schema: builtin('', 'v1', 'ConfigMap'), now: new Date(0), apiVersion: 'v1' });
    assert.deepEqual(r.managedFields, []);
    assert.equal(Object.hasOwn(r.object.metadata as object, 'managedFields'), false);
  });
});
