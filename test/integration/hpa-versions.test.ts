/**
 * HorizontalPodAutoscalers through autoscaling/v1 and autoscaling/v2 over the real socket: stored
 * as v2, every read and write through v1 converted (annotations carry what v1 cannot hold), watch
 * events, Tables, patches and server-side apply in the version of the URL, and the OpenAPI
 * documents describing each version with its own schema.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/cluster1';
const NS = 'hpa-versions';
const V1 = `${SPACE}/apis/autoscaling/v1/namespaces/${NS}/horizontalpodautoscalers`;
const V2 = `${SPACE}/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`;
const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
const pods = { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } };
const hpaV1 = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50, ...spec },
});
const hpaV2 = (name: string, metrics: unknown[]) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics },
});

describe('HorizontalPodAutoscaler in autoscaling/v1 and autoscaling/v2', function () {
  let h: InProcessServer;

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const r = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  after(async () => {
    await h?.stop();
  });

  async function ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
    const r = await h.request(method, path, { ...(body !== undefined && { body }), ...(headers && { headers }) });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  it('created through v1: v2 shows the metric, v1 the CPU target', async () => {
    const created = await ok('POST', V1, hpaV1('one'));
    assert.equal(created.apiVersion, 'autoscaling/v1');
    assert.equal(created.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(created.spec.metrics, undefined);
    assert.deepEqual(created.status, { currentReplicas: 0, desiredReplicas: 0 });

    const asV2 = await ok('GET', `${V2}/one`);
    assert.equal(asV2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(asV2.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [cpu(50)] });
    // Go writes v2's currentMetrics even when nil.
    assert.deepEqual(asV2.status, { desiredReplicas: 0, currentMetrics: null });
    assert.equal(asV2.metadata.annotations, undefined);
    // Fields are owned in the version they were written through.
    const entry = asV2.metadata.managedFields?.[0];
    assert.equal(entry?.apiVersion, 'autoscaling/v1');
    assert.ok(JSON.stringify(entry.fieldsV1).includes('f:targetCPUUtilizationPercentage'), JSON.stringify(entry.fieldsV1));

    const asV1 = await ok('GET', `${V1}/one`);
    assert.equal(asV1.apiVersion, 'autoscaling/v1');
    assert.equal(asV1.kind, 'HorizontalPodAutoscaler');
    assert.deepEqual(asV1.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    assert.equal(asV1.metadata.resourceVersion, asV2.metadata.resourceVersion);
  });

  it('v2 metrics v1 cannot express survive a v1 read-modify-write in the annotation', async () => {
    await ok('POST', V2, hpaV2('two', [cpu(60), pods]));
    const asV1 = await ok('GET', `${V1}/two`);
    assert.equal(asV1.spec.targetCPUUtilizationPercentage, 60);
    assert.deepEqual(JSON.parse(asV1.metadata.annotations[METRICS_ANNOTATION]), [{ type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '1k' } }]);

    asV1.spec.maxReplicas = 9;
    const updated = await ok('PUT', `${V1}/two`, asV1);
    assert.equal(updated.apiVersion, 'autoscaling/v1');
    assert.equal(updated.spec.maxReplicas, 9);
    assert.ok(updated.metadata.annotations[METRICS_ANNOTATION]);

    const asV2 = await ok('GET', `${V2}/two`);
    assert.equal(asV2.spec.maxReplicas, 9);
    // As upstream, the CPU target comes back after the metrics from the annotation.
    assert.deepEqual(asV2.spec.metrics, [pods, cpu(60)]);
    assert.equal(asV2.metadata.annotations, undefined, 'the annotation is not stored');
  });

  it('a merge patch through v1 applies to the v1 form and changes the v2 metric', async () => {
    await ok('POST', V2, hpaV2('three', [cpu(60), pods]));
    const patched = await ok('PATCH', `${V1}/three`, { spec: { targetCPUUtilizationPercentage: 75 } }, MERGE);
    assert.equal(patched.apiVersion, 'autoscaling/v1');
    assert.equal(patched.spec.targetCPUUtilizationPercentage, 75);
    const asV2 = await ok('GET', `${V2}/three`);
    assert.deepEqual(asV2.spec.metrics, [pods, cpu(75)]);

    const json = await ok('PATCH', `${V1}/three`, [{ op: 'replace', path: '/spec/targetCPUUtilizationPercentage', value: 65 }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(json.spec.targetCPUUtilizationPercentage, 65);
    const smp = await ok('PATCH', `${V1}/three`, { spec: { targetCPUUtilizationPercentage: 55 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.spec.targetCPUUtilizationPercentage, 55);
    assert.deepEqual((await ok('GET', `${V2}/three`)).spec.metrics, [pods, cpu(55)]);
  });

  it('a v1 patch that changes nothing does not write', async () => {
    await ok('POST', V1, hpaV1('noop'));
    const before = await ok('GET', `${V2}/noop`);
    const after = await ok('PATCH', `${V1}/noop`, { spec: { targetCPUUtilizationPercentage: 50 } }, MERGE);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('lists in v1 are v1 objects; lists in v2 are v2 objects', async () => {
    await ok('POST', V1, hpaV1('listed'));
    const list = await ok('GET', V1);
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.equal(list.kind, 'HorizontalPodAutoscalerList');
    const item = list.items.find((i: any) => i.metadata.name === 'listed');
    assert.equal(item.apiVersion, 'autoscaling/v1');
    assert.equal(item.spec.targetCPUUtilizationPercentage, 50);
    assert.ok(list.items.every((i: any) => i.apiVersion === 'autoscaling/v1' && i.spec.metrics === undefined));

    const v2List = await ok('GET', V2);
    assert.equal(v2List.apiVersion, 'autoscaling/v2');
    assert.ok(v2List.items.every((i: any) => i.apiVersion === 'autoscaling/v2' && Array.isArray(i.spec.metrics)));
    const selected = await ok('GET', `${V1}?fieldSelector=metadata.name%3Dlisted`);
    assert.deepEqual(selected.items.map((i: any) => [i.apiVersion, i.spec.targetCPUUtilizationPercentage]), [['autoscaling/v1', 50]]);
  });

  it('a watch on v1 sees v1 objects, one on v2 v2 objects, for the same changes', async () => {
    const rv = (await ok('GET', V2)).metadata.resourceVersion;
    const w1 = await h.openWatch(`${V1}?watch=true&resourceVersion=${rv}`);
    const w2 = await h.openWatch(`${V2}?watch=true&resourceVersion=${rv}`);
    try {
      await ok('POST', V2, hpaV2('watched', [cpu(40), pods]));
      await ok('PATCH', `${V2}/watched`, { spec: { maxReplicas: 7 } }, MERGE);
      const mine = (f: any) => f.object?.metadata?.name === 'watched';
      const f1 = (await w1.waitFor((fs) => fs.filter(mine).length >= 2)).filter(mine);
      const f2 = (await w2.waitFor((fs) => fs.filter(mine).length >= 2)).filter(mine);
      assert.deepEqual(f1.map((f) => f.type), ['ADDED', 'MODIFIED']);
      for (const f of f1) {
        assert.equal(f.object.apiVersion, 'autoscaling/v1');
        assert.equal(f.object.spec.targetCPUUtilizationPercentage, 40);
        assert.ok(f.object.metadata.annotations[METRICS_ANNOTATION]);
      }
      assert.equal(f1[1]!.object.spec.maxReplicas, 7);
      for (const f of f2) {
        assert.equal(f.object.apiVersion, 'autoscaling/v2');
        assert.deepEqual(f.object.spec.metrics, [cpu(40), pods]);
      }
    } finally {
      w1.close();
      w2.close();
    }
  });

  it('Tables print TARGETS from the v2 form for both versions; includeObject=Object embeds the v1 object', async () => {
    await ok('POST', V1, hpaV1('table', { targetCPUUtilizationPercentage: 35 }));
    for (const base of [V1, V2]) {
      const r = await h.request('GET', `${base}/table`, { headers: { Accept: TABLE } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const col = r.body.columnDefinitions.findIndex((c: any) => c.name === 'Targets');
      assert.equal(r.body.rows[0].cells[col], 'cpu: <unknown>/35%');
    }
    const r = await h.request('GET', `${V1}/table?includeObject=Object`, { headers: { Accept: TABLE } });
    assert.equal(r.body.rows[0].object.apiVersion, 'autoscaling/v1');
    assert.equal(r.body.rows[0].object.spec.targetCPUUtilizationPercentage, 35);
  });

  it('status written through v1 becomes the v2 current metrics', async () => {
    const created = await ok('POST', V1, hpaV1('status'));
    created.status = { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 33 };
    const updated = await ok('PUT', `${V1}/status/status`, created);
    assert.equal(updated.status.currentCPUUtilizationPercentage, 33);
    const asV2 = await ok('GET', `${V2}/status`);
    assert.deepEqual(asV2.status, { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 33 } } }] });
  });

  it('server-side apply through v1 creates and updates the stored v2 object', async () => {
    const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
    const config = (pct: number) => ({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'applied' }, spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: pct } });
    const created = await h.request('PATCH', `${V1}/applied?fieldManager=tester`, { body: config(45), headers: APPLY });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.apiVersion, 'autoscaling/v1');
    assert.deepEqual((await ok('GET', `${V2}/applied`)).spec.metrics, [cpu(45)]);

    const updated = await ok('PATCH', `${V1}/applied?fieldManager=tester`, config(85), APPLY);
    assert.equal(updated.spec.targetCPUUtilizationPercentage, 85);
    const asV2 = await ok('GET', `${V2}/applied`);
    assert.deepEqual(asV2.spec.metrics, [cpu(85)]);
    const entry = asV2.metadata.managedFields.find((e: any) => e.manager === 'tester');
    assert.deepEqual([entry.operation, entry.apiVersion], ['Apply', 'autoscaling/v1']);
  });

  it('a v1 body is checked against the v1 schema and validated in its v2 form', async () => {
    const zero = await h.request('POST', V1, { body: hpaV1('invalid', { targetCPUUtilizationPercentage: 0, maxReplicas: 0 }) });
    assert.equal(zero.status, 422, JSON.stringify(zero.body));
    assert.equal(zero.body.reason, 'Invalid');
    assert.deepEqual(zero.body.details.kind, 'HorizontalPodAutoscaler');
    // kube validates the converted object: the CPU target is reported as the metric it became.
    assert.deepEqual(
      zero.body.details.causes.map((c: any) => c.field),
      ['spec.maxReplicas', 'spec.maxReplicas', 'spec.metrics[0].resource.target.averageUtilization'],
    );

    const strict = await h.request('POST', `${V1}?fieldValidation=Strict`, { body: { ...hpaV1('strict'), spec: { ...hpaV1('strict').spec, metrics: [cpu(50)] } } });
    assert.equal(strict.status, 400, JSON.stringify(strict.body));
    assert.match(strict.body.message, /unknown field "spec.metrics"/);

    const malformed = await h.request('POST', V1, { body: { ...hpaV1('malformed'), metadata: { name: 'malformed', annotations: { [METRICS_ANNOTATION]: '{' } } } });
    assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
  });

  it('delete through v1 answers with a Status naming the removed object, as kube does', async () => {
    const created = await ok('POST', V2, hpaV2('deleted', [cpu(20)]));
    const gone = await ok('DELETE', `${V1}/deleted`);
    assert.equal(gone.kind, 'Status');
    assert.deepEqual(gone.details, { name: 'deleted', group: 'autoscaling', kind: 'horizontalpodautoscalers', uid: created.metadata.uid });
  });

  it('OpenAPI describes each version with its own schema', async () => {
    const v1Doc = await ok('GET', `${SPACE}/openapi/v3/apis/autoscaling/v1`);
    const v1Spec = v1Doc.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec'];
    assert.ok(v1Spec.properties.targetCPUUtilizationPercentage);
    assert.equal(v1Spec.properties.metrics, undefined);
    const get = v1Doc.paths['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}'].get;
    assert.equal(get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler');

    const v2Doc = await ok('GET', `${SPACE}/openapi/v3/apis/autoscaling/v2`);
    const v2Spec = v2Doc.components.schemas['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec'];
    assert.ok(v2Spec.properties.metrics);
    assert.equal(v2Spec.properties.targetCPUUtilizationPercentage, undefined);

    const swagger = await ok('GET', `${SPACE}/openapi/v2`);
    assert.ok(swagger.definitions['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec'].properties.targetCPUUtilizationPercentage);
    assert.ok(swagger.definitions['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec'].properties.metrics);
    assert.equal(
      swagger.paths['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}'].get.responses['200'].schema.$ref,
      '#/definitions/io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
    );
  });
});
