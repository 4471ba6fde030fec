/**
 * A space by TLS server name. Space kubeconfigs carry `tls-server-name: <space>.spaces.kubestellar.internal`
 * besides the `/clusters/<space>` path, so a request that drops the path still reaches its space:
 * client-go's `RequestURI` (kubectl get/create/replace/delete --raw) and `kubectl proxy` send paths
 * from the host root, but always the kubeconfig's server name. The serving certificate covers
 * every such name with one wildcard. `.internal` is reserved for private use, so the names never
 * resolve to anything else; clients only present them, they never look them up.
 */
export const SPACE_HOST_SUFFIX = 'spaces.kubestellar.internal';

/** The wildcard the serving certificate carries for every space's server name. */
export const SPACE_HOST_WILDCARD = `*.${SPACE_HOST_SUFFIX}`;

const SUFFIX = `.${SPACE_HOST_SUFFIX}`;

/** The server name a space's kubeconfig presents (space names are DNS labels). */
export function spaceServerName(space: string): string {
  return `${space}${SUFFIX}`;
}

/** The space a TLS server name names, if it is one of ours (server names are case-insensitive). */
export function spaceOfServerName(serverName: string | false | null | undefined): string | undefined {
  if (typeof serverName !== 'string' || serverName.length <= SUFFIX.length) return undefined;
  const name = serverName.toLowerCase();
  if (!name.endsWith(SUFFIX)) return undefined;
  const space = name.slice(0, -SUFFIX.length);
  return space.includes('.') ? undefined : space;
}
