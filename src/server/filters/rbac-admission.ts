/**
 * The RBAC escalation check kube-apiserver makes on writes of Roles, ClusterRoles and their
 * bindings: a user may grant only what they hold (or with the escalate/bind verbs). It runs on the
 * object as it will be stored, after every patch and merge, through the store's admit hook.
 */
import type { KubeObject } from '../../api/object.js';
import { bindingEscalationError, roleEscalationError } from '../../auth/rbac/escalation.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { Request } from '../http.js';
import type { ResourceRequest } from '../request-info.js';
import { requestUser } from './request-user.js';

export type Admit = (obj: KubeObject, old?: KubeObject) => void | Promise<void>;

export function rbacAdmission(space: ServedSpace, info: ResourceRequest, req: Request): Admit | undefined {
  if (info.group !== 'rbac.authorization.k8s.io' || info.subresource !== '') return undefined;
  const user = requestUser(req);
  const rbac = space.rbac;
  if (user === undefined || rbac === undefined) return undefined;
  const r = info.resource;
  return (obj, old) => {
    const write = { user, verb: info.verb, namespace: info.namespace, obj, ...(old !== undefined && { oldObj: old }) };
    const err =
      r === 'roles' || r === 'clusterroles'
        ? roleEscalationError(r, write, rbac.snapshot())
        : r === 'rolebindings' || r === 'clusterrolebindings'
          ? bindingEscalationError(r, write, rbac.snapshot())
          : undefined;
    if (err !== undefined) throw err;
  };
}
