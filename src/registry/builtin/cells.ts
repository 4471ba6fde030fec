/**
 * Cell formatting shared by the built-in printers, after kube-apiserver's printers.go: container
 * names and images of a pod template, label selectors, `<none>` placeholders, and the
 * "a,b,c + 2 more..." lists. kubectl prints cells verbatim, so these strings are the output.
 */
import { formatLabelSelector, labelSelectorFromSet, labelSelectorToRequirements, type LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { age } from '../columns.js';
import type { PrinterColumn } from '../definition.js';
import { arr, at, rec, recs, str, strMap, wide } from './helpers.js';

export const NONE = '<none>';

/** Age of a timestamp, `<unknown>` when unset (translateTimestampSince). */
export const since = (timestamp: unknown): string => (typeof timestamp === 'string' && timestamp !== '' ? age(timestamp) : '<unknown>');

/** `a,b` names and `x:1,y:2` images of the containers of a pod spec (layoutContainerCells). */
export function containerCells(podSpec: unknown): { names: string; images: string } {
  const containers = recs(rec(podSpec)?.['containers']);
  return { names: containers.map((c) => str(c['name'])).join(','), images: containers.map((c) => str(c['image'])).join(',') };
}

/** The wide `Containers` and `Images` columns for the pod spec at `path`. */
export function containerColumns(path: string): PrinterColumn[] {
  return [
    wide('Containers', (o) => containerCells(at(o, path)).names, 'Names of each container in the template.'),
    wide('Images', (o) => containerCells(at(o, path)).images, 'Images referenced by each container in the template.'),
  ];
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` when empty or missing, `<error>` when unparseable. */
export function formatSelector(selector: unknown): string {
  try {
    const reqs = labelSelectorToRequirements(rec(selector) as LabelSelector | undefined);
    const s = reqs === null ? '' : formatLabelSelector(reqs);
    return s === '' ? NONE : s;
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabelMap(labels: unknown): string {
  const s = formatLabelSelector(labelSelectorFromSet(strMap(labels)));
  return s === '' ? NONE : s;
}

/** The wide `Selector` column of a metav1.LabelSelector at `path`. */
export const selectorColumn = (path: string, description = 'A label query over pods that should match the replica count.'): PrinterColumn =>
  wide('Selector', (o) => formatSelector(at(o, path)), description);

/** An IntOrString as Go prints it: `25%`, `1`. */
export const intOrString = (v: unknown): string => (typeof v === 'number' ? String(v) : str(v));

/** `a,b,c + 2 more...` after `max` entries (listWithMoreString); `<unset>` when empty. */
export function listWithMore(items: readonly string[], max: number, empty = '<unset>'): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** Whether a condition of `type` is there with status True. */
export function conditionTrue(status: unknown, type: string): boolean {
  const c = recs(rec(status)?.['conditions']).find((x) => x['type'] === type);
  return c !== undefined && c['status'] === 'True';
}

const ACCESS_MODES: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,ROX`: upstream's fixed order, duplicates dropped (GetAccessModesAsString). */
export function accessModesShort(modes: unknown): string {
  const have = new Set(arr(modes).map(str));
  return ACCESS_MODES.filter(([long]) => have.has(long))
    .map(([, short]) => short)
    .join(',');
}

/** Whether the object is marked for deletion. */
export const deleting = (o: KubeObject): boolean => typeof o.metadata.deletionTimestamp === 'string' && o.metadata.deletionTimestamp !== '';

/** The load-balancer ingress points (`ip` or `hostname`), deduplicated and comma-joined. */
export function loadBalancerIngress(lb: unknown): string {
  const out = new Set<string>();
  for (const i of recs(rec(lb)?.['ingress'])) {
    const v = str(i['ip']) || str(i['hostname']);
    if (v !== '') out.add(v);
  }
  return [...out].join(',');
}
