/**
 * The KubeStellar control API in a WDS and the OCM hub API in an ITS, through HTTP on the demo
 * spaces (its1, wds1, cluster1, cluster2): discovery per space type, BindingPolicy validation
 * under strict field validation (spec §8 item 36), OpenAPI publication, and a ManifestWork that
 * carries an embedded object unchanged.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CONTROL = 'control.kubestellar.io';
const POLICIES = `/clusters/wds1/apis/${CONTROL}/v1alpha1/bindingpolicies`;
const STRICT = '?fieldValidation=Strict';

describe('KubeStellar and OCM APIs of the spaces', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const groupsOf = async (space: string): Promise<string[]> => {
    const r = await h.request('GET', `/clusters/${space}/apis`);
    assert.equal(r.status, 200);
    return (r.body.groups as { name: string }[]).map((g) => g.name);
  };

  describe('discovery', () => {
    it('wds1 serves control.kubestellar.io/v1alpha1 and no OCM group', async () => {
      const groups = await groupsOf('wds1');
      assert.ok(groups.includes(CONTROL));
      assert.ok(!groups.some((g) => g.endsWith('open-cluster-management.io')), groups.join(','));
      const r = await h.request('GET', `/clusters/wds1/apis/${CONTROL}/v1alpha1`);
      const resources = (r.body.resources as { name: string; namespaced: boolean; shortNames?: string[] }[]).filter((x) => !x.name.includes('/'));
      assert.deepEqual(
        resources.map((x) => [x.name, x.namespaced, x.shortNames]),
        [
          ['bindingpolicies', false, ['bp']],
          ['bindings', false, ['bdg']],
          ['combinedstatuses', true, ['cs']],
          ['customtransforms', false, ['ct']],
          ['statuscollectors', false, ['sc']],
        ],
      );
      const subresources = (r.body.resources as { name: string }[]).map((x) => x.name).filter((n) => n.includes('/'));
      assert.deepEqual(subresources.sort(), ['bindingpolicies/status', 'bindings/status', 'customtransforms/status', 'statuscollectors/status']);
    });

    it('its1 serves the OCM groups (cluster v1 preferred over v1beta2) and no control group', async () => {
      const r = await h.request('GET', '/clusters/its1/apis');
      const groups = r.body.groups as { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[];
      const cluster = groups.find((g) => g.name === 'cluster.open-cluster-management.io');
      const work = groups.find((g) => g.name === 'work.open-cluster-management.io');
      assert.deepEqual(cluster?.versions.map((v) => v.version), ['v1', 'v1beta2']);
      assert.equal(cluster?.preferredVersion.version, 'v1');
      assert.deepEqual(work?.versions.map((v) => v.version), ['v1']);
      assert.ok(!groups.some((g) => g.name === CONTROL));
      const beta = await h.request('GET', '/clusters/its1/apis/cluster.open-cluster-management.io/v1beta2');
      assert.deepEqual((beta.body.resources as { name: string }[]).map((x) => x.name).sort(), [
        'managedclustersetbindings',
        'managedclustersetbindings/status',
        'managedclustersets',
        'managedclustersets/status',
      ]);
    });

    it('cluster1 serves neither; its work agent adds only the AppliedManifestWork CRD, as a klusterlet does', async () => {
      const groups = await groupsOf('cluster1');
      assert.ok(!groups.includes(CONTROL));
      assert.ok(!groups.includes('cluster.open-cluster-management.io'), groups.join(','));
      const work = await h.request('GET', '/clusters/cluster1/apis/work.open-cluster-management.io/v1');
      if (work.status === 200) {
        assert.deepEqual((work.body.resources as { name: string }[]).map((x) => x.name).sort(), ['appliedmanifestworks', 'appliedmanifestworks/status']);
      }
    });
  });

  describe('BindingPolicy validation on create (spec §8 item 36)', () => {
    const policy = (name: string, spec: unknown): unknown => ({ apiVersion: `${CONTROL}/v1alpha1`, kind: 'BindingPolicy', metadata: { name }, spec });

    const refused = async (name: string, spec: unknown, code: number, reason: string, message: RegExp): Promise<void> => {
      const r = await h.request('POST', POLICIES + STRICT, { body: policy(name, spec) });
      assert.equal(r.status, code, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, reason);
      assert.match(r.body.message, message);
      assert.equal((await h.request('GET', `${POLICIES}/${name}`)).status, 404, 'nothing was stored');
    };

    it('refuses an unknown field in spec (400 BadRequest, as for built-in kinds)', async () => {
      await refused('junk', { junk: 1 }, 400, 'BadRequest', /^BindingPolicy in version "v1alpha1" cannot be handled as a BindingPolicy: strict decoding error: unknown field "spec\.junk"$/);
      // Same answer as a built-in kind under Strict.
      const cm = await h.request('POST', `/clusters/wds1/api/v1/namespaces/default/configmaps${STRICT}`, {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, junk: 1 },
      });
      assert.deepEqual(
        [cm.status, cm.body.reason, cm.body.message],
        [400, 'BadRequest', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "junk"'],
      );
    });

    it('refuses an unknown key in a clause', async () => {
      await refused('clause-junk', { downsync: [{ resources: ['*'], junk: 'x' }] }, 400, 'BadRequest', /unknown field "spec\.downsync\[0\]\.junk"/);
    });

    it('refuses a clause with only createOnly (422 Invalid)', async () => {
      const r = await h.request('POST', POLICIES + STRICT, { body: policy('only-create-only', { downsync: [{ createOnly: true }] }) });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.reason, 'Invalid');
      assert.deepEqual(r.body.details.group, CONTROL);
      assert.deepEqual(r.body.details.kind, 'BindingPolicy');
      assert.match(r.body.message, /must validate at least one schema \(anyOf\)/);
      assert.ok((r.body.details.causes as { field: string }[]).some((c) => c.field === 'spec.downsync[0].apiGroup'));
    });

    it('refuses the old statusCollection field', async () => {
      await refused('old-field', { downsync: [{ resources: ['*'] }], statusCollection: { statusCollectors: ['x'] } }, 400, 'BadRequest', /unknown field "spec\.statusCollection"/);
    });

    it('accepts {downsync: [{resources: ["*"]}]} and serves it back', async () => {
      const r = await h.request('POST', POLICIES + STRICT, { body: policy('all', { downsync: [{ resources: ['*'] }] }) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.spec, { downsync: [{ resources: ['*'] }] });
      const got = await h.request('GET', `${POLICIES}/all`);
      assert.deepEqual(got.body.spec, { downsync: [{ resources: ['*'] }] });
      const table = await h.request('GET', POLICIES, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
      assert.deepEqual(
        (table.body.columnDefinitions as { name: string }[]).map((c) => c.name),
        ['Name', 'SYNCED', 'READY', 'TYPE', 'AGE'],
      );
      await h.request('DELETE', `${POLICIES}/all`);
    });

    it('refuses a bad clusterSelector label value (422)', async () => {
      const r = await h.request('POST', POLICIES + STRICT, { body: policy('bad-label', { clusterSelectors: [{ matchLabels: { name: '-x' } }] }) });
      assert.equal(r.status, 422);
      assert.equal(r.body.details.causes[0].field, 'spec.clusterSelectors[0].matchLabels.name');
    });
  });

  describe('OpenAPI', () => {
    it('v2 and v3 of wds1 publish BindingPolicy with the clause fields', async () => {
      const v2 = await h.request('GET', '/clusters/wds1/openapi/v2');
      const def = v2.body.definitions['io.kubestellar.control.v1alpha1.BindingPolicy'];
      assert.ok(def, Object.keys(v2.body.definitions).filter((k) => k.includes('kubestellar')).join(','));
      const clause = def.properties.spec.properties.downsync.items;
      assert.ok(clause.properties.objectSelectors && clause.properties.createOnly);
      assert.equal(clause.anyOf, undefined, 'anyOf is not published in v2 (kubectl cannot read it)');
      const index = await h.request('GET', '/clusters/wds1/openapi/v3');
      const path = index.body.paths[`apis/${CONTROL}/v1alpha1`].serverRelativeURL as string;
      const v3 = await h.request('GET', path);
      assert.equal(v3.status, 200);
      assert.ok(v3.body.components.schemas['io.kubestellar.control.v1alpha1.BindingPolicy']);
    });

    it('its1 publishes ManifestWork with embedded manifests', async () => {
      const v2 = await h.request('GET', '/clusters/its1/openapi/v2');
      const mw = v2.body.definitions['io.open-cluster-management.work.v1.ManifestWork'];
      assert.ok(mw);
      assert.equal(mw.properties.spec.properties.workload.properties.manifests.items['x-kubernetes-embedded-resource'], true);
    });
  });

  describe('ManifestWork', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { note: 'kept' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
      },
    };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { 'a.txt': 'x' } };

    it('round-trips embedded manifests unchanged', async () => {
      const ns = await h.request('POST', '/clusters/its1/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mw-test' } } });
      assert.equal(ns.status, 201, JSON.stringify(ns.body));
      const base = '/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/mw-test/manifestworks';
      const work = {
        apiVersion: 'work.open-cluster-management.io/v1',
        kind: 'ManifestWork',
        metadata: { name: 'web', labels: { 'transport.kubestellar.io/originWdsName': 'wds1' } },
        spec: { workload: { manifests: [deployment, configMap] } },
      };
      const created = await h.request('POST', base + STRICT, { body: work });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.spec.workload.manifests, [deployment, configMap]);
      const got = await h.request('GET', `${base}/web`);
      assert.deepEqual(got.body.spec, { workload: { manifests: [deployment, configMap] } });
      const listed = await h.request('GET', `/clusters/its1/apis/work.open-cluster-management.io/v1/manifestworks?labelSelector=transport.kubestellar.io/originWdsName%3Dwds1`);
      assert.ok((listed.body.items as { metadata: { name: string; namespace: string } }[]).some((i) => i.metadata.namespace === 'mw-test' && i.metadata.name === 'web'));
    });

    it('refuses a manifest without kind', async () => {
      const r = await h.request('POST', '/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/mw-test/manifestworks', {
        body: { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', metadata: { name: 'bad' }, spec: { workload: { manifests: [{ apiVersion: 'v1' }] } } },
      });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.details.causes[0].field, 'spec.workload.manifests[0].kind');
    });
  });
});
