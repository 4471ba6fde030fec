/**
 * Defaults a CRD's schema gains after objects were stored show on every read of those objects
 * (GET, LIST, WATCH), as kube's storage decoder applies them, without rewriting storage.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const CRDS = `${S}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
const WIDGETS = `${S}/apis/defaults.example.com/v1/namespaces/default/widgets`;

const crd = (specProps: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.defaults.example.com' },
  spec: {
    group: 'defaults.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: specProps } } } } },
    ],
  },
});

describe('CRD defaults on read', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const until = async (probe: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('timed out');
  };

  it('shows a default added to the schema on GET, LIST and WATCH of objects stored before', async () => {
    assert.equal((await h.request('POST', CRDS, { body: crd({ color: { type: 'string' } }) })).status, 201);
    await until(async () => (await h.request('GET', WIDGETS)).status === 200);
    const w = { apiVersion: 'defaults.example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { color: 'red' } };
    assert.equal((await h.request('POST', WIDGETS, { body: w })).status, 201);

    const current = (await h.request('GET', `${CRDS}/widgets.defaults.example.com`)).body;
    current.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.shade = { type: 'string', default: 'blue' };
    assert.equal((await h.request('PUT', `${CRDS}/widgets.defaults.example.com`, { body: current })).status, 200);
    await until(async () => (await h.request('GET', `${WIDGETS}/w1`)).body?.spec?.shade === 'blue');
    assert.deepEqual((await h.request('GET', `${WIDGETS}/w1`)).body.spec, { color: 'red', shade: 'blue' });
    assert.deepEqual((await h.request('GET', WIDGETS)).body.items[0].spec, { color: 'red', shade: 'blue' });
    const r = await h.watchFrames(`${WIDGETS}?watch=true`, (f) => f.type === 'ADDED', { timeoutMs: 5000 });
    assert.deepEqual(r.frames.find((f) => f.type === 'ADDED')?.object.spec, { color: 'red', shade: 'blue' });
  });
});
