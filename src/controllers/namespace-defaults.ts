/**
 * What every namespace of a Kubernetes cluster holds from birth: the `default` ServiceAccount and
 * the `kube-root-ca.crt` ConfigMap with the CA that signs the space's serving certificate
 * (kube's serviceaccount and root-ca-cert-publisher controllers). Follows namespaces; anything
 * already there is left as it is.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { configmaps, namespaces, serviceaccounts } from '../registry/builtin/core.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export class NamespaceDefaultsController {
  readonly #space: ServedSpace;
  readonly #caCert: string;
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;

  constructor(space: ServedSpace, caCert: string, log?: (msg: string, err?: unknown) => void) {
    this.#space = space;
    this.#caCert = caCert;
    this.#log = log ?? ((msg, err) => console.error(msg, err));
  }

  async start(): Promise<void> {
    await runInformer(
      this.#space.store(namespaces),
      '',
      {
        sync: async (items) => {
          for (const ns of items) await this.#ensure(ns);
        },
        event: async (e) => {
          if (e.type !== 'DELETED') await this.#ensure(e.object);
        },
      },
      this.#abort.signal,
      this.#log,
    );
  }

  stop(): void {
    this.#abort.abort();
  }

  async #ensure(ns: KubeObject): Promise<void> {
    if (ns.metadata.deletionTimestamp !== undefined) return;
    const name = ns.metadata.name!;
    await this.#create(serviceaccounts.plural, name, () =>
      this.#space.store(serviceaccounts).create(name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }),
    );
    await this.#create(configmaps.plural, name, () =>
      this.#space.store(configmaps).create(name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.#caCert },
      }),
    );
  }

  async #create(what: string, namespace: string, create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (err) {
      // Already there, or the namespace went away or is being deleted meanwhile: nothing to do.
      if (isStatusError(err, 'AlreadyExists') || isStatusError(err, 'NotFound') || isStatusError(err, 'Forbidden')) return;
      this.#log(`creating the default ${what} in namespace ${namespace} failed`, err);
    }
  }
}
