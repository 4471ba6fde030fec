/**
 * Admission webhooks (Mutating/ValidatingWebhookConfiguration), the pure decisions: which hooks of
 * a configuration a write concerns, the AdmissionReview sent, what a response means, and the
 * Status errors kube-apiserver answers with. Calling the hooks is src/spaces/webhook-admission.ts.
 *
 * As upstream: rules, namespaceSelector, objectSelector and matchConditions choose the hooks;
 * failurePolicy (default Fail) decides whether a hook that cannot be called refuses the write;
 * sideEffects other than None/NoneOnDryRun refuse dry runs; a denial is the hook's own Status
 * (code at least 400) prefixed `admission webhook "name" denied the request`; a mutating hook
 * answers with a JSON Patch. matchPolicy Equivalent is treated as Exact (one version per kind
 * here), and mutating hooks are not reinvoked.
 */
import { StatusError, unknownError, type StatusReason } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { Labels } from '../../api/label-selector.js';
import { toCel } from '../crd/validation-rules.js';
import { rec, recs, str } from '../builtin/helpers.js';
import { compileExpression, matchResources, requestVariable, type AdmissionRequest } from './validating-policy.js';

export type WebhookType = 'mutating' | 'validating';

export interface WebhookService {
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
  readonly port: number;
}

export interface Webhook {
  readonly type: WebhookType;
  /** The configuration object's name, for errors and ordering. */
  readonly configuration: string;
  readonly name: string;
  readonly url: string | undefined;
  readonly service: WebhookService | undefined;
  /** PEM, decoded from clientConfig.caBundle; undefined: the system's roots. */
  readonly caBundle: string | undefined;
  readonly rules: readonly Record<string, unknown>[];
  readonly namespaceSelector: Record<string, unknown> | undefined;
  readonly objectSelector: Record<string, unknown> | undefined;
  readonly matchConditions: readonly { readonly name: string; readonly expression: string }[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly sideEffects: string;
  readonly timeoutSeconds: number;
  readonly admissionReviewVersions: readonly string[];
}

type Obj = Record<string, unknown>;

/** The hooks of one configuration object, with upstream's v1 defaults filled in. */
export function webhooksOf(config: KubeObject, type: WebhookType): Webhook[] {
  return recs(config['webhooks']).map((h) => {
    const client = rec(h['clientConfig']) ?? {};
    const svc = rec(client['service']);
    const ca = str(client['caBundle']);
    return {
      type,
      configuration: config.metadata.name ?? '',
      name: str(h['name']),
      url: str(client['url']) || undefined,
      service:
        svc === undefined
          ? undefined
          : { namespace: str(svc['namespace']), name: str(svc['name']), path: str(svc['path']), port: typeof svc['port'] === 'number' ? svc['port'] : 443 },
      caBundle: ca === '' ? undefined : Buffer.from(ca, 'base64').toString('utf8'),
      rules: recs(h['rules']),
      namespaceSelector: rec(h['namespaceSelector']),
      objectSelector: rec(h['objectSelector']),
      matchConditions: recs(h['matchConditions']).map((c) => ({ name: str(c['name']), expression: str(c['expression']) })),
      failurePolicy: str(h['failurePolicy']) === 'Ignore' ? 'Ignore' : 'Fail',
      sideEffects: str(h['sideEffects']),
      timeoutSeconds: typeof h['timeoutSeconds'] === 'number' ? h['timeoutSeconds'] : 10,
      admissionReviewVersions: Array.isArray(h['admissionReviewVersions']) ? (h['admissionReviewVersions'] as unknown[]).map(str) : ['v1'],
    };
  });
}

/** Hooks of several configurations in upstream's order: configurations by name, hooks as listed. */
export function orderedWebhooks(configs: readonly KubeObject[], type: WebhookType): Webhook[] {
  return [...configs].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)).flatMap((c) => webhooksOf(c, type));
}

/**
 * Writes no webhook sees, so that a broken hook can always be removed: the webhook configurations
 * and admission policies themselves.
 */
