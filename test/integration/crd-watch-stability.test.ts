/**
 * A custom resource's watches last as long as its CRD's spec: creating, annotating or deleting
 * another CRD, or a status or metadata update of its own CRD, ends none of them (upstream rebuilds
 * the storage of one CRD only when its spec changes); a change to its spec does.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer, type OpenWatch } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const CRDS = `${S}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;

const crd = (group: string, plural: string, kind: string, versions = ['v1']): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: kind.toLowerCase(), kind },
    versions: versions.map((name, i) => ({
      name,
      served: true,
      storage: i === 0,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', "x-kubernetes-preserve-unknown-fields": true } } } },
    })),
  },
});

describe('custom resource watches across CRD changes', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> => {
    const r = await h.request(method, path, { ...(body !== undefined && { body }), ...(headers && { headers }) });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const established = async (name: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const r = await h.request('GET', `${CRDS}/${name}`);
      if ((r.body?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`${name} not established`);
  };
  const stillOpen = async (w: OpenWatch, ms = 500): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([w.ended.then(() => false), new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), ms)))]);
    clearTimeout(timer);
    return r;
  };
  const merge = { 'Content-Type': 'application/merge-patch+json' };

  it('keeps watches through other CRDs and its own status/metadata updates; ends them on a spec change', async () => {
    await ok('POST', CRDS, crd('stable.example.com', 'gadgets', 'Gadget', ['v1', 'v2']));
    await established('gadgets.stable.example.com');
    const watches = await Promise.all(['v1', 'v2'].map((v) => h.openWatch(`${S}/apis/stable.example.com/${v}/namespaces/default/gadgets?watch=true`)));
    for (const w of watches) assert.equal(w.status, 200);

    await ok('POST', CRDS, crd('other.example.com', 'widgets', 'Widget'));
    await established('widgets.other.example.com');
    await ok('PATCH', `${CRDS}/widgets.other.example.com`, { metadata: { annotations: { touched: 'yes' } } }, merge);
    await ok('PATCH', `${CRDS}/gadgets.stable.example.com`, { metadata: { annotations: { touched: 'yes' } } }, merge);
    await ok('DELETE', `${CRDS}/widgets.other.example.com`);
    for (const w of watches) assert.equal(await stillOpen(w), true, 'a watch ended without its CRD spec changing');

    const current = await ok('GET', `${CRDS}/gadgets.stable.example.com`);
    const spec = current.body.spec;
    spec.versions[0].additionalPrinterColumns = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
    await ok('PUT', `${CRDS}/gadgets.stable.example.com`, { ...current.body, spec });
    for (const w of watches) assert.equal(await stillOpen(w, 5000), false, 'a spec change should end the watch');
    for (const w of watches) w.close();
  });
});
