/**
 * Which names a CustomResourceDefinition may have, as apiextensions-apiserver's naming controller
 * decides (pure): each requested name that another CRD of the group has already been given
 * (plural, singular and short names among resources; kind and list kind among kinds) is refused
 * unless this CRD already holds it, and the CRD keeps its earlier accepted names for it. Any
 * refusal makes NamesAccepted False with the last conflict's reason; a CRD never Established
 * stays unestablished ("not all names are accepted") until its names are free.
 */
import type { KubeObject } from '../../api/object.js';

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface NamingDecision {
  readonly acceptedNames: CrdNames;
  readonly namesAccepted: Condition;
  /** The Established condition to report, or undefined to keep the one the CRD has. */
  readonly established: Condition | undefined;
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What spec.names asks for, with kube's defaults for singular and listKind. */
export function requestedNames(spec: Obj): CrdNames {
  const n = rec(spec['names']);
  const kind = str(n['kind']);
  return {
    plural: str(n['plural']),
    singular: str(n['singular']) || kind.toLowerCase(),
    kind,
    listKind: str(n['listKind']) || `${kind}List`,
    ...(n['shortNames'] !== undefined && { shortNames: strs(n['shortNames']) }),
    ...(n['categories'] !== undefined && { categories: strs(n['categories']) }),
  };
}

function acceptedOf(crd: KubeObject): CrdNames | undefined {
  const a = rec(rec(crd['status'])['acceptedNames']);
  if (str(a['plural']) === '' && str(a['kind']) === '') return undefined;
  return {
    plural: str(a['plural']),
    singular: str(a['singular']),
    kind: str(a['kind']),
    listKind: str(a['listKind']),
    ...(a['shortNames'] !== undefined && { shortNames: strs(a['shortNames']) }),
    ...(a['categories'] !== undefined && { categories: strs(a['categories']) }),
  };
}

const conflict = (name: string): string => `"${name}" is already in use`;

/** The naming controller's verdict on `crd`, given the other CRDs of its group. */
export function decideNames(crd: KubeObject, others: readonly KubeObject[]): NamingDecision {
  const group = str(rec(crd['spec'])['group']);
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of others) {
    if (other.metadata.name === crd.metadata.name || str(rec(other['spec'])['group']) !== group) continue;
    const a = acceptedOf(other);
    if (a === undefined) continue;
    for (const r of [a.plural, a.singular ?? '', ...(a.shortNames ?? [])]) if (r !== '') resources.add(r);
    for (const k of [a.kind, a.listKind ?? '']) if (k !== '') kinds.add(k);
  }
  const requested = requestedNames(rec(crd['spec']));
  const held = acceptedOf(crd);
  const next: CrdNames = held === undefined ? { plural: '', kind: '' } : { ...held };
  // As upstream, each conflict found overwrites the last: the condition tells the last one.
  let refusal: { reason: string; message: string } | undefined;
  const refuse = (reason: string, message: string): void => {
    refusal = { reason, message };
  };
  // A name is free when this CRD already holds it, or no other CRD of the group does.
  const free = (wanted: string, holding: string | undefined, used: ReadonlySet<string>): boolean => wanted === holding || !used.has(wanted);

  if (free(requested.plural, held?.plural, resources)) next.plural = requested.plural;
  else refuse('PluralConflict', conflict(requested.plural));
  if (free(requested.singular!, held?.singular, resources)) next.singular = requested.singular!;
  else refuse('SingularConflict', conflict(requested.singular!));
  const holdingShort = new Set(held?.shortNames ?? []);
  const taken = (requested.shortNames ?? []).filter((s) => !holdingShort.has(s) && resources.has(s));
  if (taken.length === 0) {
    if (requested.shortNames !== undefined) next.shortNames = requested.shortNames;
    else delete next.shortNames;
  } else refuse('ShortNamesConflict', taken.length === 1 ? conflict(taken[0]!) : `[${taken.map(conflict).join(', ')}]`);
  if (free(requested.kind, held?.kind, kinds)) next.kind = requested.kind;
  else refuse('KindConflict', conflict(requested.kind));
  if (free(requested.listKind!, held?.listKind, kinds)) next.listKind = requested.listKind!;
  else refuse('ListKindConflict', conflict(requested.listKind!));
  if (requested.categories !== undefined) next.categories = requested.categories;
  else delete next.categories;

  const namesAccepted: Condition =
    refusal === undefined
      ? { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }
      : { type: 'NamesAccepted', status: 'False', ...refusal };
  const wasEstablished = (Array.isArray(rec(crd['status'])['conditions']) ? (rec(crd['status'])['conditions'] as Obj[]) : []).some(
    (c) => c['type'] === 'Established' && c['status'] === 'True',
  );
  const established: Condition | undefined = wasEstablished
    ? undefined
    : refusal === undefined
      ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
      : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  return { acceptedNames: next, namesAccepted, established };
}
