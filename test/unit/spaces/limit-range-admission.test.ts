import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { isStatusError } from '../../../src/api/errors.js';
import { applyLimitRangeDefaults, limitRangeAdmission, limitRangeViolations, LIMIT_RANGER_ANNOTATION } from '../../../src/spaces/limit-range-admission.js';

const range = (...limits: object[]): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'r', namespace: 'ns' }, spec: { limits } });
const container = (name: string, resources?: object) => ({ name, image: 'nginx', ...(resources && { resources }) });

describe('LimitRanger admission', function () {
  const defaults = range({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '256Mi' } });

  it('fills missing limits and requests per container and says which', function () {
    const spec: Record<string, unknown> = { initContainers: [container('init')], containers: [container('web', { limits: { memory: '1Gi' } })] };
    const set = applyLimitRangeDefaults(spec, [defaults]);
    assert.deepEqual(set, ['cpu, memory request for init container init', 'cpu, memory limit for init container init', 'cpu request for container web', 'cpu limit for container web']);
    // The container's own memory limit stays, and its request follows it (API defaulting), not the range's.
    assert.deepEqual((spec['containers'] as { resources: object }[])[0]!.resources, { limits: { memory: '1Gi', cpu: '500m' }, requests: { memory: '1Gi', cpu: '100m' } });
  });

  const bounds = range({ type: 'Container', min: { cpu: '50m' }, max: { cpu: '1', memory: '1Gi' }, maxLimitRequestRatio: { cpu: '4' } });
  const cases: [string, object, string[]][] = [
    ['within bounds', { requests: { cpu: '250m' }, limits: { cpu: '1', memory: '512Mi' } }, []],
    ['a request below min', { requests: { cpu: '10m' }, limits: { cpu: '20m', memory: '1Gi' } }, ['minimum cpu usage per Container is 50m, but request is 10m']],
    ['a limit over max', { requests: { cpu: '1' }, limits: { cpu: '2', memory: '1Gi' } }, ['maximum cpu usage per Container is 1, but limit is 2']],
    ['no limit where max is set', { requests: { cpu: '100m' }, limits: { cpu: '200m' } }, ['maximum memory usage per Container is 1Gi.  No limit is specified']],
    ['a ratio over the maximum', { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } }, ['cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000']],
    ['no request at all', { limits: { memory: '1Gi' } }, [
      'minimum cpu usage per Container is 50m.  No request is specified',
      'maximum cpu usage per Container is 1.  No limit is specified',
      'cpu max limit to request ratio per Container is 4, but no request is specified or request is 0',
    ]],
  ];
  for (const [what, resources, want] of cases) {
    it(`container bounds: ${what}`, function () {
      assert.deepEqual(limitRangeViolations({ containers: [container('c', resources)] }, [bounds]), want);
    });
  }

  it('pod bounds apply to the summed containers, an init container counting when larger', function () {
    const pod = range({ type: 'Pod', max: { cpu: '1' } });
    const two = { containers: [container('a', { limits: { cpu: '600m' } }), container('b', { limits: { cpu: '600m' } })] };
    assert.deepEqual(limitRangeViolations(two, [pod]), ['maximum cpu usage per Pod is 1, but limit is 1.2']);
    const init = { initContainers: [container('i', { limits: { cpu: '900m' } })], containers: [container('a', { limits: { cpu: '500m' } })] };
    assert.deepEqual(limitRangeViolations(init, [pod]), []);
  });

  it('annotates the pod, refuses one out of bounds with 403, and leaves updates and range-less namespaces alone', async function () {
    let ranges: KubeObject[] = [defaults, range({ type: 'Container', max: { cpu: '1' } })];
    const admit = limitRangeAdmission(async () => ranges);
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [container('web')] } };
    await admit('create', pod);
    assert.equal(pod.metadata.annotations?.[LIMIT_RANGER_ANNOTATION], 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web');
    const big: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: 'ns' }, spec: { containers: [container('web', { limits: { cpu: '3' } })] } };
    await assert.rejects(admit('create', big), (e: unknown) => isStatusError(e, 'Forbidden') && /maximum cpu usage per Container is 1, but limit is 3/.test(e.status.message ?? ''));
    await admit('update', big);
    ranges = [];
    const plain: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: 'ns' }, spec: { containers: [container('web')] } };
    await admit('create', plain);
    assert.deepEqual(plain['spec'], { containers: [container('web')] });
  });
});
