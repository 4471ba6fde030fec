/**
 * The Deployment controller's rollout decisions (pkg/controller/deployment): which ReplicaSet
 * carries the current template (`<deployment>-<pod-template-hash>`, created when missing), and
 * how far to scale it and the old ones, one step per sync as rolloutRolling and rolloutRecreate
 * do, honouring maxSurge and maxUnavailable. Old sets beyond revisionHistoryLimit are removed.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/object.js';
import { num, rec, specOf, statusOf, type Obj } from '../../registry/builtin/helpers.js';
import { templateHash } from './hash.js';
import { controllerRefTo, specReplicas, templateLabels, templateOf, withoutLabel } from './objects.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  fenceposts,
  isRolling,
  MAX_REPLICAS_ANNOTATION,
  maxUnavailable,
  NOT_COPIED,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  revisionOf,
} from './rollout.js';

/** EqualIgnoreHash: the set's template is the deployment's, give or take the hash label. */
export function carriesTemplate(rs: KubeObject, template: Obj): boolean {
  return isDeepStrictEqual(withoutLabel(templateOf(rs), POD_TEMPLATE_HASH_LABEL), withoutLabel(template, POD_TEMPLATE_HASH_LABEL));
}

const created = (o: KubeObject): string => o.metadata.creationTimestamp ?? '';
const oldestFirst = (a: KubeObject, b: KubeObject): number =>
  created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;

export interface NewReplicaSet {
  readonly existing?: KubeObject;
  /** The set to create (spec.replicas still to be decided), when none carries the template. */
  readonly create?: KubeObject;
  /** Set when a name collision forced a different hash. */
  readonly collisionCount?: number;
}

/**
 * The set carrying the current template (the oldest, if several do), or the one to create. A
 * name taken by an unrelated set bumps the collision count, as kube does, for a fresh hash.
 */
