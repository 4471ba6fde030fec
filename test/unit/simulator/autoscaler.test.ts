import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { deployments } from '../../../src/registry/builtin/apps.js';
import { pods, replicationcontrollers } from '../../../src/registry/builtin/core-pods.js';
import { definitionFromCrd, type CrdSpec } from '../../../src/registry/crd/from-crd.js';
import { structuralSchemaOps } from '../../../src/registry/crd/schema-ops.js';
import type { ResourceDefinition } from '../../../src/registry/definition.js';
import { metricFailure, reconcileAutoscaler, resolveScaleTarget, scaleOfObject, selectorString, setHpaCondition, type TargetScale } from '../../../src/simulator/model/autoscaler.js';
import { at } from './fixtures.js';

type Obj = Record<string, any>;

const CPU = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
const NO_METRICS = 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
const CPU_ERROR = `failed to get cpu utilization: unable to get metrics for resource cpu: ${NO_METRICS}`;

function hpa(spec: Obj = {}, status: Obj = { desiredReplicas: 0, currentMetrics: null }): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'hpa-uid' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics: [CPU], ...spec },
    status,
  };
}

const brief = (status: Obj): string[] => ((status['conditions'] ?? []) as Obj[]).map((c) => `${String(c['type'])}=${String(c['status'])}/${String(c['reason'])}`);
const target = (replicas: number): TargetScale => ({ replicas, selector: 'app=web' });

describe('simulated HPA controller (no metrics APIs)', () => {
  const cases: [string, KubeObject, TargetScale, number | undefined, string[], Obj, string[]][] = [
    [
      'scales up to minReplicas',
      hpa(),
      target(1),
      2,
      ['AbleToScale=True/SucceededRescale'],
      { currentReplicas: 1, desiredReplicas: 2, currentMetrics: null, lastScaleTime: at(0) },
      ['Normal SuccessfulRescale: New size: 2; reason: Current number of replicas below Spec.MinReplicas'],
    ],
    [
      'scales down to maxReplicas',
      hpa(),
      target(9),
      5,
      ['AbleToScale=True/SucceededRescale'],
      { currentReplicas: 9, desiredReplicas: 5, currentMetrics: null, lastScaleTime: at(0) },
      ['Normal SuccessfulRescale: New size: 5; reason: Current number of replicas above Spec.MaxReplicas'],
    ],
    [
      'within bounds, fails to get metrics and keeps the desired count it had',
      hpa({}, { desiredReplicas: 2, currentMetrics: null, lastScaleTime: at(-5000) }),
      target(3),
      undefined,
      ['AbleToScale=True/SucceededGetScale', 'ScalingActive=False/FailedGetResourceMetric'],
      { currentReplicas: 3, desiredReplicas: 2, currentMetrics: [{ type: '' }], lastScaleTime: at(-5000) },
      [
        `Warning FailedGetResourceMetric: ${CPU_ERROR}`,
        `Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${CPU_ERROR}`,
      ],
    ],
    [
      'does nothing for a target scaled to zero',
      hpa(),
      target(0),
      undefined,
      ['AbleToScale=True/SucceededGetScale', 'ScalingActive=False/ScalingDisabled'],
      { desiredReplicas: 0, currentMetrics: null },
      [],
    ],
    [
      'reports a missing target',
      hpa(),
      { error: 'deployments.apps "web" not found' },
      undefined,
      ['AbleToScale=False/FailedGetScale'],
      { desiredReplicas: 0, currentMetrics: null },
      ['Warning FailedGetScale: deployments.apps "web" not found'],
    ],
  ];
  for (const [what, h, t, rescale, conditions, counts, events] of cases) {
    it(what, () => {
      const step = reconcileAutoscaler(h, t, at(0));
      const { conditions: _, ...rest } = step.status;
      assert.deepEqual(
        [step.rescale?.replicas, brief(step.status), rest, step.events.map((e) => `${e.type} ${e.reason}: ${e.message}`)],
        [rescale, conditions, counts, events],
      );
    });
  }

  it('says why, in the conditions, it cannot compute a count', () => {
    const step = reconcileAutoscaler(hpa(), target(3), at(0));
    const active = (step.status['conditions'] as Obj[])[1]!;
    assert.equal(active['message'], `the HPA was unable to compute the replica count: ${CPU_ERROR}`);
    assert.equal((step.status['conditions'] as Obj[])[0]!['message'], "the HPA controller was able to get the target's current scale");
  });

  it('reports a rescale the target refused', () => {
    const step = reconcileAutoscaler(hpa(), target(1), at(0), 'nope');
    assert.deepEqual(brief(step.status), ['AbleToScale=False/FailedUpdateScale']);
    assert.equal(step.rescale, undefined);
    assert.deepEqual(step.events.map((e) => e.message), ['New size: 2; reason: Current number of replicas below Spec.MinReplicas; error: nope']);
  });

  it('moves lastTransitionTime only when a condition\'s status changes', () => {
    const before = [{ type: 'AbleToScale', status: 'True', lastTransitionTime: at(0), reason: 'SucceededRescale', message: 'x' }];
    assert.equal(setHpaCondition(before, 'AbleToScale', 'True', 'SucceededGetScale', 'y', at(9000))[0]!['lastTransitionTime'], at(0));
    assert.equal(setHpaCondition(before, 'AbleToScale', 'False', 'FailedGetScale', 'y', at(9000))[0]!['lastTransitionTime'], at(9000));
  });

  const metrics: [Obj, string, string][] = [
    [CPU, 'FailedGetResourceMetric', `failed to get cpu resource metric value: ${CPU_ERROR}`],
    [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      'FailedGetResourceMetric',
      `failed to get memory resource metric value: failed to get memory usage: unable to get metrics for resource memory: ${NO_METRICS}`,
    ],
    [
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
      'FailedGetContainerResourceMetric',
      `failed to get app container metric value: ${CPU_ERROR}`,
    ],
  ];
  for (const [m, reason, wrapped] of metrics) {
    it(`fails a ${String(m['type'])} metric with ${reason}`, () => {
      const f = metricFailure(m, 'default');
      assert.deepEqual([f.reason, f.wrapped], [reason, wrapped]);
    });
  }
});

