/**
 * The DaemonSet controller on a one-node cluster: one pod on the fake node, labelled with the
 * template's hash and generation; an outdated pod is replaced (delete, then create, as
 * maxUnavailable 1 does on one node).
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, specOf, type Obj } from '../../registry/builtin/helpers.js';
import { templateHash } from './hash.js';
import { controllerRefTo, generationOf, isDeleting, omitZero, templateOf } from './objects.js';
import { podFromTemplate } from './pod-factory.js';
import { daemonAffinity, daemonTolerations } from './placement.js';
import { isTerminal } from './pods.js';
import { podCounts, type TimedStatus } from './replicaset.js';
import { REVISION_LABEL } from './statefulset.js';

export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export const daemonHash = (ds: KubeObject): string => templateHash(templateOf(ds));

/**
 * The daemon pod for `nodeName`, created bound to it: upstream pins it there by required node
 * affinity and the scheduler binds it, which on the node it was made for always succeeds, as the
 * controller checks the node first (placement.ts daemonFits) and adds the daemon tolerations.
 */
export function daemonPod(ds: KubeObject, nodeName: string): KubeObject {
  const templateSpec = rec(templateOf(ds)['spec']) ?? {};
  return podFromTemplate({
    template: templateOf(ds),
    namespace: ds.metadata.namespace ?? '',
    owner: controllerRefTo(ds, 'apps/v1', 'DaemonSet'),
    generateName: `${ds.metadata.name ?? ''}-`,
    extraLabels: { [REVISION_LABEL]: daemonHash(ds), [TEMPLATE_GENERATION_LABEL]: String(generationOf(ds)) },
    nodeName,
    specPatch: { affinity: daemonAffinity(templateSpec, nodeName), tolerations: daemonTolerations(templateSpec) },
  });
}

export interface DaemonSetPlan {
  readonly create: boolean;
  readonly remove: readonly KubeObject[];
}

export function planDaemonSet(ds: KubeObject, pods: readonly KubeObject[]): DaemonSetPlan {
  const live = pods.filter((p) => !isDeleting(p));
  const hash = daemonHash(ds);
  const finished = live.filter(isTerminal);
  const running = live.filter((p) => !isTerminal(p));
  const current = running.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash);
  const outdated = running.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
  const onDelete = (specOf(ds)['updateStrategy'] as Obj | undefined)?.['type'] === 'OnDelete';
  if (onDelete) return { create: running.length === 0, remove: [...finished, ...running.slice(1)] };
  return { create: running.length === 0, remove: [...finished, ...current.slice(1), ...(current.length > 0 ? outdated : outdated.slice(0, 1))] };
}

export function daemonSetStatus(ds: KubeObject, pods: readonly KubeObject[], nowMs: number, secondMs: number): TimedStatus {
  const minReady = num(specOf(ds)['minReadySeconds']) ?? 0;
  const { active, ready, available, recheckAt } = podCounts(pods, minReady, nowMs, secondMs);
  const hash = daemonHash(ds);
  const scheduled = active.length > 0 ? 1 : 0;
  const status = omitZero(
    {
      currentNumberScheduled: scheduled,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: ready > 0 ? 1 : 0,
      observedGeneration: generationOf(ds),
      updatedNumberScheduled: active.some((p) => p.metadata.labels?.[REVISION_LABEL] === hash) ? 1 : 0,
      numberAvailable: available > 0 ? 1 : 0,
      numberUnavailable: available > 0 ? 0 : 1,
    },
    ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'],
  );
  return recheckAt === undefined ? { status } : { status, recheckAt };
}
