/**
 * The PV controller (and the provisioner, and the scheduler's delayed binding) against the
 * space: claims bind or get a volume provisioned (model/claims.ts), volumes follow their claims
 * (model/volumes.ts). The PersistentVolumes are few and cluster-wide; the pods a claim waits
 * for come from the cache's namespace index.
 */
import type { KubeObject } from '../../api/object.js';
import { specOf, str } from '../../registry/builtin/helpers.js';
import { boundClaim, claimNamesOf, claimStatus, isWaitForFirstConsumer, planClaim, STORAGE_PROVISIONER_ANNOTATION, unboundClaimStatus } from '../model/claims.js';
import { provisioned, provisioning, SOURCES, waitForFirstConsumer } from '../model/events.js';
import { isDeleting } from '../model/objects.js';
import { isActive } from '../model/pods.js';
import { boundVolume, claimRefOf, classOf, planVolume, unboundVolume, volumeStatus } from '../model/volumes.js';
import { keyFor, keyOf } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';

const storageClassNamed = (ctx: Pick<SimContext, 'cache'>, name: string): KubeObject | undefined =>
  name === '' ? undefined : ctx.cache.get(keyFor('storage.k8s.io/storageclasses', '', name))?.object;

/** The node of a scheduled, unfinished pod in the claim's namespace that uses it. */
function consumerNode(ctx: SimContext, claim: KubeObject): string | undefined {
  for (const { object: pod } of ctx.cache.ofKind('/pods', claim.metadata.namespace ?? '')) {
    const node = str(specOf(pod)['nodeName']);
    if (node !== '' && isActive(pod) && claimNamesOf(pod).includes(claim.metadata.name ?? '')) return node;
  }
  return undefined;
}

export const syncClaim: SyncFunction = async (ctx, { def, object: claim }, key) => {
  const pvDef = ctx.def('/persistentvolumes');
  if (pvDef === undefined || isDeleting(claim)) return;
  const storageClass = storageClassNamed(ctx, classOf(claim));
  const unbound = str(specOf(claim)['volumeName']) === '';
  const node = unbound && isWaitForFirstConsumer(storageClass) ? consumerNode(ctx, claim) : undefined;
  const plan = planClaim(claim, {
    volumes: ctx.cache.ofKind('/persistentvolumes').map((c) => c.object),
    ...(storageClass && { storageClass }),
    ...(node !== undefined && { consumerNode: node }),
  });
  switch (plan.kind) {
    case 'none':
      return;
    case 'pending':
      // Said again whenever the claim is looked at, as upstream's resync does; the recorder counts repeats.
      if (unbound && node === undefined && isWaitForFirstConsumer(storageClass)) {
        ctx.events.record(SOURCES.volume, claim, waitForFirstConsumer);
      }
      return ctx.writeStatus(def, claim, (cur) => unboundClaimStatus(cur, 'Pending'));
    case 'lost':
      return ctx.writeStatus(def, claim, (cur) => unboundClaimStatus(cur, plan.kind === 'lost' ? 'Lost' : 'Pending'));
    case 'bind': {
      const pv = plan.volume;
      if (boundVolume(pv, claim) !== undefined) await ctx.update(pvDef, pv, (cur) => boundVolume(cur, claim));
      await ctx.writeStatus(pvDef, pv, (cur) => volumeStatus(cur, 'Bound'));
      return completeClaim(ctx, claim, pv, plan.annotations);
    }
    case 'provision': {
      const provisioner = { component: plan.annotations[STORAGE_PROVISIONER_ANNOTATION] ?? 'provisioner' };
      ctx.events.record(provisioner, claim, provisioning(claim.metadata.namespace ?? '', claim.metadata.name ?? ''));
      const pv = await ctx.create(pvDef, plan.volume);
      // Taken (the cache has yet to see a volume made for this claim): the next sync binds that one.
      if (pv === undefined) return ctx.later(key, Date.now() + ctx.options.retryMs);
      ctx.events.record(provisioner, claim, provisioned(pv.metadata.name ?? ''));
      await ctx.writeStatus(pvDef, pv, (cur) => volumeStatus(cur, 'Bound'));
      return completeClaim(ctx, claim, pv, plan.annotations);
    }
  }
};

async function completeClaim(ctx: SimContext, claim: KubeObject, pv: KubeObject, annotations: Record<string, string>): Promise<void> {
  const def = ctx.def('/persistentvolumeclaims');
  if (def === undefined) return;
  await ctx.update(def, claim, (cur) => boundClaim(cur, pv, annotations));
  await ctx.writeStatus(def, claim, (cur) => claimStatus(cur, pv));
}

export const syncVolume: SyncFunction = async (ctx, { def, object: pv }) => {
  const ref = claimRefOf(pv);
  const claimKey = ref && keyFor('/persistentvolumeclaims', str(ref['namespace']), str(ref['name']));
  const claim = claimKey === undefined ? undefined : ctx.cache.get(claimKey)?.object;
  const action = planVolume(pv, claim);
  switch (action.kind) {
    case 'none':
      return;
    case 'phase':
      return ctx.writeStatus(def, pv, (cur) => volumeStatus(cur, action.phase));
    case 'delete':
      // Released first, as the PV controller marks it before reclaiming: pv-protection lets a
      // volume go only once it is no longer Bound.
      await ctx.writeStatus(def, pv, (cur) => volumeStatus(cur, 'Released'));
      return ctx.remove(def, pv);
    case 'unbind':
      return ctx.update(def, pv, (cur) => (claimRefOf(cur) === undefined ? undefined : unboundVolume(cur)));
    case 'syncClaim':
      if (claimKey !== undefined) ctx.later(claimKey, Date.now());
  }
};

/** Keys of claims still waiting for a volume, optionally only those of one class (a class or a free volume appeared). */
export function pendingClaims(ctx: Pick<SimContext, 'cache'>, className?: string): string[] {
  const out: string[] = [];
  for (const { def, object } of ctx.cache.ofKind('/persistentvolumeclaims')) {
    if (str(specOf(object)['volumeName']) !== '' || isDeleting(object)) continue;
    if (className === undefined || classOf(object) === className) out.push(keyOf(def, object));
  }
  return out;
}

/** Keys of the unbound claims a pod uses (a delayed claim binds once such a pod is scheduled). */
export function claimsWaitingFor(ctx: Pick<SimContext, 'cache'>, pod: KubeObject): string[] {
  const namespace = pod.metadata.namespace ?? '';
  if (str(specOf(pod)['nodeName']) === '') return [];
  const out: string[] = [];
  for (const name of claimNamesOf(pod)) {
    const key = keyFor('/persistentvolumeclaims', namespace, name);
    const claim = ctx.cache.get(key)?.object;
    if (claim !== undefined && str(specOf(claim)['volumeName']) === '') out.push(key);
  }
  return out;
}
