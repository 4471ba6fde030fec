/**
 * kube-apiserver's Priority admission plugin, for a space that serves scheduling.k8s.io:
 *
 * - A new pod's spec.priorityClassName is resolved to spec.priority and spec.preemptionPolicy; a
 *   pod naming no class gets the global default class (its name too), or priority 0 without one.
 *   An unknown class, or a priority/preemptionPolicy in the pod that differs from its class's,
 *   is refused (403). A pod update that drops them keeps the stored ones.
 * - At most one PriorityClass is the global default: making a second one so is refused (403).
 *
 * The decisions are pure functions; `priorityAdmission` binds them to a space's stores.
 */
import { forbidden } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';

export interface PriorityClassInfo {
  readonly name: string;
  readonly value: number;
  readonly preemptionPolicy?: string;
  readonly globalDefault: boolean;
}

export function toPriorityClassInfo(o: KubeObject): PriorityClassInfo {
  const policy = o['preemptionPolicy'];
  return {
    name: o.metadata.name ?? '',
    value: typeof o['value'] === 'number' ? o['value'] : 0,
    ...(typeof policy === 'string' && { preemptionPolicy: policy }),
    globalDefault: o['globalDefault'] === true,
  };
}

/** The global default among `classes`: if a race left several, the lowest value wins (as upstream). */
export function globalDefaultClass(classes: readonly PriorityClassInfo[]): PriorityClassInfo | undefined {
  let found: PriorityClassInfo | undefined;
  for (const pc of classes) if (pc.globalDefault && (found === undefined || pc.value < found.value)) found = pc;
  return found;
}

/** The fields of a pod's spec the plugin reads and writes. */
export interface PodPriorityFields {
  readonly priorityClassName?: unknown;
  readonly priority?: unknown;
  readonly preemptionPolicy?: unknown;
}

export type PodPriorityDecision =
  | { readonly allowed: true; readonly priorityClassName?: string; readonly priority: number; readonly preemptionPolicy?: string }
  | { readonly allowed: false; readonly message: string };

/** What a new pod's priority fields become, or why it is refused. */
export function resolvePodPriority(
  spec: PodPriorityFields,
  lookup: (name: string) => PriorityClassInfo | undefined,
  defaultClass: PriorityClassInfo | undefined,
): PodPriorityDecision {
  const named = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  let className: string | undefined;
  let priority = 0;
  let policy: string | undefined;
  if (named === '') {
    if (defaultClass !== undefined) {
      className = defaultClass.name;
      priority = defaultClass.value;
      policy = defaultClass.preemptionPolicy;
    }
  } else {
    const pc = lookup(named);
    if (pc === undefined) return { allowed: false, message: `no PriorityClass with name ${named} was found` };
    className = named;
    priority = pc.value;
    policy = pc.preemptionPolicy;
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    return {
      allowed: false,
      message: `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    };
  }
  if (policy !== undefined && typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== policy) {
    return {
      allowed: false,
      message: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
    };
  }
  return { allowed: true, priority, ...(className !== undefined && { priorityClassName: className }), ...(policy !== undefined && { preemptionPolicy: policy }) };
}

/**
 * Why a PriorityClass write may not make `pc` the global default (undefined: it may): another
 * class already is. Updating the current default itself is fine.
 */
export function globalDefaultConflict(operation: 'create' | 'update', pc: PriorityClassInfo, currentDefault: PriorityClassInfo | undefined): string | undefined {
  if (!pc.globalDefault || currentDefault === undefined) return undefined;
  if (operation === 'update' && currentDefault.name === pc.name) return undefined;
  return `PriorityClass ${currentDefault.name} is already marked as default. Only one default can exist`;
}

const PODS = { group: '', resource: 'pods' };
const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject): Spec => {
  const spec = o['spec'];
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) return spec as Spec;
  const fresh: Spec = {};
  o['spec'] = fresh;
  return fresh;
};

/** Admission for pods: binds resolvePodPriority to the space's PriorityClasses. */
export function podPriorityAdmission(listClasses: () => Promise<PriorityClassInfo[]>) {
  return async (operation: 'create' | 'update', pod: KubeObject, old?: KubeObject): Promise<void> => {
    const spec = specOf(pod);
    if (operation === 'update') {
      // Set on create; an update that leaves them out keeps them (validation refuses changes).
      const before = (old?.['spec'] ?? {}) as Spec;
      if (spec['priority'] === undefined && before['priority'] !== undefined) spec['priority'] = before['priority'];
      if (spec['preemptionPolicy'] === undefined && before['preemptionPolicy'] !== undefined) spec['preemptionPolicy'] = before['preemptionPolicy'];
      return;
    }
    const classes = await listClasses();
    const decision = resolvePodPriority(spec, (name) => classes.find((c) => c.name === name), globalDefaultClass(classes));
    if (!decision.allowed) throw forbidden(PODS, pod.metadata.name ?? '', decision.message);
    if (decision.priorityClassName !== undefined) spec['priorityClassName'] = decision.priorityClassName;
    spec['priority'] = decision.priority;
    if (decision.preemptionPolicy !== undefined) spec['preemptionPolicy'] = decision.preemptionPolicy;
  };
}

/** Validating admission for PriorityClasses: one global default. */
export function priorityClassAdmission(listClasses: () => Promise<PriorityClassInfo[]>) {
  return async (operation: 'create' | 'update', obj: KubeObject): Promise<void> => {
    const pc = toPriorityClassInfo(obj);
    if (!pc.globalDefault) return;
    const why = globalDefaultConflict(operation, pc, globalDefaultClass(await listClasses()));
    if (why !== undefined) throw forbidden(PRIORITY_CLASSES, pc.name, why);
  };
}
