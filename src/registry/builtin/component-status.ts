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
 * - `scheduler` and `controller-manager`: in a space with no such processes (a WDS, an ITS),
 *   kube-apiserver would probe their secure ports on 127.0.0.1 and find nothing listening:
 *   Unhealthy, with the dial error and no message. A cluster space's simulator plays both, and
 *   there they answer `ok` (`withControlPlane`).
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

const ok = (name: string): Probe => ({ name, healthy: true, message: 'ok', error: '' });
const ETCD: Probe = { name: 'etcd-0', healthy: true, message: '{"health":"true"}', error: '' };
const PROBES: readonly Probe[] = [unreachable('scheduler', 10259), unreachable('controller-manager', 10257), ETCD];
const WITH_CONTROL_PLANE: readonly Probe[] = [ok('scheduler'), ok('controller-manager'), ETCD];

/** The ComponentStatus objects a request sees, in upstream's shape (no uid, no resourceVersion, no creationTimestamp). */
export function componentStatuses(controlPlane = false): KubeObject[] {
  return (controlPlane ? WITH_CONTROL_PLANE : PROBES).map((p) => ({
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

/** In a cluster space, whose simulator runs the scheduler and the controllers. */
export const withControlPlane: ResourceDefinition = { ...componentstatuses, computed: () => componentStatuses(true) };
