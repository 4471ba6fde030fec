/**
 * autoscaling/v1 ⇄ v2 HorizontalPodAutoscaler conversion (src/registry/builtin/hpa-conversion.ts),
 * checked against the behaviour of kube's pkg/apis/autoscaling/v1/conversion.go.
 */
import assert from 'node:assert/strict';
import { isStatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  METRICS_ANNOTATION,
  hpaConversion,
  hpaV1ToV2,
  hpaV2ToV1,
} from '../../../src/registry/builtin/hpa-conversion.js';

type Obj = Record<string, unknown>;
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const meta = (annotations?: Record<string, string>): KubeObject['metadata'] => ({
  name: 'h', namespace: 'ns', uid: 'u1', resourceVersion: '7', ...(annotations && { annotations }),
});
const v1 = (spec: Obj, status?: Obj, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta(annotations), spec: { scaleTargetRef: ref, maxReplicas: 5, ...spec }, ...(status && { status }),
});
const v2 = (spec: Obj, status?: Obj, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(annotations), spec: { scaleTargetRef: ref, maxReplicas: 5, ...spec }, ...(status && { status }),
});
const cpu = (n: number): Obj => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
const cpuNow = (n: number, value = '250m'): Obj => ({ type: 'Resource', resource: { name: 'cpu', current: { averageValue: value, averageUtilization: n } } });
const podsMetric: Obj = { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } };
const podsMetricV1: Obj = { type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '1k' } };
const objectMetric: Obj = {
  type: 'Object',
  object: { describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, target: { type: 'AverageValue', averageValue: '5' }, metric: { name: 'hits', selector: { matchLabels: { a: 'b' } } } },
};
const externalMetric: Obj = { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'x' } } }, target: { type: 'Value', value: '30' } } };
const memoryMetric: Obj = { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 60 } } };
const containerMetric: Obj = { type: 'ContainerResource', containerResource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' }, container: 'app' } };
const behavior: Obj = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
};
const condition: Obj = { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' };

const specOf = (o: KubeObject): Obj => o['spec'] as Obj;
const statusOf = (o: KubeObject): Obj => o['status'] as Obj;
const annotationsOf = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};

describe('HorizontalPodAutoscaler autoscaling/v1 → v2', () => {
  const cases: [string, KubeObject, Obj, Obj | undefined][] = [
    ['the CPU target becomes a Resource metric', v1({ minReplicas: 2, targetCPUUtilizationPercentage: 50 }), { minReplicas: 2, metrics: [cpu(50)] }, undefined],
    ['no CPU target means the 80% v1 always implied', v1({}), { metrics: [cpu(80)] }, undefined],
    [
      'metrics from the annotation come first, the CPU target last',
      v1({ targetCPUUtilizationPercentage: 70 }, undefined, { [METRICS_ANNOTATION]: JSON.stringify([podsMetricV1]) }),
      { metrics: [podsMetric, cpu(70)] },
      undefined,
    ],
    [
      'annotation metrics without a CPU target get no default',
      v1({}, undefined, { [METRICS_ANNOTATION]: JSON.stringify([podsMetricV1]) }),
      { metrics: [podsMetric] },
      undefined,
    ],
    [
      'the behavior annotation (Go field names) becomes spec.behavior',
      v1({ targetCPUUtilizationPercentage: 50 }, undefined, {
        [BEHAVIOR_ANNOTATION]: '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}],"Tolerance":null},"ScaleDown":null}',
      }),
      { metrics: [cpu(50)], behavior: { scaleUp: behavior['scaleUp'] } },
      undefined,
    ],
    [
      'keys of the behavior annotation match ignoring case, as encoding/json does',
      v1({ targetCPUUtilizationPercentage: 50 }, undefined, { [BEHAVIOR_ANNOTATION]: '{"scaleDown":{"stabilizationWindowSeconds":60}}' }),
      { metrics: [cpu(50)], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
      undefined,
    ],
    [
      'a behavior annotation that does not decode, or sets nothing, is ignored',
      v1({ targetCPUUtilizationPercentage: 50 }, undefined, { [BEHAVIOR_ANNOTATION]: '{"ScaleUp":null}' }),
      { metrics: [cpu(50)] },
      undefined,
    ],
    [
      'status: the CPU reading becomes a current metric; replica counts, generation and scale time carry over',
      v1({ targetCPUUtilizationPercentage: 50 }, { observedGeneration: 3, lastScaleTime: '2025-01-01T00:00:00Z', currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 40 }),
      { metrics: [cpu(50)] },
      {
        observedGeneration: 3, lastScaleTime: '2025-01-01T00:00:00Z', currentReplicas: 2, desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }],
      },
    ],
    [
      'status: the current-metrics annotation replaces the CPU reading; conditions come from theirs; a zero currentReplicas is omitted',
      v1({ targetCPUUtilizationPercentage: 50 }, { currentReplicas: 0, desiredReplicas: 0, currentCPUUtilizationPercentage: 40 }, {
        [CURRENT_METRICS_ANNOTATION]: JSON.stringify([{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 41, currentAverageValue: '250m' } }]),
        [CONDITIONS_ANNOTATION]: JSON.stringify([condition]),
      }),
      { metrics: [cpu(50)] },
      { desiredReplicas: 0, currentMetrics: [cpuNow(41)], conditions: [condition] },
    ],
  ];
  for (const [what, input, spec, status] of cases) {
    it(what, () => {
      const before = structuredClone(input);
      const out = hpaV1ToV2(input);
      assert.deepEqual(input, before, 'the input is not mutated');
      assert.equal(out.apiVersion, 'autoscaling/v2');
      assert.deepEqual(specOf(out), { scaleTargetRef: ref, maxReplicas: 5, ...spec });
      assert.deepEqual(out['status'], status);
      assert.equal(out.metadata.annotations, undefined, 'round-trip annotations are removed');
      assert.deepEqual({ ...out.metadata, annotations: undefined }, { ...input.metadata, annotations: undefined });
    });
  }

  it('keeps annotations that are not round-trip ones', () => {
    const out = hpaV1ToV2(v1({}, undefined, { team: 'a', [METRICS_ANNOTATION]: '[]' }));
    assert.deepEqual(out.metadata.annotations, { team: 'a' });
  });

  it('a malformed metrics annotation fails the decoding (400), as upstream', () => {
    assert.throws(() => hpaV1ToV2(v1({}, undefined, { [METRICS_ANNOTATION]: '{not json' })), (err: unknown) => isStatusError(err, 'BadRequest'));
  });
});

