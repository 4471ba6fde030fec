/**
 * The CombinedStatus object (spec/kubestellar.md §1.5, §4.5 lifecycle): naming, namespace,
 * labels, owner reference, and the "is an update needed" comparison.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { combinedStatuses } from '../../../src/kubestellar/apis/control.js';
import { combineAll } from '../../../src/kubestellar/status/collector-eval.js';
import { validateCollector, type CompiledCollector } from '../../../src/kubestellar/status/collector-validate.js';
import type { NamedStatusCombination } from '../../../src/kubestellar/status/collector-value.js';
import {
  buildCombinedStatus,
  combinedStatusEqual,
  combinedStatusLabels,
  combinedStatusName,
  combinedStatusNamespace,
  combinedStatusOwnerReference,
  combinedStatusUpdate,
  type CombinedStatus,
  type WorkloadIdentity,
} from '../../../src/kubestellar/status/combined-status.js';

const deploymentId: WorkloadIdentity = { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespace: 'nginx', name: 'nginx', uid: 'd-uid' };
const namespaceId: WorkloadIdentity = { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', name: 'nginx', uid: 'ns-uid' };
const policy = { name: 'nginx-combinedstatus', uid: 'p-uid' };

const result = (name: string, float = '2'): NamedStatusCombination => ({
  name,
  columnNames: ['sum'],
  rows: [{ columns: [{ type: 'Number', float }] }],
});

describe('CombinedStatus naming (spec §1.5)', () => {
  it('name is <object UID>.<policy UID>', () => assert.equal(combinedStatusName('d-uid', 'p-uid'), 'd-uid.p-uid'));

  it('namespace is the object namespace, kubestellar-report for cluster-scoped objects', () => {
    assert.equal(combinedStatusNamespace('nginx'), 'nginx');
    assert.equal(combinedStatusNamespace(''), 'kubestellar-report');
    assert.equal(combinedStatusNamespace(undefined), 'kubestellar-report');
  });

  it('exactly the five labels', () => {
    assert.deepEqual(combinedStatusLabels(deploymentId, 'pol'), {
      'status.kubestellar.io/api-group': 'apps',
      'status.kubestellar.io/resource': 'deployments',
      'status.kubestellar.io/namespace': 'nginx',
      'status.kubestellar.io/name': 'nginx',
      'status.kubestellar.io/binding-policy': 'pol',
    });
    assert.deepEqual(combinedStatusLabels(namespaceId, 'pol'), {
      'status.kubestellar.io/api-group': '',
      'status.kubestellar.io/resource': 'namespaces',
      'status.kubestellar.io/namespace': '',
      'status.kubestellar.io/name': 'nginx',
      'status.kubestellar.io/binding-policy': 'pol',
    });
  });

  it('owner reference to the workload object, not as controller', () => {
    assert.deepEqual(combinedStatusOwnerReference(deploymentId), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: 'd-uid' });
    assert.deepEqual(combinedStatusOwnerReference(namespaceId), { apiVersion: 'v1', kind: 'Namespace', name: 'nginx', uid: 'ns-uid' });
  });
});

describe('buildCombinedStatus', () => {
  it('the whole object, results ordered by collector name', () => {
    const cs = buildCombinedStatus(deploymentId, policy, [result('zeta'), result('alpha')]);
    assert.deepEqual(cs, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'CombinedStatus',
      metadata: {
        name: 'd-uid.p-uid',
        namespace: 'nginx',
        labels: combinedStatusLabels(deploymentId, policy.name),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: 'd-uid' }],
      },
      results: [result('alpha'), result('zeta')],
    });
  });

  it('cluster-scoped objects report into kubestellar-report', () => {
    const cs = buildCombinedStatus(namespaceId, policy, []);
    assert.equal(cs.metadata.namespace, 'kubestellar-report');
    assert.equal(cs.metadata.name, 'ns-uid.p-uid');
  });

  it('passes the served CombinedStatus schema, with every kind of cell and error', () => {
    const compile = (spec: unknown, name: string): CompiledCollector => {
      const r = validateCollector(spec, name);
      assert.ok('ok' in r);
      return r.ok;
    };
    const collectors = [
      compile({ select: [{ name: 'wec', def: 'inventory.name' }, { name: 'status', def: 'returned.status' }, { name: 'list', def: '[1, "a"]' }, { name: 'bad', def: 'returned.status.x' }], limit: 20 }, 'full'),
      compile({ filter: 'false', combinedFields: [{ name: 'avg', type: 'AVG', subject: '1' }], limit: 20 }, 'empty'),
    ];
    const results = combineAll(collectors, { metadata: { name: 'nginx' }, spec: {} }, [{ wec: 'cluster1', returnedStatus: { ready: true } }]);
    const cs = buildCombinedStatus(deploymentId, policy, results);
    const obj = structuredClone(cs) as unknown as KubeObject;
    combinedStatuses.strategy.prepareForCreate(obj);
    assert.deepEqual(combinedStatuses.strategy.validate(obj), []);
  });
});

describe('combinedStatusEqual / combinedStatusUpdate (spec §4.5 lifecycle)', () => {
  const desired = buildCombinedStatus(deploymentId, policy, [
    {
      ...result('a'),
      rowErrors: [{ wec: { clusterId: 'cluster1' }, columnName: 'sum', error: 'e' }],
      aggregationErrors: [{ columnName: 'sum', error: 'f' }],
    },
    { name: 'b', columnNames: ['avg', 'obj'], rows: [{ columns: [{ type: 'Number', float: 'NaN' }, { type: 'Object', object: { x: 1, y: [2] } }] }] },
  ]);
  /** As read back from the API server: extra metadata, same content. */
  const stored = (): Record<string, unknown> & { metadata: Record<string, unknown>; results: Record<string, unknown>[] } => {
    const copy = JSON.parse(JSON.stringify(desired)) as Record<string, unknown> & { metadata: Record<string, unknown>; results: Record<string, unknown>[] };
    Object.assign(copy.metadata, { uid: 'cs-uid', resourceVersion: '7', creationTimestamp: '2024-01-01T00:00:00Z', managedFields: [{ manager: 'Status' }] });
    return copy;
  };

  type Stored = ReturnType<typeof stored>;
  type Cell = Record<string, unknown>;
  const cell = (o: Stored, result: number, column: number): Cell => (o.results[result]!['rows'] as { columns: Cell[] }[])[0]!.columns[column]!;
  const labels = (o: Stored): Record<string, string> => o.metadata['labels'] as Record<string, string>;
  const TABLE: [string, (o: Stored) => void, boolean][] = [
    ['stored copy with server metadata', () => {}, true],
    ['number text differs but not the value', (o) => void (cell(o, 0, 0)['float'] = '2.0'), true],
    ['object member order differs', (o) => void (cell(o, 1, 1)['object'] = { y: [2], x: 1 }), true],
    ['an extra label', (o) => void (labels(o)['extra'] = 'x'), false],
    ['a missing label', (o) => void delete labels(o)['status.kubestellar.io/name'], false],
    ['a changed label', (o) => void (labels(o)['status.kubestellar.io/binding-policy'] = 'other'), false],
    ['another owner', (o) => void ((o.metadata['ownerReferences'] as { uid: string }[])[0]!.uid = 'x'), false],
    ['an owner marked as controller', (o) => void ((o.metadata['ownerReferences'] as { controller?: boolean }[])[0]!.controller = true), false],
    ['no owner', (o) => void delete o.metadata['ownerReferences'], false],
    ['a missing result', (o) => void o.results.pop(), false],
    ['results in another order', (o) => void o.results.reverse(), false],
    ['a changed cell', (o) => void (cell(o, 0, 0)['float'] = '3'), false],
    ['a changed cell type', (o) => void Object.assign(cell(o, 0, 0), { type: 'String', string: '2', float: undefined }), false],
    ['an extra row', (o) => void (o.results[0]!['rows'] as unknown[]).push({ columns: [{ type: 'Null' }] }), false],
    ['changed column names', (o) => void (o.results[0]!['columnNames'] = ['total']), false],
    ['a changed row error', (o) => void ((o.results[0]!['rowErrors'] as { error: string }[])[0]!.error = 'other'), false],
    ['no aggregation errors', (o) => void delete o.results[0]!['aggregationErrors'], false],
  ];
  for (const [name, mutate, want] of TABLE) {
    it(`${name}: ${want ? 'equal' : 'update needed'}`, () => {
      const o = stored();
      mutate(o);
      assert.equal(combinedStatusEqual(o, desired), want);
    });
  }

  it('absent rows equal no rows', () => {
    const empty: CombinedStatus = buildCombinedStatus(deploymentId, policy, [{ name: 'a', columnNames: ['x'], rows: [] }]);
    const o = JSON.parse(JSON.stringify(empty)) as { results: Record<string, unknown>[] };
    delete o.results[0]!['rows'];
    assert.equal(combinedStatusEqual(o, empty), true);
  });

  it('anything that is not an object needs writing', () => {
    assert.equal(combinedStatusEqual(undefined, desired), false);
    assert.equal(combinedStatusEqual('x', desired), false);
  });

  it('update: undefined when equal; else the stored object with our labels, owners and results', () => {
    assert.equal(combinedStatusUpdate(stored(), desired), undefined);
    const o = stored();
    (o.metadata['labels'] as Record<string, string>)['extra'] = 'x';
    o.results.pop();
    const next = combinedStatusUpdate(o, desired) as { metadata: Record<string, unknown>; results: unknown };
    assert.equal(next.metadata['resourceVersion'], '7');
    assert.deepEqual(next.metadata['labels'], desired.metadata.labels);
    assert.deepEqual(next.results, desired.results);
    assert.equal(combinedStatusEqual(next, desired), true);
  });
});
