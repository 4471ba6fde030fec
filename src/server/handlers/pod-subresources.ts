/**
 * The Pod subresources that are not plain object reads and writes, and the proxies of pods,
 * services and nodes. No kubelet is dialled from this server (a cluster space's simulator is one
 * in process, for logs), so what needs one answers as kube-apiserver does when the pod has no
 * node, or when the node's kubelet cannot be reached:
 *
 * - `log`: the options are checked, then the pod and its container; a pod on no node has no logs
 *   yet (204, no body, as upstream's empty stream); a pod whose node has a kubelet in process (a
 *   cluster space's simulator) gets that kubelet's answer, followed while the container runs.
 * - `exec`, `attach`, `portforward`: 400 `pod P does not have a host assigned`, answered before
 *   any upgrade (a websocket or SPDY client reads it as the upgrade's failure).
 * - `binding`: assigns the pod to a node once; `eviction`: deletes the pod unless its disruption
 *   budget forbids it.
 * - `proxy`: 503 without an endpoint, 400 for a pod without an address.
 *
 * Everything goes through the registry's stores; the decisions are in
 * registry/builtin/pod-subresources.ts.
 */
import { badRequest, invalid, isStatusError, notFound, fieldErrors, type FieldError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import {
  bindPod,
  chargeBudget,
  containerLogRefusal,
  decideEviction,
  kubeletUnreachable,
  noHostAssigned,
  pickContainer,
  podProxyError,
  readyEndpointsAddresses,
  serviceProxyError,
  splitSchemeNamePort,
  validateBinding,
} from '../../registry/builtin/pod-subresources.js';
import { rec, recs, specOf, statusOf, str } from '../../registry/builtin/helpers.js';
import { queryFlag } from '../query-flag.js';
import type { GenericStore } from '../../registry/store.js';
import { decodeStructured, mediaTypeOf, readBody } from '../body.js';
import { sendJson, type ResourceContext } from './context.js';
import { deleteOptionsFrom } from './write.js';

// ---------------------------------------------------------------------------------------------
// Query options

/** An integer query option, undefined when absent; 400 when not an integer. */
function intOption(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** PodLogOptions from the query: decoding errors are 400, ValidatePodLogOptions' are 422. */
function checkLogOptions(ctx: ResourceContext): void {
  const q = ctx.query;
  // Boolean options (follow, previous, timestamps) decode as every boolean query parameter does:
  // anything but 0 and false is true, so none is malformed.
  const tailLines = intOption(q, 'tailLines');
  const limitBytes = intOption(q, 'limitBytes');
  const sinceSeconds = intOption(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null && sinceTime !== '' && Number.isNaN(Date.parse(sinceTime))) {
    throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push(fieldErrors.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) errs.push(fieldErrors.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime !== null && sinceTime !== '') {
    errs.push(fieldErrors.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  }
  if (sinceSeconds !== undefined && sinceSeconds < 1) errs.push(fieldErrors.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  const stream = q.get('stream');
  if (stream !== null && stream !== 'All' && stream !== 'Stdout' && stream !== 'Stderr') errs.push(fieldErrors.notSupported('stream', stream, ['All', 'Stderr', 'Stdout']));
  if (stream !== null && stream !== 'All' && tailLines !== undefined) errs.push(fieldErrors.forbidden('', '`tailLines` and specific `stream` are mutually exclusive for now'));
  if (errs.length > 0) throw invalid({ group: '', kind: 'PodLogOptions' }, ctx.info.name, errs);
}

// ---------------------------------------------------------------------------------------------
// Nodes

function storeOf(ctx: ResourceContext, group: string, plural: string): GenericStore | undefined {
  const def = ctx.space.catalog.byResource(group, plural);
  return def === undefined ? undefined : ctx.space.store(def);
}

async function getOrUndefined(store: GenericStore | undefined, namespace: string, name: string): Promise<KubeObject | undefined> {
  if (store === undefined) return undefined;
  try {
    return await store.get(namespace, name);
  } catch (err) {
    if (isStatusError(err, 'NotFound')) return undefined;
    throw err;
  }
}

/** The answer for anything that needs the kubelet of `nodeName`: the node is looked up, and its kubelet is never reachable here. */
async function kubeletOf(ctx: ResourceContext, nodeName: string): Promise<never> {
  throw kubeletUnreachable(nodeName, await getOrUndefined(storeOf(ctx, '', 'nodes'), '', nodeName));
}

// ---------------------------------------------------------------------------------------------
// log, exec, attach, portforward

/** GET pods/P/log. */
export async function handlePodLog(ctx: ResourceContext): Promise<void> {
  checkLogOptions(ctx);
  const pod = await ctx.store.get(ctx.info.namespace, ctx.info.name);
  const container = pickContainer(pod, ctx.query.get('container') ?? '');
  const node = str(specOf(pod)['nodeName']);
  if (node === '') {
    // Upstream finds no location for a pod without a host and streams nothing: 204, no body.
    ctx.res.statusCode = 204;
    ctx.res.end();
    return;
  }
  const kubelet = ctx.space.kubelets.get(node);
  if (kubelet === undefined) return kubeletOf(ctx, node);
  // The kubelet's own refusals come back as 400s.
  const refusal = containerLogRefusal(pod, container, queryFlag(ctx.query, 'previous') === true);
  if (refusal !== undefined) throw badRequest(refusal);
  ctx.res.statusCode = 200;
  ctx.res.setHeader('Content-Type', 'text/plain');
  ctx.res.flushHeaders();
  const text = kubelet.containerLog(pod, container);
  if (text !== '') ctx.res.write(text);
  if (queryFlag(ctx.query, 'follow') === true) await whileRunning(ctx, pod, container);
  ctx.res.end();
}

/** A followed log stays open while the container runs: until it stops, the pod goes, or the client leaves. */
async function whileRunning(ctx: ResourceContext, pod: KubeObject, container: string): Promise<void> {
  const abort = new AbortController();
  ctx.req.on('close', () => abort.abort());
  const running = (p: KubeObject): boolean =>
    recs(statusOf(p)['containerStatuses']).some((c) => c['name'] === container && rec(rec(c['state'])?.['running']) !== undefined);
  if (!running(pod)) return;
  try {
    const name = pod.metadata.name;
    const uid = pod.metadata.uid;
    const events = ctx.store.watch(ctx.info.namespace, {
      afterRevision: Number(pod.metadata.resourceVersion),
      signal: abort.signal,
      predicate: (o) => o.metadata.name === name,
    });
    for await (const batch of events) {
      if (batch.some((e) => e.type === 'DELETED' || e.object.metadata.uid !== uid || !running(e.object))) return;
    }
  } catch {
    // Aborted, or the watch could not go on: either way the stream ends.
  } finally {
    abort.abort();
  }
}

/** GET or POST (with an upgrade) pods/P/exec, attach and portforward. */
export async function handlePodConnect(ctx: ResourceContext): Promise<void> {
  const sub = ctx.info.subresource;
  if (sub === 'portforward') {
    for (const port of ctx.query.getAll('ports').flatMap((p) => p.split(','))) {
      const n = /^\d+$/.test(port.trim()) ? Number(port.trim()) : Number.NaN;
      if (!(n > 0 && n < 65536)) throw badRequest(`invalid port ${JSON.stringify(port)}: ports must be integers between 1 and 65535`);
    }
  }
  const pod = await ctx.store.get(ctx.info.namespace, ctx.info.name);
  if (sub !== 'portforward') pickContainer(pod, ctx.query.get('container') ?? '');
  const node = str(specOf(pod)['nodeName']);
  if (node === '') throw noHostAssigned(pod);
  await kubeletOf(ctx, node);
}

// ---------------------------------------------------------------------------------------------
// binding, eviction

/** Reads an object body of `apiVersion`/`kind`, checking the name against the URL's. */
/** A body as one of the `accepted` versions of `kind` (its metadata an object). */
function kindBody(ctx: ResourceContext, raw: Buffer, accepted: readonly string[], kind: string): KubeObject {
  const body = decodeStructured(raw, mediaTypeOf(ctx.req), { apiVersion: accepted[0]!, kind });
  if (!isPlainObject(body)) throw badRequest(`the request body must be a ${kind} object`);
  const obj = body as KubeObject;
  if (obj.kind !== undefined && obj.kind !== kind) throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${kind})`);
  if (obj.apiVersion !== undefined && !accepted.includes(String(obj.apiVersion))) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${accepted[0]!})`);
  }
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj;
}

/** The request's body as `kind`, named as the URL names the object. */
async function namedBody(ctx: ResourceContext, accepted: readonly string[], kind: string): Promise<KubeObject> {
  const obj = kindBody(ctx, await readBody(ctx.req), accepted, kind);
  if ((obj.metadata.name ?? '') !== ctx.info.name) throw badRequest(`name in URL does not match name in ${kind} object`);
  return obj;
}

const SUCCESS_CREATED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/** POST pods/P/binding: a v1 Binding assigning the pod to a node. */
export async function handlePodBinding(ctx: ResourceContext): Promise<void> {
  const binding = await namedBody(ctx, ['v1'], 'Binding');
  const errs = validateBinding(binding);
  if (errs.length > 0) throw invalid({ group: '', kind: 'Binding' }, ctx.info.name, errs);
  const dryRun = ctx.query.getAll('dryRun').includes('All');
  await ctx.store.guaranteedUpdate(ctx.info.namespace, ctx.info.name, (pod) => bindPod(pod, binding), { dryRun, subresource: 'binding' });
  sendJson(ctx.res, 201, SUCCESS_CREATED);
}

/** POST bindings: the same, with the pod named by the Binding itself. */
export async function handleBindingCreate(ctx: ResourceContext): Promise<void> {
  const binding = kindBody(ctx, await readBody(ctx.req), ['v1'], 'Binding');
  const podName = binding.metadata.name ?? '';
  if (podName === '') throw invalid({ group: '', kind: 'Binding' }, '', [fieldErrors.required('metadata.name', 'name or generateName is required')]);
  const namespace = binding.metadata.namespace;
  if (namespace !== undefined && namespace !== '' && namespace !== ctx.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const errs = validateBinding(binding);
  if (errs.length > 0) throw invalid({ group: '', kind: 'Binding' }, podName, errs);
  const pods = storeOf(ctx, '', 'pods');
  if (pods === undefined) throw notFound({ group: '', resource: 'pods' }, podName);
  const dryRun = ctx.query.getAll('dryRun').includes('All');
  await pods.guaranteedUpdate(ctx.info.namespace, podName, (pod) => bindPod(pod, binding), { dryRun, subresource: 'binding' });
  sendJson(ctx.res, 201, SUCCESS_CREATED);
}

/** POST pods/P/eviction: a policy Eviction; deletes the pod with the eviction's DeleteOptions unless its budget forbids it. */
export async function handlePodEviction(ctx: ResourceContext): Promise<void> {
  const eviction = await namedBody(ctx, ['policy/v1', 'policy/v1beta1'], 'Eviction');
  const raw = eviction['deleteOptions'];
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) throw badRequest('deleteOptions must be an object');
  const options = deleteOptionsFrom((raw ?? {}) as Record<string, unknown>, ctx.query);
  const { namespace, name } = ctx.info;
  const pod = await ctx.store.get(namespace, name);
  const pdbStore = storeOf(ctx, 'policy', 'poddisruptionbudgets');
  const pdbs = pdbStore === undefined ? [] : (await pdbStore.list(namespace)).list.items;
  const decision = decideEviction(pod, pdbs);
  // Without a precondition of its own, the eviction applies to the pod as it was judged.
  const preconditions = options.preconditions ?? (decision.charge !== undefined ? { resourceVersion: pod.metadata.resourceVersion! } : undefined);
  if (decision.charge !== undefined && pdbStore !== undefined) {
    const pdbName = decision.charge.metadata.name!;
    if (!options.dryRun) await pdbStore.guaranteedUpdate(namespace, pdbName, (pdb) => chargeBudget(pdb, name), { subresource: 'status' });
  }
  await ctx.store.delete(namespace, name, { ...options, ...(preconditions && { preconditions }) });
  sendJson(ctx.res, 201, SUCCESS_CREATED);
}

// ---------------------------------------------------------------------------------------------
// proxy

function proxyTarget(ctx: ResourceContext): { scheme: string; name: string; port: string } {
  const target = splitSchemeNamePort(ctx.info.name);
  if (target === undefined) throw badRequest(`invalid ${ctx.def.singular} request ${JSON.stringify(ctx.info.name)}`);
  return target;
}

/** Any verb on pods/P/proxy[/path]. */
export async function handlePodProxy(ctx: ResourceContext): Promise<void> {
  const pod = await ctx.store.get(ctx.info.namespace, proxyTarget(ctx).name);
  throw podProxyError(pod);
}

/** Any verb on services/S/proxy[/path]: the service's port and a ready endpoint are needed. */
export async function handleServiceProxy(ctx: ResourceContext): Promise<void> {
  const { name, port } = proxyTarget(ctx);
  const service = await ctx.store.get(ctx.info.namespace, name);
  if (str(specOf(service)['type']) === 'ExternalName') throw badRequest(`external name service ${JSON.stringify(name)} cannot be proxied`);
  // As the service REST's ResourceLocation: the Service's Endpoints object, which must exist.
  const endpoints = await getOrUndefined(storeOf(ctx, '', 'endpoints'), ctx.info.namespace, name);
  if (endpoints === undefined) throw notFound({ group: '', resource: 'endpoints' }, name);
  throw serviceProxyError(ctx.info.name, service, port, readyEndpointsAddresses(endpoints));
}

/** Any verb on nodes/N/proxy[/path]: the node's kubelet. */
export async function handleNodeProxy(ctx: ResourceContext): Promise<void> {
  const { name } = proxyTarget(ctx);
  const node = await getOrUndefined(ctx.store, '', name);
  if (node === undefined) throw notFound({ group: '', resource: 'nodes' }, name);
  await kubeletOf(ctx, name);
}
