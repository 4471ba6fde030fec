import assert from 'node:assert/strict';
import {
  BUILTIN_CATALOG, OpenApiDocuments, buildSwagger, publishSwagger, type CatalogResource, type Schema,
} from '../../../openapi/index.js';
import type { Operation, PathItem } from '../../../openapi/paths.js';
import { collectRefs, loadOracle } from './oracle.js';

const widget: CatalogResource = {
  group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true,
  verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'], subresources: ['status'],
};

const doc = buildSwagger({ resources: BUILTIN_CATALOG });
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const operations = (item: PathItem | undefined): Operation[] => METHODS.flatMap((m) => (item?.[m] ? [item[m]] : []));

describe('openapi v2 document', () => {
  it('has the swagger header kubectl expects', () => {
    assert.equal(doc.swagger, '2.0');
    assert.equal(doc.info.title, 'Kubernetes');
    assert.match(doc.info.version, /^v1\.\d+\.\d+$/);
  });

  it('lays out a namespaced resource like kube-apiserver', () => {
    const base = '/apis/apps/v1/namespaces/{namespace}/deployments';
    const collection = doc.paths[base]!;
    assert.equal(collection.get?.operationId, 'listAppsV1NamespacedDeployment');
    assert.equal(collection.post?.operationId, 'createAppsV1NamespacedDeployment');
    assert.equal(collection.delete?.['x-kubernetes-action'], 'deletecollection');
    assert.deepEqual(collection.parameters?.map((p) => p.name), ['namespace', 'pretty']);
    const item = doc.paths[`${base}/{name}`]!;
    assert.deepEqual(Object.keys(item).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
    assert.equal(item.get?.responses['200']?.schema?.$ref, '#/definitions/io.k8s.api.apps.v1.Deployment');
    assert.equal(doc.paths['/apis/apps/v1/deployments']?.get?.operationId, 'listAppsV1DeploymentForAllNamespaces');
    assert.ok(doc.paths['/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}']?.get);
    assert.equal(doc.paths[`${base}/{name}/scale`]?.patch?.['x-kubernetes-group-version-kind']?.kind, 'Scale');
    assert.equal(doc.paths[`${base}/{name}/status`]?.patch?.operationId, 'patchAppsV1NamespacedDeploymentStatus');
  });

  it('lays out a cluster-scoped resource without namespace', () => {
    const item = doc.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}']!;
    assert.deepEqual(item.parameters?.map((p) => p.name), ['name', 'pretty']);
    assert.equal(item.patch?.operationId, 'patchRbacAuthorizationV1ClusterRole');
    assert.equal(doc.paths['/api/v1/namespaces/{name}']?.get?.operationId, 'readCoreV1Namespace');
    assert.ok(!Object.keys(doc.paths).some((p) => p.includes('{namespace}/clusterroles')));
  });

  it('offers every patch type and the validation parameters on every PATCH', () => {
    let patches = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.patch;
      if (!op) continue;
      patches++;
      assert.deepEqual(op.consumes, [
        'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
        'application/apply-patch+yaml',
      ], path);
      const query = op.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
      assert.deepEqual(query, ['dryRun', 'fieldManager', 'fieldValidation', 'force'], path);
      assert.ok(op['x-kubernetes-group-version-kind'], path);
    }
    assert.ok(patches >= 50, `${patches} PATCH operations`);
  });

  it('serves custom resources without strategic merge patch and with placeholder schemas', () => {
    const d = buildSwagger({ resources: [...BUILTIN_CATALOG, widget] });
    const patch = d.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.patch;
    assert.ok(patch && !patch.consumes.some((c) => c.includes('strategic')));
    assert.equal(patch.operationId, 'patchExampleComV1NamespacedWidget');
    assert.deepEqual(d.definitions['com.example.v1.Widget']?.['x-kubernetes-group-version-kind'], [
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    assert.ok(d.definitions['com.example.v1.WidgetList']);
    const own: Schema = { type: 'object', properties: { spec: { type: 'object' } } };
    const withSchema = buildSwagger({ resources: [widget], definitions: { 'com.example.v1.Widget': own } });
    assert.equal(withSchema.definitions['com.example.v1.Widget'], own);
  });

  it('only references definitions it has, in the shapes kubectl accepts', () => {
    const missing = new Set<string>();
    collectRefs(doc, (name) => {
      if (!doc.definitions[name]) missing.add(name);
    });
    assert.deepEqual([...missing], []);
    const check = (s: Schema, at: string): void => {
      if (s.$ref) assert.ok(!s.type && !s.properties, `${at}: $ref with type/properties`);
      if (s.type === 'array') assert.ok(s.items && !Array.isArray(s.items), `${at}: array without one items`);
      if (s.type) assert.ok(['object', 'array', 'string', 'number', 'integer', 'boolean'].includes(s.type), at);
      for (const [k, p] of Object.entries(s.properties ?? {})) check(p, `${at}.${k}`);
      if (s.items) check(s.items, `${at}[]`);
      if (typeof s.additionalProperties === 'object') check(s.additionalProperties, `${at}{}`);
    };
    for (const [name, s] of Object.entries(doc.definitions)) check(s, name);
  });

  it('is stable and cached until the catalog changes', () => {
    const a = publishSwagger({ resources: BUILTIN_CATALOG });
    const b = publishSwagger({ resources: BUILTIN_CATALOG });
    assert.equal(a.json, b.json);
    assert.match(a.etag, /^[0-9A-F]{128}$/);
    const docs = new OpenApiDocuments({ resources: BUILTIN_CATALOG });
    const first = docs.v2();
    assert.equal(docs.v2(), first);
    assert.equal(first.etag, a.etag);
    docs.setCatalog({ resources: [...BUILTIN_CATALOG, widget] });
    assert.notEqual(docs.v2().etag, first.etag);
  });

  it('uses upstream paths and operation ids wherever upstream has the path', function () {
    const oracle = loadOracle();
    if (!oracle) this.skip();
    let compared = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const theirs = oracle.paths[path] as PathItem | undefined;
      assert.ok(theirs, `${path} is not an upstream path`);
      for (const op of operations(item)) {
        const match: Operation | undefined = operations(theirs).find((o) => o.operationId === op.operationId);
        assert.ok(match, `${path}: ${op.operationId} not upstream`);
        assert.equal(op['x-kubernetes-action'], match['x-kubernetes-action'], op.operationId);
        assert.deepEqual(op['x-kubernetes-group-version-kind'], match['x-kubernetes-group-version-kind'], op.operationId);
        compared++;
      }
    }
    assert.ok(compared > 300, `${compared} operations compared`);
  });
});
