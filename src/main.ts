/**
 * The composition root of `kubestellar serve`: the only place that builds concrete things
 * (backend, PKI, spaces, HTTPS server) and wires them together.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { openBackend, startCompactor, type Backend } from '../storage/index.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig/build-kubeconfig.js';
import { ServerMetrics } from './metrics/metrics.js';
import { ensurePki, type Pki } from './pki/ensure-pki.js';
import { spaceServerName } from './spaces/space-host.js';
import { createApp, type RequestHandler } from './server/app.js';
import { MAX_BODY_BYTES } from './server/body.js';
import { startFront } from './server/front/front.js';
import type { Request, Response } from './server/http.js';
import { clientCertificateAuthenticator, requestHeaderAuthenticator, serviceAccountTokenAuthenticator, unionAuthenticator } from './server/filters/authn.js';
import { DEFAULT_REQUEST_HEADER_CONFIG, type RequestHeaderConfig } from './auth/request-header.js';
import { ServiceAccountTokens } from './auth/tokens/service-account-tokens.js';
import { KubeConfig } from '@kubernetes/client-node';
import { runAgent, type RunningAgent } from './agent/agent.js';
import { SpaceManager } from './spaces/manager.js';
import { LeaderElector } from './leader/elector.js';
import type { ServedSpace } from './spaces/served-space.js';

export interface ServeOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly kubeconfigDir?: string;
  readonly storage?: string;
  readonly demo: boolean;
  /** Revisions of history kept for watches and paged lists (default 100,000). */
  readonly retainRevisions?: number;
  /** How long history is kept (default five minutes, kube-apiserver's etcd compaction interval). */
  readonly retainHistoryMs?: number;
  /** How often idle watches that allow bookmarks get one (default 60 s). */
  readonly bookmarkIntervalMs?: number;
  /** More names for the serving certificate (a Service's DNS names, behind an aggregator). */
  readonly tlsSans?: readonly string[];
  /** Aggregated mode: the front proxy's client CA (PEM), and the CNs it may use (empty: any). */
  readonly requestHeader?: { readonly clientCaPem: string; readonly allowedNames: readonly string[]; readonly config?: RequestHeaderConfig };
  /**
   * Replicas sharing one store elect the one that runs the once-per-installation controllers.
   * Default: on for etcd (the shared store), off (always the leader) for the embedded ones.
   */
  readonly leaderElection?: Partial<LeaderElectionTiming> & { readonly enabled?: boolean };
  /**
   * Where TLS and HTTP run: 'thread' (default), node's HTTPS server in a worker thread of its own
   * (src/server/front/), so it uses another core than the API; 'inline', on the main thread.
   */
  readonly httpFront?: 'thread' | 'inline';
}

export interface LeaderElectionTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** client-go's defaults (kube-controller-manager's --leader-elect-* flags). */
export const DEFAULT_LEADER_ELECTION: LeaderElectionTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** Unset timings scale with the lease duration, as client-go's defaults do (15 s : 10 s : 2 s). */
export function electionTiming(given: Partial<LeaderElectionTiming>): LeaderElectionTiming {
  const d = DEFAULT_LEADER_ELECTION;
  const leaseDurationMs = given.leaseDurationMs ?? d.leaseDurationMs;
  const scale = leaseDurationMs / d.leaseDurationMs;
  return {
    leaseDurationMs,
    renewDeadlineMs: given.renewDeadlineMs ?? Math.round(d.renewDeadlineMs * scale),
    retryPeriodMs: given.retryPeriodMs ?? Math.max(50, Math.round(d.retryPeriodMs * scale)),
  };
}

/** The store key of the controllers' lease: outside every space's subtree. */
const LEADER_LEASE_KEY = '/leases/kubestellar-controllers';

