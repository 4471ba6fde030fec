/**
 * core/v1 resources served so far.
 */
import type { KubeObject } from '../../api/object.js';
import { ALL_VERBS, type ResourceDefinition } from '../definition.js';
import { ageColumn, countOf, nameColumn } from '../columns.js';
import { makeStrategy } from '../strategy.js';

const core = { group: '', version: 'v1', versions: ['v1'] } as const;

export const namespaces: ResourceDefinition = {
  ...core,
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: true },
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', priority: 0, description: 'The status of the namespace', cell: (o) => (o['status'] as { phase?: string } | undefined)?.phase },
    ageColumn,
  ],
  strategy: makeStrategy({
    statusSubresource: true,
    defaults: (o) => {
      o['spec'] ??= { finalizers: ['kubernetes'] };
      o['status'] ??= { phase: 'Active' };
      const labels = (o.metadata.labels ??= {});
      if (o.metadata.name) labels['kubernetes.io/metadata.name'] = o.metadata.name;
    },
    selectableFields: (o) => ({ 'status.phase': String((o['status'] as { phase?: string } | undefined)?.phase ?? '') }),
  }),
};

export const configmaps: ResourceDefinition = {
  ...core,
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: {},
  columns: [nameColumn, { name: 'Data', type: 'integer', priority: 0, cell: (o) => countOf('data')(o) + countOf('binaryData')(o) }, ageColumn],
  strategy: makeStrategy(),
};

export const secrets: ResourceDefinition = {
  ...core,
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: {},
  columns: [nameColumn, { name: 'Type', type: 'string', priority: 0, cell: (o) => o['type'] }, { name: 'Data', type: 'integer', priority: 0, cell: countOf('data') }, ageColumn],
  strategy: makeStrategy({
    defaults: (o: KubeObject) => {
      o['type'] ??= 'Opaque';
    },
    selectableFields: (o) => ({ type: String(o['type'] ?? '') }),
  }),
};

export const serviceaccounts: ResourceDefinition = {
  ...core,
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: {},
  columns: [nameColumn, { name: 'Secrets', type: 'integer', priority: 0, cell: (o) => (Array.isArray(o['secrets']) ? o['secrets'].length : 0) }, ageColumn],
  strategy: makeStrategy(),
};

export const coreResources: readonly ResourceDefinition[] = [namespaces, configmaps, secrets, serviceaccounts];
