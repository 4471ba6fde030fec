/**
 * Admission of a client write beyond RBAC: ValidatingAdmissionPolicies and admission webhooks.
 * Builds the request attributes (user, dry run, subresource, options) and hands each write to the
 * space's policies and hooks through the store's hooks, so that they see the object as it will
 * be stored: mutating webhooks before the kind's validation, then (as kube orders its validating
 * plugins) policies, then validating webhooks. Warn actions and hook warnings become Warning headers.
 */
import type { KubeObject } from '../../api/object.js';
import type { AdmissionRequest } from '../../registry/admission/validating-policy.js';
import { exemptFromWebhooks } from '../../registry/admission/webhooks.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import { PolicyAdmission } from '../../spaces/policy-admission.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { Request, Response } from '../http.js';
import type { ResourceRequest } from '../request-info.js';
import { setWarnings } from '../handlers/context.js';
import { requestUser } from './request-user.js';

export interface PolicyHooks {
  readonly admit: (obj: KubeObject, old?: KubeObject) => void | Promise<void>;
  /** Undefined (no promise) when no mutating hook can apply: the write goes on without a wait. */
  readonly mutate: (obj: KubeObject, old?: KubeObject) => Promise<KubeObject | undefined> | undefined;
  readonly admitDelete: (old: KubeObject, dryRun: boolean) => void | Promise<void>;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** Write options a review carries, from the query (the body's DeleteOptions are the handler's). */
const OPTION_PARAMS = ['fieldManager', 'fieldValidation', 'propagationPolicy', 'gracePeriodSeconds'] as const;

export function policyAdmission(space: ServedSpace, def: ResourceDefinition, info: ResourceRequest, query: URLSearchParams, req: Request, res: Response): PolicyHooks | undefined {
  if (!WRITE_VERBS.has(info.verb)) return undefined;
  const policies = !PolicyAdmission.isPolicyKind(def);
  const webhooks = !exemptFromWebhooks(def.group, def.plural);
  if (!policies && !webhooks) return undefined;
  const user = requestUser(req);
  let sent: Set<string> | undefined;
  const warn = (message: string): void => {
    sent ??= new Set();
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
  // Options and the query's dry run are read only for a review that is actually sent.
  let options: Record<string, unknown> | undefined;
  const optionsOf = (): Record<string, unknown> => (options ??= optionsFrom(query));
  const queryDryRun = (): boolean => query.getAll('dryRun').includes('All');
  const operationOf = (old: KubeObject | undefined): AdmissionRequest['operation'] => (old === undefined ? 'CREATE' : 'UPDATE');
  // Without hooks or policies the checks answer synchronously: no promise turn per write.
  return {
    mutate: (obj, old) =>
      webhooks && space.webhooks.mayHave('mutating') ? space.webhooks.mutate({ request: request(operationOf(old), obj, old, queryDryRun()), options: optionsOf(), warn }) : undefined,
    admit: (obj, old) => {
      const checkPolicies = policies && !space.policies.knownEmpty;
      const validate = webhooks && space.webhooks.mayHave('validating');
      if (!checkPolicies && !validate) return undefined;
      const r = request(operationOf(old), obj, old, queryDryRun());
      const checked = checkPolicies ? space.policies.check(r, warn) : undefined;
      if (!validate) return checked;
      return Promise.resolve(checked).then(() => space.webhooks.validate({ request: r, options: optionsOf(), warn }));
    },
    admitDelete: async (old, dryRun) => {
      const r = request('DELETE', undefined, old, dryRun);
      if (webhooks) await space.webhooks.mutate({ request: r, options: optionsOf(), warn });
      if (policies) await space.policies.check(r, warn);
      if (webhooks) await space.webhooks.validate({ request: r, options: optionsOf(), warn });
    },
  };
}

function optionsFrom(query: URLSearchParams): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const p of OPTION_PARAMS) {
    const v = query.get(p);
    if (v !== null) options[p] = p === 'gracePeriodSeconds' ? Number(v) : v;
  }
  return options;
}
