/**
 * The registration half of the klusterlet: the agent's ManagedCluster on the hub (our labels
 * merged into whatever else is there; auto-accepted, since there is no CSR flow to approve),
 * its cluster namespace, and the Lease it renews so the hub knows it is alive.
 */
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { CLUSTER_GROUP, CLUSTER_LEASE_NAME } from '../kubestellar/well-known.js';
import { isConflict, isNotFound } from '../kube-client/kube.js';

const MC = { group: CLUSTER_GROUP, version: 'v1', plural: 'managedclusters' };

export async function registerCluster(hub: KubeConfig, name: string, labels: Record<string, string>, leaseDurationSeconds: number): Promise<void> {
  const custom = hub.makeApiClient(CustomObjectsApi);
  try {
    const current = (await custom.getClusterCustomObject({ ...MC, name })) as { metadata?: { labels?: Record<string, string> }; spec?: { hubAcceptsClient?: boolean } };
    const have = current.metadata?.labels ?? {};
    if (Object.entries(labels).some(([k, v]) => have[k] !== v) || current.spec?.hubAcceptsClient !== true) {
      await custom.patchClusterCustomObject(
        { ...MC, name, body: { metadata: { labels }, spec: { hubAcceptsClient: true } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await custom.createClusterCustomObject({
        ...MC,
        body: { apiVersion: `${CLUSTER_GROUP}/v1`, kind: 'ManagedCluster', metadata: { name, labels }, spec: { hubAcceptsClient: true, leaseDurationSeconds } },
      });
    } catch (createErr) {
      if (!isConflict(createErr)) throw createErr;
    }
  }
}

/** Resolves once the hub has made the cluster namespace (its registration controller does). */
export async function waitForClusterNamespace(hub: KubeConfig, name: string, signal: AbortSignal): Promise<void> {
  const core = hub.makeApiClient(CoreV1Api);
  for (let delay = 100; !signal.aborted; delay = Math.min(delay * 2, 5000)) {
    try {
      await core.readNamespace({ name });
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** kube's MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export async function renewLease(hub: KubeConfig, namespace: string, holder: string, leaseDurationSeconds: number): Promise<void> {
  const coord = hub.makeApiClient(CoordinationV1Api);
  const now = microTime(new Date());
  try {
    await coord.patchNamespacedLease(
      { name: CLUSTER_LEASE_NAME, namespace, body: { spec: { holderIdentity: holder, leaseDurationSeconds, renewTime: now } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await coord.createNamespacedLease({
      namespace,
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: CLUSTER_LEASE_NAME, namespace },
        // client-node serializes the typed body itself: MicroTime fields go in as Dates.
        spec: { holderIdentity: holder, leaseDurationSeconds, acquireTime: new Date(), renewTime: new Date() },
      },
    });
  }
}
