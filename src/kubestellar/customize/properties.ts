/**
 * The property map a WEC's templates are expanded with (spec §5): the built-in `clusterName`,
 * then the ManagedCluster's labels, then its annotations, then the ConfigMap
 * `customization-properties/<cluster>` in the ITS (`data`, then `binaryData`), later sources
 * overriding earlier ones. Only keys that are Go identifiers are kept, as upstream filters with
 * go/token.IsIdentifier: `{{ .location-group }}` could not name such a key anyway.
 */
import { Buffer } from 'node:buffer';
import type { KubeObject } from '../../api/object.js';
import type { TemplateData } from './template.js';

/** One cluster's properties; the data its templates run on. */
export type ClusterProperties = TemplateData;

export interface PropertySources {
  /** The ManagedCluster's name, which is also the WEC's name. */
  readonly clusterName: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** The ConfigMap named after the cluster in the ITS namespace `customization-properties`, if any. */
  readonly configMap?: { readonly data?: Readonly<Record<string, string>> | undefined; readonly binaryData?: Readonly<Record<string, string>> | undefined } | undefined;
}

const GO_KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);
const GO_IDENTIFIER = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

/** go/token.IsIdentifier: letters (any script), digits and underscores, not starting with a digit, not a keyword. */
export function isGoIdentifier(key: string): boolean {
  return GO_IDENTIFIER.test(key) && !GO_KEYWORDS.has(key);
}

export function clusterProperties(sources: PropertySources): ClusterProperties {
  const props = new Map<string, string>([['clusterName', sources.clusterName]]);
  const add = (entries: Readonly<Record<string, string>> | undefined, decode: (v: string) => string = (v) => v): void => {
    if (entries === undefined || entries === null) return;
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'string' && isGoIdentifier(key)) props.set(key, decode(value));
    }
  };
  add(sources.labels);
  add(sources.annotations);
  add(sources.configMap?.data);
  // Go's string(bytes): the bytes as text (invalid UTF-8 becomes U+FFFD here).
  add(sources.configMap?.binaryData, (v) => Buffer.from(v, 'base64').toString('utf8'));
  return props;
}

/**
 * The same from the objects themselves, as the engine has them: the ManagedCluster (absent when
 * the cluster is not in the inventory: only `clusterName` then) and the property ConfigMap.
 */
export function clusterPropertiesOf(clusterName: string, managedCluster: KubeObject | undefined, configMap: KubeObject | undefined): ClusterProperties {
  const record = (v: unknown): Record<string, string> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : undefined);
  return clusterProperties({
    clusterName,
    labels: managedCluster?.metadata.labels,
    annotations: managedCluster?.metadata.annotations,
    configMap: configMap === undefined ? undefined : { data: record(configMap['data']), binaryData: record(configMap['binaryData']) },
  });
}

/** Whether two property maps are the same, so a ManagedCluster or ConfigMap event can be ignored. */
export function propertiesEqual(a: ClusterProperties, b: ClusterProperties): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