describe('HorizontalPodAutoscaler autoscaling/v2 → v1', () => {
  it('a CPU utilization metric is targetCPUUtilizationPercentage, and nothing else is needed', () => {
    const out = hpaV2ToV1(v2({ minReplicas: 1, metrics: [cpu(60)] }, { desiredReplicas: 0 }));
    assert.deepEqual(out, {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(),
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
  });

  it('the CPU target comes from the first CPU metric with a utilization; the others go to the annotation', () => {
    const cpuValue = { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '300m' } } };
    const out = hpaV2ToV1(v2({ metrics: [cpuValue, cpu(70)] }));
    assert.equal(specOf(out)['targetCPUUtilizationPercentage'], 70);
    assert.equal(annotationsOf(out)[METRICS_ANNOTATION], '[{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"300m"}}]');
  });

  it('every other metric kind is written to the metrics annotation in the v1 (v2beta1) shape', () => {
    const out = hpaV2ToV1(v2({ metrics: [podsMetric, objectMetric, externalMetric, memoryMetric, containerMetric] }));
    assert.equal(specOf(out)['targetCPUUtilizationPercentage'], undefined);
    assert.deepEqual(JSON.parse(annotationsOf(out)[METRICS_ANNOTATION]!), [
      podsMetricV1,
      {
        type: 'Object',
        object: { target: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, metricName: 'hits', targetValue: '0', selector: { matchLabels: { a: 'b' } }, averageValue: '5' },
      },
      { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'x' } }, targetValue: '30' } },
      { type: 'Resource', resource: { name: 'memory', targetAverageUtilization: 60 } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', targetAverageValue: '500m', container: 'app' } },
    ]);
  });

  it('status: the last CPU reading is currentCPUUtilizationPercentage; all readings and conditions go to annotations', () => {
    const podsNow = { type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '900' } } };
    const out = hpaV2ToV1(v2({ metrics: [cpu(50), podsMetric] }, {
      observedGeneration: 2, lastScaleTime: '2025-01-01T00:00:00Z', currentReplicas: 3, desiredReplicas: 4, currentMetrics: [cpuNow(40), podsNow, cpuNow(45)], conditions: [condition],
    }));
    assert.deepEqual(statusOf(out), { observedGeneration: 2, lastScaleTime: '2025-01-01T00:00:00Z', currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 45 });
    assert.deepEqual(JSON.parse(annotationsOf(out)[CURRENT_METRICS_ANNOTATION]!), [
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 40, currentAverageValue: '250m' } },
      { type: 'Pods', pods: { metricName: 'rps', currentAverageValue: '900' } },
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 45, currentAverageValue: '250m' } },
    ]);
    assert.deepEqual(JSON.parse(annotationsOf(out)[CONDITIONS_ANNOTATION]!), [condition]);
  });

  it('behavior is written as kube marshals its internal type: Go field names, nulls for what is unset', () => {
    const out = hpaV2ToV1(v2({ metrics: [cpu(50)], behavior: { scaleDown: behavior['scaleDown'] } }));
    assert.equal(
      annotationsOf(out)[BEHAVIOR_ANNOTATION],
      '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":null}}',
    );
  });

  it('round-trip annotations already on the object are replaced by the ones conversion writes', () => {
    const out = hpaV2ToV1(v2({ metrics: [cpu(50)] }, undefined, { team: 'a', [METRICS_ANNOTATION]: '[{"type":"stale"}]', [CONDITIONS_ANNOTATION]: '[]' }));
    assert.deepEqual(out.metadata.annotations, { team: 'a' });
  });

  it('does not mutate the stored object (watchers share it)', () => {
    const stored = v2({ metrics: [cpu(50), podsMetric], behavior }, { desiredReplicas: 1, currentMetrics: [cpuNow(40)] });
    const before = structuredClone(stored);
    hpaV2ToV1(stored);
    assert.deepEqual(stored, before);
  });
});

