import assert from 'node:assert/strict';
import { onlySpace } from '../../../src/metrics/metrics.js';

describe('metrics of one space', () => {
  it("keeps comments, unlabelled series and the space's own, drops other spaces'", () => {
    const text = [
      '# HELP apiserver_request_total Requests served.',
      '# TYPE apiserver_request_total counter',
      'apiserver_request_total{space="wds1",verb="GET",code="200"} 3',
      'apiserver_request_total{space="wds10",verb="GET",code="200"} 4',
      'apiserver_request_total{verb="GET",space="its1",code="200"} 5',
      'kubestellar_workload_count{space="w\\"ds1"} 1',
      'process_cpu_seconds_total 12',
      '',
    ].join('\n');
    assert.deepEqual(onlySpace(text, 'wds1').split('\n'), [
      '# HELP apiserver_request_total Requests served.',
      '# TYPE apiserver_request_total counter',
      'apiserver_request_total{space="wds1",verb="GET",code="200"} 3',
      'process_cpu_seconds_total 12',
      '',
    ]);
  });
});
