/**
 * A CRD naming a built-in resource (KubeStellar's own CRDs applied to a WDS, as its controller manager does at start) is
 * accepted but does not replace the built-in kind, and deleting it deletes no object.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('CRDs that name built-in resources', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('are established, shadowed by the built-in, and deleted without touching its objects', async () => {
    const bp = '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindingpolicies';
    const policy = (name: string, spec: unknown): unknown => ({ apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name }, spec });
    assert.equal((await h.request('POST', bp, { body: policy('keep', { downsync: [{ resources: ['*'] }] }) })).status, 201);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'bindingpolicies.control.kubestellar.io' },
      spec: {
        group: 'control.kubestellar.io',
        names: { plural: 'bindingpolicies', kind: 'BindingPolicy' },
        scope: 'Cluster',
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const crds = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    assert.equal((await h.request('POST', crds, { body: crd })).status, 201);
    for (let i = 0; i < 100; i++) {
      const got = await h.request('GET', `${crds}/${crd.metadata.name}`);
      if ((got.body.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // Still the built-in: its schema refuses what the permissive CRD would take.
    const bad = await h.request('POST', `${bp}?fieldValidation=Strict`, { body: policy('x', { junk: 1 }) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'BadRequest');
    assert.ok([200, 202].includes((await h.request('DELETE', `${crds}/${crd.metadata.name}`)).status));
    for (let i = 0; i < 100 && (await h.request('GET', `${crds}/${crd.metadata.name}`)).status !== 404; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.request('GET', `${bp}/keep`)).status, 200);
  });
});
