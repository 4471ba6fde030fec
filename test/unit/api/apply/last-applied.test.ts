/** Spec §3.9 / vector SSA-35: the server-side special case for manager `kubectl`. */
import assert from 'node:assert/strict';
import { applyWithLastApplied, valueAt, keyElement, type ApplyOptions } from '../../../../src/api/apply/index.js';
import { assertConflict, builtin, shortMf } from './fixtures.js';

describe('apply: SSA-35 kubectl forgives conflicts that match last-applied', () => {
  const LA = 'kubectl.kubernetes.io/last-applied-configuration';
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      namespace: 'ns',
      annotations: { [LA]: '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"ns"}}' },
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2025-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} } } },
        },
      ],
    },
    data: { a: '1' },
  };
  const opts = (manager: string): ApplyOptions => ({
    live,
    config: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } },
    manager,
    schema: builtin('', 'v1', 'ConfigMap'),
    now: new Date(Date.UTC(2025, 0, 2)),
    apiVersion: 'v1',
  });
  it('manager kubectl: forgiven, annotation rewritten', () => {
    const r = applyWithLastApplied(opts('kubectl'));
    assert.ok(r.ok);
    assert.deepEqual(r.object.data, { a: '2' });
    assert.deepEqual((r.object.metadata as { annotations: unknown }).annotations, {
      [LA]: '{"apiVersion":"v1","data":{"a":"2"},"kind":"ConfigMap","metadata":{"name":"c"}}',
    });
    assert.deepEqual(shortMf(r.managedFields), [
      { manager: 'kubectl', op: 'Apply', v: 'v1', f: { 'f:data': { 'f:a': {} } } },
      {
        manager: 'kubectl-client-side-apply',
        op: 'Update',
        v: 'v1',
        f: { 'f:data': {}, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} } } },
      },
    ]);
  });
  it('any other manager: 409 with kubectl-client-side-apply', () => {
    const r = applyWithLastApplied(opts('other'));
    assert.ok(!r.ok);
    const err = assertConflict(r.error, ['.data.a']);
    assert.equal(err.status.details?.causes?.[0]?.message, 'conflict with "kubectl-client-side-apply" using v1');
  });
  it('kubectl: a conflict on a value that differs from last-applied is not forgiven', () => {
    const drifted = { ...live, data: { a: '9' } };
    const r = applyWithLastApplied({ ...opts('kubectl'), live: drifted });
    assert.ok(!r.ok);
    assertConflict(r.error, ['.data.a']);
  });
});


describe('apply: valueAt', () => {
  const pod = builtin('', 'v1', 'Pod');
  const obj = { spec: { containers: [{ name: 'a', image: 'i' }] } };
  it('follows keyed elements', () => {
    assert.deepEqual(valueAt(obj, ['f:spec', 'f:containers', keyElement({ name: 'a' }), 'f:image'], pod), { found: true, value: 'i' });
  });
  it('reports missing paths', () => {
    assert.deepEqual(valueAt(obj, ['f:spec', 'f:containers', keyElement({ name: 'b' })], pod), { found: false });
  });
});