export interface RunningServer {
  readonly url: string;
  readonly kubeconfigDir: string;
  /** The store and the spaces, for in-process tests and tools. */
  readonly backend: Backend;
  readonly spaces: SpaceManager;
  stop(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  const kubeconfigDir = resolve(options.kubeconfigDir ?? join(dataDir, 'kubeconfigs'));
  await mkdir(dataDir, { recursive: true });
  await mkdir(kubeconfigDir, { recursive: true });
  const storageUrl = options.storage ?? `leveldb://${join(dataDir, 'db')}`;
  const backend: Backend = await openBackend(storageUrl);
  const elect = options.leaderElection?.enabled ?? storageUrl.startsWith('etcd://');
  let compactor: { stop(): void } | undefined;
  const startCompacting = (): void => {
    compactor ??= startCompactor(backend, {
      retainRevisions: options.retainRevisions ?? 100_000,
      retainMs: options.retainHistoryMs ?? 5 * 60_000,
      intervalMs: 60_000,
      onError: (err) => console.error('compaction failed', err),
    });
  };
  const stopCompacting = (): void => {
    compactor?.stop();
    compactor = undefined;
  };
  // Keys and certificates go to DIR/pki.
  const pki: Pki = await ensurePki(dataDir, { hosts: [options.bindAddress, 'localhost', '127.0.0.1', ...(options.tlsSans ?? [])] });

  const tokens = await ServiceAccountTokens.ensure(join(dataDir, 'pki'));
  let baseUrl = '';
  const pendingKubeconfigs: ServedSpace[] = [];
  const writeSpaceKubeconfig = async (space: ServedSpace): Promise<void> => {
    const name = space.name ?? 'admin';
    const content = buildKubeconfig({
      server: space.name === undefined ? baseUrl : `${baseUrl}/clusters/${space.name}`,
      ...(space.name !== undefined && { tlsServerName: spaceServerName(space.name) }),
      clusterName: name,
      userName: 'kubestellar-admin',
      contextName: name,
      caCert: pki.caCert,
      clientCert: pki.adminClientCert,
      clientKey: pki.adminClientKey,
    });
    await writeKubeconfig(join(kubeconfigDir, `${name}.kubeconfig`), content);
  };
  const metrics = new ServerMetrics();
  // In-process work agents of WEC spaces: they speak HTTP to this server, so they start once it listens.
  /** In-process agents by WEC space: a running (or starting) agent, and how to cancel its start. */
  const agents = new Map<string, { running: Promise<RunningAgent | undefined>; cancel: AbortController }>();
  const kubeConfigOf = (space: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromString(
      buildKubeconfig({
        server: `${baseUrl}/clusters/${space}`,
        clusterName: space,
        userName: 'kubestellar-admin',
        contextName: space,
        caCert: pki.caCert,
        clientCert: pki.adminClientCert,
        clientKey: pki.adminClientKey,
      }),
    );
    return kc;
  };
  const startAgent = (space: ServedSpace): void => {
    const wec = space.wec;
    if (!spaces.leading || wec === undefined || wec.agent !== 'InProcess' || agents.has(space.name!)) return;
    const name = space.name!;
    const cancel = new AbortController();
    const running = runAgent({ hubKubeConfig: kubeConfigOf(wec.its), wecKubeConfig: kubeConfigOf(name), clusterName: name, labels: wec.labels, signal: cancel.signal }).catch(
      (err: unknown) => {
        if (!cancel.signal.aborted) console.error(`starting the work agent of ${name} failed`, err);
        if (agents.get(name)?.cancel === cancel) agents.delete(name);
        return undefined;
      },
    );
    agents.set(name, { running, cancel });
  };
  const stopAgent = (name: string): Promise<void> => {
    const a = agents.get(name);
    agents.delete(name);
    if (a === undefined) return Promise.resolve();
    a.cancel.abort();
    return a.running.then((r) => r?.stop());
  };
  const spaces = new SpaceManager(backend, {
    caCert: pki.caCert,
    tokens,
    engine: { metrics },
    onServe: (space) => {
      if (baseUrl === '') pendingKubeconfigs.push(space);
      else {
        void writeSpaceKubeconfig(space).catch((err: unknown) => console.error('writing kubeconfig failed', err));
        startAgent(space);
      }
    },
    onUnserve: (name) => void stopAgent(name),
    leading: !elect,
  });
  await spaces.start();
  if (!elect) startCompacting();

  const app = createApp({
    spaces,
    metrics,
    authenticate: unionAuthenticator(
      ...(options.requestHeader !== undefined
        ? [
            requestHeaderAuthenticator(options.requestHeader.clientCaPem, {
              ...(options.requestHeader.config ?? DEFAULT_REQUEST_HEADER_CONFIG),
              ...(options.requestHeader.allowedNames.length > 0 && { allowedNames: options.requestHeader.allowedNames }),
            }),
          ]
        : []),
      clientCertificateAuthenticator(pki.caCert),
      serviceAccountTokenAuthenticator(tokens),
    ),
    handlerOptions: { tokens, ...(options.bookmarkIntervalMs !== undefined && { bookmarkIntervalMs: options.bookmarkIntervalMs }) },
  });
  const listener = await listen(options, pki, app);
  const address = listener.address;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `https://${host}:${address.port}`;
  // The `kubernetes` Service's endpoints: the address clients reach, when it is one (not 0.0.0.0 or ::).
  const advertised = isIP(address.address) !== 0 && address.address !== '0.0.0.0' && address.address !== '::' ? address.address : '127.0.0.1';
  spaces.setApiserverAddress({ ip: advertised, port: address.port });
  await writeSpaceKubeconfig(spaces.root);
  for (const s of pendingKubeconfigs.splice(0)) await writeSpaceKubeconfig(s);
  if (options.demo) {
    await spaces.ensure('its1', 'its');
    await spaces.ensure('wds1', 'wds', 'its1');
    // ARCHITECTURE §9: two simulated WECs registered in its1.
    await spaces.ensure('cluster1', 'cluster', 'its1', { 'location-group': 'edge', name: 'cluster1' });
    await spaces.ensure('cluster2', 'cluster', 'its1', { 'location-group': 'edge', name: 'cluster2' });
  }
  // Every kubeconfig is on disk before the caller announces readiness.
  for (const name of spaces.names()) await writeSpaceKubeconfig(spaces.get(name)!);
  for (const name of spaces.names()) startAgent(spaces.get(name)!);
  const elector = elect
    ? new LeaderElector({
        backend,
        key: LEADER_LEASE_KEY,
        ...electionTiming(options.leaderElection ?? {}),
        onStartedLeading: () => {
          console.error(`leader election: ${elector!.identity} now runs the controllers`);
          spaces.setLeading(true);
          startCompacting();
          for (const name of spaces.names()) startAgent(spaces.get(name)!);
        },
        onStoppedLeading: () => {
          console.error(`leader election: ${elector!.identity} stopped running the controllers`);
          spaces.setLeading(false);
          stopCompacting();
          for (const name of [...agents.keys()]) void stopAgent(name);
        },
        log: (msg, err) => console.error(msg, err ?? ''),
      })
    : undefined;
  await elector?.start();

  return {
    url: baseUrl,
    kubeconfigDir,
    backend,
    spaces,
    async stop() {
      await elector?.stop();
      await Promise.all([...agents.keys()].map(stopAgent));
      stopCompacting();
      spaces.stop();
      await listener.close();
      await backend.close();
    },
  };
}

interface Listener {
  readonly address: Pick<AddressInfo, 'address' | 'family' | 'port'>;
  close(): Promise<void>;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The HTTPS server, in the front thread or on this one; client certificates asked for, not required. */
async function listen(options: ServeOptions, pki: Pki, app: RequestHandler): Promise<Listener> {
  const ca = [pki.caCert, ...(options.requestHeader !== undefined ? [options.requestHeader.clientCaPem] : [])];
  if ((options.httpFront ?? 'thread') === 'thread') {
    const front = await startFront(
      { key: pki.servingKey, cert: pki.servingCert, ca, port: options.port, host: options.bindAddress, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS, maxBodyBytes: MAX_BODY_BYTES },
      // The facades are the parts of IncomingMessage and ServerResponse the handlers use.
      (req, res) => app(req as unknown as Request, res as unknown as Response),
      (msg, err) => console.error(msg, err ?? ''),
      // Without its socket the server can only hang its clients: end, so that a supervisor restarts it.
      () => process.exit(1),
    );
    return { address: front, close: () => front.close() };
  }
  const server = createServer({ key: pki.servingKey, cert: pki.servingCert, ca, requestCert: true, rejectUnauthorized: false }, app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.bindAddress, () => ok());
  });
  return {
    address: server.address() as AddressInfo,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
