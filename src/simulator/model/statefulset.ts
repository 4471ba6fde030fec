/**
 * The StatefulSet controller's decisions: pods `<set>-<ordinal>` with stable identity (hostname,
 * subdomain, claims from volumeClaimTemplates), created in order and each only once the one
 * before is running and ready (OrderedReady) or all at once (Parallel); surplus ordinals removed
 * from the top; a rolling update replacing one outdated pod at a time from the highest ordinal.
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { templateHash } from './hash.js';
import { controllerRefTo, generationOf, isDeleting, omitZero, specReplicas, templateOf } from './objects.js';
import { podFromTemplate } from './pod-factory.js';
import { isPodReady, isTerminal } from './pods.js';
import { podCounts, type TimedStatus } from './replicaset.js';

export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/**
 * The revision name pods are labelled with: `<set>-<hash of the template>`. The controller always
 * hashes with a collision count (0 until a collision), so the name is the same before and after
 * the first status write sets collisionCount.
 */
export function updateRevision(sts: KubeObject): string {
  return `${sts.metadata.name ?? ''}-${templateHash(templateOf(sts), num(statusOf(sts)['collisionCount']) ?? 0)}`;
}

const firstOrdinal = (sts: KubeObject): number => num(rec(specOf(sts)['ordinals'])?.['start']) ?? 0;

export function ordinalOf(sts: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${sts.metadata.name ?? ''}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) return undefined;
  return Number(name.slice(prefix.length));
}

export function claimsFor(sts: KubeObject, ordinal: number): KubeObject[] {
  const spec = specOf(sts);
  const matchLabels = rec(rec(spec['selector'])?.['matchLabels']) ?? {};
  const owned = str(rec(spec['persistentVolumeClaimRetentionPolicy'])?.['whenDeleted']) === 'Delete';
  return recs(spec['volumeClaimTemplates']).map((ct) => {
    const meta = rec(ct['metadata']) ?? {};
    const labels = { ...(rec(meta['labels']) ?? {}), ...matchLabels } as Record<string, string>;
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: `${str(meta['name'])}-${sts.metadata.name ?? ''}-${ordinal}`,
        namespace: sts.metadata.namespace ?? '',
        ...(Object.keys(labels).length > 0 && { labels }),
        ...(owned && { ownerReferences: [controllerRefTo(sts, 'apps/v1', 'StatefulSet')] }),
      },
      spec: structuredClone(rec(ct['spec']) ?? {}),
    };
  });
}

export function statefulPod(sts: KubeObject, ordinal: number, revision: string, nodeName: string): KubeObject {
  const name = `${sts.metadata.name ?? ''}-${ordinal}`;
  const template = templateOf(sts);
  const claims = recs(specOf(sts)['volumeClaimTemplates']).map((ct) => str(rec(ct['metadata'])?.['name']));
  const claimVolumes = claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: `${c}-${sts.metadata.name ?? ''}-${ordinal}` } }));
  const otherVolumes = recs(rec(template['spec'])?.['volumes']).filter((v) => !claims.includes(str(v['name'])));
  const serviceName = str(specOf(sts)['serviceName']);
  const volumes = [...claimVolumes, ...otherVolumes];
  return podFromTemplate({
    template,
    namespace: sts.metadata.namespace ?? '',
    owner: controllerRefTo(sts, 'apps/v1', 'StatefulSet'),
    name,
    extraLabels: { [REVISION_LABEL]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    nodeName,
    specPatch: { hostname: name, ...(serviceName !== '' && { subdomain: serviceName }), ...(volumes.length > 0 && { volumes }) },
  });
}

export interface StatefulSetPlan {
  readonly create: readonly number[];
  readonly remove: readonly KubeObject[];
}

const runningAndReady = (p: KubeObject): boolean => isPodReady(p);

/** One sync over the set's own pods (those being deleted left out). */
export function planStatefulSet(sts: KubeObject, pods: readonly KubeObject[]): StatefulSetPlan {
  const spec = specOf(sts);
  const parallel = spec['podManagementPolicy'] === 'Parallel';
  const start = firstOrdinal(sts);
  const end = start + specReplicas(sts);
  const live = pods.filter((p) => !isDeleting(p));
  const byOrdinal = new Map<number, KubeObject>();
  const condemned: KubeObject[] = [];
  for (const p of live) {
    const o = ordinalOf(sts, p);
    if (o !== undefined && o >= start && o < end) byOrdinal.set(o, p);
    else condemned.push(p);
  }
  const create: number[] = [];
  const remove: KubeObject[] = [];
  let blocked = false;
  // OrderedReady stops at the first ordinal that is missing, finished or not yet ready.
  for (let o = start; o < end; o++) {
    const pod = byOrdinal.get(o);
    if (pod === undefined) create.push(o);
    else if (isTerminal(pod)) remove.push(pod);
    else if (runningAndReady(pod)) continue;
    if (!parallel) {
      blocked = true;
      break;
    }
  }
  if (create.length > 0 || remove.length > 0) return { create, remove };
  // Scale down from the highest ordinal, one at a time unless Parallel, and only once the rest is healthy.
  condemned.sort((a, b) => (ordinalOf(sts, b) ?? -1) - (ordinalOf(sts, a) ?? -1));
  if (condemned.length > 0) return blocked ? { create, remove } : { create, remove: parallel ? condemned : condemned.slice(0, 1) };
  if (blocked || rec(spec['updateStrategy'])?.['type'] === 'OnDelete') return { create, remove };
  const partition = num(rec(rec(spec['updateStrategy'])?.['rollingUpdate'])?.['partition']) ?? 0;
  const revision = updateRevision(sts);
  const inRange = [...byOrdinal.entries()].sort(([a], [b]) => b - a);
  if (!inRange.every(([, p]) => runningAndReady(p))) return { create, remove };
  const outdated = inRange.find(([o, p]) => o - start >= partition && p.metadata.labels?.[REVISION_LABEL] !== revision);
  return { create, remove: outdated ? [outdated[1]] : [] };
}

export function statefulSetStatus(sts: KubeObject, pods: readonly KubeObject[], nowMs: number, secondMs: number): TimedStatus {
  const prev = statusOf(sts);
  const update = updateRevision(sts);
  let current = str(prev['currentRevision']) || update;
  const minReady = num(specOf(sts)['minReadySeconds']) ?? 0;
  const { active, ready, available, recheckAt } = podCounts(pods, minReady, nowMs, secondMs);
  const withRevision = (r: string): number => active.filter((p) => p.metadata.labels?.[REVISION_LABEL] === r).length;
  const updated = withRevision(update);
  let currentReplicas = withRevision(current);
  const rolling = rec(specOf(sts)['updateStrategy'])?.['type'] !== 'OnDelete';
  // completeRollingUpdate: once every pod runs the update revision, it becomes the current one.
  if (rolling && updated === active.length && ready === active.length) {
    current = update;
    currentReplicas = updated;
  }
  const status: Obj = omitZero(
    {
      observedGeneration: generationOf(sts),
      replicas: active.length,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas: updated,
      availableReplicas: available,
      currentRevision: current,
      updateRevision: update,
      collisionCount: num(prev['collisionCount']) ?? 0,
    },
    ['readyReplicas', 'currentReplicas', 'updatedReplicas'],
  );
  return recheckAt === undefined ? { status } : { status, recheckAt };
}
