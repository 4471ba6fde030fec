/**
 * spec/kubestellar.md §8.3 item 7 with the real kubectl against `kubestellar serve --demo`: a
 * CustomTransform removes a label from what reaches the WECs, without the WDS Deployment being
 * touched; a filter path removes one container; a path that does not parse is a status error on
 * the transform and on the policy, and nothing propagated goes away.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 150);
const LABEL = 'test.kubestellar.io/test-label';
const WECS = ['cluster1', 'cluster2'];

describe('CustomTransform with kubectl (spec §8.3 item 7)', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let server: ServerProcess;

  const k = (space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> =>
    kubectl(binary, server.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const r = await k(space, args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };
  const apply = (space: string, obj: unknown): Promise<string> => ok(space, ['apply', '-f', '-'], JSON.stringify(obj));
  const wecDeployment = async (cluster: string): Promise<any> => {
    const r = await k(cluster, ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'json']);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
  };
  const everywhere = async (what: string, test: (d: any) => boolean): Promise<void> => {
    for (const c of WECS) await eventually(`${what} in ${c}`, async () => test((await wecDeployment(c)) ?? { metadata: {} }) || undefined);
  };
  const transform = (remove: string[]): unknown => ({
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'CustomTransform',
    metadata: { name: 'test' },
    spec: { apiGroup: 'apps', resource: 'deployments', remove },
  });
  const containers = (d: any): string => (d.spec?.template?.spec?.containers ?? []).map((c: { name: string }) => c.name).join();

  before(async () => {
    server = await startServer({ demo: true });
    await apply('wds1', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx' } } });
    await apply('wds1', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', namespace: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx', [LABEL]: 'here' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'envoyproxy/envoy:v1.31' }] },
        },
      },
    });
    await apply('wds1', {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'nginx' },
      spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }] },
    });
    await everywhere('the labelled Deployment', (d) => d.metadata.labels?.[LABEL] === 'here');
  });

  after(async () => server?.dispose());

  it('removes the label, then a container by filter, without touching the WDS Deployment', async () => {
    const rv = (await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();
    await apply('wds1', transform([`$.metadata.labels["${LABEL}"]`]));
    await everywhere('the label removed', (d) => d.metadata.labels !== undefined && d.metadata.labels[LABEL] === undefined && d.metadata.labels['app.kubernetes.io/name'] === 'nginx');
    await apply('wds1', transform([`$.metadata.labels["${LABEL}"]`, '$.spec.template.spec.containers[?(@.name=="sidecar")]']));
    await everywhere('the sidecar removed', (d) => containers(d) === 'nginx');
    assert.equal((await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim(), rv);
    const status = JSON.parse(await ok('wds1', ['get', 'customtransform', 'test', '-o', 'jsonpath={.status}'])) as { observedGeneration: number; errors?: string[] };
    assert.equal(status.errors, undefined);
  });

  it('reports a path that does not parse on the transform and on the policy, and keeps what was propagated', async () => {
    await apply('wds1', transform([`$.metadata.labels["${LABEL}"]`, '$..image']));
    const errors = await eventually('the error in the CustomTransform status', async () => {
      const s = JSON.parse((await ok('wds1', ['get', 'customtransform', 'test', '-o', 'jsonpath={.status}'])) || '{}') as { errors?: string[] };
      return s.errors;
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /spec\.remove\[1\]/);
    await eventually('the error in the policy status', async () => {
      const out = await ok('wds1', ['get', 'bindingpolicy', 'nginx', '-o', 'jsonpath={.status.errors}']);
      return out.includes('CustomTransform test:') || undefined;
    });
    // The valid path still applies, and the sidecar (no longer removed) comes back: nothing is deleted.
    await everywhere('the label still removed, the sidecar back', (d) => d.metadata.labels?.[LABEL] === undefined && containers(d) === 'nginx,sidecar');
    await ok('wds1', ['delete', 'customtransform', 'test']);
    await everywhere('the label back', (d) => d.metadata.labels?.[LABEL] === 'here');
    await eventually('the policy status clean', async () => (await ok('wds1', ['get', 'bindingpolicy', 'nginx', '-o', 'jsonpath={.status.errors}'])).trim() === '' || undefined);
  });
});
