/**
 * The endpoints and EndpointSlice controllers against the space: a Service with a selector gets
 * an Endpoints object of its name and EndpointSlices it owns (which the garbage collector removes
 * with it); the Endpoints goes when the Service does. Services without a selector are left alone.
 */
import type { KubeObject } from '../../api/object.js';
import { ENDPOINTS_CONTROLLER, ENDPOINTS_MANAGED_BY_LABEL, desiredEndpoints, managesEndpoints, selectorOf, selects } from '../model/endpoints.js';
import { planSlices } from '../model/endpoint-slices.js';
import { isDeleting } from '../model/objects.js';
import { keyFor } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';

/** The pods a service could select: its namespace's, from the cache's namespace index. */
const podsIn = (ctx: SimContext, namespace: string): KubeObject[] => ctx.cache.ofKind('/pods', namespace).map((c) => c.object);

export async function syncServiceEndpoints(ctx: SimContext, svc: KubeObject): Promise<void> {
  if (isDeleting(svc) || !managesEndpoints(svc)) return;
  const namespace = svc.metadata.namespace ?? '';
  const pods = podsIn(ctx, namespace);
  const endpointsDef = ctx.def('/endpoints');
  if (endpointsDef !== undefined) {
    const current = ctx.cache.get(keyFor('/endpoints', namespace, svc.metadata.name ?? ''))?.object;
    const want = desiredEndpoints(svc, pods, current);
    if (want !== undefined && current === undefined) await ctx.create(endpointsDef, want);
    else if (want !== undefined && current !== undefined) {
      await ctx.update(endpointsDef, current, (cur) => {
        cur.metadata.labels = want.metadata.labels!;
        if (want.metadata.annotations !== undefined) cur.metadata.annotations = want.metadata.annotations;
        if (want['subsets'] !== undefined) cur['subsets'] = want['subsets'];
        else delete cur['subsets'];
        return cur;
      });
    }
  }
  const sliceDef = ctx.def('discovery.k8s.io/endpointslices');
  if (sliceDef === undefined) return;
  const owned = ctx.cache.children(svc.metadata.uid ?? '', 'discovery.k8s.io/endpointslices').map((c) => c.object);
  const plan = planSlices(svc, pods, owned);
  for (const slice of plan.update) {
    await ctx.update(sliceDef, slice, (cur) => {
      for (const k of ['addressType', 'endpoints', 'ports'] as const) cur[k] = slice[k];
      cur.metadata.labels = slice.metadata.labels!;
      if (slice.metadata.annotations !== undefined) cur.metadata.annotations = slice.metadata.annotations;
      return cur;
    });
  }
  for (const slice of plan.create) await ctx.create(sliceDef, slice);
  for (const slice of plan.remove) await ctx.remove(sliceDef, slice);
}

/** An Endpoints object on its own: the one the controller made for a Service since deleted goes too. */
export const syncEndpoints: SyncFunction = async (ctx, { def, object: ep }) => {
  if (isDeleting(ep) || ep.metadata.labels?.[ENDPOINTS_MANAGED_BY_LABEL] !== ENDPOINTS_CONTROLLER) return;
  if (ctx.cache.get(keyFor('/services', ep.metadata.namespace ?? '', ep.metadata.name ?? '')) !== undefined) return;
  await ctx.remove(def, ep);
};

/** Keys of the services in the pod's namespace that select it now or selected it before the change. */
export function servicesSelecting(ctx: Pick<SimContext, 'cache'>, pod: KubeObject, previous: KubeObject | undefined): string[] {
  const out: string[] = [];
  for (const { object: svc } of ctx.cache.ofKind('/services', pod.metadata.namespace ?? '')) {
    const selector = selectorOf(svc);
    if (selector === undefined || !managesEndpoints(svc)) continue;
    if (selects(selector, pod.metadata.labels) || (previous !== undefined && selects(selector, previous.metadata.labels))) {
      out.push(keyFor('/services', svc.metadata.namespace ?? '', svc.metadata.name ?? ''));
    }
  }
  return out;
}
