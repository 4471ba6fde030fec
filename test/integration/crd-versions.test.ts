/**
 * Multi-version custom resources: each served version validates, prunes and defaults with its
 * own schema, has its own subresources, printer columns and deprecation warning; objects are
 * stored in the storage version and served in the requested one. CRD writes are checked against
 * status.storedVersions and structural-schema rules; a terminating CRD refuses creates.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CRDS = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const NAME = 'gadgets.example.com';
const gadgets = (version: string): string => `/clusters/wds1/apis/example.com/${version}/namespaces/default/gadgets`;

const v1Schema = {
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { replicas: { type: 'integer' }, color: { type: 'string', default: 'blue' } } },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};
const v1alpha1Schema = {
  type: 'object',
  properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { size: { type: 'string', default: 'S' } } } },
};

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: NAME },
  spec: {
    group: 'example.com',
    names: { plural: 'gadgets', kind: 'Gadget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: v1Schema },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
      },
      { name: 'v1alpha1', served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: v1alpha1Schema } },
    ],
  },
};

const baseCrd = (name: string, schema: unknown, extra: Record<string, unknown> = {}): object => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${name}.bad.example.com` },
  spec: {
    group: 'bad.example.com',
    names: { plural: name, kind: name[0]!.toUpperCase() + name.slice(1) },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    ...extra,
  },
});

type Cause = { field: string; reason: string };
const causes = (body: { details?: { causes?: Cause[] } }): Cause[] => body.details?.causes ?? [];

describe('multi-version custom resources', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const created = await h.request('POST', CRDS, { body: crd });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 200 && (await h.request('GET', gadgets('v1alpha1'))).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
  });
  after(async () => h?.stop());

  it('validates, prunes and defaults a write with the requested version schema and stores it in the storage version', async () => {
    const r = await h.request('POST', `${gadgets('v1alpha1')}?fieldValidation=Strict`, {
      body: { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'a' }, spec: { replicas: 'seven', whatever: 1 } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apiVersion, 'example.com/v1alpha1');
    assert.equal(r.body.spec.size, 'S');
    const v1 = await h.request('GET', `${gadgets('v1')}/a`);
    assert.equal(v1.status, 200);
    assert.equal(v1.body.apiVersion, 'example.com/v1');
    // Stored through v1's schema: unknown fields pruned, v1 defaults applied.
    assert.equal(v1.body.spec.whatever, undefined);
    assert.equal(v1.body.spec.color, 'blue');
  });

  it('rejects with the requested version schema under Strict field validation', async () => {
    const r = await h.request('POST', `${gadgets('v1')}?fieldValidation=Strict`, {
      body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'b' }, spec: { whatever: 1 } },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
    const bad = await h.request('POST', gadgets('v1'), {
      body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'c' }, spec: { replicas: 'seven' } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, 'Invalid');
    assert.deepEqual(causes(bad.body).map((c) => c.field), ['spec.replicas']);
  });

  it('serves lists in the requested version with its defaults', async () => {
    const list = await h.request('GET', gadgets('v1alpha1'));
    assert.equal(list.status, 200);
    for (const item of list.body.items as { apiVersion: string; spec: Record<string, unknown> }[]) {
      assert.equal(item.apiVersion, 'example.com/v1alpha1');
      assert.equal(item.spec['size'], 'S');
    }
  });

  it('warns on every request to a deprecated version, with the default text', async () => {
    const r = await h.request('GET', gadgets('v1alpha1'));
    assert.equal(r.headers['warning'], '299 - "example.com/v1alpha1 Gadget is deprecated; use example.com/v1 Gadget"');
    const v1 = await h.request('GET', gadgets('v1'));
    assert.equal(v1.headers['warning'], undefined);
  });

  it('has subresources and printer columns per version', async () => {
    const disc = await h.request('GET', '/clusters/wds1/apis/example.com/v1alpha1');
    const names = (disc.body.resources as { name: string }[]).map((r) => r.name);
    assert.deepEqual(names, ['gadgets']);
    const disc1 = await h.request('GET', '/clusters/wds1/apis/example.com/v1');
    assert.deepEqual((disc1.body.resources as { name: string }[]).map((r) => r.name).sort(), ['gadgets', 'gadgets/status']);
    const status = await h.request('GET', `${gadgets('v1alpha1')}/a/status`);
    assert.equal(status.status, 404);
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const t1 = await h.request('GET', gadgets('v1'), { headers: accept });
    assert.deepEqual((t1.body.columnDefinitions as { name: string }[]).map((c) => c.name), ['Name', 'Replicas']);
    const t0 = await h.request('GET', gadgets('v1alpha1'), { headers: accept });
    assert.deepEqual((t0.body.columnDefinitions as { name: string }[]).map((c) => c.name), ['Name', 'Age']);
  });

  it('publishes each version\'s OpenAPI definition with its own group-version-kind only', async () => {
    const swagger = await h.request('GET', '/clusters/wds1/openapi/v2');
    for (const version of ['v1alpha1', 'v1']) {
      const def = swagger.body.definitions[`com.example.${version}.Gadget`];
      assert.deepEqual(def?.['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Gadget', version }], version);
    }
  });

  it('refuses to drop a stored version from spec.versions', async () => {
    // Make v1alpha1 the storage version: storedVersions gains it.
    const cur = (await h.request('GET', `${CRDS}/${NAME}`)).body;
    cur.spec.versions[0].storage = false;
    cur.spec.versions[1].storage = true;
    const moved = await h.request('PUT', `${CRDS}/${NAME}`, { body: cur });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.status.storedVersions, ['v1', 'v1alpha1']);
    moved.body.spec.versions = [moved.body.spec.versions[1]];
    const dropped = await h.request('PUT', `${CRDS}/${NAME}`, { body: moved.body });
    assert.equal(dropped.status, 422, JSON.stringify(dropped.body));
    assert.equal(dropped.body.reason, 'Invalid');
    assert.deepEqual(causes(dropped.body).map((c) => [c.field, c.reason]), [['status.storedVersions[0]', 'FieldValueInvalid']]);
    // Two storage versions are refused.
    const cur2 = (await h.request('GET', `${CRDS}/${NAME}`)).body;
    cur2.spec.versions[0].storage = true;
    const two = await h.request('PUT', `${CRDS}/${NAME}`, { body: cur2 });
    assert.equal(two.status, 422);
  });

  it('refuses non-structural schemas, invalid defaults and a Webhook conversion without webhook', async () => {
    const untyped = await h.request('POST', CRDS, { body: baseCrd('untyped', { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }) });
    assert.equal(untyped.status, 422, JSON.stringify(untyped.body));
    assert.deepEqual(
      causes(untyped.body).map((c) => [c.field, c.reason]),
      [['spec.validation.openAPIV3Schema.properties[spec].type', 'FieldValueRequired']],
    );
    const badDefault = await h.request('POST', CRDS, { body: baseCrd('baddefault', { type: 'object', properties: { foo: { type: 'string', default: 5 } } }) });
    assert.equal(badDefault.status, 422, JSON.stringify(badDefault.body));
    assert.ok(causes(badDefault.body).some((c) => c.field === 'spec.validation.openAPIV3Schema.properties[foo].default'), JSON.stringify(badDefault.body));
    const webhook = await h.request('POST', CRDS, { body: baseCrd('hooked', { type: 'object' }, { conversion: { strategy: 'Webhook' } }) });
    assert.equal(webhook.status, 422, JSON.stringify(webhook.body));
    assert.deepEqual(causes(webhook.body).map((c) => [c.field, c.reason]), [['spec.conversion.webhook', 'FieldValueRequired']]);
    const both = await h.request('POST', CRDS, {
      body: baseCrd('both', { type: 'object', properties: { m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } }),
    });
    assert.equal(both.status, 422);
    assert.ok(causes(both.body).some((c) => c.field === 'spec.validation.openAPIV3Schema.properties[m].additionalProperties'));
  });

  // Last: deletes the CRD.
  it('refuses creates while the CRD is terminating and reports the Terminating condition', async () => {
    const held = await h.request('POST', gadgets('v1alpha1'), {
      body: { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    const del = await h.request('DELETE', `${CRDS}/${NAME}`);
    assert.ok([200, 202].includes(del.status), JSON.stringify(del.body));
    let conditions: { type: string; status: string; reason: string }[] = [];
    for (let i = 0; i < 200; i++) {
      conditions = (await h.request('GET', `${CRDS}/${NAME}`)).body.status.conditions;
      if (conditions.some((c) => c.type === 'Terminating' && c.reason === 'InstanceDeletionInProgress')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(conditions.some((c) => c.type === 'Terminating' && c.status === 'True' && c.reason === 'InstanceDeletionInProgress'), JSON.stringify(conditions));
    const create = await h.request('POST', gadgets('v1'), { body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'late' } } });
    assert.equal(create.status, 405, JSON.stringify(create.body));
    assert.equal(create.body.reason, 'MethodNotAllowed');
    // Release the held instance: the CRD goes.
    const obj = (await h.request('GET', `${gadgets('v1')}/held`)).body;
    obj.metadata.finalizers = [];
    assert.equal((await h.request('PUT', `${gadgets('v1')}/held`, { body: obj })).status, 200);
    let gone = 0;
    for (let i = 0; i < 300 && (gone = (await h.request('GET', `${CRDS}/${NAME}`)).status) !== 404; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(gone, 404);
  });
});
