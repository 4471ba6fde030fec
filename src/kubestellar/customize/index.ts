/**
 * Per-WEC customization (spec §5), as the transport side of the engine uses it: the property map
 * of each destination, then the expansion of each workload object for all of them.
 */
export { compileObject, containsTemplates, expandForClusters, expandObject, needsCustomization, wantsExpansion } from './expand.js';
export type { ClusterExpansion, ClustersExpansion, ClustersExpansionOptions, CompiledObject, LeafError, ObjectExpansion } from './expand.js';
export { clusterProperties, clusterPropertiesOf, isGoIdentifier, propertiesEqual } from './properties.js';
export type { ClusterProperties, PropertySources } from './properties.js';
export { executeTemplate, parseTemplate, renderTemplate, SUPPORTED_FUNCTIONS } from './template.js';
export type { ExecResult, ParseResult, Template, TemplateData, TemplateError } from './template.js';
