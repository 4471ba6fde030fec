import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { assessJob, jobPod, jobStatus, planJob, type JobState } from '../../../src/simulator/model/job.js';
import { loadBalancerStatus, wantsLoadBalancer } from '../../../src/simulator/model/services.js';
import { at, pod, T0 } from './fixtures.js';

type Obj = Record<string, any>;

function job(spec: Obj = {}, status: Obj = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'job-uid', generation: 1 },
    spec: { completions: 2, parallelism: 1, backoffLimit: 1, template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } }, ...spec },
    status,
  };
}

describe('simulated Job controller', () => {
  const cases: [string, KubeObject, KubeObject[], JobState, number, string[]][] = [
    ['starts parallelism pods', job({ parallelism: 2, completions: 3 }), [], 'running', 2, []],
    ['never starts more than the completions left', job({ parallelism: 5, completions: 3 }), [pod('a', 'succeeded')], 'running', 2, []],
    ['replaces a failed pod within the backoff limit', job(), [pod('a', 'failed')], 'running', 1, []],
    ['succeeds at completions', job(), [pod('a', 'succeeded'), pod('b', 'succeeded')], 'succeeding', 0, []],
    ['fails beyond the backoff limit, stopping what still runs', job(), [pod('a', 'failed'), pod('b', 'failed'), pod('c', 'ready')], 'failing', 0, ['c']],
    ['a work queue succeeds once one pod has and none runs', job({ completions: undefined, parallelism: 2 }), [pod('a', 'succeeded')], 'succeeding', 0, []],
    ['a work queue lets the rest finish', job({ completions: undefined, parallelism: 2 }), [pod('a', 'succeeded'), pod('b', 'ready')], 'running', 0, []],
    ['a suspended job runs nothing', job({ suspend: true }), [pod('a', 'ready')], 'suspended', 0, ['a']],
    ['a finished job is left alone', job({}, { conditions: [{ type: 'Complete', status: 'True' }] }), [], 'finished', 0, []],
  ];
  for (const [what, j, pods, state, create, remove] of cases) {
    it(what, () => {
      const plan = planJob(j, pods);
      assert.deepEqual([assessJob(j, pods).state, plan.create, plan.remove.map((p) => p.metadata.name)], [state, create, remove]);
    });
  }

  it('makes pods from the template, owned by the Job', () => {
    const p = jobPod(job(), 'node-1');
    assert.deepEqual([p.metadata.generateName, p.metadata.ownerReferences?.[0]?.kind, p.metadata.labels?.['batch.kubernetes.io/job-name']], ['pi-', 'Job', 'pi']);
  });

  const now = new Date(T0 + 7000);
  const types = (s: Obj): string[] => ((s['conditions'] ?? []) as Obj[]).map((c) => `${String(c['type'])}/${String(c['reason'])}`);

  it('reports a running job', () => {
    const s = jobStatus(job(), [pod('a', 'ready')], now);
    assert.deepEqual(s, { startTime: at(7000), active: 1, terminating: 0, ready: 1, uncountedTerminatedPods: {} });
  });

  it('reports success as 1.31 does: SuccessCriteriaMet, then Complete with completionTime', () => {
    const s = jobStatus(job({}, { startTime: at(0) }), [pod('a', 'succeeded'), pod('b', 'succeeded')], now);
    assert.deepEqual(types(s), ['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
    assert.deepEqual([s['succeeded'], s['completionTime'], s['startTime'], s['active']], [2, at(7000), at(0), undefined]);
  });

  it('reports failure: FailureTarget while pods stop, then Failed', () => {
    const stopping = jobStatus(job(), [pod('a', 'failed'), pod('b', 'failed'), pod('c', 'ready')], now);
    assert.deepEqual(types(stopping), ['FailureTarget/BackoffLimitExceeded']);
    const failed = jobStatus({ ...job(), status: stopping }, [pod('a', 'failed'), pod('b', 'failed')], now);
    assert.deepEqual(types(failed), ['FailureTarget/BackoffLimitExceeded', 'Failed/BackoffLimitExceeded']);
    assert.deepEqual([failed['failed'], failed['completionTime']], [2, undefined]);
  });
});

describe('simulated load balancers', () => {
  const svc = (spec: Obj, status: Obj = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', uid: 's-uid' }, spec, status });
  const wants: [string, KubeObject, boolean][] = [
    ['a LoadBalancer without an address', svc({ type: 'LoadBalancer' }), true],
    ['a ClusterIP service', svc({ type: 'ClusterIP' }), false],
    ['a LoadBalancer of another class', svc({ type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' }), false],
    ['a LoadBalancer with an address', svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }), false],
  ];
  for (const [what, s, want] of wants) it(`${want ? 'serves' : 'skips'} ${what}`, () => assert.equal(wantsLoadBalancer(s), want));

  it('uses the requested address, else the picked one', () => {
    assert.deepEqual(loadBalancerStatus(svc({ type: 'LoadBalancer' }), '172.18.255.9'), { loadBalancer: { ingress: [{ ip: '172.18.255.9', ipMode: 'VIP' }] } });
    const requested = loadBalancerStatus(svc({ type: 'LoadBalancer', loadBalancerIP: '172.18.255.50' }), '172.18.255.9') as Obj;
    assert.equal(requested['loadBalancer']['ingress'][0]['ip'], '172.18.255.50');
  });
});
