/**
 * /version and the health endpoints. Every field clients parse is present: helm and Argo CD
 * parse gitVersion as semver, the Python client wants all nine fields non-null.
 */
/**
 * The version reported, though the API served is 1.35's: the `kubectl` on the machine image is a
 * dispatcher that picks its pinned binary by the server's minor (27 to 33) and falls back to an
 * older one outside that range, so 33 gets users its newest kubectl. kubectl 1.35 warns about the
 * skew in `kubectl version` only.
 */
export const KUBE_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0' } as const;

export function versionInfo(): object {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: `${KUBE_VERSION.gitVersion}+kubestellar`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** The named checks of each health endpoint, as kube-apiserver lists them (storage is "etcd"). */
const CHECKS: Record<string, readonly string[]> = {
  healthz: ['ping', 'log', 'etcd'],
  livez: ['ping', 'log', 'etcd'],
  readyz: ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', 'shutdown'],
};

/** A health answer: 200 with text, or undefined when the path names no endpoint or check (404). */
export interface HealthAnswer {
  readonly code: number;
  readonly body: string;
}

/**
 * `/healthz`, `/livez`, `/readyz` and their checks (`/readyz/ping`), answered the way
 * kube-apiserver's healthz package does: `ok`, or with `?verbose` one `[+]check ok` line per check
 * (`?exclude=name` marks one excluded) and `<endpoint> check passed`. Every check passes: a server
 * that answers at all has its store open and its caches synced.
 */
export function healthAnswer(path: string, query: URLSearchParams): HealthAnswer | undefined {
  const m = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
  if (m === null) return undefined;
  const endpoint = m[1]!;
  const checks = CHECKS[endpoint]!;
  if (m[2] !== undefined) return checks.includes(m[2]) ? { code: 200, body: 'ok' } : undefined;
  if (!query.has('verbose')) return { code: 200, body: 'ok' };
  const excluded = new Set(query.getAll('exclude'));
  const lines = checks.map((c) => (excluded.has(c) ? `[+]${c} excluded: ok` : `[+]${c} ok`));
  for (const e of excluded) if (!checks.includes(e)) lines.push(`warn: some health checks cannot be excluded: no matches for "${e}"`);
  lines.push(`${endpoint} check passed`);
  return { code: 200, body: `${lines.join('\n')}\n` };
}
