/**
 * Template expansion end to end (spec §8.2 item 6, test/e2e/bash/use-kubestellar.sh): real
 * kubectl against `kubestellar serve --demo`, properties set the way a user sets them (a label on
 * the ManagedCluster, a ConfigMap in `customization-properties` of the ITS), and each WEC looked
 * at through its own kubeconfig. Then what docs/customization.md promises on errors: reported in
 * the BindingPolicy's status, the failing WEC keeps its copy, the fix clears them.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 150);

const WORKLOAD = `
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: nginx-bindingpolicy
spec:
  clusterSelectors:
  - matchLabels:
      location-group: edge
  downsync:
  - objectSelectors:
    - matchLabels:
        app.kubernetes.io/name: nginx
---
apiVersion: v1
kind: Namespace
metadata:
  name: nginx
  labels:
    app.kubernetes.io/name: nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  namespace: nginx
  labels:
    app.kubernetes.io/name: nginx
  annotations:
    control.kubestellar.io/expand-templates: "true"
    customization-test: "cluster {{ .clusterName }} URL is {{ .clusterURL }}, region is {{ .region }}"
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: public.ecr.aws/nginx/nginx:latest
`;

describe('customization: template expansion with kubectl (spec §8.2 item 6)', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let server: ServerProcess;

  const k = (space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> => kubectl(binary, server.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const r = await k(space, args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };
  const note = async (cluster: string): Promise<string | undefined> => {
    const r = await k(cluster, ['-n', 'nginx', 'get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.metadata.annotations.customization-test}']);
    return r.code === 0 ? r.stdout : undefined;
  };
  const policyErrors = async (): Promise<string> => ok('wds1', ['get', 'bindingpolicy', 'nginx-bindingpolicy', '-o', 'jsonpath={range .status.errors[*]}{@}{"\\n"}{end}']);

  before(async () => {
    server = await startServer({ demo: true });
    for (const c of ['cluster1', 'cluster2']) await eventually(`${c} joined its1`, async () => (await k('its1', ['get', 'managedcluster', c])).code === 0);
  });
  after(async () => server?.dispose());

  it('each WEC gets the annotation expanded with its own properties', async () => {
    await ok('its1', ['-n', 'customization-properties', 'create', 'configmap', 'cluster1', '--from-literal=clusterURL=https://my.clusters/1001-abcd']);
    await ok('its1', ['-n', 'customization-properties', 'create', 'configmap', 'cluster2', '--from-literal=clusterURL=https://my.clusters/2002-cdef']);
    await ok('its1', ['label', 'managedcluster', 'cluster1', 'region=east']);
    await ok('its1', ['label', 'managedcluster', 'cluster2', 'region=west']);
    await ok('wds1', ['apply', '-f', '-'], WORKLOAD);
    await eventually('cluster1 expanded', async () => (await note('cluster1')) === 'cluster cluster1 URL is https://my.clusters/1001-abcd, region is east');
    await eventually('cluster2 expanded', async () => (await note('cluster2')) === 'cluster cluster2 URL is https://my.clusters/2002-cdef, region is west');
    assert.equal(
      await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.metadata.annotations.customization-test}']),
      'cluster {{ .clusterName }} URL is {{ .clusterURL }}, region is {{ .region }}',
      'the WDS keeps the template',
    );
    // The label stays: the work agent merges only its own labels into its ManagedCluster.
    assert.equal(await ok('its1', ['get', 'managedcluster', 'cluster1', '-o', 'jsonpath={.metadata.labels.region}']), 'east');
  });

  it('a property change reaches the WEC without the WDS object being written', async () => {
    const rv = await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.metadata.resourceVersion}']);
    await ok('its1', ['-n', 'customization-properties', 'patch', 'configmap', 'cluster2', '--type=merge', '-p', '{"data":{"clusterURL":"https://my.clusters/2002-new"}}']);
    await eventually('cluster2 follows', async () => (await note('cluster2')) === 'cluster cluster2 URL is https://my.clusters/2002-new, region is west');
    assert.equal(await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.metadata.resourceVersion}']), rv);
  });

  it('a missing property is reported and the WEC keeps its copy; restoring it clears the error', async () => {
    await ok('its1', ['label', 'managedcluster', 'cluster2', 'region-']);
    const errors = await eventually('the error in the policy status', async () => {
      const e = await policyErrors();
      return e !== '' ? e : undefined;
    });
    assert.equal(
      errors.trim(),
      'apps/v1/deployments(nginx/nginx-deployment) for cluster2: template: metadata.annotations.customization-test:1:66: executing "metadata.annotations.customization-test" at <.region>: map has no entry for key "region"',
    );
    assert.match(await ok('wds1', ['get', 'bindings.control.kubestellar.io', 'nginx-bindingpolicy', '-o', 'jsonpath={.status.errors}']), /map has no entry for key \\"region\\"/);
    assert.equal(await note('cluster2'), 'cluster cluster2 URL is https://my.clusters/2002-new, region is west', 'cluster2 keeps its last good copy');

    await ok('its1', ['label', 'managedcluster', 'cluster2', 'region=south']);
    await eventually('cluster2 updated again', async () => (await note('cluster2')) === 'cluster cluster2 URL is https://my.clusters/2002-new, region is south');
    await eventually('the error cleared', async () => (await policyErrors()) === '');
  });
});
