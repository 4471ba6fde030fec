/**
 * The little the agent needs beyond client-node's typed clients: status codes of its errors,
 * resource discovery (kind → plural and scope, cached per group-version), and a JSON request.
 */
import { Agent, request, type AgentOptions, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The HTTP status of a client-node error (ApiException), or undefined for transport errors. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusOf(err) === 409;

/** GET `path` on the kubeconfig's server as JSON. */
export async function getJson(kc: KubeConfig, path: string): Promise<{ status: number; body: any }> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const opts: RequestOptions = {
    hostname: base.hostname,
    port: base.port,
    path: `${base.pathname.replace(/\/+$/, '')}${path}`,
    method: 'GET',
    headers: { accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(opts as never);
  return new Promise((ok, fail) => {
    const r = request(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        ok({ status: res.statusCode ?? 0, body });
      });
      res.on('error', fail);
    });
    r.on('error', fail);
    r.end();
  });
}

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/** Kind → resource through discovery, cached; a miss refreshes once (a CRD may just have appeared). */
export class Discovery {
  readonly #kc: KubeConfig;
  readonly #cache = new Map<string, Map<string, ResourceInfo>>();

  constructor(kc: KubeConfig) {
    this.#kc = kc;
  }

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const known = this.#cache.get(apiVersion)?.get(kind);
    if (known !== undefined) return known;
    await this.#load(apiVersion);
    return this.#cache.get(apiVersion)?.get(kind);
  }

  async #load(apiVersion: string): Promise<void> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
    const r = await getJson(this.#kc, group === '' ? `/api/${version}` : `/apis/${group}/${version}`);
    const byKind = new Map<string, ResourceInfo>();
    if (r.status === 200) {
      for (const res of (r.body as { resources?: { name: string; kind: string; namespaced: boolean }[] }).resources ?? []) {
        if (!res.name.includes('/')) byKind.set(res.kind, { group, version, resource: res.name, namespaced: res.namespaced });
      }
    } else if (r.status !== 404) {
      throw new Error(`discovery of ${apiVersion} answered ${r.status}`);
    }
    this.#cache.set(apiVersion, byKind);
  }
}

/**
 * client-node hands back typed objects with Date instances, which JSON would render with
 * milliseconds; kube renders metav1.Time in whole seconds. Back to plain JSON values.
 */
export function plain<T>(obj: T): T {
  return JSON.parse(
    JSON.stringify(obj, function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return original instanceof Date ? original.toISOString().replace(/\.000Z$/, 'Z') : value;
    }),
  ) as T;
}

/**
 * client-node 1.4 builds a new https.Agent for every request, so every call pays a TLS
 * handshake (tens of milliseconds of CPU on both ends). The agent makes hundreds of small calls,
 * so its KubeConfigs hand out one keep-alive agent instead, built from the first options asked
 * for (the kubeconfig's CA and client credentials never change for a KubeConfig).
 */
export function withKeepAlive(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent(cluster: unknown, options: AgentOptions): unknown };
  let shared: Agent | undefined;
  target.createAgent = (_cluster, options) => (shared ??= new Agent({ ...options, keepAlive: true, maxSockets: 32 }));
  return kc;
}
