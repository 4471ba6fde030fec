/**
 * CombinedStatus end to end (spec §8.3 items 29-33) with the real kubectl against
 * `kubestellar serve --demo`: wds1 transports through its1 to cluster1 and cluster2, whose
 * in-process agents and workload simulator return the Deployment's status. Each item creates
 * its StatusCollectors and the policy `nginx-combinedstatus` with kubectl and reads the
 * CombinedStatus `nginx/<deployment uid>.<policy uid>` with `kubectl get combinedstatus -o json`.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

/** kubectl probes are processes: poll them gently, and allow for a loaded CI machine. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 200);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const BP = 'nginx-combinedstatus';
type Value = { type: string; string?: string; float?: string; object?: unknown };
type Result = { name: string; columnNames: string[]; rows?: { columns: Value[] }[] };

describe('CombinedStatus with kubectl (spec §8.3 items 29-33)', function () {
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
  const apply = (yaml: string): Promise<string> => ok('wds1', ['apply', '-f', '-'], yaml);
  const uid = async (args: readonly string[]): Promise<string> => ok('wds1', [...args, '-o', 'jsonpath={.metadata.uid}']);
  const policy = (collectors: readonly string[]): Promise<string> =>
    apply(`apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata: {name: ${BP}}
spec:
  clusterSelectors:
  - matchLabels: {location-group: edge}
  downsync:
  - objectSelectors:
    - matchLabels: {app.kubernetes.io/name: nginx}
    statusCollectors: ${JSON.stringify(collectors)}
`);
  const collector = (name: string, spec: string): Promise<string> =>
    apply(`apiVersion: control.kubestellar.io/v1alpha1
kind: StatusCollector
metadata: {name: ${name}}
spec:
${spec}`);
  /** Upstream's WaitForCombinedStatus, through `kubectl get combinedstatus -o json`. */
  const waitForCombinedStatus = async (what: string, check: (results: Result[]) => boolean): Promise<Result[]> => {
    const name = `${await uid(['-n', 'nginx', 'get', 'deployment', 'nginx'])}.${await uid(['get', 'bindingpolicy', BP])}`;
    return eventually(what, async () => {
      const r = await k('wds1', ['-n', 'nginx', 'get', 'combinedstatus', name, '-o', 'json']);
      if (r.code !== 0) return undefined;
      const results = ((JSON.parse(r.stdout) as { results?: Result[] }).results ?? []) as Result[];
      return check(results) ? results : undefined;
    });
  };
  const rows = (r: Result | undefined): { columns: Value[] }[] => r?.rows ?? [];
  const wecNames = (r: Result | undefined): string => rows(r).map((row) => row.columns[0]?.string).sort().join();

  before(async () => {
    server = await startServer({ demo: true });
    await apply('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nginx\n  labels: {app.kubernetes.io/name: nginx}\n');
    await apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: nginx
  labels: {app.kubernetes.io/name: nginx, test.kubestellar.io/test-label: here}
spec:
  replicas: 1
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: "public.ecr.aws/nginx/nginx:latest"}]}
`);
  });
  after(async () => server?.dispose());

  // Upstream's BeforeEach: no policies, no collectors.
  beforeEach(async () => {
    await ok('wds1', ['delete', 'bindingpolicies,statuscollectors', '--all']);
    await eventually('no CombinedStatus left', async () => (await ok('wds1', ['get', 'combinedstatuses', '-A', '-o', 'name'])).trim() === '');
  });

  it('29: can list the full status from each WEC', async () => {
    await collector('full-status', '  select:\n  - {name: wecName, def: inventory.name}\n  - {name: status, def: returned.status}\n  limit: 20\n');
    await policy(['full-status']);
    const results = await waitForCombinedStatus('a row per WEC with an object status', (rs) => rs.length === 1 && rows(rs[0]).length === 2 && rows(rs[0]).every((r) => r.columns[1]?.object != null));
    assert.equal(results[0]!.name, 'full-status');
    assert.deepEqual(results[0]!.columnNames, ['wecName', 'status']);
    assert.ok(rows(results[0]).every((r) => r.columns[0]?.type === 'String'));
    assert.equal(wecNames(results[0]), 'cluster1,cluster2');
    // The printer columns come from the five labels.
    const table = await ok('wds1', ['-n', 'nginx', 'get', 'cs']);
    assert.match(table, /SUBJECT_GROUP\s+SUBJECT_RSC\s+SUBJECT_NS\s+SUBJECT_NAME\s+BINDINGPOLICY/);
    assert.match(table, new RegExp(`apps\\s+deployments\\s+nginx\\s+nginx\\s+${BP}`));
  });

  it('30: can sum status.availableReplicas across WECs (collector 5 s after the policy)', async () => {
    await policy(['sum-available-replicas']);
    await sleep(5000);
    await collector('sum-available-replicas', '  combinedFields:\n  - {name: sum, type: SUM, subject: returned.status.availableReplicas}\n  limit: 10\n');
    const results = await waitForCombinedStatus('sum 2', (rs) => rs.length === 1 && rows(rs[0]).length === 1 && rows(rs[0])[0]!.columns[0]?.float === '2');
    assert.equal(results[0]!.name, 'sum-available-replicas');
    assert.deepEqual(results[0]!.columnNames, ['sum']);
    assert.deepEqual(rows(results[0])[0]!.columns, [{ type: 'Number', float: '2' }]);
  });

  it('31: can list the WECs where availableReplicas equals the desired replicas', async () => {
    await collector('nginx-wecs', '  filter: obj.spec.replicas == returned.status.availableReplicas\n  select:\n  - {name: wecName, def: inventory.name}\n  limit: 10\n');
    await policy(['nginx-wecs']);
    const results = await waitForCombinedStatus('both WECs', (rs) => rs.length === 1 && wecNames(rs[0]) === 'cluster1,cluster2');
    assert.equal(results[0]!.name, 'nginx-wecs');
    assert.deepEqual(results[0]!.columnNames, ['wecName']);
  });

  it('32: can support multiple StatusCollectors (one created after the policy)', async () => {
    await collector('select-available-replicas', '  select:\n  - {name: wecName, def: inventory.name}\n  - {name: availableReplicas, def: returned.status.availableReplicas}\n  limit: 20\n');
    await policy(['select-available-replicas', 'replicas']);
    await sleep(5000);
    await collector('replicas', '  select:\n  - {name: wecName, def: inventory.name}\n  - {name: replicas, def: returned.status.replicas}\n  limit: 20\n');
    const results = await waitForCombinedStatus('two results of 2 columns and 2 rows', (rs) => rs.length === 2 && rs.every((r) => r.columnNames.length === 2 && rows(r).length === 2));
    assert.deepEqual(
      results.map((r) => r.name),
      ['replicas', 'select-available-replicas'],
    );
  });

  it('33: can aggregate over zero WECs', async () => {
    await policy(['test-empty-group']);
    await sleep(5000);
    await collector(
      'test-empty-group',
      `  filter: "false"
  combinedFields:
  - {name: count, type: COUNT}
  - {name: max, type: MAX, subject: "2"}
  - {name: min, type: MIN, subject: "2"}
  - {name: sum, type: SUM, subject: "2"}
  - {name: avg, type: AVG, subject: "2"}
  limit: 20
`,
    );
    const results = await waitForCombinedStatus('one row', (rs) => rs.length === 1 && rows(rs[0]).length === 1);
    assert.deepEqual(results[0]!.columnNames, ['count', 'max', 'min', 'sum', 'avg']);
    assert.deepEqual(
      rows(results[0])[0]!.columns,
      ['0', '-Inf', '+Inf', '0', 'NaN'].map((float) => ({ type: 'Number', float })),
    );
  });
});
