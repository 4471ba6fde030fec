/**
 * ValidatingAdmissionPolicy admission of a client write: builds the request attributes (user,
 * dry run, subresource) and hands each write to the space's policies through the store's admit
 * hooks, so the policies see the object as it will be stored. Warn actions become Warning headers.
 */
import type { KubeObject } from '../../api/object.js';
import type { AdmissionRequest } from '../../registry/admission/validating-policy.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import { PolicyAdmission } from '../../spaces/policy-admission.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { Request, Response } from '../http.js';
import type { ResourceRequest } from '../request-info.js';
import { setWarnings } from '../handlers/context.js';
import { requestUser } from './request-user.js';

export interface PolicyHooks {
  readonly admit: (obj: KubeObject, old?: KubeObject) => void | Promise<void>;
  readonly admitDelete: (old: KubeObject, dryRun: boolean) => void | Promise<void>;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function policyAdmission(space: ServedSpace, def: ResourceDefinition, info: ResourceRequest, query: URLSearchParams, req: Request, res: Response): PolicyHooks | undefined {
  if (!WRITE_VERBS.has(info.verb) || PolicyAdmission.isPolicyKind(def)) return undefined;
  const user = requestUser(req);
  const sent = new Set<string>();
  const warn = (message: string): void => {
    if (sent.has(message)) return;
    sent.add(message);
    setWarnings(res, [message]);
  };
  const request = (operation: AdmissionRequest['operation'], object: KubeObject | undefined, oldObject: KubeObject | undefined, dryRun: boolean): AdmissionRequest => ({
    operation,
    group: def.group,
    version: info.version,
    resource: def.plural,
    subresource: info.subresource,
    kind: def.kind,
    namespaced: def.namespaced,
    namespace: def.namespaced ? info.namespace : '',
    name: (object ?? oldObject)?.metadata.name ?? info.name,
    object,
    oldObject,
    user: { name: user?.name ?? '', groups: user?.groups ?? [], ...(user?.uid !== undefined && { uid: user.uid }), ...(user?.extra !== undefined && { extra: user.extra }) },
    dryRun,
  });
  const queryDryRun = query.getAll('dryRun').includes('All');
  return {
    admit: (obj, old) => space.policies.check(request(old === undefined ? 'CREATE' : 'UPDATE', obj, old, queryDryRun), warn),
    admitDelete: (old, dryRun) => space.policies.check(request('DELETE', undefined, old, dryRun), warn),
  };
}
