import assert from 'node:assert/strict';
import { daemonsets, deployments, statefulsets } from '../../../../src/registry/builtin/apps.js';
import { horizontalpodautoscalers } from '../../../../src/registry/builtin/autoscaling.js';
import { hpaConversion } from '../../../../src/registry/builtin/hpa-conversion.js';
import { cronjobs, jobs } from '../../../../src/registry/builtin/batch.js';
import { namespaces, pods, replicationcontrollers, secrets, serviceDefinition, services } from '../../../../src/registry/builtin/core.js';
import { networkpolicies } from '../../../../src/registry/builtin/networking.js';
import { clusterrolebindings } from '../../../../src/registry/builtin/rbac.js';
import { customresourcedefinitions } from '../../../../src/registry/builtin/apiextensions.js';
import { inServiceCIDR } from '../../../../src/registry/builtin/service-alloc.js';
import { create, update } from './support.js';

const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  securityContext: {},
  schedulerName: 'default-scheduler',
  enableServiceLinks: true,
};
const containerDefaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };

describe('built-in defaulting', () => {
  it('Deployment: replicas, RollingUpdate 25%/25%, history, deadline, pod template, empty status, generation', () => {
    const { obj, errors } = create(deployments, { spec: { selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 9 } });
    assert.deepEqual(errors, []);
    assert.deepEqual(obj['spec'], {
      selector: { matchLabels: { app: 'web' } },
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'web' } }, spec: { ...podSpecDefaults, containers: [{ name: 'nginx', image: 'nginx', imagePullPolicy: 'Always', ...containerDefaults }] } },
    });
    assert.deepEqual(obj['status'], {});
    const recreate = create(deployments, { spec: { replicas: 0, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template } });
    assert.deepEqual([recreate.obj['spec'] && (recreate.obj['spec'] as Record<string, unknown>)['strategy'], (recreate.obj['spec'] as Record<string, unknown>)['replicas']], [{ type: 'Recreate' }, 0]);
  });

  it('pod templates keep serviceAccount, the deprecated alias, equal to serviceAccountName (the name wins)', () => {
    const withAccount = (extra: Record<string, unknown>) => {
      const t = structuredClone(template) as { spec: Record<string, unknown> };
      Object.assign(t.spec, extra);
      const spec = create(deployments, { spec: { selector: { matchLabels: { app: 'web' } }, template: t } }).obj['spec'] as { template: { spec: Record<string, unknown> } };
      return [spec.template.spec['serviceAccountName'], spec.template.spec['serviceAccount']];
    };
    assert.deepEqual(withAccount({ serviceAccountName: 'sa1' }), ['sa1', 'sa1']);
    assert.deepEqual(withAccount({ serviceAccount: 'sa1' }), ['sa1', 'sa1']);
    assert.deepEqual(withAccount({ serviceAccountName: 'new', serviceAccount: 'old' }), ['new', 'new']);
    assert.deepEqual(withAccount({ serviceAccountName: '' }), [undefined, undefined]);
    const job = create(jobs, { spec: { template: { ...template, spec: { ...(template as { spec: object }).spec, restartPolicy: 'Never', serviceAccount: 'runner' } } } });
    const jobSpec = (job.obj['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
    assert.deepEqual([jobSpec['serviceAccountName'], jobSpec['serviceAccount']], ['runner', 'runner']);
  });

  it('Pod: spec and container defaults, image pull policy by tag, admission fields, Pending status with QoS', () => {
    const { obj, errors } = create(pods, {
      spec: {
        containers: [
          { name: 'a', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } },
          { name: 'b', image: 'busybox:latest', resources: { limits: { cpu: '100m' } } },
          { name: 'c', image: 'registry.example.com:5000/app' },
          { name: 'd', image: 'app@sha256:0123', imagePullPolicy: 'Never' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
      },
    });
    assert.deepEqual(errors, []);
    const spec = obj['spec'] as Record<string, unknown>;
    const containers = spec['containers'] as Record<string, unknown>[];
    assert.deepEqual(containers.map((c) => c['imagePullPolicy']), ['IfNotPresent', 'Always', 'Always', 'Never']);
    assert.deepEqual(containers[0], {
      name: 'a',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      imagePullPolicy: 'IfNotPresent',
      ...containerDefaults,
    });
    assert.deepEqual(containers[1]?.['resources'], { limits: { cpu: '100m' }, requests: { cpu: '100m' } });
    for (const [k, v] of Object.entries(podSpecDefaults)) assert.deepEqual(spec[k], v, k);
    assert.deepEqual(spec['volumes'], [
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ]);
    assert.deepEqual([spec['serviceAccountName'], spec['serviceAccount'], spec['priority'], spec['preemptionPolicy']], ['default', 'default', 0, 'PreemptLowerPriority']);
    assert.deepEqual(
      (spec['tolerations'] as Record<string, unknown>[]).map((t) => t['key']),
      ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
    );
    assert.deepEqual(obj['status'], { phase: 'Pending', qosClass: 'Burstable' });
    assert.equal(obj.metadata.generation, undefined, 'the store sets generation; the strategy only says it is tracked');
    assert.equal(pods.strategy.tracksGeneration, true);
  });

  it('Pod QoS: BestEffort without resources, Guaranteed when limits cover cpu and memory', () => {
    assert.deepEqual(create(pods, { spec: { containers: [{ name: 'a', image: 'a' }] } }).obj['status'], { phase: 'Pending', qosClass: 'BestEffort' });
    const g = create(pods, { spec: { containers: [{ name: 'a', image: 'a', resources: { limits: { cpu: '500m', memory: '64Mi' } } }] } });
    assert.equal((g.obj['status'] as Record<string, unknown>)['qosClass'], 'Guaranteed');
  });

  it('Service: ClusterIP, session affinity, port protocol and targetPort, IP families, an allocated cluster IP', () => {
    const { obj, errors } = create(services, { spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443, targetPort: 'https' }] } });
    assert.deepEqual(errors, []);
    const spec = obj['spec'] as Record<string, unknown>;
    assert.equal(spec['type'], 'ClusterIP');
    assert.equal(spec['sessionAffinity'], 'None');
    assert.equal(spec['internalTrafficPolicy'], 'Cluster');
    assert.equal(spec['externalTrafficPolicy'], undefined);
    assert.deepEqual(spec['ports'], [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
    assert.deepEqual([spec['ipFamilyPolicy'], spec['ipFamilies']], ['SingleStack', ['IPv4']]);
    assert.ok(inServiceCIDR(String(spec['clusterIP'])));
    assert.deepEqual(spec['clusterIPs'], [spec['clusterIP']]);
    assert.deepEqual(obj['status'], { loadBalancer: {} });
    assert.equal(services.strategy.tracksGeneration, false);
  });

  it('Service: NodePort and LoadBalancer get node ports and traffic policies; headless gets none', () => {
    const lb = create(services, { spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] } }).obj['spec'] as Record<string, unknown>;
    const port = (lb['ports'] as Record<string, unknown>[])[0]!;
    assert.ok(Number(port['nodePort']) >= 30000 && Number(port['nodePort']) <= 32767);
    assert.equal(lb['allocateLoadBalancerNodePorts'], true);
    assert.ok(Number(lb['healthCheckNodePort']) >= 30000);
    assert.notEqual(lb['healthCheckNodePort'], port['nodePort']);
    const np = create(services, { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([(np['ports'] as Record<string, unknown>[])[0]?.['nodePort'], np['externalTrafficPolicy']], [30080, 'Cluster']);
    const headless = create(services, { spec: { clusterIP: 'None', ports: [{ port: 80 }] } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([headless['clusterIPs'], headless['ipFamilyPolicy']], [['None'], 'RequireDualStack']);
    const ext = create(services, { spec: { type: 'ExternalName', externalName: 'db.example.com' } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([ext['clusterIP'], ext['ipFamilies'], ext['internalTrafficPolicy']], [undefined, undefined, undefined]);
  });

  it('Service: allocation avoids what the space already uses, deterministically', () => {
    const first = create(services, { spec: { ports: [{ port: 80 }] } }).obj['spec'] as Record<string, unknown>;
    const again = create(services, { spec: { ports: [{ port: 80 }] } }).obj['spec'] as Record<string, unknown>;
    assert.equal(first['clusterIP'], again['clusterIP']);
    const def = serviceDefinition({ clusterIPs: () => new Set([String(first['clusterIP'])]), nodePorts: () => new Set() });
    const other = create(def, { spec: { ports: [{ port: 80 }] } }).obj['spec'] as Record<string, unknown>;
    assert.notEqual(other['clusterIP'], first['clusterIP']);
  });

  it('Service update keeps the allocated cluster IP and node ports when the body omits them', () => {
    const { obj: old } = create(services, { spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } });
    const { obj, errors } = update(services, old, { spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } });
    assert.deepEqual(errors, []);
    const before = old['spec'] as Record<string, unknown>;
    const after = obj['spec'] as Record<string, unknown>;
    assert.deepEqual([after['clusterIP'], after['clusterIPs'], after['ports']], [before['clusterIP'], before['clusterIPs'], before['ports']]);
    const toClusterIP = update(services, old, { spec: { ...before, type: 'ClusterIP' } });
    assert.deepEqual(toClusterIP.errors, []);
    assert.equal(((toClusterIP.obj['spec'] as Record<string, unknown>)['ports'] as Record<string, unknown>[])[0]?.['nodePort'], undefined);
  });

  it('Service turned ExternalName sheds the internalTrafficPolicy it no longer needs, unless the write changes it', () => {
    const { obj: old } = create(services, { spec: { ports: [{ port: 80 }] } });
    const before = old['spec'] as Record<string, unknown>;
    assert.equal(before['internalTrafficPolicy'], 'Cluster');
    const ext = update(services, old, { spec: { ...before, type: 'ExternalName', externalName: 'db.example.com' } });
    assert.deepEqual(ext.errors, []);
    assert.equal((ext.obj['spec'] as Record<string, unknown>)['internalTrafficPolicy'], undefined);
    assert.equal((ext.obj['spec'] as Record<string, unknown>)['clusterIP'], undefined);
    const changed = update(services, old, { spec: { ...before, type: 'ExternalName', externalName: 'db.example.com', internalTrafficPolicy: 'Local' } });
    assert.equal((changed.obj['spec'] as Record<string, unknown>)['internalTrafficPolicy'], 'Local');
  });

  it('Job: counts, policies, generated selector and labels', () => {
    const { obj, errors } = create(jobs, { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } } }, 'pi');
    assert.deepEqual(errors, []);
    const spec = obj['spec'] as Record<string, unknown>;
    const generated = { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' };
    assert.deepEqual(
      [spec['completions'], spec['parallelism'], spec['backoffLimit'], spec['completionMode'], spec['suspend'], spec['manualSelector'], spec['podReplacementPolicy']],
      [1, 1, 6, 'NonIndexed', false, false, 'TerminatingOrFailed'],
    );
    assert.deepEqual(spec['selector'], { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    assert.deepEqual((spec['template'] as { metadata: { labels: unknown } }).metadata.labels, generated);
    assert.deepEqual(obj.metadata.labels, generated);
    const queue = create(jobs, { spec: { parallelism: 3, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'w', image: 'w' }] } } } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([queue['completions'], queue['parallelism']], [undefined, 3]);
    const manual = create(jobs, {
      spec: { manualSelector: true, selector: { matchLabels: { app: 'q' } }, template: { metadata: { labels: { app: 'q' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'w' }] } } },
    });
    assert.deepEqual(manual.errors, []);
    assert.deepEqual((manual.obj['spec'] as Record<string, unknown>)['selector'], { matchLabels: { app: 'q' } });
  });

  it('CronJob: concurrency, suspend, history limits, and pod defaults in the job template only', () => {
    const { obj, errors } = create(cronjobs, {
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } } },
    });
    assert.deepEqual(errors, []);
    const spec = obj['spec'] as Record<string, unknown>;
    assert.deepEqual(
      [spec['concurrencyPolicy'], spec['suspend'], spec['successfulJobsHistoryLimit'], spec['failedJobsHistoryLimit']],
      ['Allow', false, 3, 1],
    );
    const jobSpec = (spec['jobTemplate'] as { spec: Record<string, unknown> }).spec;
    assert.deepEqual(Object.keys(jobSpec), ['template'], 'no Job defaults inside the template');
    assert.equal((jobSpec['template'] as { spec: Record<string, unknown> }).spec['dnsPolicy'], 'ClusterFirst');
  });

  it('StatefulSet and DaemonSet update strategies; StatefulSet claim templates', () => {
    const sts = create(statefulsets, {
      spec: { selector: { matchLabels: { app: 'web' } }, template, volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }] },
    });
    assert.deepEqual(sts.errors, []);
    const s = sts.obj['spec'] as Record<string, unknown>;
    assert.deepEqual(
      [s['replicas'], s['podManagementPolicy'], s['updateStrategy'], s['revisionHistoryLimit'], s['persistentVolumeClaimRetentionPolicy']],
      [1, 'OrderedReady', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, 10, { whenDeleted: 'Retain', whenScaled: 'Retain' }],
    );
    assert.equal(s['serviceName'], undefined);
    assert.deepEqual(s['volumeClaimTemplates'], [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    ]);
    assert.deepEqual(sts.obj['status'], { availableReplicas: 0, replicas: 0 });
    const ds = create(daemonsets, { spec: { selector: { matchLabels: { app: 'web' } }, template } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([ds['updateStrategy'], ds['revisionHistoryLimit']], [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, 10]);
  });

  it('ReplicationController takes its selector and labels from the template', () => {
    const { obj, errors } = create(replicationcontrollers, { spec: { template } });
    assert.deepEqual(errors, []);
    assert.deepEqual([(obj['spec'] as Record<string, unknown>)['selector'], obj.metadata.labels, (obj['spec'] as Record<string, unknown>)['replicas']], [{ app: 'web' }, { app: 'web' }, 1]);
  });

  it('Namespace: Active, the kubernetes finalizer, the name label; finalizers survive a plain update', () => {
    const { obj } = create(namespaces, { spec: { finalizers: ['example.com/x'] } }, 'team-a');
    assert.deepEqual([obj['status'], obj['spec'], obj.metadata.labels], [{ phase: 'Active' }, { finalizers: ['example.com/x', 'kubernetes'] }, { 'kubernetes.io/metadata.name': 'team-a' }]);
    const next = update(namespaces, obj, { metadata: { labels: { a: 'b' } } });
    assert.deepEqual([next.obj['spec'], next.obj.metadata.labels], [obj['spec'], { a: 'b', 'kubernetes.io/metadata.name': 'team-a' }]);
    assert.equal(namespaces.strategy.heldForDeletion?.(obj), true);
    const marked = structuredClone(obj);
    namespaces.strategy.markDeleting?.(marked);
    assert.equal((marked['status'] as Record<string, unknown>)['phase'], 'Terminating');
  });

  it('Secret: Opaque by default, stringData folded into data', () => {
    const { obj, errors } = create(secrets, { data: { a: 'YQ==' }, stringData: { b: 'héllo', a: 'z' } });
    assert.deepEqual(errors, []);
    assert.deepEqual([obj['type'], obj['data'], obj['stringData']], ['Opaque', { a: Buffer.from('z').toString('base64'), b: Buffer.from('héllo').toString('base64') }, undefined]);
  });

  it('HPA v2: minReplicas, the 80% CPU metric, behavior filled in; v1 bodies keep their shape', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
    const v2 = create(horizontalpodautoscalers, { apiVersion: 'autoscaling/v2', spec: { scaleTargetRef: ref, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    assert.deepEqual(v2.errors, []);
    const spec = v2.obj['spec'] as Record<string, unknown>;
    assert.equal(spec['minReplicas'], 1);
    assert.deepEqual(spec['metrics'], [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    assert.deepEqual(spec['behavior'], {
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
    // A v1 body is defaulted in its v2 form: its CPU target becomes the metric.
    const v1Body = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: {}, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } };
    const v1 = create(horizontalpodautoscalers, hpaConversion.toStored(v1Body, 'v1'));
    assert.deepEqual(v1.obj['spec'], {
      scaleTargetRef: ref, maxReplicas: 5, minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
  });

  it('NetworkPolicy policyTypes, binding apiGroups, CRD names and stored versions', () => {
    const np = create(networkpolicies, { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } }).obj['spec'] as Record<string, unknown>;
    assert.deepEqual([np['policyTypes'], (np['egress'] as { ports: unknown[] }[])[0]?.ports], [['Ingress', 'Egress'], [{ port: 53, protocol: 'TCP' }]]);
    const crb = create(clusterrolebindings, { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] });
    assert.deepEqual(crb.errors, []);
    assert.deepEqual([crb.obj['roleRef'], crb.obj['subjects']], [
      { kind: 'ClusterRole', name: 'view', apiGroup: 'rbac.authorization.k8s.io' },
      [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
    ]);
    const crd = create(
      customresourcedefinitions,
      { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } },
      'widgets.example.com',
    );
    assert.deepEqual(crd.errors, []);
    const names = (crd.obj['spec'] as Record<string, unknown>)['names'];
    assert.deepEqual([names, (crd.obj['spec'] as Record<string, unknown>)['conversion'], crd.obj['status']], [
      { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
      { strategy: 'None' },
      { acceptedNames: { kind: '', plural: '' }, storedVersions: ['v1'] },
    ]);
  });
});