describe('HorizontalPodAutoscaler round trips', () => {
  const rich = v2(
    { minReplicas: 2, metrics: [podsMetric, objectMetric, externalMetric, memoryMetric, containerMetric, cpu(55)], behavior },
    { observedGeneration: 4, lastScaleTime: '2025-02-02T00:00:00Z', currentReplicas: 3, desiredReplicas: 5, currentMetrics: [cpuNow(40)], conditions: [condition] },
    { team: 'a' },
  );

  it('v2 → v1 → v2 loses nothing (the CPU target goes last, as upstream orders it)', () => {
    assert.deepEqual(hpaV1ToV2(hpaV2ToV1(rich)), rich);
  });

  it('v2 → v1 → v2 of the smallest stored object', () => {
    const small = v2({ minReplicas: 1, metrics: [cpu(80)] }, { desiredReplicas: 0, currentMetrics: null });
    assert.deepEqual(hpaV1ToV2(hpaV2ToV1(small)), small);
  });

  it('v1 → v2 → v1 loses nothing', () => {
    const plain = v1({ minReplicas: 1, targetCPUUtilizationPercentage: 50 }, { observedGeneration: 1, currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 30 }, { team: 'a' });
    const back = hpaV2ToV1(hpaV1ToV2(plain));
    // The reading comes back in the current-metrics annotation too, as upstream writes it.
    assert.deepEqual({ ...back, metadata: { ...back.metadata, annotations: { team: 'a' } } }, plain);
    assert.deepEqual(JSON.parse(annotationsOf(back)[CURRENT_METRICS_ANNOTATION]!), [{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 30, currentAverageValue: '0' } }]);
  });

  it('a v1 client editing the CPU target keeps the metrics it cannot see', () => {
    const asV1 = hpaV2ToV1(rich);
    (asV1['spec'] as Obj)['targetCPUUtilizationPercentage'] = 65;
    const back = hpaV1ToV2(asV1);
    const metrics = specOf(back)['metrics'] as Obj[];
    assert.equal(metrics.length, 6);
    assert.deepEqual(metrics[5], cpu(65));
    assert.deepEqual(specOf(back)['behavior'], behavior);
  });
});

describe('hpaConversion (the definition hook)', () => {
  it('stored objects are served in v2 as they are: the stored-bytes fast path is safe', () => {
    const stored = v2({ metrics: [cpu(50)] }, { desiredReplicas: 0 }, { team: 'a' });
    assert.equal(hpaConversion.fromStored(stored, 'v2'), stored);
  });

  it('v2 drops round-trip annotations both ways, as upstream v2 conversion does', () => {
    const sent = v2({ metrics: [cpu(50)] }, undefined, { team: 'a', [METRICS_ANNOTATION]: JSON.stringify([podsMetricV1]) });
    const stored = hpaConversion.toStored(sent, 'v2');
    assert.deepEqual(stored.metadata.annotations, { team: 'a' });
    assert.deepEqual(specOf(stored)['metrics'], [cpu(50)]);
    assert.deepEqual(hpaConversion.fromStored(sent, 'v2').metadata.annotations, { team: 'a' });
  });

  it('a v2 status is stored with currentMetrics, null when unset (v2 has no omitempty on it)', () => {
    assert.deepEqual(hpaConversion.toStored(v2({ metrics: [cpu(50)] }, { desiredReplicas: 1 }), 'v2')['status'], { desiredReplicas: 1, currentMetrics: null });
    assert.deepEqual(hpaV1ToV2(v1({}, { currentReplicas: 1, desiredReplicas: 1 }))['status'], { currentReplicas: 1, desiredReplicas: 1, currentMetrics: null });
    assert.deepEqual(statusOf(hpaV2ToV1(v2({ metrics: [cpu(50)] }, { desiredReplicas: 0, currentMetrics: null }))), { currentReplicas: 0, desiredReplicas: 0 });
  });

  it('v1 both ways, with the apiVersion of each side', () => {
    const stored = hpaConversion.toStored(v1({ targetCPUUtilizationPercentage: 50 }), 'v1');
    assert.equal(stored.apiVersion, 'autoscaling/v2');
    const served = hpaConversion.fromStored(stored, 'v1');
    assert.equal(served.apiVersion, 'autoscaling/v1');
    assert.equal(specOf(served)['targetCPUUtilizationPercentage'], 50);
  });

  it('an object stored in the v1 shape before conversion existed is read as v2', () => {
    const legacy = v1({ targetCPUUtilizationPercentage: 50 });
    assert.deepEqual(specOf(hpaConversion.fromStored(legacy, 'v2'))['metrics'], [cpu(50)]);
    assert.equal(specOf(hpaConversion.fromStored(legacy, 'v1'))['targetCPUUtilizationPercentage'], 50);
  });
});
