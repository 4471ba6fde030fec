/**
 * A space being served: its catalogue of resources and one generic store per resource, all over
 * the shared backend under the space's own key prefix.
 */
import { StatusError, forbidden, notFound, type FieldError, type GroupResource } from '../api/errors.js';
import { nameIsDNSSubdomain } from '../api/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/object-meta.js';
import type { KubeObject } from '../api/object.js';
import { ObjectCache } from './object-cache.js';
import type { Backend } from '../../storage/index.js';
import { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { SpaceStream } from '../registry/space-stream.js';
import { GenericStore, type StoreDeps } from '../registry/store.js';
import { namespaces } from '../registry/builtin/core.js';
import type { RbacData } from '../auth/rbac/authorizer.js';
import { PolicyAdmission } from './policy-admission.js';
import { WebhookAdmission } from './webhook-admission.js';
import { defaultIngressClassAdmission } from './default-ingress-class.js';
import { defaultStorageClassAdmission } from './default-storage-class.js';
import { protectionAdmission, PV_PROTECTION, PVC_PROTECTION } from './storage-protection.js';
import { limitRangeAdmission } from './limit-range-admission.js';
import { recount, resourceQuotaAdmission } from './resource-quota.js';
import { serviceAccountAdmission } from './service-account-admission.js';
import { podPriorityAdmission, priorityClassAdmission, toPriorityClassInfo, type PriorityClassInfo } from './priority-admission.js';

/** ObjectMeta rules every kind shares, with the kind's own name format. */
function validateMetadata(def: ResourceDefinition, obj: KubeObject, old?: KubeObject): FieldError[] {
  const errors = validateObjectMeta(obj.metadata, { namespaced: def.namespaced, nameValidator: def.nameValidator ?? nameIsDNSSubdomain });
  if (old) errors.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errors;
}

export type ServedSpaceType = 'root' | 'wds' | 'its' | 'cluster';

/** A cluster space registered as a WEC in an ITS (its Space names the ITS). */
export interface WecSettings {
  readonly its: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `InProcess` (default): the server runs its work agent; `External`: a separate `kubestellar agent` does. */
  readonly agent: 'InProcess' | 'External';
}

/** A kubelet this server reaches in process (a cluster space's simulator): it answers for its node's containers. */
export interface NodeAgent {
  /** The log of a container that has run (a simulated container prints nothing). */
  containerLog(pod: KubeObject, container: string): string;
}

export interface ServedSpaceOptions {
  readonly wec?: WecSettings;
  readonly backend: Backend;
  readonly name: string | undefined;
  readonly type: ServedSpaceType;
  readonly definitions: readonly ResourceDefinition[];
  readonly generateName: (prefix: string) => string;
}

export class ServedSpace {
  readonly name: string | undefined;
  readonly type: ServedSpaceType;
  readonly wec: WecSettings | undefined;
  readonly catalog: ResourceCatalog;
  /** Kubelets reachable in process, by node name; pods on other nodes have none to ask. */
  readonly kubelets = new Map<string, NodeAgent>();
  /** The space's RBAC, once followed (the root API has none: only system:masters enters it). */
  rbac: { snapshot(): RbacData } | undefined;
  /** Every object of the space at once, for controllers. */
  readonly objects: SpaceStream;
  /** ValidatingAdmissionPolicies and their bindings, enforced on client writes. */
  readonly policies: PolicyAdmission;
  /** Mutating and validating admission webhooks, called on client writes. */
  readonly webhooks: WebhookAdmission;
  /** By group/plural; replaced when a definition changes (a CRD update). */
  readonly #stores = new Map<string, GenericStore>();
  readonly #options: ServedSpaceOptions;
  #namespaces: ObjectCache | undefined;
  #serviceAccounts: ObjectCache | undefined;
  #quotas: ObjectCache | undefined;
  #storageClasses: ObjectCache | undefined;
  #ingressClasses: ObjectCache | undefined;

  constructor(options: ServedSpaceOptions) {
    this.name = options.name;
    this.type = options.type;
    this.wec = options.wec;
    this.#options = options;
    this.catalog = new ResourceCatalog(options.definitions);
    this.objects = new SpaceStream(options.backend, options.name, this.catalog);
    this.policies = new PolicyAdmission(this.catalog, (def) => this.store(def));
    this.webhooks = new WebhookAdmission(
      this.catalog,
      (def) => this.store(def),
      async (namespace) => (await this.#namespaceCache().lookup('', namespace))?.metadata.labels,
    );
  }

  store(def: ResourceDefinition): GenericStore {
    const key = `${def.group}/${def.plural}${def.servedVersion === undefined ? '' : `@${def.servedVersion}`}`;
    let store = this.#stores.get(key);
    if (store === undefined || store.def !== def) {
      store = new GenericStore(def, {
        backend: this.#options.backend,
        space: this.name,
        generateName: this.#options.generateName,
        admitNamespace: (ns, gr, name) => this.#admitNamespace(ns, gr, name),
        validateCommon: validateMetadata,
        ...this.#withQuota(def, this.#admissionFor(def)),
        ...(PolicyAdmission.isPolicyKind(def) && { afterWrite: () => this.policies.invalidate() }),
        // Graceful deletion where a (simulated) kubelet finishes it; elsewhere nothing would.
        ...(this.wec !== undefined && { gracefulDeletion: true }),
      });
      this.#stores.set(key, store);
    }
    return store;
  }

  /**
   * A ServiceAccount, as the token authenticator checks it on every request: from memory, kept
   * current by a watch (read-only).
   */
  async serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined> {
    const def = this.catalog.byResource('', 'serviceaccounts');
    if (def === undefined) return undefined;
    this.#serviceAccounts ??= new ObjectCache(this.store(def));
    return this.#serviceAccounts.lookup(namespace, name);
  }

  /** Stops background work (the caches' watches). */
  stop(): void {
    this.#namespaces?.stop();
    this.#serviceAccounts?.stop();
    this.#quotas?.stop();
    this.#storageClasses?.stop();
    this.#ingressClasses?.stop();
    this.policies.stop();
    this.webhooks.stop();
  }

  /**
   * Admission plugins that read other objects, in kube's order: for pods LimitRanger,
   * ServiceAccount, then Priority (where scheduling.k8s.io is served); for PriorityClasses the
   * one-default check; for claims DefaultStorageClass, then (claims and volumes)
   * StorageObjectInUseProtection's finalizer; for Ingresses DefaultIngressClass.
   */
  #admissionFor(def: ResourceDefinition): Pick<StoreDeps, 'admitWrite' | 'validateWrite'> {
    if (def.group === 'networking.k8s.io' && def.plural === 'ingresses') {
      const ingressClasses = this.catalog.byResource('networking.k8s.io', 'ingressclasses');
      if (ingressClasses === undefined) return {};
      const cache = (this.#ingressClasses ??= new ObjectCache(this.store(ingressClasses)));
      return { admitWrite: defaultIngressClassAdmission(() => cache.inNamespace('')) };
    }
    if (def.group !== '' && def.group !== 'scheduling.k8s.io') return {};
    const classes = this.catalog.byResource('scheduling.k8s.io', 'priorityclasses');
    const list = async (): Promise<PriorityClassInfo[]> => (classes === undefined ? [] : (await this.store(classes).list('')).list.items.map(toPriorityClassInfo));
    if (def.group === '' && def.plural === 'pods') {
      const rangesDef = this.catalog.byResource('', 'limitranges');
      const limits = rangesDef === undefined ? undefined : limitRangeAdmission(async (namespace) => (await this.store(rangesDef).list(namespace)).list.items);
      const accounts = serviceAccountAdmission((namespace, name) => this.serviceAccount(namespace, name));
      const priority = classes === undefined ? undefined : podPriorityAdmission(list);
      return {
        admitWrite: async (operation, pod, old) => {
          await limits?.(operation, pod);
          await accounts(operation, pod);
          await priority?.(operation, pod, old);
        },
      };
    }
    if (classes !== undefined && def.group === classes.group && def.plural === classes.plural) return { validateWrite: priorityClassAdmission(list) };
    if (def.group === '' && def.plural === 'persistentvolumeclaims') {
      const protect = protectionAdmission(PVC_PROTECTION);
      const storageClasses = this.catalog.byResource('storage.k8s.io', 'storageclasses');
      if (storageClasses === undefined) return { admitWrite: async (operation, claim) => protect(operation, claim) };
      this.#storageClasses ??= new ObjectCache(this.store(storageClasses));
      const cache = this.#storageClasses;
      const defaultClass = defaultStorageClassAdmission(() => cache.inNamespace(''));
      return {
        admitWrite: async (operation, claim) => {
          await defaultClass(operation, claim);
          protect(operation, claim);
        },
      };
    }
    if (def.group === '' && def.plural === 'persistentvolumes') {
      const protect = protectionAdmission(PV_PROTECTION);
      return { admitWrite: async (operation, volume) => protect(operation, volume) };
    }
    return {};
  }

  /** ResourceQuota admission, the last validating plugin, on every namespaced kind's creates and updates. */
  #withQuota(def: ResourceDefinition, admission: Pick<StoreDeps, 'admitWrite' | 'validateWrite'>): Pick<StoreDeps, 'admitWrite' | 'validateWrite'> {
    const quotaDef = this.catalog.byResource('', 'resourcequotas');
    if (!def.namespaced || quotaDef === undefined) return admission;
    const quota = resourceQuotaAdmission(def, {
      quotasIn: (namespace) => (this.#quotas ??= new ObjectCache(this.store(quotaDef))).inNamespace(namespace),
      updateStatus: async (namespace, name, mutate) => {
        await this.store(quotaDef).guaranteedUpdate(namespace, name, mutate, { subresource: 'status' });
      },
      recount: (namespace, hard, quotaSpec) => this.recountQuota(namespace, hard, quotaSpec),
    });
    const before = admission.validateWrite;
    return {
      ...admission,
      validateWrite: async (operation, obj, old, dryRun) => {
        await before?.(operation, obj, old, dryRun);
        await quota(obj, dryRun === true, operation === 'update' ? old : undefined);
      },
    };
  }

  /** What the objects a quota covers (its spec, for scopes) consume of the resources its `hard` names. */
  recountQuota(namespace: string, hard: Readonly<Record<string, string>>, quotaSpec: Record<string, unknown> = {}): Promise<Record<string, string>> {
    return recount(this.catalog.all(), async (def, ns) => (await this.store(def).list(ns)).list.items, namespace, hard, quotaSpec);
  }

  #namespaceCache(): ObjectCache {
    return (this.#namespaces ??= new ObjectCache(this.store(namespaces)));
  }

  /** New objects go only into namespaces that exist and are not being deleted. */
  async #admitNamespace(namespace: string, gr: GroupResource, name: string): Promise<void> {
    const ns = await this.#namespaceCache().lookup('', namespace);
    if (ns === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp !== undefined) {
      // Named after the object refused, as kube's NamespaceLifecycle admission words it.
      const err: StatusError = forbidden(gr, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      err.status.details!.causes = [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ];
      throw err;
    }
  }
}
