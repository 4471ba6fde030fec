import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { endpoints, persistentvolumeclaims, services } from '../../../src/registry/builtin/core.js';
import { nodes, persistentvolumes } from '../../../src/registry/builtin/core-cluster.js';
import { deployments } from '../../../src/registry/builtin/apps.js';
import { poddisruptionbudgets } from '../../../src/registry/builtin/policy.js';
import { storageclasses } from '../../../src/registry/builtin/storage.js';
import { pods } from '../../../src/registry/builtin/core-pods.js';
import type { ResourceDefinition } from '../../../src/registry/definition.js';
import type { SpaceEvent } from '../../../src/registry/space-stream.js';
import { SimCache } from '../../../src/simulator/shell/cache.js';
import { relatedKeys } from '../../../src/simulator/shell/routing.js';
import { pod } from './fixtures.js';

const svc = (name: string, selector?: Record<string, string>, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, uid: `${name}-uid` },
  spec: { clusterIP: '10.96.0.1', ...(selector && { selector }), ports: [{ port: 80 }] },
});
const labelled = (labels: Record<string, string>): KubeObject => ({ ...pod('p', 'ready'), metadata: { ...pod('p', 'ready').metadata, labels } });
const event = (def: ResourceDefinition, object: KubeObject, type: SpaceEvent['type'] = 'MODIFIED', previous?: KubeObject): SpaceEvent =>
  ({ def, object, type, revision: 1, ...(previous && { previous }) }) as SpaceEvent;

describe('simulator routing: what else a change touches', () => {
  const cache = new SimCache();
  cache.upsert(services, svc('web', { app: 'web' }));
  cache.upsert(services, svc('db', { app: 'db' }));
  cache.upsert(services, svc('manual'));
  cache.upsert(services, svc('elsewhere', { app: 'web' }, 'other'));
  const standing = ['/nodes//n1', 'coordination.k8s.io/leases/kube-node-lease/n1'];

  const cases: [string, SpaceEvent, string[]][] = [
    ['a pod: the services selecting it in its namespace', event(pods, labelled({ app: 'web' })), ['/services/default/web']],
    ['a relabelled pod: those selecting it before too', event(pods, labelled({ app: 'db' }), 'MODIFIED', labelled({ app: 'web' })), ['/services/default/web', '/services/default/db']],
    ['a deleted pod', event(pods, labelled({ app: 'db' }), 'DELETED'), ['/services/default/db']],
    ['an Endpoints with a service: the service', event(endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } }), ['/services/default/web']],
    ['an Endpoints without one: itself', event(endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'gone', namespace: 'default' } }), ['/endpoints/default/gone']],
    ['a deleted service: its Endpoints', event(services, svc('web', { app: 'web' }), 'DELETED'), ['/endpoints/default/web']],
    ['a changed service: nothing more', event(services, svc('web', { app: 'web' })), []],
    ['a pod no service selects: nothing', event(pods, labelled({}), 'DELETED'), []],
  ];
  for (const [what, e, want] of cases) it(what, () => assert.deepEqual(relatedKeys(cache, e, standing).sort(), [...want].sort()));

  it('the node or lease: every standing sync', () => {
    assert.deepEqual(relatedKeys(cache, event(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, 'DELETED'), standing), standing);
  });

  describe('volumes and budgets', () => {
    const c = new SimCache();
    const claim = (name: string, volumeName?: string, storageClassName = 'standard'): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'default', uid: `${name}-uid` },
      spec: { storageClassName, ...(volumeName && { volumeName }) },
    });
    c.upsert(persistentvolumeclaims, claim('waiting'));
    c.upsert(persistentvolumeclaims, claim('other-class', undefined, 'fast'));
    c.upsert(persistentvolumeclaims, claim('bound', 'pv-1'));
    c.upsert(poddisruptionbudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    const consumer: KubeObject = {
      ...labelled({ app: 'web' }),
      spec: { nodeName: 'n1', containers: [], volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'waiting' } }, { name: 'b', persistentVolumeClaim: { claimName: 'bound' } }] },
    };
    const pv = (phase: string, claimRef?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { ...(claimRef && { claimRef }) }, status: { phase } });
    const d = (replicas: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas } });
    const cases: [string, SpaceEvent, string[]][] = [
      ['a scheduled pod: the budgets selecting it and the unbound claims it uses', event(pods, consumer), ['/persistentvolumeclaims/default/waiting', 'policy/poddisruptionbudgets/default/web']],
      ['a claim: its volume', event(persistentvolumeclaims, claim('bound', 'pv-1'), 'DELETED'), ['/persistentvolumes//pv-1']],
      ['a claimed volume: its claim', event(persistentvolumes, pv('Bound', { namespace: 'default', name: 'bound' })), ['/persistentvolumeclaims/default/bound']],
      ['a free volume: the claims waiting for one', event(persistentvolumes, pv('Available')), ['/persistentvolumeclaims/default/waiting', '/persistentvolumeclaims/default/other-class']],
      ['a storage class: the claims waiting for it', event(storageclasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } }, 'ADDED'), ['/persistentvolumeclaims/default/other-class']],
      ['a workload scaled: the budgets of its namespace', event(deployments, d(3), 'MODIFIED', d(2)), ['policy/poddisruptionbudgets/default/web']],
      ['a workload otherwise changed: nothing', event(deployments, d(3), 'MODIFIED', d(3)), []],
    ];
    for (const [what, e, want] of cases) it(what, () => assert.deepEqual(relatedKeys(c, e, standing).sort(), [...want].sort()));
  });
});
