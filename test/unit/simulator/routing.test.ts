import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { endpoints, services } from '../../../src/registry/builtin/core.js';
import { nodes } from '../../../src/registry/builtin/core-cluster.js';
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
});
