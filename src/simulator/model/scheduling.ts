/**
 * The scheduler's one decision in a one-node cluster (which pods to bind, always to that node),
 * and which pods the kubelet runs to completion rather than keeps running.
 */
import type { KubeObject } from '../../api/object.js';
import { arr, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { probedCondition } from './conditions.js';
import { controllerRef, isDeleting } from './objects.js';
import { isTerminal } from './pods.js';

/** A pod the scheduler would bind now: no node yet, not finished or going, no scheduling gates. */
export function needsScheduling(pod: KubeObject): boolean {
  const spec = specOf(pod);
  return str(spec['nodeName']) === '' && !isDeleting(pod) && !isTerminal(pod) && arr(spec['schedulingGates']).length === 0;
}

/** A pod the scheduler must leave alone until its gates are removed. */
export function isGated(pod: KubeObject): boolean {
  const spec = specOf(pod);
  return str(spec['nodeName']) === '' && !isDeleting(pod) && !isTerminal(pod) && arr(spec['schedulingGates']).length > 0;
}

/** What the scheduler reports on a gated pod: Pending, PodScheduled False with reason SchedulingGated. */
export function gatedStatus(pod: KubeObject, now: Date): Obj {
  const prev = statusOf(pod);
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const scheduled = probedCondition(recs(prev['conditions']), {
    type: 'PodScheduled',
    status: 'False',
    reason: 'SchedulingGated',
    message: 'Scheduling is blocked due to non-empty scheduling gates',
  }, at);
  const others = recs(prev['conditions']).filter((c) => c['type'] !== 'PodScheduled');
  return { ...prev, phase: 'Pending', conditions: [...others, scheduled] };
}

/** The Binding the scheduler posts to pods/binding. */
export function bindingFor(pod: KubeObject, nodeName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
}

/**
 * Whether the pod's containers exit rather than serve forever: restartPolicy Never or OnFailure
 * (every Job pod has one of them; a bare `kubectl run --restart=Never` pod too). The simulated
 * containers exit 0 unless the pod or an owner asks to fail.
 */
export function runsToCompletion(pod: KubeObject): boolean {
  const policy = str(specOf(pod)['restartPolicy']);
  if (policy === 'Never' || policy === 'OnFailure') return true;
  const owner = controllerRef(pod);
  return owner?.kind === 'Job' && owner.apiVersion.startsWith('batch/');
}
