/**
 * Admission webhooks of one space: the I/O around src/registry/admission/webhooks.ts. The
 * configurations are read from watch-fed memory; a hook is posted its AdmissionReview over HTTPS
 * (its caBundle trusted, its timeout applied), at its URL or at a ready endpoint of its Service
 * (as kube-apiserver with aggregator routing resolves one: the Service's port, then an
 * EndpointSlice labelled with the Service's name, matched by port name). Mutating hooks run one
 * after another, each seeing the previous one's patch; validating hooks run all at once, and the
 * first refusal in hook order is the answer.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Labels } from '../api/label-selector.js';
import type { KubeObject } from '../api/object.js';
import { applyJsonPatch } from '../api/patch/json-patch.js';
import type { AdmissionRequest } from '../registry/admission/validating-policy.js';
import {
  admissionReview,
  allowsDryRun,
  dryRunUnsupported,
  evaluateMatchConditions,
  orderedWebhooks,
  readAnswer,
  reviewVersion,
  webhookCallFailure,
  webhookDenial,
  webhookMatches,
  webhookUrl,
  type Webhook,
  type WebhookType,
} from '../registry/admission/webhooks.js';
import { forbidden, internalError, isStatusError } from '../api/errors.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { GenericStore } from '../registry/store.js';
import { ObjectCache } from './object-cache.js';
import { arr, num, rec, recs, specOf, str } from '../registry/builtin/helpers.js';

const GROUP = 'admissionregistration.k8s.io';
const CONFIG_RESOURCES: Record<WebhookType, string> = { mutating: 'mutatingwebhookconfigurations', validating: 'validatingwebhookconfigurations' };
/** Upstream caps what it reads of a hook's answer; a larger body is a failed call. */
const MAX_ANSWER_BYTES = 3 * 1024 * 1024;

/** The write a hook is told about, and where to send warnings. */
export interface WebhookCall {
  readonly request: AdmissionRequest;
  /** The write's options as the review carries them (fieldManager, propagationPolicy, ...). */
  readonly options: Record<string, unknown>;
  readonly warn: (message: string) => void;
}

/** Why a call failed, in the words Go's HTTP client would use. */
class CallFailed extends Error {}

export class WebhookAdmission {
  readonly #catalog: ResourceCatalog;
  readonly #store: (def: ResourceDefinition) => GenericStore;
  readonly #namespaceLabels: (namespace: string) => Promise<Labels | undefined>;
  readonly #configs = new Map<WebhookType, ObjectCache>();

  constructor(catalog: ResourceCatalog, store: (def: ResourceDefinition) => GenericStore, namespaceLabels: (namespace: string) => Promise<Labels | undefined>) {
    this.#catalog = catalog;
    this.#store = store;
    this.#namespaceLabels = namespaceLabels;
  }

