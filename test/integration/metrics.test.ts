/**
 * /metrics at the root (and each space's own series at /clusters/<space>/metrics): Prometheus text with kube-apiserver's request metrics and KubeStellar's
 * propagation histograms, fed by real requests and a real propagation.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('/metrics', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('counts requests and times propagation', async () => {
    await h.request('POST', '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindingpolicies', {
      body: { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name: 'm' }, spec: { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }], downsync: [{ objectSelectors: [{ matchLabels: { m: 'y' } }] }] } },
    });
    assert.equal((await h.request('POST', '/clusters/wds1/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', labels: { m: 'y' } } } })).status, 201);
    let text = '';
    for (let i = 0; i < 200; i++) {
      const r = await h.request('GET', '/metrics');
      assert.equal(r.status, 200);
      assert.match(String(r.headers['content-type']), /^text\/plain/);
      text = r.raw.toString('utf8');
      if (/kubestellar_downsync_duration_seconds_count\{[^}]*cluster="cluster1"[^}]*\} [1-9]/.test(text)) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.match(text, /apiserver_request_total\{space="wds1",verb="POST",group="",version="v1",resource="configmaps",subresource="",code="201"\} 1/);
    assert.match(text, /kubestellar_downsync_packaging_duration_seconds_count\{space="wds1",cluster="cluster1",kind="ConfigMap",apiVersion="v1",bindingpolicy="m"\} 1/);
    assert.match(text, /kubestellar_downsync_duration_seconds_count\{[^}]*cluster="cluster1"[^}]*\} 1/);
    assert.match(text, /kubestellar_workload_count\{space="wds1"\} [1-9]/);
  });

  it('serves each space its own series at /clusters/<space>/metrics', async () => {
    assert.equal((await h.request('GET', '/clusters/its1/api/v1/namespaces')).status, 200);
    assert.equal((await h.request('GET', '/clusters/wds1/api/v1/namespaces')).status, 200);
    const r = await h.request('GET', '/clusters/wds1/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    const text = r.raw.toString('utf8');
    assert.match(text, /apiserver_request_total\{space="wds1",verb="LIST",group="",version="v1",resource="namespaces",subresource="",code="200"\} [1-9]/);
    assert.doesNotMatch(text, /space="its1"/, "another space's series stay out");
    assert.match(text, /^# TYPE apiserver_request_total counter$/m);
  });
});
