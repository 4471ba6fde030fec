/**
 * What a WDS control plane's controllers and admission do that clients see: aggregated
 * ClusterRoles carry their rules, the default ServiceAccount and kube-root-ca.crt come back, the
 * built-in PriorityClasses exist and the Priority admission plugin resolves and guards them,
 * and a system:masters user's rules review lists what kube's rule resolver lists.
 */
import assert from 'node:assert/strict';
import { startInProcess, type HttpResult, type InProcessServer } from '../helpers/in-process.js';

const WDS = '/clusters/wds1';
const RBAC = `${WDS}/apis/rbac.authorization.k8s.io/v1/clusterroles`;
const PCS = `${WDS}/apis/scheduling.k8s.io/v1/priorityclasses`;
const NS = `${WDS}/api/v1/namespaces`;

type Rule = { verbs: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[] };

describe('cluster controllers and admission', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const v = await probe();
      if (v !== undefined) return v;
    }
    assert.fail(`timed out waiting for ${what}`);
  };
  const ok = (r: HttpResult, status = 200): HttpResult => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r;
  };
  const refused = (r: HttpResult, code: number, reason: string): void => {
    assert.equal(r.status, code, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, reason);
  };
  const rulesOf = async (name: string): Promise<Rule[]> => ok(await h.request('GET', `${RBAC}/${name}`)).body.rules ?? [];
  const grants = (rules: Rule[], group: string, resource: string, verb: string): boolean =>
    rules.some((r) => (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb));

  describe('clusterrole aggregation', () => {
    it('writes the aggregated rules into admin, edit and view', async () => {
      const view = await until('view to be filled in', async () => ((await rulesOf('view')).length > 0 ? rulesOf('view') : undefined));
      assert.ok(grants(view, '', 'configmaps', 'list'));
      assert.ok(!grants(view, '', 'secrets', 'get'), 'view does not read secrets');
      const edit = await rulesOf('edit');
      assert.ok(grants(edit, '', 'secrets', 'create'));
      assert.ok(grants(edit, '', 'configmaps', 'list'), 'edit includes view (nested aggregation)');
      const admin = await rulesOf('admin');
      assert.ok(grants(admin, 'rbac.authorization.k8s.io', 'rolebindings', 'create'));
      assert.ok(grants(admin, '', 'secrets', 'create'), 'admin includes edit');
      // The selected roles' rules in the order of the roles' names (edit < system:aggregate-to-admin), each rule once.
      const keys = admin.map((r) => JSON.stringify(r));
      assert.equal(new Set(keys).size, keys.length);
      const union = [...edit, ...(await rulesOf('system:aggregate-to-admin'))];
      assert.deepEqual(admin, union.filter((r, i) => union.findIndex((x) => JSON.stringify(x) === JSON.stringify(r)) === i));
    });

    it('follows a role that aggregates in as it is created, changed and deleted', async () => {
      const role = (verbs: string[]) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
        rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs }],
      });
      ok(await h.request('POST', RBAC, { body: role(['get']) }), 201);
      await until('view to include widgets', async () => (grants(await rulesOf('view'), 'example.com', 'widgets', 'get') ? true : undefined));
      await until('admin to include widgets', async () => (grants(await rulesOf('admin'), 'example.com', 'widgets', 'get') ? true : undefined));
      const current = ok(await h.request('GET', `${RBAC}/widgets-view`)).body;
      ok(await h.request('PUT', `${RBAC}/widgets-view`, { body: { ...role(['list']), metadata: { ...current.metadata } } }));
      await until('view to follow the change', async () => {
        const rules = await rulesOf('view');
        return grants(rules, 'example.com', 'widgets', 'list') && !grants(rules, 'example.com', 'widgets', 'get') ? true : undefined;
      });
      ok(await h.request('DELETE', `${RBAC}/widgets-view`));
      await until('view to drop widgets', async () => (grants(await rulesOf('view'), 'example.com', 'widgets', 'list') ? undefined : true));
    });

    it('fills in a user ClusterRole with an aggregationRule, and follows a change of its selector', async () => {
      const part = (name: string, label: string, resource: string) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels: { [label]: 'true' } },
        rules: [{ apiGroups: [''], resources: [resource], verbs: ['get'] }],
      });
      ok(await h.request('POST', RBAC, { body: part('part-b', 'example.com/team-a', 'secrets') }), 201);
      ok(await h.request('POST', RBAC, { body: part('part-a', 'example.com/team-a', 'pods') }), 201);
      ok(await h.request('POST', RBAC, { body: part('part-c', 'example.com/team-b', 'services') }), 201);
      const agg = (label: string, rv?: string) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'team', ...(rv && { resourceVersion: rv }) },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] },
      });
      ok(await h.request('POST', RBAC, { body: agg('example.com/team-a') }), 201);
      const rules = await until('team to be filled in', async () => {
        const r = await rulesOf('team');
        return r.length === 2 ? r : undefined;
      });
      // Sorted by the name of the role they come from.
      assert.deepEqual(rules.map((r) => r.resources), [['pods'], ['secrets']]);
      const cur = ok(await h.request('GET', `${RBAC}/team`)).body;
      ok(await h.request('PUT', `${RBAC}/team`, { body: { ...agg('example.com/team-b', cur.metadata.resourceVersion), rules: cur.rules } }));
      await until('team to follow its new selector', async () => {
        const r = await rulesOf('team');
        return r.length === 1 && r[0]!.resources?.[0] === 'services' ? true : undefined;
      });
    });
  });

  describe('objects the controllers recreate', () => {
    it('puts back a deleted kube-root-ca.crt and default ServiceAccount, and restores edited CA data', async () => {
      ok(await h.request('POST', NS, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'recreate' } } }), 201);
      const cm = `${NS}/recreate/configmaps/kube-root-ca.crt`;
      const sa = `${NS}/recreate/serviceaccounts/default`;
      const original = await until('the root CA ConfigMap', async () => {
        const r = await h.request('GET', cm);
        return r.status === 200 ? r.body : undefined;
      });
      await until('the default ServiceAccount', async () => ((await h.request('GET', sa)).status === 200 ? true : undefined));

      ok(await h.request('DELETE', cm));
      const again = await until('the ConfigMap to come back', async () => {
        const r = await h.request('GET', cm);
        return r.status === 200 && r.body.metadata.uid !== original.metadata.uid ? r.body : undefined;
      });
      assert.deepEqual(again.data, original.data);

      ok(await h.request('DELETE', sa));
      await until('the ServiceAccount to come back', async () => ((await h.request('GET', sa)).status === 200 ? true : undefined));

      ok(
        await h.request('PATCH', cm, {
          body: { data: { 'ca.crt': 'tampered', extra: 'x' } },
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
      );
      await until('the CA data to be restored', async () => {
        const r = await h.request('GET', cm);
        return JSON.stringify(r.body.data) === JSON.stringify(original.data) ? true : undefined;
      });
    });

    it('does not put them back into a namespace being deleted', async () => {
      ok(await h.request('POST', NS, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } } }), 201);
      await until('the root CA ConfigMap', async () => ((await h.request('GET', `${NS}/going/configmaps/kube-root-ca.crt`)).status === 200 ? true : undefined));
      ok(await h.request('DELETE', `${NS}/going`), 200);
      await until('the namespace to be gone', async () => ((await h.request('GET', `${NS}/going`)).status === 404 ? true : undefined));
    });
  });

  describe('PriorityClasses', () => {
    it('the two built-in classes exist in WDS and cluster spaces', async () => {
      for (const space of ['wds1', 'cluster1']) {
        const list = ok(await h.request('GET', `/clusters/${space}/apis/scheduling.k8s.io/v1/priorityclasses`)).body;
        const values = Object.fromEntries(list.items.map((pc: { metadata: { name: string }; value: number }) => [pc.metadata.name, pc.value]));
        assert.deepEqual(values, { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 });
        for (const pc of list.items) {
          assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
          assert.ok(pc.description.length > 0);
          assert.notEqual(pc.globalDefault, true);
        }
      }
    });

    const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
    const pod = (name: string, spec: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
    });
    const PODS = `${NS}/default/pods`;

    it('reserves system- names and allows one global default', async () => {
      refused(await h.request('POST', PCS, { body: pc('system-mine', 10) }), 422, 'Invalid');
      ok(await h.request('POST', PCS, { body: pc('low', 10) }), 201);
      ok(await h.request('POST', PCS, { body: pc('high', 1000, { preemptionPolicy: 'Never' }) }), 201);
      ok(await h.request('POST', PCS, { body: pc('gd1', 100, { globalDefault: true }) }), 201);
      refused(await h.request('POST', PCS, { body: pc('gd2', 200, { globalDefault: true }) }), 403, 'Forbidden');
      const low = ok(await h.request('GET', `${PCS}/low`)).body;
      refused(await h.request('PUT', `${PCS}/low`, { body: { ...low, globalDefault: true } }), 403, 'Forbidden');
      // The default itself may be updated.
      const gd1 = ok(await h.request('GET', `${PCS}/gd1`)).body;
      ok(await h.request('PUT', `${PCS}/gd1`, { body: { ...gd1, description: 'the default' } }));
    });

    it('resolves a pod\'s class to its priority and preemption policy, and refuses what does not match', async () => {
      const high = ok(await h.request('POST', PODS, { body: pod('p-high', { priorityClassName: 'high' }) }), 201).body;
      assert.equal(high.spec.priority, 1000);
      assert.equal(high.spec.preemptionPolicy, 'Never');
      const dflt = ok(await h.request('POST', PODS, { body: pod('p-default') }), 201).body;
      assert.equal(dflt.spec.priorityClassName, 'gd1');
      assert.equal(dflt.spec.priority, 100);
      assert.equal(dflt.spec.preemptionPolicy, 'PreemptLowerPriority');
      const same = ok(await h.request('POST', PODS, { body: pod('p-same', { priorityClassName: 'high', priority: 1000 }) }), 201).body;
      assert.equal(same.spec.priority, 1000);
      refused(await h.request('POST', PODS, { body: pod('p-unknown', { priorityClassName: 'nope' }) }), 403, 'Forbidden');
      refused(await h.request('POST', PODS, { body: pod('p-wrong', { priorityClassName: 'high', priority: 5 }) }), 403, 'Forbidden');
      refused(await h.request('POST', PODS, { body: pod('p-policy', { priorityClassName: 'high', preemptionPolicy: 'PreemptLowerPriority' }) }), 403, 'Forbidden');
      refused(await h.request('POST', `${PODS}?dryRun=All`, { body: pod('p-dry', { priorityClassName: 'nope' }) }), 403, 'Forbidden');
      // An update that leaves the priority out keeps it.
      const put = ok(await h.request('PUT', `${PODS}/p-high`, { body: { ...high, spec: { ...high.spec, priority: undefined } } })).body;
      assert.equal(put.spec.priority, 1000);
    });

    it('without a global default a pod gets priority 0', async () => {
      ok(await h.request('DELETE', `${PCS}/gd1`));
      const p = ok(await h.request('POST', PODS, { body: pod('p-zero') }), 201).body;
      assert.equal(p.spec.priority, 0);
      assert.equal(p.spec.priorityClassName, undefined);
      refused(await h.request('POST', PODS, { body: pod('p-five', { priority: 5 }) }), 403, 'Forbidden');
    });
  });

  it('a system:masters user\'s rules review lists the wildcards and what every authenticated user holds', async () => {
    const r = ok(
      await h.request('POST', `${WDS}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`, {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } },
      }),
      201,
    ).body.status;
    const resources = r.resourceRules as Rule[];
    const urls = r.nonResourceRules as Rule[];
    assert.ok(resources.some((x) => x.verbs[0] === '*' && x.apiGroups?.[0] === '*' && x.resources?.[0] === '*'));
    assert.ok(grants(resources, 'authorization.k8s.io', 'selfsubjectaccessreviews', 'create'));
    assert.ok(grants(resources, 'authentication.k8s.io', 'selfsubjectreviews', 'create'));
    assert.ok(urls.some((x) => x.nonResourceURLs?.includes('*') && x.verbs.includes('*')));
    assert.ok(urls.some((x) => x.nonResourceURLs?.includes('/api') && x.verbs.includes('get')));
    assert.ok(urls.some((x) => x.nonResourceURLs?.includes('/version') && x.verbs.includes('get')));
    assert.equal(r.incomplete, false);
  });
});
