import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';
import { daemonsets, deployments, replicasets, statefulsets } from '../../../../src/registry/builtin/apps.js';
import { horizontalpodautoscalers } from '../../../../src/registry/builtin/autoscaling.js';
import { hpaConversion } from '../../../../src/registry/builtin/hpa-conversion.js';
import { cronjobs, jobs } from '../../../../src/registry/builtin/batch.js';
import { configmaps, endpoints, events, namespaces, persistentvolumeclaims, pods, secrets, services } from '../../../../src/registry/builtin/core.js';
import { endpointslices } from '../../../../src/registry/builtin/discovery.js';
import { eventsConversion, eventsV1 } from '../../../../src/registry/builtin/events.js';
import { ingresses } from '../../../../src/registry/builtin/networking.js';
import { poddisruptionbudgets } from '../../../../src/registry/builtin/policy.js';
import { clusterroles, rolebindings } from '../../../../src/registry/builtin/rbac.js';
import { storageclasses } from '../../../../src/registry/builtin/storage.js';
import { ago, row } from './support.js';

const obj = (body: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(600), ...meta }, ...body }) as KubeObject;

/** Column headers as [name, type, priority]. */
const header = (def: ResourceDefinition): [string, string, number][] => def.columns.map((c) => [c.name, c.type, c.priority]);

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };

