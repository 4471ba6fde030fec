/**
 * `kubestellar create its|wds|wec NAME`: asks a running server, through the root API and its
 * admin kubeconfig, to create a Space, waits until it is served, and answers the path of the new
 * space's kubeconfig (the server writes it next to the admin one).
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

export interface CreateSpaceRequest {
  readonly kind: 'its' | 'wds' | 'wec';
  readonly name: string;
  readonly its?: string;
  readonly labels: Record<string, string>;
  /** A wds transporting through an external hub: the path of the hub's kubeconfig. */
  readonly itsKubeconfig?: string;
  /** A wec whose work agent runs as its own `kubestellar agent` process. */
  readonly externalAgent?: boolean;
  /** The root (admin) kubeconfig. */
  readonly kubeconfig: string;
  readonly timeoutMs?: number;
}

/** The Space object for a request; a WEC is a cluster space registered in an ITS. */
export const ITS_SECRET = { namespace: 'kubestellar-system', name: 'its-kubeconfig' };

export function spaceFor(r: Pick<CreateSpaceRequest, 'kind' | 'name' | 'its' | 'labels' | 'externalAgent' | 'itsKubeconfig'>): object {
  if (r.kind === 'wds' && r.itsKubeconfig !== undefined) {
    if (r.its !== undefined) throw new Error('create wds takes --its or --its-kubeconfig, not both');
    return { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: r.name }, spec: { type: 'wds', itsKubeconfigSecret: ITS_SECRET } };
  }
  if ((r.kind === 'wds' || r.kind === 'wec') && r.its === undefined) throw new Error(`create ${r.kind} needs --its ITS`);
  if (r.kind !== 'wec' && Object.keys(r.labels).length > 0) throw new Error('only a wec takes --label');
  const spec =
    r.kind === 'its'
      ? { type: 'its' }
      : r.kind === 'wds'
        ? { type: 'wds', its: r.its }
        : { type: 'cluster', its: r.its, clusterLabels: { name: r.name, ...r.labels }, ...(r.externalAgent === true && { agent: 'External' }) };
  return { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: r.name }, spec };
}

export async function createSpace(r: CreateSpaceRequest): Promise<string> {
  const kc = new KubeConfig();
  kc.loadFromFile(r.kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  const coords = { group: 'spaces.kubestellar.io', version: 'v1alpha1', plural: 'spaces' };
  await api.createClusterCustomObject({ ...coords, body: spaceFor(r) });
  const deadline = Date.now() + (r.timeoutMs ?? 30_000);
  const path = join(dirname(r.kubeconfig), `${r.name}.kubeconfig`);
  for (;;) {
    const space = (await api.getClusterCustomObject({ ...coords, name: r.name })) as { status?: { url?: string } };
    if (space.status?.url !== undefined && (await exists(path))) {
      if (r.itsKubeconfig !== undefined) await storeItsKubeconfig(path, r.itsKubeconfig);
      return path;
    }
    if (Date.now() > deadline) throw new Error(`space ${r.name} was created but is not served after ${(r.timeoutMs ?? 30_000) / 1000}s`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** Puts the external hub's kubeconfig where the new WDS's engine looks for it. */
async function storeItsKubeconfig(wdsKubeconfig: string, hubKubeconfig: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(wdsKubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const kubeconfig = Buffer.from(await readFile(hubKubeconfig)).toString('base64');
  try {
    await core.createNamespace({ body: { metadata: { name: ITS_SECRET.namespace } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  await core.createNamespacedSecret({ namespace: ITS_SECRET.namespace, body: { metadata: { name: ITS_SECRET.name }, data: { kubeconfig } } });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `k=v` pairs from repeated --label flags. */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new Error(`--label wants key=value, got ${JSON.stringify(v)}`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
