/**
 * A space's RBAC objects, followed in process, as the authorizer's snapshot: Roles, ClusterRoles
 * (with aggregation applied), RoleBindings and ClusterRoleBindings. The snapshot is rebuilt on
 * the first request after a change, so authorizing costs map lookups, not reads.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { rbacSnapshot, type RbacData } from '../auth/rbac/authorizer.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../auth/rbac/bootstrap.js';
import { runInformer } from '../controllers/informer.js';
import type { ServedSpace } from './served-space.js';

const KINDS = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'] as const;
type Kind = (typeof KINDS)[number];

export class RbacCache {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #objects = new Map<Kind, Map<string, KubeObject>>(KINDS.map((k) => [k, new Map()]));
  #snapshot: RbacData | undefined;

  constructor(space: ServedSpace) {
    this.#space = space;
  }

  /** Creates the default roles and bindings kube-apiserver has, then follows all four kinds. */
  async start(): Promise<void> {
    const def = (plural: Kind) => this.#space.catalog.byResource('rbac.authorization.k8s.io', plural)!;
    for (const [plural, objects] of [
      ['clusterroles', bootstrapClusterRoles({ kubestellar: this.#space.type === 'wds' })],
      ['clusterrolebindings', bootstrapClusterRoleBindings()],
    ] as const) {
      for (const o of objects) {
        try {
          await this.#space.store(def(plural)).create('', o);
        } catch (err) {
          if (!isStatusError(err, 'AlreadyExists')) throw err;
        }
      }
    }
    for (const kind of KINDS) {
      const map = this.#objects.get(kind)!;
      const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      await runInformer(
        this.#space.store(def(kind)),
        '',
        {
          sync: (items) => {
            map.clear();
            for (const o of items) map.set(key(o), o);
            this.#snapshot = undefined;
          },
          event: (e) => {
            if (e.type === 'DELETED') map.delete(key(e.object));
            else map.set(key(e.object), e.object);
            this.#snapshot = undefined;
          },
        },
        this.#abort.signal,
      );
    }
  }

  stop(): void {
    this.#abort.abort();
  }

  snapshot(): RbacData {
    this.#snapshot ??= rbacSnapshot({
      roles: [...this.#objects.get('roles')!.values()],
      clusterRoles: [...this.#objects.get('clusterroles')!.values()],
      roleBindings: [...this.#objects.get('rolebindings')!.values()],
      clusterRoleBindings: [...this.#objects.get('clusterrolebindings')!.values()],
    });
    return this.#snapshot;
  }
}
