/** What clients compare with a real cluster: group order in /apis, storage version hashes, and OpenAPI's info.version against /version. */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('discovery order and OpenAPI version', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('stops every informer before closing the store (each space served once, nothing left relisting)', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(String(args[0]));
    try {
      const other = await startInProcess({ storage: 'memory' });
      await other.stop();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      console.error = original;
    }
    assert.deepEqual(logged.filter((l) => /relisting/.test(l)), []);
  });

  it('lists the groups in kube-apiserver\'s priority order', async () => {
    const apis = await h.request('GET', '/clusters/wds1/apis');
    const names: string[] = apis.body.groups.map((g: { name: string }) => g.name);
    const upstream = [
      'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
      'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io',
      'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
      'resource.k8s.io',
    ];
    assert.deepEqual(names.filter((n) => upstream.includes(n)), upstream);
    assert.deepEqual(names.slice(0, upstream.length), upstream, 'the built-in groups come first, KubeStellar\'s after them');
  });

  it('legacy discovery gives persisted resources the storage version hash kube-apiserver gives them', async () => {
    const hashes = async (path: string): Promise<Map<string, string | undefined>> =>
      new Map((await h.request('GET', path)).body.resources.map((r: { name: string; storageVersionHash?: string }) => [r.name, r.storageVersionHash]));
    const core = await hashes('/clusters/wds1/api/v1');
    assert.equal(core.get('configmaps'), 'qFsyl6wFWjQ=');
    assert.equal(core.get('pods'), 'xPOwRZ+Yhw8=');
    assert.equal(core.get('pods/status'), undefined, 'subresources have none');
    assert.equal(core.get('bindings'), undefined, 'nor do kinds that are never stored');
    assert.equal((await hashes('/clusters/wds1/apis/apps/v1')).get('deployments'), '8aSe+NMegvE=');
    // events.k8s.io's Events are stored as core's: one hash for both.
    assert.equal((await hashes('/clusters/wds1/apis/events.k8s.io/v1')).get('events'), core.get('events'));
    assert.equal((await hashes('/clusters/wds1/apis/authorization.k8s.io/v1')).get('subjectaccessreviews'), undefined);
  });

  it('OpenAPI info.version is the gitVersion of /version (without its build metadata) in v2 and in every v3 document', async () => {
    const version = await h.request('GET', '/clusters/wds1/version');
    const expected = String(version.body.gitVersion).replace(/\+.*$/, '');
    assert.match(expected, /^v1\.\d+\.\d+$/);
    const v2 = await h.request('GET', '/clusters/wds1/openapi/v2');
    assert.equal(v2.body.info.version, expected);
    const index = await h.request('GET', '/clusters/wds1/openapi/v3');
    for (const key of ['api/v1', 'apis/apps/v1']) {
      const doc = await h.request('GET', `/clusters/wds1/${index.body.paths[key].serverRelativeURL.replace(/^\/clusters\/wds1\//, '')}`);
      assert.equal(doc.body.info.version, expected, key);
    }
  });
});

describe('built-in objects that may not be deleted', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('refuses to delete the system PriorityClasses, one by one or as a collection (403)', async () => {
    const PCS = '/clusters/cluster1/apis/scheduling.k8s.io/v1/priorityclasses';
    for (const name of ['system-node-critical', 'system-cluster-critical']) {
      const r = await h.request('DELETE', `${PCS}/${name}`);
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.reason, 'Forbidden');
    }
    const all = await h.request('DELETE', PCS);
    assert.equal(all.status, 403);
    const left = await h.request('GET', PCS);
    assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['system-cluster-critical', 'system-node-critical']);
  });

  it('has no collection delete of namespaces (upstream\'s verbs), so default and kube-system stay', async () => {
    const r = await h.request('DELETE', '/clusters/cluster1/api/v1/namespaces');
    assert.equal(r.status, 405, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'MethodNotAllowed');
    for (const ns of ['default', 'kube-system']) {
      const got = await h.request('GET', `/clusters/cluster1/api/v1/namespaces/${ns}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.metadata.deletionTimestamp, undefined, ns);
    }
  });
});
