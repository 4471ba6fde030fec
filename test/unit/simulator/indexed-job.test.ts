import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { assessJob, formatIndexes, jobPod, jobStatus, parseIndexes, planJob } from '../../../src/simulator/model/job.js';
import { pod, T0 } from './fixtures.js';

type Obj = Record<string, any>;
const INDEX = 'batch.kubernetes.io/job-completion-index';

function job(spec: Obj = {}, status: Obj = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'ix', namespace: 'default', uid: 'job-uid', generation: 1 },
    spec: {
      completions: 4,
      parallelism: 2,
      completionMode: 'Indexed',
      backoffLimit: 6,
      template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'ix' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } },
      ...spec,
    },
    status,
  };
}

const indexed = (name: string, index: number, state: Parameters<typeof pod>[1], created = 0): KubeObject =>
  pod(name, state, { annotations: { [INDEX]: String(index) }, labels: { [INDEX]: String(index) }, creationTimestamp: new Date(T0 + created).toISOString() });

describe('simulated Indexed Jobs', () => {
  const formats: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1], '0-1'],
    [[3, 0, 1, 2], '0-3'],
    [[1, 3, 4, 5, 7], '1,3-5,7'],
  ];
  for (const [indexes, text] of formats) {
    it(`writes ${JSON.stringify(indexes)} as "${text}" and reads it back`, () => {
      assert.equal(formatIndexes(indexes), text);
      assert.deepEqual([...parseIndexes(text, 10)].sort(), [...new Set(indexes)].sort());
    });
  }
  it('reads only indexes below completions', () => assert.deepEqual([...parseIndexes('1,3-9', 5)], [1, 3, 4]));

  const plans: [string, KubeObject, KubeObject[], number[], string[]][] = [
    ['starts the lowest indexes up to parallelism', job(), [], [0, 1], []],
    ['skips succeeded and running indexes', job(), [indexed('a', 0, 'succeeded'), indexed('b', 1, 'ready')], [2], []],
    ['counts indexes its status recorded', job({}, { completedIndexes: '0-1' }), [indexed('c', 2, 'ready')], [3], []],
    ['replaces a failed index', job(), [indexed('a', 0, 'failed'), indexed('b', 1, 'ready')], [0], []],
    ['removes duplicates and pods without an index', job(), [indexed('a', 1, 'ready', 0), indexed('b', 1, 'ready', 5), pod('x', 'ready')], [0], ['b', 'x']],
    ['never starts more than remain', job({ parallelism: 5 }, { completedIndexes: '0-2' }), [], [3], []],
  ];
  for (const [what, j, pods, indexes, remove] of plans) {
    it(what, () => {
      const plan = planJob(j, pods);
      assert.deepEqual([plan.indexes ?? [], plan.create, plan.remove.map((p) => p.metadata.name ?? '').sort()], [indexes, indexes.length, [...remove].sort()]);
    });
  }

  it('succeeds once every index has, counting indexes, and reports them', () => {
    const j = job({ completions: 2 });
    const pods = [indexed('a', 0, 'succeeded'), indexed('a2', 0, 'succeeded'), indexed('b', 1, 'succeeded')];
    assert.deepEqual([assessJob(j, pods).state, assessJob(j, pods).succeeded], ['succeeding', 2]);
    const status = jobStatus(j, pods, new Date(T0));
    assert.deepEqual([status['completedIndexes'], status['succeeded']], ['0-1', 2]);
    assert.equal((status['conditions'] as Obj[]).find((c) => c['type'] === 'Complete')?.['status'], 'True');
    assert.equal(jobStatus(job(), [], new Date(T0))['completedIndexes'], undefined);
  });

  it('makes a pod for an index: name, annotation, label, hostname and JOB_COMPLETION_INDEX', () => {
    const p = jobPod(job(), '', 3) as Obj;
    assert.equal(p['metadata']['generateName'], 'ix-3-');
    assert.equal(p['metadata']['annotations'][INDEX], '3');
    assert.equal(p['metadata']['labels'][INDEX], '3');
    assert.equal(p['metadata']['labels']['batch.kubernetes.io/job-name'], 'ix');
    assert.equal(p['spec']['hostname'], 'ix-3');
    assert.equal(p['spec']['subdomain'], undefined);
    assert.deepEqual(p['spec']['containers'][0]['env'], [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${INDEX}']` } } }]);
    // The template itself is left alone.
    assert.equal((job()['spec'] as Obj)['template']['spec']['containers'][0]['env'], undefined);
  });

  it('keeps a JOB_COMPLETION_INDEX the container sets, and long names within 58 characters', () => {
    const env = [{ name: 'JOB_COMPLETION_INDEX', value: 'mine' }];
    const j = job({ template: { spec: { containers: [{ name: 'w', image: 'busybox', env }] } } });
    assert.deepEqual((jobPod(j, '', 0) as Obj)['spec']['containers'][0]['env'], env);
    const long = { ...job(), metadata: { ...job().metadata, name: 'x'.repeat(60) } };
    assert.equal(jobPod(long, '', 12).metadata.generateName, `${'x'.repeat(54)}-12-`);
  });
});
