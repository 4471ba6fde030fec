/**
 * CustomTransform end to end on the demo spaces (wds1 → its1 → cluster1, cluster2 with their
 * in-process agents): spec §8.3 item 7, then what goes beyond upstream: filters, rewriting the
 * ManifestWorks when a CustomTransform changes while the WDS object stays untouched (spec §10.1),
 * status errors for bad paths without harm to what is propagated, and several transforms for
 * one resource (all applied, all warned).
 */
import assert from 'node:assert/strict';
import { rest } from '../helpers/rest.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';

const WDS = '/clusters/wds1';
const CTL = `${WDS}/apis/control.kubestellar.io/v1alpha1`;
const DEPLOY = `${WDS}/apis/apps/v1/namespaces/nginx/deployments/nginx`;
const WECS = ['cluster1', 'cluster2'];
const LABEL = 'test.kubestellar.io/test-label';

describe('CustomTransform (wds1 → its1 → cluster1, cluster2)', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  const { ok } = rest(() => h);
  /** The ManifestWork carrying the nginx Deployment in a cluster namespace. */
  const work = async (cluster: string): Promise<any> => {
    const r = await h.request('GET', `/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/${cluster}/manifestworks?labelSelector=transport.kubestellar.io/originWdsName%3Dwds1`);
    if (r.status !== 200) return undefined;
    return r.body.items.find((w: any) => w.spec.workload.manifests[0].kind === 'Deployment' && w.spec.workload.manifests[0].metadata.name === 'nginx');
  };
  const manifest = async (cluster: string): Promise<any> => (await work(cluster))?.spec.workload.manifests[0];
  const wecDeployments = async (cluster: string): Promise<any[]> => {
    const r = await h.request('GET', `/clusters/${cluster}/apis/apps/v1/namespaces/nginx/deployments`);
    return r.status === 200 ? r.body.items : [];
  };
  /** Waits until every cluster's work manifest and WEC Deployment satisfy `ok`. */
  const everywhere = async (what: string, okFor: (d: any) => boolean): Promise<void> => {
    for (const c of WECS) {
      await eventually(`${what} in the work for ${c}`, async () => {
        const m = await manifest(c);
        return m !== undefined && okFor(m);
      });
      await eventually(`${what} in ${c}`, async () => {
        const ds = await wecDeployments(c);
        return ds.length === 1 && okFor(ds[0]);
      });
    }
  };
  const containers = (d: any): string[] => d.spec.template.spec.containers.map((c: any) => c.name);
  const transform = (name: string, remove: string[], resource = 'deployments', apiGroup = 'apps'): unknown => ({
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'CustomTransform',
    metadata: { name },
    spec: { apiGroup, resource, remove },
  });
  const statusOf = async (name: string, generation?: number): Promise<any> =>
    eventually(`status of ${name}`, async () => {
      const ct = await ok('GET', `${CTL}/customtransforms/${name}`);
      return ct.status?.observedGeneration === (generation ?? ct.metadata.generation) ? ct.status : undefined;
    });
  let deployRv: string;
  const assertDeploymentUntouched = async (): Promise<void> => {
    assert.equal((await ok('GET', DEPLOY)).metadata.resourceVersion, deployRv, 'the WDS Deployment was not written');
  };

  before(async () => {
    h = await startInProcess();
    for (const c of WECS) {
      await eventually(`${c} registered`, async () => (await h.request('GET', `/clusters/its1/api/v1/namespaces/${c}`)).status === 200);
    }
    // Spec §8.3 common fixture, with a sidecar and an annotation to remove later.
    await ok('POST', `${WDS}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx' } } });
    await ok('POST', `${WDS}/apis/apps/v1/namespaces/nginx/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx', [LABEL]: 'here' }, annotations: { note: 'kept until removed' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'public.ecr.aws/nginx/nginx:latest' }, { name: 'sidecar', image: 'envoy' }] },
        },
      },
    });
    await ok('POST', `${CTL}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'nginx' },
      spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }] },
    });
    await everywhere('the labelled Deployment', (d) => d.metadata.labels?.[LABEL] === 'here' && containers(d).length === 2);
    deployRv = (await ok('GET', DEPLOY)).metadata.resourceVersion;
  });
  after(async () => h?.stop());

  it('spec §8.3 item 7: removing the test label reaches the works and WECs without touching the Deployment', async () => {
    await ok('POST', `${CTL}/customtransforms`, transform('test', [`$.metadata.labels["${LABEL}"]`]));
    await everywhere('no test label', (d) => d.metadata.labels?.[LABEL] === undefined && d.metadata.labels?.['app.kubernetes.io/name'] === 'nginx');
    await assertDeploymentUntouched();
    assert.deepEqual(await statusOf('test', 1), { observedGeneration: 1 });
  });

  it('a filter removes one container; changing the transform rewrites the works', async () => {
    const before = await work('cluster1');
    assert.ok(before.metadata.generation >= 1);
    await ok('PATCH', `${CTL}/customtransforms/test`, { spec: { remove: [`$.metadata.labels["${LABEL}"]`, '$.spec.template.spec.containers[?(@.name=="sidecar")]'] } });
    await everywhere('the sidecar removed', (d) => containers(d).join() === 'nginx' && d.metadata.labels?.[LABEL] === undefined);
    assert.ok((await work('cluster1')).metadata.generation > before.metadata.generation, 'the work was rewritten in place');
    await assertDeploymentUntouched();
    assert.deepEqual(await statusOf('test', 2), { observedGeneration: 2 });
  });

  it('an invalid path is reported in status.errors; the valid ones still apply and the works stay', async () => {
    const before = await work('cluster1');
    await ok('PATCH', `${CTL}/customtransforms/test`, {
      spec: { remove: [`$.metadata.labels["${LABEL}"]`, '$.spec.template.spec.containers[?(@.name=="sidecar")]', '$..image', '$'] },
    });
    const status = await statusOf('test', 3);
    assert.equal(status.errors.length, 2);
    assert.match(status.errors[0], /^Error in spec\.remove\[2\]: syntax error at position 1: recursive descent/);
    assert.equal(status.errors[1], 'Invalid spec.remove[3]: it identifies the whole object');
    // The policy whose objects the transform applies to says so too.
    const policyErrors: string[] = await eventually('the path errors in the policy status', async () => {
      const errs = (await ok('GET', `${CTL}/bindingpolicies/nginx`)).status?.errors as string[] | undefined;
      return errs?.length === 2 ? errs : undefined;
    });
    assert.deepEqual(policyErrors, status.errors.map((e: string) => `CustomTransform test: ${e}`));
    await h.server.spaces.engine('wds1')!.idle();
    const after = await work('cluster1');
    assert.equal(after.metadata.uid, before.metadata.uid, 'the work was kept');
    // The agent's status reports move the resourceVersion; only a spec rewrite moves the generation.
    assert.equal(after.metadata.generation, before.metadata.generation, 'nothing to rewrite: the valid paths are unchanged');
    assert.deepEqual(containers(after.spec.workload.manifests[0]), ['nginx']);
    for (const c of WECS) assert.equal((await wecDeployments(c)).length, 1);
  });

  it('a transform for another resource leaves these works alone', async () => {
    const before = await work('cluster2');
    await ok('POST', `${CTL}/customtransforms`, transform('configmaps-only', ['$.data'], 'configmaps', ''));
    assert.deepEqual(await statusOf('configmaps-only', 1), { observedGeneration: 1 });
    await h.server.spaces.engine('wds1')!.idle();
    assert.equal((await work('cluster2')).metadata.generation, before.metadata.generation);
    await ok('DELETE', `${CTL}/customtransforms/configmaps-only`);
  });

  it('two transforms for the same resource both apply and both get the warning', async () => {
    await ok('POST', `${CTL}/customtransforms`, transform('second', ['$.metadata.annotations.note']));
    await everywhere('both transforms applied', (d) => d.metadata.annotations?.note === undefined && d.metadata.labels?.[LABEL] === undefined && containers(d).join() === 'nginx');
    const warning = 'multiple CustomTransform objects specify the same GroupResource; their names are [second test]';
    const second = await eventually('warning on second', async () => {
      const s = await statusOf('second', 1);
      return s.warnings !== undefined ? s : undefined;
    });
    assert.deepEqual(second, { observedGeneration: 1, warnings: [warning] });
    const test = await eventually('warning on test', async () => {
      const s = await statusOf('test', 3);
      return s.warnings !== undefined ? s : undefined;
    });
    assert.deepEqual(test.warnings, [warning]);
    assert.equal(test.errors.length, 2);
    await assertDeploymentUntouched();
  });

  it('keeps the works as they are across a restart', async () => {
    const before = await work('cluster1');
    await h.restart();
    await h.server.spaces.engine('wds1')!.idle();
    assert.equal((await work('cluster1')).metadata.generation, before.metadata.generation);
  });

  it('deleting the transforms restores the fields, clears the warning, and still leaves the Deployment untouched', async () => {
    await ok('DELETE', `${CTL}/customtransforms/second`);
    await everywhere('the annotation back', (d) => d.metadata.annotations?.note === 'kept until removed' && containers(d).join() === 'nginx');
    await eventually('warning gone from test', async () => {
      const s = await statusOf('test', 3);
      return s.warnings === undefined && s.errors?.length === 2;
    });
    await ok('DELETE', `${CTL}/customtransforms/test`);
    await everywhere('label and sidecar back', (d) => d.metadata.labels?.[LABEL] === 'here' && containers(d).join() === 'nginx,sidecar');
    await eventually('the path errors gone from the policy status', async () => (await ok('GET', `${CTL}/bindingpolicies/nginx`)).status?.errors === undefined);
    await assertDeploymentUntouched();
  });
});
