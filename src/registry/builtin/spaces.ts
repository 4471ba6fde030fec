/**
 * The root API: spaces.kubestellar.io/v1alpha1 Space, cluster-scoped. A Space's `spec.type`
 * says what it serves (wds, its, cluster); a wds names its ITS in `spec.its`, an external hub in
 * `spec.itsKubeconfigSecret`, or several of either in `spec.shards`.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { nameIsDNSLabel } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import { ALL_VERBS, type ResourceDefinition } from '../definition.js';
import { makeStrategy } from '../strategy.js';

export const SPACE_TYPES = ['wds', 'its', 'cluster'] as const;
export type SpaceType = (typeof SPACE_TYPES)[number];

export const SPACES_GROUP = 'spaces.kubestellar.io';

interface SpaceSpec {
  type?: unknown;
  its?: unknown;
  clusterLabels?: unknown;
  agent?: unknown;
  itsKubeconfigSecret?: unknown;
  shards?: unknown;
}

const isSecretRef = (ref: unknown): boolean => {
  const r = ref as { namespace?: unknown; name?: unknown; key?: unknown } | null;
  return typeof r === 'object' && r !== null && typeof r.namespace === 'string' && typeof r.name === 'string' && (r.key === undefined || typeof r.key === 'string');
};

/** `spec.shards`: each an ITS space of this server (`its`) or an external hub (`name` + `itsKubeconfigSecret`). */
function validateShards(spec: SpaceSpec): FieldError[] {
  const shards = spec.shards;
  if (spec.type !== 'wds' || spec.its !== undefined || spec.itsKubeconfigSecret !== undefined) {
    return [fieldErrors.invalid('spec.shards', shards, 'only a wds without spec.its or spec.itsKubeconfigSecret transports through shards')];
  }
  if (!Array.isArray(shards) || shards.length === 0) return [fieldErrors.invalid('spec.shards', shards, 'must list at least one shard')];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  shards.forEach((raw, i) => {
    const path = `spec.shards[${i}]`;
    const shard = raw as { name?: unknown; its?: unknown; itsKubeconfigSecret?: unknown } | null;
    if (typeof shard !== 'object' || shard === null) {
      errors.push(fieldErrors.invalid(path, raw, 'must be an object'));
      return;
    }
    if ((shard.its === undefined) === (shard.itsKubeconfigSecret === undefined)) {
      errors.push(fieldErrors.invalid(path, raw, 'must set exactly one of its and itsKubeconfigSecret'));
      return;
    }
    if (shard.its !== undefined && typeof shard.its !== 'string') errors.push(fieldErrors.invalid(`${path}.its`, shard.its, 'names an ITS space'));
    if (shard.itsKubeconfigSecret !== undefined && !isSecretRef(shard.itsKubeconfigSecret)) {
      errors.push(fieldErrors.invalid(`${path}.itsKubeconfigSecret`, shard.itsKubeconfigSecret, 'must be {namespace, name, key?} of a Secret in the wds'));
    }
    const name = shard.name ?? shard.its;
    if (typeof name !== 'string' || name === '') {
      errors.push(fieldErrors.required(`${path}.name`));
    } else if (names.has(name)) {
      errors.push(fieldErrors.duplicate(`${path}.name`, name));
    } else names.add(name);
  });
  return errors;
}

function validateSpace(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = obj['spec'] as SpaceSpec | undefined;
  if (spec === undefined || typeof spec !== 'object') return [fieldErrors.required('spec')];
  if (spec.type === undefined) errors.push(fieldErrors.required('spec.type'));
  else if (!SPACE_TYPES.includes(spec.type as SpaceType)) errors.push(fieldErrors.notSupported('spec.type', spec.type, SPACE_TYPES));
  // A wds names the ITS it transports through; a cluster that names one is a WEC registered there.
  if (spec.its !== undefined && (typeof spec.its !== 'string' || spec.type === 'its')) {
    errors.push(fieldErrors.invalid('spec.its', spec.its, 'a wds or a cluster names an ITS, by space name'));
  }
  // Or a wds transports through an external hub, whose kubeconfig is a Secret in the wds itself.
  if (spec.itsKubeconfigSecret !== undefined) {
    const ref = spec.itsKubeconfigSecret as { namespace?: unknown; name?: unknown; key?: unknown } | null;
    if (spec.type !== 'wds' || spec.its !== undefined) {
      errors.push(fieldErrors.invalid('spec.itsKubeconfigSecret', ref, 'only a wds without spec.its names an external ITS'));
    } else if (!isSecretRef(ref)) {
      errors.push(fieldErrors.invalid('spec.itsKubeconfigSecret', ref, 'must be {namespace, name, key?} of a Secret in the wds'));
    }
  }
  if (spec.shards !== undefined) errors.push(...validateShards(spec));
  if (spec.clusterLabels !== undefined) {
    const labels = spec.clusterLabels;
    if (spec.type !== 'cluster' || spec.its === undefined) {
      errors.push(fieldErrors.invalid('spec.clusterLabels', labels, 'only a cluster registered in an ITS has cluster labels'));
    } else if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
      errors.push(fieldErrors.invalid('spec.clusterLabels', labels, 'must map label keys to string values'));
    }
  }
  if (spec.agent !== undefined) {
    if (spec.type !== 'cluster' || spec.its === undefined) errors.push(fieldErrors.invalid('spec.agent', spec.agent, 'only a cluster registered in an ITS has a work agent'));
    else if (spec.agent !== 'InProcess' && spec.agent !== 'External') errors.push(fieldErrors.notSupported('spec.agent', spec.agent, ['InProcess', 'External']));
  }
  return errors;
}

export const spaces: ResourceDefinition = {
  group: SPACES_GROUP,
  version: 'v1alpha1',
  versions: ['v1alpha1'],
  kind: 'Space',
  listKind: 'SpaceList',
  plural: 'spaces',
  singular: 'space',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ALL_VERBS,
  subresources: { status: true },
  columns: [
    nameColumn,
    { name: 'Type', type: 'string', priority: 0, cell: (o) => (o['spec'] as SpaceSpec | undefined)?.type },
    { name: 'URL', type: 'string', priority: 0, cell: (o) => (o['status'] as { url?: string } | undefined)?.url },
    ageColumn,
  ],
  // A space name is a path segment of every URL in it, and a namespace name in the ITS.
  nameValidator: nameIsDNSLabel,
  strategy: makeStrategy({
    statusSubresource: true,
    validate: validateSpace,
    validateUpdate: (obj, old) =>
      (obj['spec'] as SpaceSpec | undefined)?.type !== (old['spec'] as SpaceSpec | undefined)?.type
        ? [fieldErrors.invalid('spec.type', (obj['spec'] as SpaceSpec | undefined)?.type, 'field is immutable')]
        : [],
  }),
};