describe('simulated HPA controller: finding the target\'s scale', () => {
  const crd = (kind: string, versions: CrdSpec['versions']): ResourceDefinition =>
    definitionFromCrd({ group: 'example.com', names: { plural: `${kind.toLowerCase()}s`, kind }, scope: 'Namespaced', versions }, structuralSchemaOps('example.com', kind))!;
  const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
  const widgets = crd('Widget', [{ name: 'v1', served: true, storage: true, subresources: { status: {}, scale } }]);
  // The preferred version (v2) keeps its replicas elsewhere than the storage version (v1).
  const gizmos = crd('Gizmo', [
    { name: 'v1', served: true, storage: true, subresources: { scale } },
    { name: 'v2', served: true, storage: false, subresources: { scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } } },
  ]);
  const plain = crd('Plain', [{ name: 'v1', served: true, storage: true }]);
  const served = [deployments, replicationcontrollers, pods, widgets, gizmos, plain];
  const byKind = (group: string, kind: string) => served.find((d) => d.group === group && d.kind === kind);
  const resolve = (apiVersion: string, kind: string): string => {
    const r = resolveScaleTarget({ apiVersion, kind, name: 'x' }, byKind);
    return 'error' in r ? `error: ${r.error}` : `${r.def.group}/${r.def.plural} ${r.paths.specReplicasPath} ${r.paths.labelSelectorPath ?? '-'}`;
  };
  const cases: [string, string, string, string][] = [
    ['a built-in workload', 'apps/v1', 'Deployment', 'apps/deployments spec.replicas spec.selector'],
    ['the core group', 'v1', 'ReplicationController', '/replicationcontrollers spec.replicas spec.selector'],
    ['a custom resource with a scale subresource', 'example.com/v1', 'Widget', 'example.com/widgets spec.replicas status.selector'],
    ['by group and kind only, whatever version the ref names', 'example.com/v9', 'Widget', 'example.com/widgets spec.replicas status.selector'],
    ['through its preferred version\'s paths', 'example.com/v1', 'Gizmo', 'example.com/gizmos spec.size -'],
    ['an unknown kind', 'example.com/v1', 'Sprocket', 'error: no matches for kind "Sprocket" in group "example.com"'],
    ['a kind in another group', 'apps/v1', 'Widget', 'error: no matches for kind "Widget" in group "apps"'],
    ['a kind without a scale subresource', 'example.com/v1', 'Plain', 'error: the server could not find the requested resource'],
    ['a built-in kind without one', 'v1', 'Pod', 'error: the server could not find the requested resource'],
    ['a malformed apiVersion', 'a/b/c', 'Widget', 'error: unexpected GroupVersion string: a/b/c'],
  ];
  for (const [what, apiVersion, kind, want] of cases) it(`resolves ${what}`, () => assert.equal(resolve(apiVersion, kind), want));

  const obj = (spec: Obj, status: Obj = {}): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' }, spec, status });
  const paths = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'status.selector' };
  const scales: [string, KubeObject, { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }, { replicas: number; selector: string }][] = [
    ['reads replicas and a selector string', obj({ replicas: 4 }, { selector: 'app=w' }), paths, { replicas: 4, selector: 'app=w' }],
    ['has no selector when the status has none', obj({ replicas: 4 }), paths, { replicas: 4, selector: '' }],
    ['nor when the scale subresource names no selector path', obj({ replicas: 4 }, { selector: 'app=w' }), { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' }, { replicas: 4, selector: '' }],
    ['counts missing replicas as zero', obj({}), paths, { replicas: 0, selector: '' }],
    ['reads a label selector object', obj({ replicas: 1, selector: { matchLabels: { b: '2', a: '1' } } }), { ...paths, labelSelectorPath: 'spec.selector' }, { replicas: 1, selector: 'a=1,b=2' }],
  ];
  for (const [what, o, p, want] of scales) it(`scale: ${what}`, () => assert.deepEqual(scaleOfObject(o, p), want));

  const selectors: [unknown, string][] = [
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }, { key: 'y', operator: 'DoesNotExist' }] }, 'app=web,tier in (a,b),x,!y'],
    // Requirements by key, each set's values sorted.
    [{ matchExpressions: [{ key: 'z', operator: 'NotIn', values: ['b', 'a'] }, { key: 'a', operator: 'Exists' }] }, 'a,z notin (a,b)'],
    [{}, ''],
    [{ app: 'rc' }, 'app=rc'],
    ['app=s', 'app=s'],
    [undefined, ''],
  ];
  for (const [sel, want] of selectors) it(`selector ${JSON.stringify(sel)} reads ${want}`, () => assert.equal(selectorString(sel), want));
});