export function exemptFromWebhooks(group: string, resource: string): boolean {
  return (
    group === 'admissionregistration.k8s.io' &&
    /^(validatingwebhookconfigurations|mutatingwebhookconfigurations|(validating|mutating)admissionpolic(ies|ybindings))$/.test(resource)
  );
}

/** Rules and selectors (matchConditions are separate: they can fail). */
export function webhookMatches(hook: Webhook, req: AdmissionRequest, namespaceLabels: Labels | undefined): boolean {
  return matchResources(
    {
      resourceRules: hook.rules,
      ...(hook.namespaceSelector !== undefined && { namespaceSelector: hook.namespaceSelector }),
      ...(hook.objectSelector !== undefined && { objectSelector: hook.objectSelector }),
    },
    req,
    namespaceLabels,
  );
}

/** All matchConditions true: call the hook; any false: skip it; an error fails closed (403). */
export function evaluateMatchConditions(hook: Webhook, req: AdmissionRequest): { readonly matches: boolean } | { readonly error: string } {
  if (hook.matchConditions.length === 0) return { matches: true };
  const celOf = (o: KubeObject | undefined): unknown => (o === undefined ? null : toCel(undefined, o));
  const context = { object: celOf(req.object), oldObject: celOf(req.oldObject), request: toCel(undefined, requestVariable(req)) };
  const errors: string[] = [];
  for (const c of hook.matchConditions) {
    const compiled = compileExpression(c.expression);
    if ('error' in compiled) {
      errors.push(`matchCondition '${c.name}': expression '${c.expression}' ${compiled.error}`);
      continue;
    }
    let value: unknown;
    try {
      value = compiled.program(context);
    } catch (err) {
      errors.push(`matchCondition '${c.name}': ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      continue;
    }
    if (value === false) return { matches: false };
    if (value !== true) errors.push(`matchCondition '${c.name}': must evaluate to bool`);
  }
  return errors.length === 0 ? { matches: true } : { error: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]` };
}

/** The admission.k8s.io version to speak: the first of the hook's versions that is known. */
export function reviewVersion(hook: Webhook): 'v1' | 'v1beta1' | undefined {
  return hook.admissionReviewVersions.find((v): v is 'v1' | 'v1beta1' => v === 'v1' || v === 'v1beta1');
}

const OPTIONS_KINDS: Record<AdmissionRequest['operation'], string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions' };

/** The AdmissionReview posted to a hook. `options` are the write's options (fieldManager, ...). */
export function admissionReview(version: 'v1' | 'v1beta1', uid: string, req: AdmissionRequest, options: Obj = {}): Obj {
  const kind = { group: req.group, version: req.version, kind: req.kind };
  const resource = { group: req.group, version: req.version, resource: req.resource };
  const userInfo: Obj = { username: req.user.name, groups: [...req.user.groups] };
  if (req.user.uid !== undefined) userInfo['uid'] = req.user.uid;
  if (req.user.extra !== undefined && Object.keys(req.user.extra).length > 0) userInfo['extra'] = req.user.extra;
  const request: Obj = {
    uid,
    kind,
    resource,
    ...(req.subresource !== '' && { subResource: req.subresource }),
    requestKind: kind,
    requestResource: resource,
    ...(req.subresource !== '' && { requestSubResource: req.subresource }),
    ...(req.name !== '' && { name: req.name }),
    ...(req.namespace !== '' && { namespace: req.namespace }),
    operation: req.operation,
    userInfo,
    object: req.object ?? null,
    oldObject: req.oldObject ?? null,
    dryRun: req.dryRun,
    options: { apiVersion: 'meta.k8s.io/v1', kind: OPTIONS_KINDS[req.operation], ...options, ...(req.dryRun && { dryRun: ['All'] }) },
  };
  return { apiVersion: `admission.k8s.io/${version}`, kind: 'AdmissionReview', request };
}

/** What a hook answered, once checked. */
export interface WebhookAnswer {
  readonly allowed: boolean;
  /** The decoded JSON Patch operations (mutating hooks only). */
  readonly patch: unknown[] | undefined;
  readonly warnings: readonly string[];
  /** response.status: the hook's reason for a denial. */
  readonly result: Obj | undefined;
}

/** Checks a response body as upstream's VerifyAdmissionResponse; a string is why it is invalid. */
export function readAnswer(body: unknown, version: 'v1' | 'v1beta1', uid: string, mutating: boolean): WebhookAnswer | string {
  const review = rec(body);
  const response = rec(review?.['response']);
  if (response === undefined) return 'webhook response was absent';
  if (version === 'v1') {
    if (str(response['uid']) !== uid) return `expected response.uid="${uid}", got "${str(response['uid'])}"`;
    if (review?.['apiVersion'] !== 'admission.k8s.io/v1' || review['kind'] !== 'AdmissionReview') {
      return `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${str(review?.['apiVersion'])}, Kind=${str(review?.['kind'])}`;
    }
  }
  const rawPatch = str(response['patch']);
  const patchType = response['patchType'];
  if (version === 'v1') {
    if (mutating && rawPatch !== '' && patchType === undefined) return 'webhook returned response.patch but not response.patchType';
    if (mutating && rawPatch === '' && patchType !== undefined) return 'webhook returned response.patchType but not response.patch';
    if (!mutating && rawPatch !== '') return 'validating webhook may not return response.patch';
    if (!mutating && patchType !== undefined) return 'validating webhook may not return response.patchType';
    if (mutating && patchType !== undefined && patchType !== 'JSONPatch') return `unsupported patch type "${str(patchType)}"`;
  }
  let patch: unknown[] | undefined;
  if (mutating && rawPatch !== '') {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(rawPatch, 'base64').toString('utf8'));
      if (!Array.isArray(decoded)) return 'received undecodable patch in webhook response: not a JSON Patch';
      patch = decoded;
    } catch (err) {
      return `received undecodable patch in webhook response: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const warnings = Array.isArray(response['warnings']) ? (response['warnings'] as unknown[]).map(str).filter((w) => w !== '') : [];
  return { allowed: response['allowed'] === true, patch, warnings, result: rec(response['status']) };
}

/** A denial: the hook's Status, its code raised to at least 400, its message prefixed. */
export function webhookDenial(hook: Webhook, result: Obj | undefined): StatusError {
  const deniedBy = `admission webhook "${hook.name}" denied the request`;
  const code = typeof result?.['code'] === 'number' && result['code'] >= 400 ? result['code'] : 400;
  const message = str(result?.['message']);
  const reason = str(result?.['reason']);
  const text = message !== '' ? `${deniedBy}: ${message}` : reason !== '' ? `${deniedBy}: ${reason}` : `${deniedBy} without explanation`;
  const err = reason === '' ? unknownError(code, text) : new StatusError(code, reason as StatusReason, text);
  const details = rec(result?.['details']);
  if (details !== undefined) err.status.details = details;
  return err;
}

/** A hook that could not be called (or answered nonsense) under failurePolicy Fail: a 500. */
export function webhookCallFailure(hook: Webhook, why: string): StatusError {
  const message = `failed calling webhook "${hook.name}": ${why}`;
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** A dry run reaching a hook that may have side effects. */
export function dryRunUnsupported(hook: Webhook): StatusError {
  return new StatusError(400, 'BadRequest', `admission webhook "${hook.name}" does not support dry run`);
}

/** Whether a dry run may be sent to the hook. */
export function allowsDryRun(hook: Webhook): boolean {
  return hook.sideEffects === 'None' || hook.sideEffects === 'NoneOnDryRun';
}

/** The URL a hook is posted to, as given, with the `timeout` query upstream adds (whole seconds, rounded up). */
export function webhookUrl(base: string, timeoutSeconds: number): string {
  const hash = base.indexOf('#');
  const url = hash < 0 ? base : base.slice(0, hash);
  return `${url}${url.includes('?') ? '&' : '?'}timeout=${Math.max(1, Math.ceil(timeoutSeconds))}s`;
}
