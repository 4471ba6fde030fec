/**
 * /version and the health endpoints. Every field clients parse is present: helm and Argo CD
 * parse gitVersion as semver, the Python client wants all nine fields non-null.
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
