/**
 * Template expansion (customization) end to end on the demo spaces (wds1 → its1 → cluster1,
 * cluster2 with their in-process agents): spec §8.2 item 6, property changes that rewrite the
 * ManifestWorks while the WDS object stays untouched, errors reported in the Binding and
 * BindingPolicy status while each failing cluster keeps what it had (docs/customization.md), and
 * the property ConfigMaps read through the sharded and the external ITS ports.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shardOwner } from '../../src/kubestellar/engine/shard-owner.js';
import { eventually } from '../helpers/eventually.js';
import { rest } from '../helpers/rest.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CTL = (wds: string): string => `/clusters/${wds}/apis/control.kubestellar.io/v1alpha1`;
const MC = (its: string, cluster: string): string => `/clusters/${its}/apis/cluster.open-cluster-management.io/v1/managedclusters/${cluster}`;
const PROPS = (its: string): string => `/clusters/${its}/api/v1/namespaces/customization-properties/configmaps`;
const DEPLOY = '/clusters/wds1/apis/apps/v1/namespaces/nginx/deployments/nginx-deployment';
const WECS = ['cluster1', 'cluster2'] as const;
const EXPAND = 'control.kubestellar.io/expand-templates';
const TEMPLATE = 'cluster {{ .clusterName }} URL is {{ .clusterURL }}, region is {{ .region }}';
const URLS = { cluster1: 'https://my.clusters/1001-abcd', cluster2: 'https://my.clusters/2002-cdef' } as const;
const REGIONS = { cluster1: 'east', cluster2: 'west' } as const;
const expected = (c: (typeof WECS)[number], url: string = URLS[c], region: string = REGIONS[c]): string => `cluster ${c} URL is ${url}, region is ${region}`;

describe('customization: template expansion (wds1 → its1 → cluster1, cluster2)', function () {
  this.timeout(90_000);
  let h: InProcessServer;

  const { ok: call, get } = rest(() => h);
  /** The wds1 ManifestWork in `cluster`'s namespace carrying the object of that kind and name. */
  const work = async (cluster: string, kind: string, name: string): Promise<any> => {
    const list = await get(`/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/${cluster}/manifestworks?labelSelector=transport.kubestellar.io%2ForiginWdsName%3Dwds1`);
    return list?.items.find((w: any) => w.spec.workload.manifests[0].kind === kind && w.spec.workload.manifests[0].metadata.name === name);
  };
  const wecDeployment = (cluster: string): Promise<any> => get(`/clusters/${cluster}/apis/apps/v1/namespaces/nginx/deployments/nginx-deployment`);
  const note = (o: any): string | undefined => o?.metadata.annotations?.['customization-test'];
  const idle = (): Promise<void> => h.server.spaces.engine('wds1')!.idle();
  const deploymentRv = async (): Promise<string> => (await call('GET', DEPLOY)).metadata.resourceVersion;
  /** Waits until the Deployment in each listed WEC carries the annotation value wanted for it. */
  const wecNotes = async (want: Partial<Record<(typeof WECS)[number], string>>): Promise<void> => {
    for (const [c, value] of Object.entries(want)) await eventually(`${c}: ${value}`, async () => note(await wecDeployment(c)) === value);
  };
  const errorsOf = async (kind: 'bindings' | 'bindingpolicies', name = 'nginx-bindingpolicy'): Promise<string[]> => (await call('GET', `${CTL('wds1')}/${kind}/${name}`)).status?.errors ?? [];
  const setNote = (value: string): Promise<any> => call('PATCH', DEPLOY, { metadata: { annotations: { 'customization-test': value } } });

  before(async () => {
    h = await startInProcess();
    for (const c of WECS) await eventually(`${c} registered`, async () => (await get(MC('its1', c))) !== undefined);
    for (const c of WECS) {
      await call('POST', PROPS('its1'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c }, data: { clusterURL: URLS[c] } });
      await call('PATCH', MC('its1', c), { metadata: { labels: { region: REGIONS[c] } } });
    }
    // Spec §8.2 item 5: the policy, the labelled Namespace; the Deployment comes in the first test.
    await call('POST', `${CTL('wds1')}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'nginx-bindingpolicy' },
      spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }] },
    });
    await call('POST', '/clusters/wds1/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx' } } });
  });
  after(async () => h?.stop());

  it('spec §8.2 item 6: each WEC gets the Deployment expanded with its own properties', async () => {
    await call('POST', '/clusters/wds1/apis/apps/v1/namespaces/nginx/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-deployment', labels: { 'app.kubernetes.io/name': 'nginx' }, annotations: { [EXPAND]: 'true', 'customization-test': TEMPLATE } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'public.ecr.aws/nginx/nginx:latest' }] } },
      },
    });
    await wecNotes({ cluster1: expected('cluster1'), cluster2: expected('cluster2') });
    for (const c of WECS) {
      const w = await work(c, 'Deployment', 'nginx-deployment');
      assert.equal(note(w.spec.workload.manifests[0]), expected(c), 'each work holds its own copy');
      assert.equal(w.spec.workload.manifests[0].metadata.annotations[EXPAND], 'true', 'the annotation is passed on');
    }
    assert.equal(note(await call('GET', DEPLOY)), TEMPLATE, 'the WDS object keeps the template');
    await idle();
    assert.deepEqual(await errorsOf('bindings'), []);
    assert.deepEqual(await errorsOf('bindingpolicies'), []);
  });

  it('a property change rewrites only the works that depend on it, never the WDS object', async () => {
    const rv = await deploymentRv();
    const before1 = await work('cluster1', 'Deployment', 'nginx-deployment');
    const before2 = await work('cluster2', 'Deployment', 'nginx-deployment');
    await call('PATCH', `${PROPS('its1')}/cluster2`, { data: { clusterURL: 'https://my.clusters/2002-new' } });
    await wecNotes({ cluster2: expected('cluster2', 'https://my.clusters/2002-new') });
    await idle();
    assert.equal((await work('cluster1', 'Deployment', 'nginx-deployment')).metadata.generation, before1.metadata.generation, 'cluster1 is not rewritten');
    assert.ok((await work('cluster2', 'Deployment', 'nginx-deployment')).metadata.generation > before2.metadata.generation);

    // A ManagedCluster label (the agent merges only its own labels, so ours stays).
    await call('PATCH', MC('its1', 'cluster1'), { metadata: { labels: { region: 'north' } } });
    await wecNotes({ cluster1: expected('cluster1', URLS.cluster1, 'north') });
    await call('PATCH', MC('its1', 'cluster1'), { metadata: { labels: { region: REGIONS.cluster1 } } });
    await call('PATCH', `${PROPS('its1')}/cluster2`, { data: { clusterURL: URLS.cluster2 } });
    await wecNotes({ cluster1: expected('cluster1'), cluster2: expected('cluster2') });

    // Changes that are not properties (a key that is not a Go identifier) rewrite nothing.
    await idle();
    const gen1 = (await work('cluster1', 'Deployment', 'nginx-deployment')).metadata.generation;
    await call('PATCH', MC('its1', 'cluster1'), { metadata: { labels: { 'not-a-property': 'x' }, annotations: { 'also.not/one': 'y' } } });
    await new Promise((r) => setTimeout(r, 300));
    await idle();
    assert.equal((await work('cluster1', 'Deployment', 'nginx-deployment')).metadata.generation, gen1);
    assert.equal(await deploymentRv(), rv, 'the WDS Deployment was never written');
  });

  it('a missing key: errors in the Binding and policy status; the failing WEC keeps its copy; fixing it propagates', async () => {
    // cluster1 gets a zone, cluster2 has none.
    await call('PATCH', MC('its1', 'cluster1'), { metadata: { annotations: { zone: 'east-1a' } } });
    const kept = await work('cluster2', 'Deployment', 'nginx-deployment');
    const withZone = `${TEMPLATE}, zone is {{ .zone }}`;
    await setNote(withZone);
    await wecNotes({ cluster1: `${expected('cluster1')}, zone is east-1a` });
    const message =
      'apps/v1/deployments(nginx/nginx-deployment) for cluster2: template: metadata.annotations.customization-test:1:89: executing "metadata.annotations.customization-test" at <.zone>: map has no entry for key "zone"';
    await eventually('the Binding reports it', async () => (await errorsOf('bindings')).join() === message);
    await eventually('the policy reports it', async () => (await errorsOf('bindingpolicies')).join() === message);
    await idle();
    const after = await work('cluster2', 'Deployment', 'nginx-deployment');
    assert.equal(after.metadata.generation, kept.metadata.generation, 'the work of cluster2 is left as it was');
    assert.deepEqual(after.spec, kept.spec);
    assert.equal(note(await wecDeployment('cluster2')), expected('cluster2'), 'cluster2 keeps its last good copy');

    // Fixed through the property ConfigMap: the errors go, cluster2 is updated.
    await call('PATCH', `${PROPS('its1')}/cluster2`, { data: { zone: 'west-2b' } });
    await wecNotes({ cluster2: `${expected('cluster2')}, zone is west-2b` });
    await eventually('the Binding errors cleared', async () => (await errorsOf('bindings')).length === 0);
    await eventually('the policy errors cleared', async () => (await errorsOf('bindingpolicies')).length === 0);
  });

  it('an unparsable template fails everywhere: every WEC keeps its copy until it is fixed', async () => {
    await idle();
    const before = await Promise.all(WECS.map((c) => work(c, 'Deployment', 'nginx-deployment')));
    const wecBefore = await Promise.all(WECS.map(async (c) => note(await wecDeployment(c))));
    await setNote('region is {{ .region ');
    const errors = await eventually('the Binding reports it', async () => {
      const e = await errorsOf('bindings');
      return e.length === 2 ? e : undefined;
    });
    // One cluster in full (the first by name), then a line naming the others.
    assert.equal(errors[0], 'apps/v1/deployments(nginx/nginx-deployment) for cluster1: template: metadata.annotations.customization-test:1: unclosed action');
    assert.equal(errors[1], 'apps/v1/deployments(nginx/nginx-deployment): template expansion also failed for 1 more cluster: cluster2');
    await eventually('the policy reports it', async () => (await errorsOf('bindingpolicies')).join('\n') === errors.join('\n'));
    await idle();
    for (const [i, c] of WECS.entries()) {
      assert.equal((await work(c, 'Deployment', 'nginx-deployment')).metadata.generation, before[i].metadata.generation, `the work of ${c} is untouched`);
      assert.equal(note(await wecDeployment(c)), wecBefore[i], `${c} keeps its copy`);
    }
    // Survives a restart: the errors stay, the works stay.
    await h.restart();
    await idle();
    assert.deepEqual(await errorsOf('bindings'), errors);
    assert.equal((await work('cluster1', 'Deployment', 'nginx-deployment')).metadata.generation, before[0].metadata.generation);

    await setNote(TEMPLATE);
    await wecNotes({ cluster1: expected('cluster1'), cluster2: expected('cluster2') });
    await eventually('the Binding errors cleared', async () => (await errorsOf('bindings')).length === 0);
    await eventually('the policy errors cleared', async () => (await errorsOf('bindingpolicies')).length === 0);
  });

  it('a new object is not sent to a cluster where it fails, and is sent there once it expands', async () => {
    await call('PATCH', `${PROPS('its1')}/cluster2`, { data: { zone: null } });
    await call('POST', '/clusters/wds1/api/v1/namespaces/nginx/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'zoned', labels: { 'app.kubernetes.io/name': 'nginx' }, annotations: { [EXPAND]: 'true' } },
      data: { zone: '{{ .zone }}', plain: 'no template' },
    });
    await eventually('cluster1 has it', async () => (await get('/clusters/cluster1/api/v1/namespaces/nginx/configmaps/zoned'))?.data.zone === 'east-1a');
    await eventually('the error', async () => (await errorsOf('bindings')).some((e) => e.startsWith('v1/configmaps(nginx/zoned) for cluster2: ')));
    await idle();
    assert.equal(await work('cluster2', 'ConfigMap', 'zoned'), undefined, 'no work for cluster2');
    assert.equal(await get('/clusters/cluster2/api/v1/namespaces/nginx/configmaps/zoned'), undefined);
    // The Deployment's template has no .zone, so its expansion still works everywhere.
    assert.equal((await errorsOf('bindings')).length, 1);

    await call('PATCH', MC('its1', 'cluster2'), { metadata: { annotations: { zone: 'west-2c' } } });
    await eventually('cluster2 has it', async () => (await get('/clusters/cluster2/api/v1/namespaces/nginx/configmaps/zoned'))?.data.zone === 'west-2c');
    await eventually('no errors', async () => (await errorsOf('bindingpolicies')).length === 0);
    await call('DELETE', '/clusters/wds1/api/v1/namespaces/nginx/configmaps/zoned');
  });

  it('an object without the annotation (or with another value) is never expanded', async () => {
    for (const [name, annotations] of [
      ['literal', {}],
      ['literal-true', { [EXPAND]: 'True' }],
    ] as const) {
      await call('POST', '/clusters/wds1/api/v1/namespaces/nginx/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels: { 'app.kubernetes.io/name': 'nginx' }, annotations },
        data: { region: '{{ .region }}', broken: '{{ .region ' },
      });
      for (const c of WECS) {
        const got = await eventually(`${c} has ${name}`, () => get(`/clusters/${c}/api/v1/namespaces/nginx/configmaps/${name}`));
        assert.deepEqual(got.data, { region: '{{ .region }}', broken: '{{ .region ' });
      }
    }
    await idle();
    assert.deepEqual(await errorsOf('bindings'), []);
  });
});

describe('customization through the sharded and the external ITS ports', function () {
  this.timeout(120_000);
  let h: InProcessServer;
  /**
   * A WEC registered in its2, so a property ConfigMap of its name in its1 is ignored; but one that
   * its1 would win if it registered there too, so that the test sees the properties move.
   */
  const WEC = ['cluster3', 'cluster4', 'cluster5', 'cluster6', 'cluster7', 'cluster8'].find((c) => shardOwner(c, ['its1', 'its2']) === 'its1')!;
  const until = (what: string, probe: () => Promise<boolean>): Promise<boolean> => eventually(what, probe, 30_000);
  const { ok: call, get } = rest(() => h);
  const space = (name: string, spec: Record<string, unknown>): Promise<any> =>
    call('POST', '/apis/spaces.kubestellar.io/v1alpha1/spaces', { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name }, spec });
  const propagate = async (wds: string, clusterSelector: Record<string, string>): Promise<void> => {
    await call('POST', `/clusters/${wds}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { app: 'shop' } } });
    await call('POST', `${CTL(wds)}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'shop' },
      spec: { clusterSelectors: [{ matchLabels: clusterSelector }], downsync: [{ objectSelectors: [{ matchLabels: { app: 'shop' } }] }] },
    });
    await call('POST', `/clusters/${wds}/api/v1/namespaces/shop/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { app: 'shop' }, annotations: { [EXPAND]: 'true' } },
      data: { where: '{{ .clusterName }} at {{ .clusterURL }}' },
    });
  };
  const where = async (cluster: string): Promise<string | undefined> => (await get(`/clusters/${cluster}/api/v1/namespaces/shop/configmaps/settings`))?.data.where;
  /** The expanded value in the wdss work for `cluster` in shard `its`, if there is such a work. */
  const inWork = async (its: string, cluster: string): Promise<string | undefined> => {
    const list = await get(`/clusters/${its}/apis/work.open-cluster-management.io/v1/namespaces/${cluster}/manifestworks?labelSelector=transport.kubestellar.io%2ForiginWdsName%3Dwdss`);
    return list?.items.map((w: any) => w.spec.workload.manifests[0]).find((m: any) => m.kind === 'ConfigMap' && m.metadata.name === 'settings')?.data.where;
  };

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    await space('its2', { type: 'its' });
    await space(WEC, { type: 'cluster', its: 'its2', clusterLabels: { 'location-group': 'edge', name: WEC } });
    await until(`${WEC} registered in its2`, async () => (await get(MC('its2', WEC))) !== undefined);
    await until('customization-properties in its2', async () => (await get('/clusters/its2/api/v1/namespaces/customization-properties')) !== undefined);
  });
  after(async () => h?.stop());

  it('sharded: each cluster takes its properties from the shard that owns it', async () => {
    for (const c of ['cluster1', 'cluster2']) await call('POST', PROPS('its1'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c }, data: { clusterURL: `https://its1/${c.slice(-1)}` } });
    await call('POST', PROPS('its2'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster1' }, data: { clusterURL: 'https://its2/ignored' } });
    await call('POST', PROPS('its2'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: WEC }, data: { clusterURL: 'https://its2/9' } });
    await call('POST', PROPS('its1'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: WEC }, data: { clusterURL: 'https://its1/9' } });
    await space('wdss', { type: 'wds', shards: [{ its: 'its1' }, { its: 'its2' }] });
    await until('wdss served', async () => (await get(`${CTL('wdss')}/bindingpolicies`)) !== undefined);
    await propagate('wdss', { 'location-group': 'edge' });
    await until('cluster1 expanded from its1', async () => (await where('cluster1')) === 'cluster1 at https://its1/1');
    await until(`${WEC} expanded from its2`, async () => (await where(WEC)) === `${WEC} at https://its2/9`);
    // A change in the non-owner shard is ignored; one in the owner is followed.
    await call('PATCH', `${PROPS('its1')}/${WEC}`, { data: { clusterURL: 'https://its1/9b' } });
    await call('PATCH', `${PROPS('its2')}/${WEC}`, { data: { clusterURL: 'https://its2/9b' } });
    await until(`${WEC} follows its2`, async () => (await where(WEC)) === `${WEC} at https://its2/9b`);
    assert.equal(await inWork('its1', WEC), undefined);

    // A second registration in its1, which then owns the cluster: its1's ConfigMap applies.
    await call('POST', '/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters', {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name: WEC, labels: { 'location-group': 'edge', name: WEC } },
      spec: { hubAcceptsClient: true },
    });
    await until('the work in its1, with its1 properties', async () => (await inWork('its1', WEC)) === `${WEC} at https://its1/9b`);
    await call('DELETE', MC('its1', WEC));
    await until('the work back in its2, with its2 properties', async () => (await inWork('its2', WEC)) === `${WEC} at https://its2/9b` && (await inWork('its1', WEC)) === undefined);
    await call('DELETE', `${PROPS('its2')}/${WEC}`);
    const message = `v1/configmaps(shop/settings) for ${WEC}: template: data.where:1:25: executing "data.where" at <.clusterURL>: map has no entry for key "clusterURL"`;
    await until('the error for the missing clusterURL', async () => ((await get(`${CTL('wdss')}/bindingpolicies/shop`))?.status?.errors ?? []).join('\n') === message);
    assert.equal(await where(WEC), `${WEC} at https://its2/9b`, 'the WEC keeps its last good copy');
  });

  it('external: the properties come from the hub of the kubeconfig', async () => {
    await space('wdsx', { type: 'wds', itsKubeconfigSecret: { namespace: 'kubestellar-system', name: 'its' } });
    await until('wdsx served', async () => (await get('/clusters/wdsx/api/v1/namespaces')) !== undefined);
    const kubeconfig = await readFile(join(h.server.kubeconfigDir, 'its1.kubeconfig'));
    await call('POST', '/clusters/wdsx/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubestellar-system' } });
    await call('POST', '/clusters/wdsx/api/v1/namespaces/kubestellar-system/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'its' }, data: { kubeconfig: kubeconfig.toString('base64') } });
    await until('wdsx engine', async () => h.server.spaces.engine('wdsx') !== undefined);
    // Before the policy exists, so the wdss copy of cluster1 (same name) is gone first.
    await call('DELETE', `${CTL('wdss')}/bindingpolicies/shop`);
    await until('the wdss copy gone', async () => (await where('cluster1')) === undefined && (await get('/clusters/cluster1/api/v1/namespaces/shop')) === undefined);
    await propagate('wdsx', { name: 'cluster1' });
    await until('cluster1 expanded', async () => (await where('cluster1')) === 'cluster1 at https://its1/1');
    await call('PATCH', `${PROPS('its1')}/cluster1`, { data: { clusterURL: 'https://its1/1b' } });
    await until('cluster1 follows the change', async () => (await where('cluster1')) === 'cluster1 at https://its1/1b');
  });
});
