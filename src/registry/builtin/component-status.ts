/**
 * core/v1 ComponentStatuses (`kubectl get cs`): read-only and computed on every request, never
 * stored, as kube-apiserver computes them by probing its control-plane components. Deprecated
 * upstream since v1.19; every response carries its deprecation warning.
 *
 * What this server has to report:
 * - `etcd-0`, the storage: Healthy with etcd's health body. The store the request is served from
 *   is embedded (LevelDB) or an etcd cluster the server is already connected to; either way, a
 *   request that reaches this handler has a working store behind it, so there is nothing to
 *   probe that the request itself has not just exercised.
 * - `scheduler` and `controller-manager`: there are no such processes; kube-apiserver probes them
 *   at their secure ports on 127.0.0.1, so it reports them as it does when nothing listens there:
 *   Unhealthy, with the dial error and no message.
 */
import type { KubeObject } from '../../api/object.js';
import { nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { column, define, kindStrategy, recs, str } from './helpers.js';

interface Probe {
  readonly name: string;
  readonly healthy: boolean;
  readonly message: string;
  readonly error: string;
}

const unreachable = (name: string, port: number): Probe => ({
  name,
  healthy: false,
  message: '',
  error: `Get "https://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
});

const PROBES: readonly Probe[] = [
  unreachable('scheduler', 10259),
  unreachable('controller-manager', 10257),
  { name: 'etcd-0', healthy: true, message: '{"health":"true"}', error: '' },
];

/** The ComponentStatus objects a request sees, in upstream's shape (no uid, no resourceVersion, no creationTimestamp). */
export function componentStatuses(): KubeObject[] {
  return PROBES.map((p) => ({
    apiVersion: 'v1',
    kind: 'ComponentStatus',
    metadata: { name: p.name },
    conditions: [{ type: 'Healthy', status: p.healthy ? 'True' : 'False', ...(p.message && { message: p.message }), ...(p.error && { error: p.error }) }],
  }));
}

/** Upstream's printer: the Healthy condition decides the status; Unknown without one. */
function healthy(o: KubeObject): { status: string; message: string; error: string } {
  const c = recs(o['conditions']).find((x) => x['type'] === 'Healthy');
  if (c === undefined) return { status: 'Unknown', message: '', error: '' };
  return { status: c['status'] === 'True' ? 'Healthy' : 'Unhealthy', message: str(c['message']), error: str(c['error']) };
}

export const componentstatuses: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  shortNames: ['cs'],
  namespaced: false,
  verbs: ['get', 'list'],
  deprecationWarning: 'v1 ComponentStatus is deprecated in v1.19+',
  computed: componentStatuses,
  // Upstream's printer has no Age column: the objects have no creation time.
  columns: [
    nameColumn,
    column('Status', (o) => healthy(o).status, { description: 'Status of the component conditions' }),
    column('Message', (o) => healthy(o).message, { description: 'Message of the component conditions' }),
    column('Error', (o) => healthy(o).error, { description: 'Error of the component conditions' }),
  ],
  // Never written: the strategy only exists because every definition has one.
  strategy: kindStrategy({}),
});
