/**
 * Local APIServices, as kube-aggregator registers them: one per served group-version in each
 * space, kept as the server wants them, following CRDs as they come and go; an APIService a chart
 * installs is left alone.
 */
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const APISERVICES = '/clusters/wds1/apis/apiregistration.k8s.io/v1/apiservices';
const CRDS = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

describe('local APIServices', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async function () {
    h = await startInProcess({ storage: 'memory' });
  });

  after(async function () {
    await h?.stop();
  });

  const names = async (space = 'wds1'): Promise<string[]> => {
    const r = await h.request('GET', `/clusters/${space}/apis/apiregistration.k8s.io/v1/apiservices`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body.items as { metadata: { name: string } }[]).map((o) => o.metadata.name);
  };

  it('lists every built-in group-version as Local and Available, with kube-apiserver priorities', async function () {
    const got = await eventually('the local APIServices', async () => ((await names()).includes('v2.autoscaling') ? names() : undefined));
    for (const name of ['v1.', 'v1.apps', 'v1.autoscaling', 'v2.autoscaling', 'v1.rbac.authorization.k8s.io', 'v1alpha1.control.kubestellar.io']) {
      assert.ok(got.includes(name), `${name} not in ${got.join(' ')}`);
    }
    assert.ok(!got.includes('v1.apiregistration.k8s.io'), 'the aggregator group itself has no APIService');
    const apps = (await h.request('GET', `${APISERVICES}/v1.apps`)).body;
    assert.deepEqual(apps.spec, { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
    assert.equal(apps.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
    assert.deepEqual(
      apps.status.conditions.map((c: Record<string, string>) => [c['type'], c['status'], c['reason']]),
      [['Available', 'True', 'Local']],
    );
    const core = (await h.request('GET', `${APISERVICES}/v1.`)).body;
    assert.deepEqual(core.spec, { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
    // Every space that looks like a cluster has them.
    assert.ok((await eventually('cluster1 APIServices', async () => ((await names('cluster1')).includes('v1.apps') ? true : undefined))));
  });

  it('puts back an edited or deleted entry and leaves an APIService a chart installed alone', async function () {
    const edited = await h.request('PATCH', `${APISERVICES}/v1.apps`, {
      body: { spec: { versionPriority: 3 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(edited.status, 200);
    await eventually('v1.apps put back', async () => (await h.request('GET', `${APISERVICES}/v1.apps`)).body.spec.versionPriority === 15);
    assert.equal((await h.request('DELETE', `${APISERVICES}/v1.batch`)).status, 200);
    await eventually('v1.batch recreated', async () => (await h.request('GET', `${APISERVICES}/v1.batch`)).status === 200);

    const metrics = {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { namespace: 'kube-system', name: 'metrics-server' } },
    };
    assert.equal((await h.request('POST', APISERVICES, { body: metrics })).status, 201);
    await new Promise((r) => setTimeout(r, 300));
    const kept = (await h.request('GET', `${APISERVICES}/v1beta1.metrics.k8s.io`)).body;
    assert.equal(kept.spec.groupPriorityMinimum, 100);
    assert.equal(kept.metadata.labels, undefined);
  });

  it('follows CRDs: an entry per served version while the CRD is there, none after', async function () {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gizmos.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'gizmos', kind: 'Gizmo' },
        scope: 'Namespaced',
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    };
    assert.equal((await h.request('POST', CRDS, { body: crd })).status, 201);
    await eventually('the CRD APIServices', async () => (await h.request('GET', `${APISERVICES}/v1beta1.example.com`)).status === 200);
    const v1 = (await h.request('GET', `${APISERVICES}/v1.example.com`)).body;
    assert.deepEqual(v1.spec, { group: 'example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 });
    assert.equal(v1.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'true');
    assert.equal((await h.request('GET', `${APISERVICES}/v1alpha1.example.com`)).status, 404, 'an unserved version has none');

    assert.equal((await h.request('DELETE', `${CRDS}/gizmos.example.com`)).status, 200);
    await eventually('the CRD APIServices to go', async () => {
      const left = (await names()).filter((n) => n.endsWith('.example.com'));
      return left.length === 0 ? true : undefined;
    });
  });
});
