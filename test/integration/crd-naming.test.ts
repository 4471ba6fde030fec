/**
 * CRD names are claimed as apiextensions' naming controller claims them: a CRD asking for a name
 * another CRD of its group holds is NamesAccepted=False with the conflict's reason, and is neither
 * Established nor served, until the name is free again.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const CRDS = `${S}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;

const crd = (plural: string, kind: string, shortNames: string[]): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.naming.example.com` },
  spec: {
    group: 'naming.example.com',
    scope: 'Namespaced',
    names: { plural, kind, shortNames },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});

describe('CRD names', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const condition = async (name: string, type: string, want: string): Promise<any> => {
    for (let i = 0; i < 250; i++) {
      const r = await h.request('GET', `${CRDS}/${name}`);
      const c = (r.body?.status?.conditions ?? []).find((x: any) => x.type === type);
      if (c?.status === want) return { crd: r.body, condition: c };
      await new Promise((ok) => setTimeout(ok, 20));
    }
    assert.fail(`${name}: ${type} never became ${want}`);
  };

  it('refuses a short name another CRD of the group holds, then accepts it once that CRD is gone', async () => {
    assert.equal((await h.request('POST', CRDS, { body: crd('gadgets', 'Gadget', ['gd']) })).status, 201);
    await condition('gadgets.naming.example.com', 'Established', 'True');
    assert.equal((await h.request('POST', CRDS, { body: crd('gizmos', 'Gizmo', ['gd']) })).status, 201);
    const refused = await condition('gizmos.naming.example.com', 'NamesAccepted', 'False');
    assert.equal(refused.condition.reason, 'ShortNamesConflict');
    const established = refused.crd.status.conditions.find((c: any) => c.type === 'Established');
    assert.deepEqual([established?.status, established?.reason], ['False', 'NotAccepted']);
    assert.equal((await h.request('GET', `${S}/apis/naming.example.com/v1/gizmos`)).status, 404);

    assert.ok([200, 202].includes((await h.request('DELETE', `${CRDS}/gadgets.naming.example.com`)).status));
    const accepted = await condition('gizmos.naming.example.com', 'Established', 'True');
    assert.deepEqual(accepted.crd.status.acceptedNames.shortNames, ['gd']);
    for (let i = 0; i < 100 && (await h.request('GET', `${S}/apis/naming.example.com/v1/gizmos`)).status !== 200; i++) await new Promise((ok) => setTimeout(ok, 20));
    assert.equal((await h.request('GET', `${S}/apis/naming.example.com/v1/gizmos`)).status, 200);
  });
});
