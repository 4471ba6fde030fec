/**
 * kube-apiserver's special case for `kubectl apply --server-side` (spec §3.9), only for the manager
 * named exactly `kubectl`: conflicts with what the object's client-side `last-applied-configuration`
 * annotation already says (same value as live) are forgiven, so moving from client-side to
 * server-side apply does not fail on the fields kubectl itself set; and after a successful apply the
 * annotation, when present, is rewritten to the applied body so a later client-side apply agrees.
 */
import { apply, conflictError, type ApplyOptions, type ConflictResult, type KubeObject, type WriteResult } from './managed-fields.js';
import { canonicalJson, type Path } from './path.js';
import { DEDUCED, childSchema, type ApplySchema } from './schema.js';
import { deepEqual, elementId, isObject } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The total annotation size limit; a rewritten annotation above it is dropped instead. */
const ANNOTATION_LIMIT = 256 * 1024;
const KUBECTL = 'kubectl';

/** `apply` with the kubectl forgiveness and annotation rewrite. */
export function applyWithLastApplied(o: ApplyOptions): WriteResult | ConflictResult {
  const first = apply(o);
  if (o.manager !== KUBECTL) return first;
  let result: WriteResult | ConflictResult = first;
  if (!first.ok) {
    const lastApplied = readLastApplied(o.live);
    if (lastApplied === undefined) return first;
    const unforgiven = first.conflicts.filter((c) => {
      const inAnnotation = valueAt(lastApplied, c.path, o.schema);
      const inLive = valueAt(o.live, c.path, o.schema);
      return !(inAnnotation.found && inLive.found && deepEqual(inAnnotation.value, inLive.value));
    });
    if (unforgiven.length > 0) return { ok: false, conflicts: unforgiven, error: conflictError(unforgiven) };
    result = apply({ ...o, force: true });
  }
  return result.ok ? rewriteAnnotation(result, o.config) : result;
}

/** The annotation of live, when it parses and has live's apiVersion. */
function readLastApplied(live: KubeObject | null | undefined): KubeObject | undefined {
  const annotations = isObject(live?.metadata) ? live.metadata.annotations : undefined;
  const text = isObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) && parsed.apiVersion === live?.apiVersion ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The node at `path` in a value, following keyed and set elements by identity. */
export function valueAt(value: unknown, path: Path, schema: ApplySchema): { found: boolean; value?: unknown } {
  let cur = value;
  let s = schema;
  for (const el of path) {
    if (el.startsWith('f:')) {
      const name = el.slice(2);
      if (!isObject(cur) || !Object.hasOwn(cur, name)) return { found: false };
      cur = cur[name];
      s = childSchema(s, name) ?? DEDUCED;
    } else if (s.kind === 'list' && Array.isArray(cur)) {
      const list = s;
      const hit = cur.find((item) => elementId(item, list) === el);
      if (hit === undefined) return { found: false };
      cur = hit;
      s = list.items();
    } else return { found: false };
  }
  return { found: true, value: cur };
}

function rewriteAnnotation(r: WriteResult, config: KubeObject): WriteResult {
  const meta = isObject(r.object.metadata) ? r.object.metadata : undefined;
  const annotations = meta?.annotations;
  if (!isObject(annotations) || !Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION)) return r;
  const body = structuredClone(config);
  if (isObject(body.metadata) && isObject(body.metadata.annotations)) {
    delete body.metadata.annotations[LAST_APPLIED_ANNOTATION];
  }
  const text = canonicalJson(body);
  const next: Record<string, unknown> = { ...annotations };
  if (Buffer.byteLength(text, 'utf8') > ANNOTATION_LIMIT) delete next[LAST_APPLIED_ANNOTATION];
  else next[LAST_APPLIED_ANNOTATION] = text;
  const object = { ...r.object, metadata: { ...meta, annotations: next } };
  return { ...r, object, changed: r.changed || !deepEqual(annotations, next) };
}