export function newReplicaSetFor(d: KubeObject, owned: readonly KubeObject[], takenNames: ReadonlySet<string>): NewReplicaSet {
  const template = templateOf(d);
  const existing = [...owned].sort(oldestFirst).find((rs) => carriesTemplate(rs, template));
  if (existing) return { existing };
  const initial = num(statusOf(d)['collisionCount']);
  let count = initial;
  let hash = templateHash(template, count);
  while (takenNames.has(`${d.metadata.name ?? ''}-${hash}`)) {
    count = (count ?? 0) + 1;
    hash = templateHash(template, count);
  }
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const spec = specOf(d);
  const selector = rec(spec['selector']) ?? {};
  const podTemplate = structuredClone(template);
  const podMeta = (podTemplate['metadata'] = { ...(rec(podTemplate['metadata']) ?? {}) });
  podMeta['labels'] = { ...templateLabels(template), [POD_TEMPLATE_HASH_LABEL]: hash };
  const annotations = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)));
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace ?? '',
      labels: { ...templateLabels(template), [POD_TEMPLATE_HASH_LABEL]: hash },
      annotations,
      ownerReferences: [controllerRefTo(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas: 0,
      ...(num(spec['minReadySeconds']) && { minReadySeconds: spec['minReadySeconds'] }),
      selector: { ...selector, matchLabels: { ...(rec(selector['matchLabels']) ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template: podTemplate,
    },
  };
  return count === initial ? { create: rs } : { create: rs, collisionCount: count ?? 0 };
}

export interface ReplicaSetUpdate {
  readonly name: string;
  readonly replicas: number;
  /** Annotations to set on top of the existing ones. */
  readonly annotations: Readonly<Record<string, string>>;
}

export interface DeploymentPlan {
  readonly create?: KubeObject;
  readonly updates: readonly ReplicaSetUpdate[];
  /** Old sets beyond revisionHistoryLimit. */
  readonly remove: readonly string[];
  /** The set carrying the template ('' while Recreate waits for old pods to go). */
  readonly newName: string;
  /** The sets as they will be once the plan is carried out, for the status. */
  readonly replicaSets: readonly KubeObject[];
  readonly collisionCount?: number;
  /**
   * The current set's revision, which the Deployment carries in its own revision annotation
   * (what `kubectl rollout status --revision` and describe read); absent while there is none.
   */
  readonly revision?: string;
}

const available = (rs: KubeObject): number => num(statusOf(rs)['availableReplicas']) ?? 0;

/** One sync of the rollout, over the deployment's own (not deleting) sets. */
export function planDeployment(d: KubeObject, owned: readonly KubeObject[], takenNames: ReadonlySet<string>): DeploymentPlan {
  const replicas = specReplicas(d);
  const { surge } = fenceposts(d);
  const found = newReplicaSetFor(d, owned, takenNames);
  const old = owned.filter((rs) => rs !== found.existing).sort(oldestFirst);
  const sizes = new Map<string, number>(owned.map((rs) => [rs.metadata.name ?? '', specReplicasOf(rs)]));
  const total = (): number => [...sizes.values()].reduce((a, b) => a + b, 0);
  let newRS = found.existing ?? found.create;
  const newName = newRS?.metadata.name ?? '';
  let scaled = false;

  if (specOf(d)['paused'] === true) {
    // Paused: no rollout; only a lone current set follows the replicas (kube's scaling sync).
    if (!found.existing) newRS = undefined;
    else if (old.every((rs) => (sizes.get(rs.metadata.name ?? '') ?? 0) === 0)) sizes.set(newName, replicas);
  } else if (!isRolling(d)) {
    // Recreate: old pods all gone before the new set is created or grown.
    const oldActive = old.filter((rs) => (sizes.get(rs.metadata.name ?? '') ?? 0) > 0);
    for (const rs of oldActive) sizes.set(rs.metadata.name ?? '', 0);
    scaled = oldActive.length > 0;
    const oldRunning = old.some((rs) => (num(statusOf(rs)['replicas']) ?? 0) > 0);
    if (scaled || oldRunning) {
      if (!found.existing) newRS = undefined;
    } else if (newRS) {
      scaled = (sizes.get(newName) ?? 0) !== replicas || found.create !== undefined;
      sizes.set(newName, replicas);
    }
  } else if (newRS) {
    const current = sizes.get(newName) ?? 0;
    sizes.set(newName, current);
    // reconcileNewReplicaSet: grow within maxSurge, or shrink to the replicas.
    let target = current;
    if (current > replicas) target = replicas;
    else if (current < replicas) {
      const room = replicas + surge - total();
      target = room > 0 ? current + Math.min(room, replicas - current) : current;
    }
    sizes.set(newName, target);
    scaled = target !== current || found.create !== undefined;
    if (!scaled) scaled = scaleDownOld(d, old, newRS, sizes);
  }

  const maxReplicas = String(replicas + surge);
  const updates: ReplicaSetUpdate[] = [];
  const maxOldRevision = Math.max(0, ...old.map(revisionOf));
  const currentRevision = found.existing === undefined || revisionOf(found.existing) <= maxOldRevision ? maxOldRevision + 1 : revisionOf(found.existing);
  const after: KubeObject[] = [];
  for (const rs of owned) {
    const name = rs.metadata.name ?? '';
    const size = sizes.get(name) ?? 0;
    const annotations: Record<string, string> = {};
    if (size !== specReplicasOf(rs)) Object.assign(annotations, { [DESIRED_REPLICAS_ANNOTATION]: String(replicas), [MAX_REPLICAS_ANNOTATION]: maxReplicas });
    if (rs === found.existing) {
      // SetNewReplicaSetAnnotations on every sync: the deployment's annotations (change-cause and
      // the rest but those skipCopyAnnotation names) follow onto the current set.
      Object.assign(annotations, copiedAnnotations(d, rs), { [DESIRED_REPLICAS_ANNOTATION]: String(replicas), [MAX_REPLICAS_ANNOTATION]: maxReplicas });
      if (revisionOf(rs) <= maxOldRevision) {
        annotations[REVISION_ANNOTATION] = String(maxOldRevision + 1);
        const history = revisionHistory(rs);
        if (history !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = history;
      }
    }
    const changed = Object.entries(annotations).some(([k, v]) => rs.metadata.annotations?.[k] !== v);
    if (size !== specReplicasOf(rs) || changed) updates.push({ name, replicas: size, annotations });
    after.push(withReplicas(rs, size));
  }
  let create: KubeObject | undefined;
  if (found.create && newRS) {
    create = withReplicas(found.create, sizes.get(newName) ?? 0);
    create.metadata.annotations = {
      ...create.metadata.annotations,
      [REVISION_ANNOTATION]: String(maxOldRevision + 1),
      [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
      [MAX_REPLICAS_ANNOTATION]: maxReplicas,
    };
    after.push({ ...create, status: { replicas: 0 } });
  }
  const remove = scaled || updates.length > 0 ? [] : beyondHistory(d, old);
  return {
    ...(create && { create }),
    updates,
    remove,
    newName: newRS ? newName : '',
    replicaSets: after.filter((rs) => !remove.includes(rs.metadata.name ?? '')),
    ...(found.collisionCount !== undefined && newRS && { collisionCount: found.collisionCount }),
    ...(newRS && { revision: String(currentRevision) }),
  };
}

/** copyDeploymentAnnotationsToReplicaSet: the deployment's annotations the set lacks or holds another value of. */
export function copiedAnnotations(d: KubeObject, rs: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (!NOT_COPIED.has(k) && rs.metadata.annotations?.[k] !== v) out[k] = v;
  }
  return out;
}

/** deploymentutil's limit on the revision-history annotation, in characters. */
const MAX_REVISION_HISTORY_CHARS = 2000;

/**
 * A set rolled back to gets a new revision; its old one joins its revision-history annotation
 * (oldest dropped past MAX_REVISION_HISTORY_CHARS). Undefined when the set had no revision.
 */
export function revisionHistory(rs: KubeObject): string | undefined {
  const old = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (old === undefined) return undefined;
  const history = rs.metadata.annotations?.[REVISION_HISTORY_ANNOTATION] ?? '';
  if (history === '') return old;
  const revisions = history.split(',');
  let total = history.length + old.length + 1;
  let start = 0;
  while (total > MAX_REVISION_HISTORY_CHARS && start < revisions.length) total -= revisions[start++]!.length + 1;
  return total <= MAX_REVISION_HISTORY_CHARS ? [...revisions.slice(start), old].join(',') : history;
}

const specReplicasOf = (rs: KubeObject): number => num(specOf(rs)['replicas']) ?? 0;

function withReplicas(rs: KubeObject, replicas: number): KubeObject {
  const copy = structuredClone(rs);
  copy['spec'] = { ...specOf(copy), replicas };
  return copy;
}

/**
 * reconcileOldReplicaSets: first drop old pods that are not available anyway, then scale old
 * sets down as far as keeping `replicas - maxUnavailable` available allows. Oldest go first.
 */
function scaleDownOld(d: KubeObject, old: readonly KubeObject[], newRS: KubeObject, sizes: Map<string, number>): boolean {
  const size = (rs: KubeObject): number => sizes.get(rs.metadata.name ?? '') ?? 0;
  const oldCount = old.reduce((a, rs) => a + size(rs), 0);
  if (oldCount === 0) return false;
  const allCount = [...sizes.values()].reduce((a, b) => a + b, 0);
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = size(newRS) - available(newRS);
  let budget = allCount - minAvailable - newUnavailable;
  if (budget <= 0) return false;
  let changed = false;
  for (const rs of old) {
    const unhealthy = size(rs) - available(rs);
    if (size(rs) === 0 || unhealthy <= 0 || budget <= 0) continue;
    const down = Math.min(budget, unhealthy);
    sizes.set(rs.metadata.name ?? '', size(rs) - down);
    budget -= down;
    changed = true;
  }
  const availableNow = [newRS, ...old].reduce((a, rs) => a + available(rs), 0);
  let room = availableNow - minAvailable;
  for (const rs of old) {
    if (room <= 0) break;
    if (size(rs) === 0) continue;
    const down = Math.min(size(rs), room);
    sizes.set(rs.metadata.name ?? '', size(rs) - down);
    room -= down;
    changed = true;
  }
  return changed;
}

/** cleanupDeployment: idle old sets past revisionHistoryLimit, lowest revision first. */
function beyondHistory(d: KubeObject, old: readonly KubeObject[]): string[] {
  const limit = num(specOf(d)['revisionHistoryLimit']) ?? 10;
  const idle = old
    .filter((rs) => specReplicasOf(rs) === 0 && (num(statusOf(rs)['replicas']) ?? 0) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b) || oldestFirst(a, b));
  return idle.slice(0, Math.max(0, idle.length - limit)).map((rs) => rs.metadata.name ?? '');
}
