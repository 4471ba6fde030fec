/**
 * Pods from a controller's template (controller.GetPodFromTemplate): the template's labels and
 * annotations, its spec, and a controller reference to the owner. Pods are created unbound and
 * go through the simulated scheduler (pods/binding, scheduling.ts and placement.ts) like bare
 * ones, except the DaemonSet controller's, which it creates for its node.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { rec, type Obj } from '../../registry/builtin/helpers.js';

export interface PodFromTemplate {
  readonly template: Obj;
  readonly namespace: string;
  readonly owner: OwnerReference;
  /** `<rs>-` to get a random suffix from the server, or an exact name. */
  readonly generateName?: string;
  readonly name?: string;
  readonly extraLabels?: Record<string, string>;
  /** The node the pod is created bound to; '' for none (the scheduler binds it). */
  readonly nodeName: string;
  /** Fields set on top of the template's spec (hostname, volumes, ...). */
  readonly specPatch?: Obj;
}

export function podFromTemplate(p: PodFromTemplate): KubeObject {
  const meta = rec(p.template['metadata']) ?? {};
  const labels = { ...(rec(meta['labels']) ?? {}), ...p.extraLabels };
  const annotations = rec(meta['annotations']);
  const spec: Obj = { ...structuredClone(rec(p.template['spec']) ?? {}), ...p.specPatch };
  if (p.nodeName !== '') spec['nodeName'] = p.nodeName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(p.name !== undefined ? { name: p.name } : { generateName: p.generateName ?? '' }),
      namespace: p.namespace,
      ...(Object.keys(labels).length > 0 && { labels: labels as Record<string, string> }),
      ...(annotations && Object.keys(annotations).length > 0 && { annotations: { ...(annotations as Record<string, string>) } }),
      ownerReferences: [p.owner],
    },
    spec,
  };
}
