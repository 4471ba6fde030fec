/**
 * Randomized matching (spec/kubestellar.md §8 item 34, with clusters and works added): random
 * namespaces, objects, cluster labels and policy clauses, changed at random for several rounds.
 * After each round the Bindings and ManifestWorks must equal what the small reference matcher
 * below computes: nothing missing, nothing extra.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { prng } from '../helpers/prng.js';


type Labels = Record<string, string>;
interface Obj {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Labels;
}
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Clause {
  apiGroup?: string;
  resources?: string[];
  namespaces?: string[];
  namespaceSelectors?: Selector[];
  objectNames?: string[];
  objectSelectors?: Selector[];
}

// ---- the reference matcher: spec §2.3 and §2.4 written plainly ----

function selectorMatches(s: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In' && !(has && e.values!.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const listed = (list: string[] | undefined, v: string): boolean => list === undefined || list.length === 0 || list.includes('*') || list.includes(v);

function referenceMatch(clauses: Clause[], o: Obj, nsLabels: Map<string, Labels>): boolean {
  return clauses.some((c) => {
    if (c.apiGroup !== undefined && c.apiGroup !== o.group) return false;
    if (!listed(c.resources, o.resource) || !listed(c.namespaces, o.namespace) || !listed(c.objectNames, o.name)) return false;
    if (c.objectSelectors !== undefined && c.objectSelectors.length > 0 && !c.objectSelectors.some((s) => selectorMatches(s, o.labels))) return false;
    const nsSel = c.namespaceSelectors ?? [];
    if (nsSel.length > 0 && !nsSel.some((s) => Object.keys(s).length === 0)) {
      const labels = nsLabels.get(o.namespace);
      if (labels === undefined || !nsSel.some((s) => selectorMatches(s, labels))) return false;
    }
    return true;
  });
}

// ---- random data ----

const KINDS = [
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false },
];
const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const CLUSTERS = ['wec-1', 'wec-2', 'wec-3', 'wec-4'];
const KEYS = ['color', 'size'];
const VALUES = ['red', 'blue', 'green'];

describe('randomized matching: Bindings and ManifestWorks equal a reference matcher', function () {
  this.timeout(180_000);
  let h: InProcessServer;
  const rnd = prng(Number(process.env['MATCHING_SEED'] ?? 20261123));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const randomLabels = (): Labels => {
    const out: Labels = {};
    for (const k of KEYS) if (rnd() < 0.6) out[k] = pick(VALUES);
    return out;
  };
  const randomSelector = (): Selector => {
    const r = rnd();
    if (r < 0.1) return {};
    if (r < 0.6) return { matchLabels: { [pick(KEYS)]: pick(VALUES) } };
    const op = pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    return { matchExpressions: [{ key: pick(KEYS), operator: op, ...(op === 'In' || op === 'NotIn' ? { values: [pick(VALUES), pick(VALUES)] } : {}) }] };
  };
  const randomClause = (objects: Obj[]): Clause => {
    const c: Clause = {};
    if (rnd() < 0.3) c.apiGroup = pick(KINDS).group;
    if (rnd() < 0.4) c.resources = [rnd() < 0.2 ? '*' : pick(KINDS).resource];
    if (rnd() < 0.3) c.namespaces = [rnd() < 0.2 ? '*' : pick(NAMESPACES)];
    if (rnd() < 0.3) c.namespaceSelectors = [randomSelector()];
    if (rnd() < 0.2 && objects.length > 0) c.objectNames = [pick(objects).name, pick(objects).name];
    if (rnd() < 0.5 || Object.keys(c).length === 0) c.objectSelectors = [randomSelector()];
    return c;
  };

  const objects = new Map<string, Obj>();
  const nsLabels = new Map<string, Labels>();
  const clusterLabels = new Map<string, Labels>();
  let clauses: Clause[] = [];
  let clusterSelectors: Selector[] = [];

  const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> => {
    const r = await h.request(method, path, { ...(body !== undefined && { body }), ...(headers && { headers }) });
    assert.ok(r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const merge = { 'content-type': 'application/merge-patch+json' };
  const objPath = (o: Pick<Obj, 'group' | 'version' | 'resource' | 'namespace'>, name?: string): string =>
    `/clusters/wds1/${o.group === '' ? 'api' : `apis/${o.group}`}/${o.version}/${o.namespace === '' ? '' : `namespaces/${o.namespace}/`}${o.resource}${name === undefined ? '' : `/${name}`}`;
  const key = (o: Obj): string => `${o.group}/${o.resource}/${o.namespace}/${o.name}`;

  // Everything the server holds, with only our objects counted: the fixed namespaces and
  // kube-root-ca.crt ConfigMaps do not carry the test label, so the policy must not see them.
  const policySpec = (): unknown => ({
    clusterSelectors,
    downsync: clauses.map((c) => ({ ...c, objectSelectors: (c.objectSelectors ?? [{}]).map((s) => addTestLabel(s)) })),
  });
  const addTestLabel = (s: Selector): Selector => ({ ...s, matchLabels: { ...s.matchLabels, 'matching-test': 'yes' } });
  const effectiveClauses = (): Clause[] => clauses.map((c) => ({ ...c, objectSelectors: (c.objectSelectors ?? [{}]).map(addTestLabel) }));

  async function createObject(): Promise<void> {
    const k = pick(KINDS);
    const o: Obj = { group: k.group, version: k.version, resource: k.resource, kind: k.kind, namespace: k.namespaced ? pick(NAMESPACES) : '', name: `o-${Math.floor(rnd() * 1e9).toString(36)}`, labels: { ...randomLabels(), 'matching-test': 'yes' } };
    const body: Record<string, unknown> = { apiVersion: k.group === '' ? 'v1' : `${k.group}/v1`, kind: k.kind, metadata: { name: o.name, labels: o.labels } };
    if (k.kind === 'NetworkPolicy') body['spec'] = { podSelector: {} };
    await ok('POST', objPath(o), body);
    objects.set(key(o), o);
  }

  async function churn(): Promise<void> {
    const steps = 6 + Math.floor(rnd() * 6);
    for (let i = 0; i < steps; i++) {
      const r = rnd();
      const all = [...objects.values()];
      if (r < 0.3 || all.length < 4) await createObject();
      else if (r < 0.45) {
        const o = pick(all);
        await ok('DELETE', objPath(o, o.name));
        objects.delete(key(o));
      } else if (r < 0.65) {
        const o = pick(all);
        o.labels = { ...randomLabels(), 'matching-test': 'yes' };
        const nulls = Object.fromEntries(KEYS.filter((k) => !(k in o.labels)).map((k) => [k, null]));
        await ok('PATCH', objPath(o, o.name), { metadata: { labels: { ...nulls, ...o.labels } } }, merge);
      } else if (r < 0.75) {
        const ns = pick(NAMESPACES);
        const labels = randomLabels();
        nsLabels.set(ns, labels);
        const nulls = Object.fromEntries(KEYS.filter((k) => !(k in labels)).map((k) => [k, null]));
        await ok('PATCH', `/clusters/wds1/api/v1/namespaces/${ns}`, { metadata: { labels: { ...nulls, ...labels } } }, merge);
      } else if (r < 0.85) {
        const c = pick(CLUSTERS);
        const labels = randomLabels();
        clusterLabels.set(c, labels);
        const nulls = Object.fromEntries(KEYS.filter((k) => !(k in labels)).map((k) => [k, null]));
        await ok('PATCH', `/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters/${c}`, { metadata: { labels: { ...nulls, ...labels } } }, merge);
      } else {
        clauses = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomClause([...objects.values()]));
        clusterSelectors = Array.from({ length: 1 + Math.floor(rnd() * 2) }, randomSelector);
        // JSON patch replacing the spec: the engine writes the policy's status meanwhile.
        await ok('PATCH', '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindingpolicies/matching-tester', [{ op: 'replace', path: '/spec', value: policySpec() }], {
          'content-type': 'application/json-patch+json',
        });
      }
    }
  }

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    // The demo's own clusters are part of the inventory every selector sees.
    for (const demo of ['cluster1', 'cluster2']) {
      for (let i = 0; ; i++) {
        const r = await h.request('GET', `/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters/${demo}`);
        if (r.status === 200) {
          clusterLabels.set(demo, r.body.metadata.labels ?? {});
          break;
        }
        if (i > 200) throw new Error(`${demo} never registered`);
        await new Promise((res) => setTimeout(res, 25));
      }
    }
    for (const ns of NAMESPACES) {
      const labels = randomLabels();
      nsLabels.set(ns, labels);
      await ok('POST', '/clusters/wds1/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
    }
    for (const c of CLUSTERS) {
      const labels = randomLabels();
      clusterLabels.set(c, labels);
      await ok('POST', '/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters', {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name: c, labels },
        spec: { hubAcceptsClient: true },
      });
    }
    for (let i = 0; i < 12; i++) await createObject();
    clauses = [randomClause([...objects.values()])];
    clusterSelectors = [randomSelector()];
    await ok('POST', '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindingpolicies', {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'matching-tester' },
      spec: policySpec(),
    });
  });
  after(async () => h?.stop());

  const expected = (): { refs: Set<string>; destinations: string[] } => {
    const eff = effectiveClauses();
    const refs = new Set([...objects.values()].filter((o) => referenceMatch(eff, o, nsLabels)).map(key));
    const destinations = [...clusterLabels.keys()].filter((c) => clusterSelectors.some((s) => selectorMatches(s, clusterLabels.get(c)!))).sort();
    return { refs, destinations };
  };

  async function observed(): Promise<{ refs: Set<string>; destinations: string[]; works: Map<string, Set<string>> }> {
    const b = await ok('GET', '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindings/matching-tester');
    const refs = new Set<string>();
    for (const e of b.spec.workload.clusterScope ?? []) refs.add(`${e.group}/${e.resource}//${e.name}`);
    for (const e of b.spec.workload.namespaceScope ?? []) refs.add(`${e.group}/${e.resource}/${e.namespace}/${e.name}`);
    const destinations = (b.spec.destinations ?? []).map((d: { clusterId: string }) => d.clusterId);
    const works = new Map<string, Set<string>>();
    const list = await ok('GET', '/clusters/its1/apis/work.open-cluster-management.io/v1/manifestworks?labelSelector=transport.kubestellar.io/originWdsName%3Dwds1');
    for (const w of list.items) {
      const m = w.spec.workload.manifests[0];
      const [group] = m.apiVersion.includes('/') ? m.apiVersion.split('/') : [''];
      const resource = KINDS.find((k) => k.kind === m.kind)!.resource;
      const set = works.get(w.metadata.namespace) ?? new Set<string>();
      set.add(`${group}/${resource}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
      works.set(w.metadata.namespace, set);
    }
    return { refs, destinations, works };
  }

  let nonTrivialRounds = 0;
  for (let round = 1; round <= 8; round++) {
    it(`round ${round}`, async () => {
      if (round > 1) await churn();
      const want = expected();
      if (want.refs.size > 0 && want.destinations.length > 0) nonTrivialRounds++;
      const deadline = Date.now() + 15_000;
      for (;;) {
        await h.server.spaces.engine('wds1')!.idle();
        const got = await observed();
        const wantWorks = new Map(want.destinations.filter(() => want.refs.size > 0).map((c) => [c, want.refs]));
        const same =
          JSON.stringify([...got.refs].sort()) === JSON.stringify([...want.refs].sort()) &&
          JSON.stringify(got.destinations) === JSON.stringify(want.destinations) &&
          JSON.stringify([...got.works.entries()].map(([c, s]) => [c, [...s].sort()]).sort()) ===
            JSON.stringify([...wantWorks.entries()].map(([c, s]) => [c, [...s].sort()]).sort());
        if (same) return;
        if (Date.now() > deadline) {
          assert.deepEqual(
            { refs: [...got.refs].sort(), destinations: got.destinations, works: Object.fromEntries([...got.works].map(([c, s]) => [c, [...s].sort()])) },
            { refs: [...want.refs].sort(), destinations: want.destinations, works: Object.fromEntries([...wantWorks].map(([c, s]) => [c, [...s].sort()])) },
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    });
  }

  it('exercised rounds with objects sent to clusters', () => {
    assert.ok(nonTrivialRounds >= 3, `only ${nonTrivialRounds} rounds had matches and destinations`);
  });
});
