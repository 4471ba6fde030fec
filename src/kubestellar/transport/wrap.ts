/**
 * Wrapping a cleaned workload object into an OCM ManifestWork (spec/kubestellar.md §3.4, §3.5),
 * in upstream's chart-default mode: one object per ManifestWork, named
 * `<Binding UID>-<wdsName>-<object UID>` so the name survives content changes.
 */
import type { KubeObject } from '../../api/object.js';
import { isObject, jsonEqual } from '../../api/patch/json-value.js';
import { BINDING_GENERATION_ANNOTATION, BINDING_KEY_LABEL, WDS_NAME_LABEL, WORK_API_VERSION } from '../well-known.js';

export function manifestWorkName(bindingUid: string, wdsName: string, objectUid: string): string {
  return `${bindingUid}-${wdsName}-${objectUid}`;
}

export interface WrapInput {
  /** The Binding's name, which is its policy's name. */
  readonly bindingName: string;
  readonly bindingGeneration: number;
  readonly wdsName: string;
  /** Destination cluster: the ManifestWork's namespace in the ITS. */
  readonly cluster: string;
  readonly name: string;
  /** Already cleaned; embedded as is (not copied), so callers must not mutate it afterwards. */
  readonly object: KubeObject;
  readonly createOnly: boolean;
  /** The object's group and resource, for the CreateOnly manifestConfig. */
  readonly group: string;
  readonly resource: string;
}

/**
 * The ManifestWork of §3.4: the two transport labels, the generation annotation, the object as
 * the only manifest, and a CreateOnly manifestConfig only when asked (otherwise OCM's default
 * Update strategy applies). No ownerReferences, deleteOption, executor or feedback rules.
 */
export function wrapManifestWork(input: WrapInput): KubeObject {
  const spec: Record<string, unknown> = { workload: { manifests: [input.object] } };
  if (input.createOnly) {
    spec['manifestConfigs'] = [
      {
        resourceIdentifier: {
          group: input.group,
          resource: input.resource,
          name: input.object.metadata.name ?? '',
          namespace: input.object.metadata.namespace ?? '',
        },
        updateStrategy: { type: 'CreateOnly' },
      },
    ];
  }
  return {
    apiVersion: WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: {
      name: input.name,
      namespace: input.cluster,
      labels: { [BINDING_KEY_LABEL]: input.bindingName, [WDS_NAME_LABEL]: input.wdsName },
      annotations: { [BINDING_GENERATION_ANNOTATION]: String(input.bindingGeneration) },
    },
    spec,
  };
}

/** Defaults OCM's CRD fills into a manifestConfig we leave unset; their presence is not drift. */
const MANIFEST_CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = { feedbackScrapeType: 'Poll' };

function withoutServerDefaults(spec: unknown, desired: unknown): unknown {
  if (!isObject(spec) || !isObject(desired) || !Array.isArray(spec['manifestConfigs']) || !Array.isArray(desired['manifestConfigs'])) return spec;
  const wanted = desired['manifestConfigs'];
  const configs = spec['manifestConfigs'].map((config: unknown, i) => {
    const want: unknown = wanted[i];
    if (!isObject(config) || !isObject(want)) return config;
    const out = { ...config };
    for (const [field, value] of Object.entries(MANIFEST_CONFIG_DEFAULTS)) {
      if (!Object.hasOwn(want, field) && jsonEqual(out[field], value)) delete out[field];
    }
    return out;
  });
  return { ...spec, manifestConfigs: configs };
}

/**
 * Whether an existing ManifestWork already carries what `desired` would write: the transport's
 * two labels and the spec (up to OCM's defaults). Everything else (status, finalizers, other
 * labels and annotations) belongs to others.
 *
 * Deliberate divergence from upstream (spec §10.2 item 5): the Binding generation annotation is
 * NOT compared. Upstream rewrites every ManifestWork of a Binding whenever the Binding's
 * generation moves (any object's resourceVersion, any destination), even when its content did
 * not change; comparing content avoids those writes, and also repairs content drift that kept
 * the same annotation, which upstream never does. The annotation is refreshed whenever a write
 * happens for a content change.
 */
export function manifestWorkContentEqual(existing: KubeObject, desired: KubeObject): boolean {
  const have = existing.metadata.labels ?? {};
  const want = desired.metadata.labels ?? {};
  for (const key of [BINDING_KEY_LABEL, WDS_NAME_LABEL]) if (have[key] !== want[key]) return false;
  return jsonEqual(withoutServerDefaults(existing['spec'], desired['spec']), desired['spec']);
}
