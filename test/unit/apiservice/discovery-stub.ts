/**
 * A discovery-only Kubernetes API for `kubectl apply --dry-run=client`: kubectl still needs
 * discovery to map kinds to resources (there is no offline mode), and GETs each object to choose
 * between create and patch. This stub serves /version, /api, /apis and the resource lists of the
 * kinds in apiservice/ and apiservice/etcd/, answers 404 for every object, and records what
 * kubectl asked for. Plain HTTP on loopback; the kubeconfig it writes carries a dummy token.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StubResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** group/version ('v1' for core) → resources. */
const RESOURCES: Readonly<Record<string, readonly StubResource[]>> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'networking.k8s.io/v1': [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }],
  'rbac.authorization.k8s.io/v1': [
    { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
    { name: 'roles', kind: 'Role', namespaced: true },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  ],
  'apiregistration.k8s.io/v1': [{ name: 'apiservices', kind: 'APIService', namespaced: false }],
};

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export interface DiscoveryStub {
  readonly url: string;
  /** `METHOD path` of every request, in order. */
  readonly requests: readonly string[];
  writeKubeconfig(path: string): Promise<void>;
  close(): Promise<void>;
}

function resourceList(groupVersion: string): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: RESOURCES[groupVersion]!.map((r) => ({
      name: r.name,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
    })),
  };
}

function route(path: string, port: number): { status: number; body: object } {
  if (path === '/version') {
    return {
      status: 200,
      body: {
        major: '1',
        minor: '33',
        gitVersion: 'v1.33.0',
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2025-01-01T00:00:00Z',
        goVersion: 'go1.24',
        compiler: 'gc',
        platform: 'linux/amd64',
      },
    };
  }
  if (path === '/api') {
    return {
      status: 200,
      body: {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }],
      },
    };
  }
  if (path === '/apis') {
    const groups = Object.keys(RESOURCES)
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      });
    return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups } };
  }
  if (path === '/api/v1') return { status: 200, body: resourceList('v1') };
  const gv = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
  if (gv !== undefined && RESOURCES[gv] !== undefined) return { status: 200, body: resourceList(gv) };
  return {
    status: 404,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${path} not found`, reason: 'NotFound', code: 404 },
  };
}

export async function startDiscoveryStub(): Promise<DiscoveryStub> {
  const requests: string[] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    requests.push(`${req.method ?? 'GET'} ${path}`);
    req.resume();
    req.on('end', () => {
      // Only reads are expected: client dry-run must never write.
      const { status, body } =
        req.method === 'GET'
          ? route(path, port)
          : { status: 405, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'MethodNotAllowed', code: 405 } };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    async writeKubeconfig(path: string) {
      await writeFile(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '  - name: stub',
          `    cluster: {server: "${url}"}`,
          'users:',
          '  - name: stub',
          '    user: {token: not-a-real-token}',
          'contexts:',
          '  - name: stub',
          '    context: {cluster: stub, user: stub}',
          'current-context: stub',
          '',
        ].join('\n'),
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
