/**
 * What every namespace of a Kubernetes cluster holds from birth: the `default` ServiceAccount and
 * the `kube-root-ca.crt` ConfigMap with the CA that signs the space's serving certificate
 * (kube's serviceaccount and root-ca-cert-publisher controllers). Follows namespaces, those
 * ServiceAccounts and those ConfigMaps: one deleted from a namespace that is not being deleted is
 * created again, and a ConfigMap whose data (or description) was changed gets it back. Anything
 * else about them (labels, other annotations, a ServiceAccount's secrets) is left as it is.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { configmaps, namespaces, serviceaccounts } from '../registry/builtin/core.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export type DefaultsAction = 'createServiceAccount' | 'createConfigMap' | 'restoreConfigMap';

/**
 * What one namespace needs (pure): `namespace` undefined or being deleted needs nothing; a missing
 * object is created; a root CA ConfigMap whose data is not exactly `{ca.crt: caCert}` or that lost
 * its description is restored (binaryData is not looked at, as upstream).
 */
export function namespaceDefaultsActions(
  namespace: KubeObject | undefined,
  serviceAccount: KubeObject | undefined,
  configMap: KubeObject | undefined,
  caCert: string,
): DefaultsAction[] {
  if (namespace === undefined || namespace.metadata.deletionTimestamp !== undefined) return [];
  const actions: DefaultsAction[] = [];
  if (serviceAccount === undefined) actions.push('createServiceAccount');
  if (configMap === undefined) actions.push('createConfigMap');
  else if (!rootCaConfigMapCurrent(configMap, caCert)) actions.push('restoreConfigMap');
  return actions;
}

function rootCaConfigMapCurrent(cm: KubeObject, caCert: string): boolean {
  const data = cm['data'] as Record<string, unknown> | undefined;
  const keys = Object.keys(data ?? {});
  const described = (cm.metadata.annotations?.[ROOT_CA_DESCRIPTION_ANNOTATION] ?? '') !== '';
  return keys.length === 1 && data?.['ca.crt'] === caCert && described;
}

export class NamespaceDefaultsController {
  readonly #space: ServedSpace;
  readonly #caCert: string;
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #namespaces = new Map<string, KubeObject>();
  readonly #serviceAccounts = new Map<string, KubeObject>();
  readonly #configMaps = new Map<string, KubeObject>();
  /** Namespaces being reconciled, and those to look at again once that is done. */
  readonly #busy = new Set<string>();
  readonly #again = new Set<string>();
  readonly #retryMs: number;

  constructor(space: ServedSpace, caCert: string, log?: (msg: string, err?: unknown) => void, retryMs = 1000) {
    this.#space = space;
    this.#caCert = caCert;
    this.#log = log ?? ((msg, err) => console.error(msg, err));
    this.#retryMs = retryMs;
  }

  async start(): Promise<void> {
    // The objects first, so that the namespaces' first pass sees what already exists.
    await this.#follow(serviceaccounts, DEFAULT_SERVICE_ACCOUNT, this.#serviceAccounts);
    await this.#follow(configmaps, ROOT_CA_CONFIGMAP, this.#configMaps);
    await runInformer(
      this.#space.store(namespaces),
      '',
      {
        sync: async (items) => {
          this.#namespaces.clear();
          for (const ns of items) this.#namespaces.set(ns.metadata.name!, ns);
          await Promise.all(items.map((ns) => this.#reconcile(ns.metadata.name!)));
        },
        event: (e) => {
          const name = e.object.metadata.name!;
          if (e.type === 'DELETED') this.#namespaces.delete(name);
          else this.#namespaces.set(name, e.object);
          if (e.type !== 'DELETED') void this.#reconcile(name);
        },
      },
      this.#abort.signal,
      this.#log,
    );
  }

  stop(): void {
    this.#abort.abort();
  }

  /** Keeps `into` (namespace → object) current for the objects of `def` named `name`. */
  async #follow(def: typeof serviceaccounts, name: string, into: Map<string, KubeObject>): Promise<void> {
    let started = false;
    await runInformer(
      this.#space.store(def),
      '',
      {
        sync: (items) => {
          into.clear();
          for (const o of items) if (o.metadata.name === name) into.set(o.metadata.namespace!, o);
          // After a relist, look at every namespace again (a deletion may have been missed).
          if (started) for (const ns of this.#namespaces.keys()) void this.#reconcile(ns);
          started = true;
        },
        event: (e) => {
          if (e.object.metadata.name !== name) return;
          const ns = e.object.metadata.namespace!;
          if (e.type === 'DELETED') into.delete(ns);
          else into.set(ns, e.object);
          void this.#reconcile(ns);
        },
      },
      this.#abort.signal,
      this.#log,
      name,
    );
  }

  async #reconcile(namespace: string): Promise<void> {
    if (this.#abort.signal.aborted) return;
    if (this.#busy.has(namespace)) {
      this.#again.add(namespace);
      return;
    }
    this.#busy.add(namespace);
    let failed = false;
    try {
      const actions = namespaceDefaultsActions(this.#namespaces.get(namespace), this.#serviceAccounts.get(namespace), this.#configMaps.get(namespace), this.#caCert);
      for (const a of actions) failed = !(await this.#perform(a, namespace)) || failed;
    } finally {
      this.#busy.delete(namespace);
    }
    if (this.#again.delete(namespace)) void this.#reconcile(namespace);
    else if (failed) setTimeout(() => void this.#reconcile(namespace), this.#retryMs).unref();
  }

  /** Does one action; false if it failed in a way worth retrying. */
  async #perform(action: DefaultsAction, namespace: string): Promise<boolean> {
    try {
      if (action !== 'restoreConfigMap') {
        // The informers may lag each other: a deletion seen before its namespace's termination is
        // checked against the namespace as it is now, so nothing is put back into one going away.
        const ns = await this.#space.store(namespaces).get('', namespace);
        if (ns.metadata.deletionTimestamp !== undefined) return true;
      }
      switch (action) {
        case 'createServiceAccount':
          await this.#space.store(serviceaccounts).create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT } });
          return true;
        case 'createConfigMap':
          await this.#space.store(configmaps).create(namespace, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [ROOT_CA_DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
            data: { 'ca.crt': this.#caCert },
          });
          return true;
        case 'restoreConfigMap':
          await this.#space.store(configmaps).guaranteedUpdate(namespace, ROOT_CA_CONFIGMAP, (cur) => {
            if (rootCaConfigMapCurrent(cur, this.#caCert)) return cur;
            cur['data'] = { 'ca.crt': this.#caCert };
            cur.metadata.annotations = { ...cur.metadata.annotations, [ROOT_CA_DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION };
            return cur;
          });
          return true;
      }
    } catch (err) {
      // Already there, gone again, or the namespace went away or is being deleted meanwhile: the
      // informers bring whatever comes of it.
      if (isStatusError(err, 'AlreadyExists') || isStatusError(err, 'NotFound') || isStatusError(err, 'Forbidden') || isStatusError(err, 'Conflict')) return true;
      this.#log(`${action} in namespace ${namespace} failed`, err);
      return false;
    }
  }
}
