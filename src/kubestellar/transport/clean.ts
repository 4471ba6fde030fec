/**
 * The WEC-independent cleaning of a WDS object before it is wrapped (spec/kubestellar.md §3.3.1,
 * §3.3.2), field for field as upstream's transport does it: what a WEC must not receive because
 * the WDS (or its controllers) owns it there, and what the WEC's own controllers will fill in.
 */
import type { KubeObject } from '../../api/object.js';
import { cloneJson, isObject, type JsonObject } from '../../api/patch/json-value.js';
import { PRESERVE_ANNOTATION } from '../well-known.js';

const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** Metadata the WDS assigned; a WEC assigns its own (or must not see them: owners are WDS objects). */
const WDS_ASSIGNED_METADATA = ['managedFields', 'finalizers', 'generation', 'ownerReferences', 'selfLink', 'resourceVersion', 'uid', 'generateName'];

/** A deep copy of `obj`, cleaned; the input is left untouched. */
export function cleanObject(obj: KubeObject): KubeObject {
  const out = cloneJson(obj);
  cleanGeneric(out);
  if (out.apiVersion === 'v1' && out.kind === 'Service') cleanService(out);
  else if (out.apiVersion === 'batch/v1' && out.kind === 'Job') cleanJob(out);
  return out;
}

function cleanGeneric(obj: KubeObject): void {
  const meta = obj.metadata as JsonObject | undefined;
  if (isObject(meta)) {
    for (const field of WDS_ASSIGNED_METADATA) delete meta[field];
    // The annotation map itself stays, even when this empties it (upstream writes it back).
    const annotations = meta['annotations'];
    if (isObject(annotations)) delete annotations[LAST_APPLIED_ANNOTATION];
  }
  delete obj['status'];
}

/** Fields the WEC's Service controller allocates or defaults; node ports are per cluster. */
const SERVICE_DEFAULTED_SPEC = ['ipFamilies', 'externalTrafficPolicy', 'internalTrafficPolicy', 'ipFamilyPolicy', 'sessionAffinity'];

function cleanService(obj: KubeObject): void {
  const spec = obj['spec'];
  if (!isObject(spec)) return;
  for (const field of SERVICE_DEFAULTED_SPEC) delete spec[field];
  // A headless Service stays headless; any allocated address goes.
  const clusterIP = spec['clusterIP'];
  if (typeof clusterIP === 'string' && clusterIP !== 'None') delete spec['clusterIP'];
  const clusterIPs = spec['clusterIPs'];
  if (Array.isArray(clusterIPs) && clusterIPs.every((ip) => typeof ip === 'string')) {
    const kept = clusterIPs.filter((ip) => ip === 'None');
    if (kept.length === 0) delete spec['clusterIPs'];
    else spec['clusterIPs'] = kept;
  }
  const annotations = obj.metadata?.annotations;
  const preserveNodePort = isObject(annotations) && annotations[PRESERVE_ANNOTATION] === 'nodeport';
  const ports = spec['ports'];
  if (!preserveNodePort && Array.isArray(ports)) {
    // JSON null (not removal), exactly as upstream: every port object gets `nodePort: null`.
    for (const port of ports) if (isObject(port)) port['nodePort'] = null;
  }
}

const JOB_TRACKING_ANNOTATION = 'batch.kubernetes.io/job-tracking';
/** The Job controller's labels binding a Job to its pods in the WDS; the WEC's controller sets its own. */
const JOB_CONTROLLER_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

function cleanJob(obj: KubeObject): void {
  const meta = obj.metadata as JsonObject | undefined;
  if (isObject(meta)) {
    const annotations = meta['annotations'];
    if (isObject(annotations)) delete annotations[JOB_TRACKING_ANNOTATION];
    deleteLabels(meta['labels']);
  }
  const spec = obj['spec'];
  if (isObject(spec)) {
    // The selector names the WDS controller-uid; suspend is the WDS's business.
    delete spec['selector'];
    delete spec['suspend'];
    const template = spec['template'];
    if (isObject(template) && isObject(template['metadata'])) deleteLabels(template['metadata']['labels']);
  }
  delete obj['status'];
}

function deleteLabels(labels: unknown): void {
  if (!isObject(labels)) return;
  for (const key of JOB_CONTROLLER_LABELS) delete labels[key];
}