  stop(): void {
    for (const c of this.#configs.values()) c.stop();
  }

  /** False when the space is known to have no hooks of this type (checked without waiting). */
  mayHave(type: WebhookType): boolean {
    const cache = this.#cache(type);
    return cache !== undefined && cache.sizeNow() !== 0;
  }

  /**
   * Runs the mutating hooks that match; returns the object as they left it (the same object when
   * none patched it). Throws a denial, or a failure under failurePolicy Fail.
   */
  async mutate(call: WebhookCall): Promise<KubeObject | undefined> {
    const hooks = await this.#matching('mutating', call.request);
    let object = call.request.object;
    for (const hook of hooks) {
      const answer = await this.#invoke(hook, { ...call, request: { ...call.request, object } });
      if (answer?.patch === undefined || answer.patch.length === 0) continue;
      if (object === undefined) throw internalError(`admission webhook "${hook.name}" attempted to modify the object, which is not supported for this operation`);
      try {
        object = applyJsonPatch(object, answer.patch) as KubeObject;
      } catch (err) {
        throw internalError(isStatusError(err) ? err.message : err);
      }
    }
    return object;
  }

  /** Runs the validating hooks that match, all at once; throws the first refusal in hook order. */
  async validate(call: WebhookCall): Promise<void> {
    const hooks = await this.#matching('validating', call.request);
    if (hooks.length === 0) return;
    const outcomes = await Promise.allSettled(hooks.map((h) => this.#invoke(h, call)));
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (refused !== undefined) throw refused.reason;
  }

  async #matching(type: WebhookType, req: AdmissionRequest): Promise<Webhook[]> {
    const configs = await this.#cache(type)?.inNamespace('');
    if (configs === undefined || configs.length === 0) return [];
    let labels: Labels | undefined;
    if (req.namespaced && req.namespace !== '') labels = await this.#namespaceLabels(req.namespace);
    const chosen: Webhook[] = [];
    for (const hook of orderedWebhooks(configs, type)) {
      if (!webhookMatches(hook, req, labels)) continue;
      const conditions = evaluateMatchConditions(hook, req);
      if ('error' in conditions) throw forbidden({ group: req.group, resource: req.resource }, req.name, conditions.error);
      if (conditions.matches) chosen.push(hook);
    }
    return chosen;
  }

  #cache(type: WebhookType): ObjectCache | undefined {
    let cache = this.#configs.get(type);
    if (cache === undefined) {
      const def = this.#catalog.byResource(GROUP, CONFIG_RESOURCES[type]);
      if (def === undefined) return undefined;
      cache = new ObjectCache(this.#store(def));
      this.#configs.set(type, cache);
    }
    return cache;
  }

  /** One call: the hook's answer when it allowed the write; throws its denial or a failure (unless ignored). */
  async #invoke(hook: Webhook, call: WebhookCall): Promise<{ patch: unknown[] | undefined } | undefined> {
    if (call.request.dryRun && !allowsDryRun(hook)) throw dryRunUnsupported(hook);
    const fail = (why: string): undefined => {
      if (hook.failurePolicy === 'Ignore') return undefined;
      throw webhookCallFailure(hook, why);
    };
    const version = reviewVersion(hook);
    if (version === undefined) return fail('could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)');
    const uid = randomUUID();
    const body = admissionReview(version, uid, call.request, call.options);
    let answerBody: unknown;
    try {
      answerBody = await this.#post(hook, body);
    } catch (err) {
      if (err instanceof CallFailed) return fail(`failed to call webhook: ${err.message}`);
      throw err;
    }
    const answer = readAnswer(answerBody, version, uid, hook.type === 'mutating');
    if (typeof answer === 'string') return fail(`received invalid webhook response: ${answer}`);
    for (const w of answer.warnings) call.warn(w);
    if (!answer.allowed) throw webhookDenial(hook, answer.result);
    return { patch: answer.patch };
  }

  /** Posts the review and parses the answer; CallFailed carries Go's wording of what went wrong. */
  async #post(hook: Webhook, review: Record<string, unknown>): Promise<unknown> {
    const target = await this.#target(hook);
    const shown = webhookUrl(target.shown, hook.timeoutSeconds);
    const dial = new URL(webhookUrl(target.dial, hook.timeoutSeconds));
    const payload = Buffer.from(JSON.stringify(review));
    return new Promise((resolve, reject) => {
      const failed = (why: string): void => reject(new CallFailed(`Post "${shown}": ${why}`));
      const req = httpsRequest(
        {
          protocol: 'https:',
          hostname: dial.hostname.replace(/^\[|\]$/g, ''),
          port: dial.port === '' ? 443 : Number(dial.port),
          path: `${dial.pathname}${dial.search}`,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': payload.length },
          ...(hook.caBundle !== undefined && { ca: hook.caBundle }),
          ...(target.serverName !== undefined && { servername: target.serverName }),
          timeout: hook.timeoutSeconds * 1000,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy();
              failed('response body too large');
              return;
            }
            chunks.push(c);
          });
          res.on('error', (err) => failed(err.message));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            if (code < 200 || code > 299) {
              failed(httpFailure(code, text));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (err) {
              failed(`invalid character in response body: ${err instanceof Error ? err.message : String(err)}`);
            }
          });
        },
      );
      req.on('timeout', () => {
        req.destroy();
        failed('context deadline exceeded');
      });
      req.on('error', (err: NodeJS.ErrnoException) => failed(dialFailure(err, dial)));
      req.end(payload);
    });
  }

  /** Where a hook is reached: its URL, or a ready endpoint of its Service (shown by the Service's DNS name). */
  async #target(hook: Webhook): Promise<{ shown: string; dial: string; serverName?: string }> {
    if (hook.url !== undefined) return { shown: hook.url, dial: hook.url };
    const svc = hook.service;
    if (svc === undefined) throw new CallFailed('no clientConfig.url or clientConfig.service');
    const host = `${svc.name}.${svc.namespace}.svc`;
    const path = svc.path === '' ? '/' : svc.path;
    const shown = `https://${host}:${svc.port}${path}`;
    const fail = (why: string): never => {
      throw new CallFailed(`Post "${webhookUrl(shown, hook.timeoutSeconds)}": ${why}`);
    };
    const servicesDef = this.#catalog.byResource('', 'services');
    const service = servicesDef === undefined ? undefined : await this.#store(servicesDef).get(svc.namespace, svc.name).catch(() => undefined);
    if (service === undefined) return fail(`service "${svc.name}" not found`);
    const spec = specOf(service);
    const type = str(spec['type']) || 'ClusterIP';
    if (type !== 'ClusterIP' && type !== 'LoadBalancer' && type !== 'NodePort') return fail(`unsupported service type "${type}"`);
    const port = recs(spec['ports']).find((p) => p['port'] === svc.port);
    if (port === undefined) return fail(`no service port ${svc.port} found for service "${svc.name}"`);
    const address = await this.#readyEndpoint(svc.namespace, svc.name, str(port['name']));
    if (address === undefined) return fail(`no endpoints available for service "${svc.name}"`);
    const hostPort = address.ip.includes(':') ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
    return { shown, dial: `https://${hostPort}${path}`, serverName: host };
  }

  async #readyEndpoint(namespace: string, service: string, portName: string): Promise<{ ip: string; port: number } | undefined> {
    const def = this.#catalog.byResource('discovery.k8s.io', 'endpointslices');
    if (def === undefined) return undefined;
    const { list } = await this.#store(def).list(namespace, { predicate: (o) => o.metadata.labels?.['kubernetes.io/service-name'] === service });
    for (const slice of list.items) {
      const port = recs(slice['ports']).find((p) => str(p['name']) === portName && num(p['port']) !== undefined);
      if (port === undefined) continue;
      for (const ep of recs(slice['endpoints'])) {
        const ip = arr(ep['addresses'])[0];
        if (rec(ep['conditions'])?.['ready'] === false || typeof ip !== 'string') continue;
        return { ip, port: num(port['port'])! };
      }
    }
    return undefined;
  }
}

/** client-go's error for a non-2xx answer that is not a Status. */
function httpFailure(code: number, body: string): string {
  try {
    const status = JSON.parse(body) as Record<string, unknown>;
    if (status['kind'] === 'Status' && typeof status['message'] === 'string') return status['message'];
  } catch {
    // not JSON: described by its code below
  }
  if (code === 404) return 'the server could not find the requested resource';
  if (code >= 500) return `an error on the server (${JSON.stringify(body.trim().slice(0, 200))}) has prevented the request from succeeding`;
  return `the server responded with the status code ${code} but did not return more information`;
}

/** Node's connection errors in the words of Go's dialer and TLS stack. */
function dialFailure(err: NodeJS.ErrnoException, dial: URL): string {
  const hostPort = dial.host;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${dial.hostname}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`;
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    default:
      return err.message;
  }
}
