/**
 * The `scale` subresource: an autoscaling/v1 Scale view of any resource whose definition names
 * its replica paths (Deployments, ReplicaSets, StatefulSets, custom resources with a scale
 * subresource). Writes change only spec.replicas of the underlying object, and the writer owns it
 * there in managedFields (an entry with `subresource: scale`), so a later apply by another
 * manager conflicts with the scaler as upstream's does.
 */
import { badRequest, fieldErrors, invalid, unsupportedMediaType } from '../../api/errors.js';
import { formatLabelSelector, labelSelectorToRequirements, type LabelSelector } from '../../api/label-selector.js';
import { getPath, isPlainObject, setPath, type KubeObject } from '../../api/object.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { ageColumn, nameColumn } from '../../registry/columns.js';
import type { PrinterColumn, ScaleSubresource } from '../../registry/definition.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, tableOf } from '../render.js';
import { decodeStructured, mediaTypeOf, readBody } from '../body.js';
import { fieldManagerOf, isDryRun, sendJson, type ResourceContext } from './context.js';

function selectorString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isPlainObject(value)) return undefined;
  const reqs = labelSelectorToRequirements(value as LabelSelector);
  return reqs === null ? undefined : formatLabelSelector(reqs);
}

/** kube's printer for autoscaling/v1 Scale (`kubectl get --subresource=scale`). */
const SCALE_TABLE = {
  columns: [
    nameColumn,
    { name: 'Desired', type: 'integer', priority: 0, description: 'Desired replicas', cell: (o: KubeObject) => (o['spec'] as { replicas?: number }).replicas ?? 0 },
    { name: 'Available', type: 'integer', priority: 0, description: 'Actual replicas', cell: (o: KubeObject) => (o['status'] as { replicas?: number }).replicas ?? 0 },
    ageColumn,
  ] satisfies PrinterColumn[],
};

export function scaleOf(obj: KubeObject, spec: ScaleSubresource): KubeObject {
  const m = obj.metadata;
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, spec.statusReplicasPath) ?? 0) };
  const selector = spec.labelSelectorPath === undefined ? undefined : selectorString(getPath(obj, spec.labelSelectorPath));
  if (selector !== undefined && selector !== '') status['selector'] = selector;
  const replicas = getPath(obj, spec.specReplicasPath);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name!,
      ...(m.namespace !== undefined && { namespace: m.namespace }),
      uid: m.uid!,
      resourceVersion: m.resourceVersion!,
      creationTimestamp: m.creationTimestamp!,
    },
    spec: typeof replicas === 'number' ? { replicas } : {},
    status,
  };
}

export async function handleScale(ctx: ResourceContext): Promise<void> {
  const spec = ctx.def.subresources.scale!;
  const { namespace, name } = ctx.info;
  if (ctx.info.verb === 'get') {
    const rendering = negotiateRendering(ctx.req.headers.accept, false);
    const scale = scaleOf(await ctx.store.get(namespace, name), spec);
    if (rendering.as === 'Table') {
      const include = parseIncludeObject(ctx.query.get('includeObject'));
      sendJson(ctx.res, 200, tableOf(SCALE_TABLE, [scale], { resourceVersion: scale.metadata.resourceVersion ?? '' }, rendering.version, include));
      return;
    }
    sendJson(ctx.res, 200, scale);
    return;
  }
  const type = mediaTypeOf(ctx.req);
  const body = await readBody(ctx.req);
  const desiredScale = (current: KubeObject): KubeObject => {
    const scale = scaleOf(current, spec);
    if (ctx.info.verb === 'update') {
      const decoded = decodeStructured(body, type, { apiVersion: 'autoscaling/v1', kind: 'Scale' });
      if (!isPlainObject(decoded)) throw badRequest('the request body must be a Scale object');
      return decoded as KubeObject;
    }
    const patch = JSON.parse(body.toString('utf8')) as unknown;
    if (type === 'application/json-patch+json') return applyJsonPatch(scale, patch) as KubeObject;
    // Scale has no lists, so strategic merge and merge patch agree.
    if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
      return applyMergePatch(scale, patch) as KubeObject;
    }
    throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  };
  const updated = await ctx.store.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      const scale = desiredScale(structuredClone(current));
      const replicas = (scale['spec'] as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
          fieldErrors.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0'),
        ]);
      }
      const rv = scale.metadata?.resourceVersion;
      if (rv !== undefined && rv !== '') current.metadata.resourceVersion = rv;
      setPath(current as Record<string, unknown>, spec.specReplicasPath, replicas);
      return current;
    },
    // Recorded on the parent, in its paths (f:spec.f:replicas), as an Update with subresource scale.
    { dryRun: isDryRun(ctx.query, 'update'), manager: fieldManagerOf(ctx) },
  );
  sendJson(ctx.res, 200, scaleOf(updated, spec));
}