describe('built-in printer columns', () => {
  it('Deployment: READY ready/desired, numeric UP-TO-DATE and AVAILABLE, wide containers and selector', () => {
    assert.deepEqual(header(deployments), [
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Up-to-date', 'string', 0], ['Available', 'string', 0], ['Age', 'string', 0],
      ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1],
    ]);
    const d = obj({ spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
    assert.deepEqual(row(deployments, d), {
      Name: 'x', Ready: '2/3', 'Up-to-date': 3, Available: 2, Age: '10m', Containers: 'nginx,log', Images: 'nginx:1.27,busybox', Selector: 'app=web',
    });
    assert.equal(row(deployments, obj({ spec: {} }))['Ready'], '0/0');
  });

  it('ReplicaSet, StatefulSet and DaemonSet counters', () => {
    const rs = obj({ spec: { replicas: 3, selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template }, status: { replicas: 3, readyReplicas: 1 } });
    assert.deepEqual([row(replicasets, rs)['Desired'], row(replicasets, rs)['Current'], row(replicasets, rs)['Ready'], row(replicasets, rs)['Selector']], [3, 3, 1, 'tier in (a,b)']);
    assert.equal(row(statefulsets, obj({ spec: { replicas: 3, template }, status: { readyReplicas: 1 } }))['Ready'], '1/3');
    const ds = obj({ spec: { selector: { matchLabels: { app: 'web' } }, template: { ...template, spec: { ...template.spec, nodeSelector: { zone: 'a', disk: 'ssd' } } } }, status: { desiredNumberScheduled: 2, numberReady: 1 } });
    const r = row(daemonsets, ds);
    assert.deepEqual([r['Desired'], r['Current'], r['Ready'], r['Up-to-date'], r['Available'], r['Node Selector']], [2, 0, 1, 0, 0, 'disk=ssd,zone=a']);
    assert.equal(row(daemonsets, obj({ spec: { template } }))['Node Selector'], '<none>');
  });

  it('Service: TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as kubectl shows them', () => {
    const svc = obj({
      spec: { type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP', nodePort: 30443 }] },
    });
    assert.deepEqual(row(services, svc), {
      Name: 'x', Type: 'NodePort', 'Cluster-IP': '10.96.0.20', 'External-IP': '<none>', 'Port(s)': '80/TCP,443:30443/TCP', Age: '10m', Selector: 'app=web',
    });
    const lb = obj({ spec: { type: 'LoadBalancer', ports: [] }, status: { loadBalancer: {} } });
    assert.deepEqual([row(services, lb)['External-IP'], row(services, lb)['Port(s)'], row(services, lb)['Cluster-IP'], row(services, lb)['Selector']], ['<pending>', '<none>', '<none>', '<none>']);
    const lbUp = obj({ spec: { type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } } });
    assert.equal(row(services, lbUp)['External-IP'], '5.6.7.8,1.2.3.4');
    assert.equal(row(services, obj({ spec: { type: 'ExternalName', externalName: 'db.example.com' } }))['External-IP'], 'db.example.com');
  });

  describe('Pod READY, STATUS and RESTARTS', () => {
    const spec = { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] };
    const running = (ready: boolean, restarts = 0): Record<string, unknown> => ({ ready, restartCount: restarts, state: { running: {} } });
    const cases: [string, Record<string, unknown>, Record<string, unknown>, string, string, string][] = [
      ['pending', spec, { phase: 'Pending' }, '0/2', 'Pending', '0'],
      ['running, one ready', spec, { phase: 'Running', containerStatuses: [running(true), running(false)] }, '1/2', 'Running', '0'],
      [
        'crash looping',
        spec,
        {
          phase: 'Running',
          containerStatuses: [
            running(true),
            { ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(1200) } } },
          ],
        },
        '1/2',
        'CrashLoopBackOff',
        '3 (20m ago)',
      ],
      ['completed', { containers: [{ name: 'a' }] }, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, '0/1', 'Completed', '0'],
      ['exit code without reason', { containers: [{ name: 'a' }] }, { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }, '0/1', 'ExitCode:2', '0'],
      ['initializing', { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }] }, '0/1', 'Init:0/1', '0'],
      ['init waiting', { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'ImagePullBackOff' } } }] }, '0/1', 'Init:ImagePullBackOff', '0'],
      ['sidecar counts as a container', { initContainers: [{ name: 's', restartPolicy: 'Always' }], containers: [{ name: 'a' }] }, { phase: 'Running', initContainerStatuses: [{ name: 's', started: true, ready: true, state: { running: {} } }], containerStatuses: [running(true)] }, '2/2', 'Running', '0'],
    ];
    for (const [what, podSpec, status, ready, phase, restarts] of cases) {
      it(what, () => {
        const r = row(pods, obj({ spec: podSpec, status }));
        assert.deepEqual([r['Ready'], r['Status'], r['Restarts']], [ready, phase, restarts]);
      });
    }
    it('Terminating while being deleted; <none> for IP, node and gates', () => {
      const r = row(pods, obj({ spec, status: { phase: 'Running' } }, { deletionTimestamp: ago(1) }));
      assert.deepEqual([r['Status'], r['IP'], r['Node'], r['Nominated Node'], r['Readiness Gates']], ['Terminating', '<none>', '<none>', '<none>', '<none>']);
      const placed = row(pods, obj({ spec: { ...spec, nodeName: 'n1', readinessGates: [{ conditionType: 'x' }] }, status: { podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'x', status: 'True' }] } }));
      assert.deepEqual([placed['IP'], placed['Node'], placed['Readiness Gates']], ['10.244.0.5', 'n1', '1/1']);
    });
    it('has upstream headers', () => {
      assert.deepEqual(header(pods), [
        ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
        ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
      ]);
    });
  });

  it('Job: STATUS, COMPLETIONS and DURATION', () => {
    const done = obj({
      spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template },
      status: { succeeded: 1, startTime: '2025-01-01T00:00:00Z', completionTime: '2025-01-01T00:05:00Z', conditions: [{ type: 'Complete', status: 'True' }] },
    });
    const r = row(jobs, done);
    assert.deepEqual([r['Status'], r['Completions'], r['Duration'], r['Selector']], ['Complete', '1/1', '5m', 'batch.kubernetes.io/controller-uid=u']);
    const queue = row(jobs, obj({ spec: { parallelism: 3 }, status: {} }));
    assert.deepEqual([queue['Status'], queue['Completions'], queue['Duration']], ['Running', '0/1 of 3', '']);
    assert.equal(row(jobs, obj({ spec: { completions: 2 }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }))['Status'], 'Suspended');
    assert.equal(row(jobs, obj({ spec: {}, status: { conditions: [{ type: 'Failed', status: 'True' }] } }))['Status'], 'Failed');
    assert.deepEqual(header(jobs).slice(0, 5), [['Name', 'string', 0], ['Status', 'string', 0], ['Completions', 'string', 0], ['Duration', 'string', 0], ['Age', 'string', 0]]);
  });

  it('CronJob: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE', () => {
    const cj = obj({ spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } }, status: { active: [{ name: 'j1' }] } });
    const r = row(cronjobs, cj);
    assert.deepEqual([r['Schedule'], r['Timezone'], r['Suspend'], r['Active'], r['Last Schedule'], r['Containers'], r['Selector']], ['*/5 * * * *', '<none>', 'False', 1, '<none>', 'nginx,log', '<none>']);
    const later = row(cronjobs, obj({ spec: { schedule: '@hourly', timeZone: 'Etc/UTC', suspend: true }, status: { lastScheduleTime: ago(120) } }));
    assert.deepEqual([later['Timezone'], later['Suspend'], later['Last Schedule']], ['Etc/UTC', 'True', '2m']);
    assert.deepEqual(header(cronjobs).find((c) => c[0] === 'Suspend'), ['Suspend', 'boolean', 0]);
  });

  it('Secret, ConfigMap and Namespace', () => {
    assert.deepEqual(row(secrets, obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==', 'tls.key': 'Yg==' } })), { Name: 'x', Type: 'kubernetes.io/tls', Data: 2, Age: '10m' });
    assert.equal(row(configmaps, obj({ data: { a: '1' }, binaryData: { b: 'AA==' } }))['Data'], 2);
    assert.equal(row(configmaps, obj({}))['Data'], 0);
    assert.deepEqual(header(secrets).map((c) => c[1]), ['string', 'string', 'string', 'string']);
    assert.equal(row(namespaces, obj({ status: { phase: 'Active' } }))['Status'], 'Active');
  });

  it('Event: LAST SEEN, OBJECT, SOURCE, COUNT, also for an Event written through events.k8s.io', () => {
    const core = obj({
      type: 'Warning',
      reason: 'BackOff',
      message: ' Back-off restarting failed container \n',
      involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default', fieldPath: 'spec.containers{a}' },
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: ago(3600),
      lastTimestamp: ago(30),
      count: 7,
    });
    assert.deepEqual(row(events, core), {
      'Last Seen': '30s', Type: 'Warning', Reason: 'BackOff', Object: 'pod/p1', Subobject: 'spec.containers{a}', Source: 'kubelet, node1',
      Message: 'Back-off restarting failed container', 'First Seen': '60m', Count: 7, Name: 'x',
    });
    assert.deepEqual(header(events).map((c) => c[2]), [0, 0, 0, 0, 1, 1, 0, 1, 1, 1]);
    const v1 = obj({ type: 'Normal', reason: 'Scheduled', note: 'assigned', regarding: { kind: 'Pod', name: 'p2' }, eventTime: ago(90), reportingController: 'default-scheduler', reportingInstance: 'sched-1' });
    // events.k8s.io Events are printed from the core shape they are stored in.
    const r = row(eventsV1, eventsConversion.toStored(v1, 'v1'));
    assert.deepEqual([r['Last Seen'], r['Object'], r['Source'], r['Message'], r['Count']], ['90s', 'pod/p2', 'default-scheduler, sched-1', 'assigned', 1]);
    const series = row(events, obj({ eventTime: ago(600), series: { count: 4, lastObservedTime: ago(10) }, involvedObject: { kind: 'Node' } }));
    assert.deepEqual([series['Last Seen'], series['Count'], series['Object']], ['10s', 4, 'node']);
  });

  it('RoleBinding ROLE and subjects; ClusterRole falls back to Created At', () => {
    const rb = obj({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa1', namespace: 'ns1' }, { kind: 'ServiceAccount', name: 'sa2', namespace: 'ns2' }, { kind: 'Group', name: 'devs' }],
    });
    const r = row(rolebindings, rb);
    assert.deepEqual([r['Role'], r['Users'], r['Groups'], r['ServiceAccounts']], ['ClusterRole/admin', 'jane', 'devs', 'ns1/sa1, ns2/sa2']);
    assert.deepEqual(header(clusterroles), [['Name', 'string', 0], ['Created At', 'date', 0]]);
    assert.equal(row(clusterroles, obj({}, { creationTimestamp: '2025-03-04T05:06:07Z' }))['Created At'], '2025-03-04T05:06:07Z');
  });

  it('HorizontalPodAutoscaler REFERENCE, TARGETS and MINPODS in v2 and v1 shapes', () => {
    const v2 = obj({
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
      status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }] },
    });
    const r = row(horizontalpodautoscalers, v2);
    assert.deepEqual([r['Reference'], r['Targets'], r['MinPods'], r['MaxPods'], r['Replicas']], ['Deployment/web', 'cpu: 40%/80%', '1', 5, 2]);
    const unknown = obj({ spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, metrics: [{ type: 'Pods', pods: { target: { averageValue: '1k' } } }] } });
    assert.deepEqual([row(horizontalpodautoscalers, unknown)['Targets'], row(horizontalpodautoscalers, unknown)['MinPods']], ['<unknown>/1k', '<unset>']);
    // Objects sent as v1 are stored (and printed) in their v2 form.
    const v1 = obj({ apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } });
    assert.equal(row(horizontalpodautoscalers, hpaConversion.toStored(v1, 'v1'))['Targets'], 'cpu: <unknown>/50%');
  });

  it('Ingress CLASS, HOSTS and PORTS', () => {
    const ing = obj({ spec: { rules: [{ host: 'a.example.com' }, {}], tls: [{ hosts: ['a.example.com'] }] }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } } });
    const r = row(ingresses, ing);
    assert.deepEqual([r['Class'], r['Hosts'], r['Address'], r['Ports']], ['<none>', 'a.example.com', 'lb.example.com', '80, 443']);
    assert.deepEqual([row(ingresses, obj({ spec: { ingressClassName: 'nginx' } }))['Class'], row(ingresses, obj({ spec: {} }))['Hosts'], row(ingresses, obj({ spec: {} }))['Ports']], ['nginx', '*', '80']);
  });

  it('PersistentVolumeClaim shows capacity and access modes once bound', () => {
    const pending = row(persistentvolumeclaims, obj({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } }));
    assert.deepEqual([pending['Status'], pending['Volume'], pending['Capacity'], pending['Access Modes'], pending['VolumeAttributesClass'], pending['VolumeMode']], ['Pending', '', '', '', '<unset>', '<unset>']);
    const bound = row(persistentvolumeclaims, obj({ spec: { volumeName: 'pv1', storageClassName: 'standard', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] } }));
    assert.deepEqual([bound['Capacity'], bound['Access Modes'], bound['StorageClass'], bound['VolumeMode']], ['1Gi', 'RWO,RWX', 'standard', 'Filesystem']);
  });

  it('PodDisruptionBudget N/A, StorageClass (default), endpoints lists', () => {
    const pdb = row(poddisruptionbudgets, obj({ spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }));
    assert.deepEqual([pdb['Min Available'], pdb['Max Unavailable'], pdb['Allowed Disruptions']], ['50%', 'N/A', 1]);
    const sc = row(storageclasses, obj({ provisioner: 'rancher.io/local-path' }, { namespace: undefined, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }));
    assert.deepEqual([sc['Name'], sc['ReclaimPolicy'], sc['VolumeBindingMode'], sc['AllowVolumeExpansion']], ['x (default)', 'Delete', 'Immediate', false]);
    const ep = row(endpoints, obj({ subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] }));
    assert.equal(ep['Endpoints'], '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
    assert.equal(row(endpoints, obj({}))['Endpoints'], '<none>');
    const slice = row(endpointslices, obj({ addressType: 'IPv4', ports: [{ port: 80 }, { name: 'http' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }] }));
    assert.deepEqual([slice['AddressType'], slice['Ports'], slice['Endpoints']], ['IPv4', '80,http', '10.0.0.1,10.0.0.2']);
    assert.deepEqual([row(endpointslices, obj({}))['Ports'], row(endpointslices, obj({}))['Endpoints']], ['<unset>', '<unset>']);
  });
});
