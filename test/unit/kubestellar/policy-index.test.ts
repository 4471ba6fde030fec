import assert from 'node:assert/strict';
import type { Labels } from '../../../src/api/label-selector.js';
import { matchPolicy, type BindingPolicySpec, type DownsyncClause, type ObjectFacts } from '../../../src/kubestellar/binding/match.js';
import { PolicyIndex } from '../../../src/kubestellar/binding/policy-index.js';
import { prng } from '../../helpers/prng.js';


const obj = (group: string, resource: string): ObjectFacts => ({ group, version: 'v1', resource, namespace: 'ns', name: 'n', labels: {}, uid: 'u', resourceVersion: '1' });
const sorted = (it: Iterable<string>): string[] => [...it].sort();

describe('PolicyIndex', () => {
  it('files policies by (group, resource) with wildcard buckets', () => {
    const index = new PolicyIndex();
    index.add('deploys', { downsync: [{ apiGroup: 'apps', resources: ['deployments'] }] });
    index.add('apps-any', { downsync: [{ apiGroup: 'apps' }] });
    index.add('apps-star', { downsync: [{ apiGroup: 'apps', resources: ['*', 'deployments'] }] });
    index.add('any-configmaps', { downsync: [{ resources: ['configmaps'] }] });
    index.add('everything', { downsync: [{ objectSelectors: [{ matchLabels: { a: 'b' } }] }] });
    index.add('core', { downsync: [{ apiGroup: '', resources: ['configmaps', 'secrets'] }] });
    index.add('two-clauses', { downsync: [{ apiGroup: 'batch', resources: ['jobs'] }, { apiGroup: '', resources: ['secrets'] }] });
    index.add('no-clauses', { downsync: [] });
    const cases: [ObjectFacts, string[]][] = [
      [obj('apps', 'deployments'), ['apps-any', 'apps-star', 'deploys', 'everything']],
      [obj('apps', 'replicasets'), ['apps-any', 'apps-star', 'everything']],
      [obj('', 'configmaps'), ['any-configmaps', 'core', 'everything']],
      [obj('', 'secrets'), ['core', 'everything', 'two-clauses']],
      [obj('batch', 'jobs'), ['everything', 'two-clauses']],
      [obj('example.com', 'configmaps'), ['any-configmaps', 'everything']],
      [obj('example.com', 'widgets'), ['everything']],
    ];
    for (const [o, want] of cases) assert.deepEqual(sorted(index.candidates(o)), want, `${o.group}/${o.resource}`);
    assert.equal(index.size, 8);
    assert.ok(index.has('no-clauses'));
  });

  it('narrows: specific policies for other resources are not candidates', () => {
    const index = new PolicyIndex();
    for (let i = 0; i < 100; i++) index.add(`p${i}`, { downsync: [{ apiGroup: '', resources: [`kind${i}`] }] });
    assert.deepEqual(sorted(index.candidates(obj('', 'kind42'))), ['p42']);
    assert.deepEqual(sorted(index.candidates(obj('apps', 'kind42'))), []);
  });

  it('re-adding replaces, removing forgets', () => {
    const index = new PolicyIndex();
    index.add('p', { downsync: [{ apiGroup: 'apps', resources: ['deployments'] }] });
    index.add('p', { downsync: [{ apiGroup: '', resources: ['configmaps'] }] });
    assert.deepEqual(sorted(index.candidates(obj('apps', 'deployments'))), []);
    assert.deepEqual(sorted(index.candidates(obj('', 'configmaps'))), ['p']);
    index.remove('p');
    index.remove('p');
    assert.deepEqual(sorted(index.candidates(obj('', 'configmaps'))), []);
    assert.equal(index.size, 0);
  });

  describe('candidates ⊇ matches on random policies and objects', () => {
    const groups = ['', 'apps', 'batch', 'example.com'];
    const resources = ['configmaps', 'secrets', 'deployments', 'jobs', 'widgets', 'namespaces'];
    const namespaces = ['', 'a', 'b', 'c'];
    const nsLabels = (ns: string): Labels | undefined => (ns === '' ? undefined : { env: ns === 'a' ? 'prod' : 'dev' });

    for (const seed of [1, 2, 3, 42, 1234]) {
      it(`seed ${seed}`, () => {
        const rand = prng(seed);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
        const some = <T>(xs: readonly T[], p: number): T[] => xs.filter(() => rand() < p);
        const clause = (): DownsyncClause => {
          const c: DownsyncClause = {};
          const g = rand();
          if (g < 0.6) c.apiGroup = pick(groups);
          else if (g < 0.7) c.apiGroup = null;
          const r = rand();
          if (r < 0.6) c.resources = some(resources, 0.3);
          else if (r < 0.75) c.resources = ['*', ...some(resources, 0.2)];
          if (rand() < 0.3) c.namespaces = some([...namespaces, '*'], 0.4);
          if (rand() < 0.2) c.objectNames = some(['n0', 'n1', '*'], 0.5);
          if (rand() < 0.3) c.objectSelectors = [{ matchLabels: { app: pick(['x', 'y']) } }];
          if (rand() < 0.2) c.namespaceSelectors = [rand() < 0.3 ? {} : { matchLabels: { env: pick(['prod', 'dev']) } }];
          return c;
        };
        const policies = new Map<string, BindingPolicySpec>();
        const index = new PolicyIndex();
        for (let i = 0; i < 60; i++) {
          const spec: BindingPolicySpec = { downsync: Array.from({ length: Math.floor(rand() * 3) }, clause) };
          policies.set(`p${i}`, spec);
          index.add(`p${i}`, spec);
        }
        // Churn: some policies go, some are replaced.
        for (let i = 0; i < 15; i++) {
          const name = `p${Math.floor(rand() * 60)}`;
          if (rand() < 0.5) {
            policies.delete(name);
            index.remove(name);
          } else {
            const spec: BindingPolicySpec = { downsync: [clause()] };
            policies.set(name, spec);
            index.add(name, spec);
          }
        }
        let matched = 0;
        let tested = 0;
        for (let i = 0; i < 400; i++) {
          const o: ObjectFacts = {
            group: pick(groups),
            version: 'v1',
            resource: pick(resources),
            namespace: pick(namespaces),
            name: pick(['n0', 'n1', 'n2']),
            labels: rand() < 0.5 ? { app: pick(['x', 'y']) } : {},
            uid: `u${i}`,
            resourceVersion: '1',
          };
          const candidates = index.candidates(o);
          tested += candidates.size;
          for (const [name, spec] of policies) {
            if (matchPolicy(spec, o, nsLabels) === undefined) continue;
            matched++;
            assert.ok(candidates.has(name), `${name} matches ${JSON.stringify(o)} but is no candidate; spec ${JSON.stringify(spec)}`);
          }
          for (const c of candidates) assert.ok(policies.has(c), `removed policy ${c} is still a candidate`);
        }
        assert.ok(matched > 0, 'the random data should produce matches');
        // The index must actually narrow: far fewer candidates than policies × objects.
        assert.ok(tested < 0.8 * 400 * policies.size, `tested ${tested} of ${400 * policies.size}`);
      });
    }
  });
});
