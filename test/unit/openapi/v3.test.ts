import assert from 'node:assert/strict';
import {
  BUILTIN_CATALOG, OpenApiDocuments, buildV3Documents, etagOf, publishV3, type CatalogResource,
} from '../../../openapi/index.js';
import { collectRefs } from './oracle.js';

interface V3Operation {
  parameters?: { name: string; in: string; schema?: unknown }[];
  requestBody?: { content: Record<string, unknown> };
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
}

const catalog = { resources: BUILTIN_CATALOG };
const published = publishV3(catalog);
const index = JSON.parse(published.index.json) as { paths: Record<string, { serverRelativeURL: string }> };

describe('openapi v3 documents', () => {
  it('indexes every served group-version by hash', () => {
    assert.ok(index.paths['api/v1']);
    assert.ok(index.paths['apis/apps/v1']);
    assert.ok(index.paths['apis/autoscaling/v2']);
    assert.ok(!Object.keys(index.paths).some((k) => k.startsWith('/')));
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const doc = published.documents.get(key)!;
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${doc.etag}`);
      assert.equal(doc.etag, etagOf(doc.json));
    }
  });

  it('lets kubectl find fieldValidation on every PATCH of each GVK', () => {
    for (const [key, doc] of buildV3Documents(catalog)) {
      const patches = Object.values(doc.paths).flatMap((item) => (item.patch ? [item.patch as V3Operation] : []));
      assert.ok(patches.length > 0 || key.startsWith('apis/authorization') || key.startsWith('apis/authentication'), key);
      for (const op of patches) {
        const gvk = op['x-kubernetes-group-version-kind'];
        assert.ok(gvk && typeof gvk === 'object' && !Array.isArray(gvk), key);
        const q = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const name of ['dryRun', 'fieldManager', 'fieldValidation', 'force']) assert.ok(q.includes(name), `${key} ${name}`);
        assert.ok(op.requestBody?.content['application/apply-patch+yaml'], key);
        assert.ok(op.requestBody?.content['application/strategic-merge-patch+json'], key);
      }
    }
  });

  it('ships exactly the schemas its references need, with list-valued GVKs', () => {
    const doc = buildV3Documents(catalog).get('apis/apps/v1')!;
    const schemas = doc.components.schemas;
    const missing: string[] = [];
    collectRefs(doc, (n) => (schemas[n] ? undefined : missing.push(n)), '#/components/schemas/');
    assert.deepEqual(missing, []);
    assert.ok(!JSON.stringify(doc).includes('#/definitions/'));
    assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'], [
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    assert.ok(schemas['io.k8s.api.core.v1.PodSpec']);
    assert.ok(!schemas['io.k8s.api.batch.v1.Job'], 'no schemas of other group-versions');
    const created = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.properties?.creationTimestamp;
    assert.deepEqual(created?.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }]);
    assert.ok(created?.description, 'a $ref with a description keeps it beside an allOf');
    const ios = schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
    assert.equal(ios?.['x-kubernetes-int-or-string'], true);
    assert.equal(ios?.format, 'int-or-string');
  });

  it('puts parameters in v3 shape', () => {
    const doc = buildV3Documents(catalog).get('api/v1')!;
    const item = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']!;
    assert.deepEqual((item.parameters as unknown[])[0], {
      name: 'name', in: 'path', description: 'name of the ConfigMap', required: true, schema: { type: 'string', uniqueItems: true },
    });
    const put = item.put as V3Operation;
    assert.ok(put.requestBody?.content['*/*']);
    assert.ok(!(put.parameters ?? []).some((p) => p.in === 'body'));
  });

  it('changes the hash of a group-version, and only that one, when a resource is added', () => {
    const extra: CatalogResource = {
      group: 'apps', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, verbs: ['get', 'patch'],
    };
    const after = publishV3({ resources: [...BUILTIN_CATALOG, extra] });
    assert.notEqual(after.documents.get('apis/apps/v1')!.etag, published.documents.get('apis/apps/v1')!.etag);
    assert.equal(after.documents.get('api/v1')!.etag, published.documents.get('api/v1')!.etag);
    assert.notEqual(after.index.etag, published.index.etag);
    const newGroup = publishV3({ resources: [...BUILTIN_CATALOG, { ...extra, group: 'example.com' }] });
    const idx = JSON.parse(newGroup.index.json) as typeof index;
    assert.ok(idx.paths['apis/example.com/v1']);
    const widgetDoc = JSON.parse(newGroup.documents.get('apis/example.com/v1')!.json) as { paths: Record<string, { patch?: V3Operation }> };
    const patch = widgetDoc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.patch;
    assert.ok(patch && !patch.requestBody?.content['application/strategic-merge-patch+json']);
  });

  it('is served from the cache until the catalog changes', () => {
    const docs = new OpenApiDocuments(catalog);
    const idx = docs.v3Index();
    assert.equal(docs.v3Index(), idx);
    assert.equal(docs.v3('apis/apps/v1')?.etag, published.documents.get('apis/apps/v1')?.etag);
    assert.equal(docs.v3('apis/nope/v1'), undefined);
    docs.setCatalog({ resources: BUILTIN_CATALOG.filter((r) => r.group !== 'batch') });
    assert.equal(docs.v3('apis/batch/v1'), undefined);
    assert.notEqual(docs.v3Index().etag, idx.etag);
  });
});
