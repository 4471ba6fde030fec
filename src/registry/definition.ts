/**
 * Resources are data: a definition names the resource and its API surface, and a strategy holds
 * its per-kind rules. Discovery, routing, OpenAPI and storage keys are all derived from these;
 * nothing in the HTTP layer is specific to one resource.
 */
import type { FieldError } from '../api/errors.js';
import type { NameValidator } from '../api/names.js';
import type { KubeObject } from '../api/object.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A column of `kubectl get` output (meta.k8s.io Table), computed from the object. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: 'name' | string;
  readonly description?: string;
  /** 0 shows by default; higher priorities only with `-o wide`. */
  readonly priority: number;
  readonly cell: (obj: KubeObject) => unknown;
}

/**
 * Per-kind rules, after apiserver's RESTCreateStrategy/RESTUpdateStrategy. Each method runs on
 * a private copy of the object and may mutate it where it says so.
 */
export interface Strategy {
  /** On create, before validation: clear status if the kind has a status subresource, set defaults. May mutate. */
  prepareForCreate(obj: KubeObject): void;
  /** On update, before validation: keep status from `old` if the kind has a status subresource. May mutate `obj`. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Kind-specific checks of a new object; every problem, not just the first. */
  validate(obj: KubeObject): FieldError[];
  /** Kind-specific checks of an update (immutable fields and the like). */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Checks only a create makes, beyond `validate` (events.k8s.io's stricter rules for new Events). */
  validateCreate?(obj: KubeObject): FieldError[];
  /** Whether a spec change bumps metadata.generation (kinds with spec/status split). */
  readonly tracksGeneration: boolean;
  /** Whether PUT on a missing object creates it (true for a few kinds, e.g. none of ours yet). */
  readonly allowCreateOnUpdate: boolean;
  /** Whether PUT without resourceVersion is accepted (true for built-ins, false for custom resources). */
  readonly allowUnconditionalUpdate: boolean;
  /**
   * On delete: whether something besides metadata.finalizers still holds the object (a
   * namespace's spec.finalizers); such an object is marked for deletion instead of removed, and
   * goes once nothing holds it.
   */
  heldForDeletion?(obj: KubeObject): boolean;
  /** When an object is marked for deletion (a namespace turns Terminating). May mutate. */
  markDeleting?(obj: KubeObject): void;
  /**
   * Graceful deletion (kube's CheckGracefulDelete): the seconds an object is given to go once a
   * delete asks for `requested` (undefined: the kind's default); 0 removes it at once. Applied only
   * where something finishes the deletion (a kubelet: the simulated clusters).
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /**
   * Why a client may never delete the object of this name, if so (kube's NamespaceLifecycle
   * admission keeps default, kube-system and kube-public); the answer is 403 Forbidden.
   */
  refuseDelete?(name: string): string | undefined;
  /**
   * On an update through the status subresource, after status has been taken from the write and
   * everything else from the stored object: what a kind's status strategy also keeps (a
   * CertificateSigningRequest's approval conditions, which only `approval` may change). May mutate `obj`.
   */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Values for field selectors beyond metadata.name/namespace (e.g. `type` of Secrets, `status.phase` of Pods). */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /**
   * On create, after prepareForCreate, with the authenticated user: kinds that record who asked
   * (CertificateSigningRequests' spec.username, uid, groups, extra). May mutate.
   */
  recordRequester?(obj: KubeObject, user: RequestingUser): void;
}

/** The authenticated user of a request, as recordRequester sees it. */
export interface RequestingUser {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export interface ResourceDefinition {
  readonly group: string;
  /** The version objects are stored in; the first one served. */
  readonly version: string;
  /** Every version served; all share the stored version's shape unless `conversion` says otherwise. */
  readonly versions: readonly string[];
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly subresources: {
    readonly status?: boolean;
    readonly scale?: ScaleSubresource;
    /** Namespaces' `finalize`: writes spec.finalizers only. */
    readonly finalize?: boolean;
    /** CertificateSigningRequests' `approval`: writes status.conditions only. */
    readonly approval?: boolean;
    /**
     * Further subresources (pods/log, pods/exec, pods/eviction, services/proxy, ...): discovery
     * lists each with its verbs and kind, and the server serves it with the handler registered
     * for `<resource>/<name>`. A subresource that writes the object itself (pods/ephemeralcontainers,
     * pods/resize, pods/binding) gives its update strategy: `update` builds the object to store
     * from the write and the stored object (what the subresource may change, everything else
     * kept), and `validateUpdate` replaces the kind's own update validation.
     */
    readonly extra?: readonly {
      readonly name: string;
      readonly verbs: readonly Verb[];
      /** The kind the subresource takes and answers with, when not the resource's own (policy/v1 Eviction). */
      readonly kind?: { readonly group: string; readonly version: string; readonly kind: string };
      readonly update?: (obj: KubeObject, old: KubeObject) => KubeObject;
      readonly validateUpdate?: (obj: KubeObject, old: KubeObject) => FieldError[];
    }[];
  };
  readonly columns: readonly PrinterColumn[];
  readonly strategy: Strategy;
  /** A custom resource's structural schema (openAPIV3Schema); built-ins use the published definitions. */
  readonly structuralSchema?: unknown;
  /** The name format; a DNS-1123 subdomain when absent (what most kinds use). */
  readonly nameValidator?: NameValidator;
  /**
   * A create-only kind whose POST is an action, never stored: `review` answers with a computed
   * status (the authorization and authentication reviews), `bind` assigns the pod the Binding
   * names to a node (core/v1 bindings, the older form of pods/binding).
   */
  readonly action?: 'review' | 'bind';
  /**
   * A DELETE that removes an object answers with the object, not a Status naming it (kube's
   * ReturnDeletedObject: pods, services, namespaces, volumes and a few more).
   */
  readonly returnsDeletedObject?: boolean;
  /** A read-only kind computed on each read, never stored (ComponentStatuses): get and list answer from it. */
  readonly computed?: () => KubeObject[];
  /**
   * For kinds whose served versions differ in shape (autoscaling HorizontalPodAutoscalers): how
   * an object moves between a served version and the stored one. Without it, versions differ only
   * in apiVersion (single-version built-ins, custom resources with conversion strategy None).
   */
  readonly conversion?: VersionConversion;
  /**
   * The resource whose storage holds these objects, when it is another group's (kube keeps
   * events.k8s.io Events in core Events' storage, one object seen through both APIs). Objects
   * are then stored in that resource's shape, and `conversion` moves them between the two.
   */
  readonly storedAs?: { readonly group: string; readonly plural: string };
  /**
   * For kinds whose served versions differ in more than shape (custom resources: schema,
   * subresources, printer columns, selectable fields, deprecation per version): the definition a
   * request to `version` is served with. Views share the group, plural, versions and storage.
   */
  readonly forVersion?: (version: string) => ResourceDefinition;
  /**
   * For a custom resource: the CRD spec it was built from (JSON). Two definitions with the same
   * one serve the same storage (a CRD marked for deletion still does), so watches go on.
   */
  readonly builtFrom?: string;
  /**
   * Stored objects may lack defaults their schema has gained since they were written: reads go
   * through conversion (which applies them, as kube's storage decoder does), never raw bytes.
   */
  readonly defaultsOnRead?: boolean;
  /** Set on a view returned by `forVersion`: the version it serves. */
  readonly servedVersion?: string;
  /** A deprecated version's warning, sent with every response to it. */
  readonly deprecationWarning?: string;
  /** Why creates are refused for now (a custom resource whose definition is terminating): 405 with this message. */
  readonly createRefusal?: string;
}

/**
 * Conversion between the stored version (`ResourceDefinition.version`) and any served version,
 * as kube-apiserver converts between the external versions and its internal one. Both functions
 * are called for every served version, the stored one included, and must not mutate their input
 * (watch events share one decoded object among watchers). `fromStored(obj, storedVersion)` must
 * give back what `toStored` stored unchanged: reads of the stored version are served straight
 * from the stored bytes.
 */
export interface VersionConversion {
  /** An object in `version`'s shape (a request body, a patched object) in the stored version's shape, with its apiVersion. */
  toStored(obj: KubeObject, version: string): KubeObject;
  /** A stored object in `version`'s shape, with that version's apiVersion. */
  fromStored(obj: KubeObject, version: string): KubeObject;
}

/** Where replicas live for the `scale` subresource (autoscaling/v1 Scale). */
export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}
