/**
 * @module Reads what the CLI needs from a kubeconfig: the selected context's server, CA and
 * credentials. Inline `*-data` fields and file references (relative to the kubeconfig's own
 * directory, as kubectl resolves them) are both accepted, so hand-written kubeconfigs work too.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** The selected context, resolved. PEM and token values are decoded text. */
export interface KubeconfigCredentials {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace?: string;
  server: string;
  caCert?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
}

export interface ParseKubeconfigOptions {
  /** Context to use instead of `current-context`. */
  context?: string;
  /** Directory that relative file references are resolved against; the working directory by default. */
  baseDir?: string;
}

/** Raised for kubeconfigs that cannot be used; the message says which entry is wrong. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** Parses kubeconfig YAML (or JSON) and resolves the selected context. */
export function parseKubeconfig(content: string, opts: ParseKubeconfigOptions = {}): KubeconfigCredentials {
  let doc: unknown;
  try {
    doc = parse(content);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig is not valid YAML: ${(err as Error).message}`);
  }
  const root = record(doc, 'kubeconfig');
  const contextName = opts.context ?? stringField(root, 'current-context');
  if (contextName === undefined || contextName === '') throw new KubeconfigError('kubeconfig has no current-context');

  const context = named(root, 'contexts', 'context', contextName);
  const clusterName = stringField(context, 'cluster');
  const userName = stringField(context, 'user');
  if (clusterName === undefined) throw new KubeconfigError(`context "${contextName}" names no cluster`);
  const cluster = named(root, 'clusters', 'cluster', clusterName);
  const server = stringField(cluster, 'server');
  if (server === undefined || server === '') throw new KubeconfigError(`cluster "${clusterName}" has no server`);

  const baseDir = opts.baseDir ?? process.cwd();
  const material = (from: Record<string, unknown>, dataKey: string, fileKey: string): string | undefined => {
    const data = stringField(from, dataKey);
    if (data !== undefined && data !== '') return Buffer.from(data, 'base64').toString('utf8');
    return readReferenced(baseDir, stringField(from, fileKey), fileKey);
  };

  const result: KubeconfigCredentials = {
    contextName,
    clusterName,
    userName: userName ?? '',
    server,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const namespace = stringField(context, 'namespace');
  if (namespace !== undefined && namespace !== '') result.namespace = namespace;
  const caCert = material(cluster, 'certificate-authority-data', 'certificate-authority');
  if (caCert !== undefined) result.caCert = caCert;
  const tlsServerName = stringField(cluster, 'tls-server-name');
  if (tlsServerName !== undefined && tlsServerName !== '') result.tlsServerName = tlsServerName;

  if (userName !== undefined && userName !== '') {
    const user = named(root, 'users', 'user', userName);
    const clientCert = material(user, 'client-certificate-data', 'client-certificate');
    const clientKey = material(user, 'client-key-data', 'client-key');
    if (clientCert !== undefined) result.clientCert = clientCert;
    if (clientKey !== undefined) result.clientKey = clientKey;
    // client-go reads tokenFile only when no inline token is set, and trims it.
    const token = stringField(user, 'token') || readReferenced(baseDir, stringField(user, 'tokenFile'), 'tokenFile')?.trim();
    if (token !== undefined && token !== '') result.token = token;
  }
  return result;
}

/** Reads and parses a kubeconfig file; relative file references resolve against its directory. */
export async function readKubeconfig(path: string, opts: { context?: string } = {}): Promise<KubeconfigCredentials> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseKubeconfig(content, { ...opts, baseDir: dirname(resolve(path)) });
}

/** Reads a file a kubeconfig field points at, relative to `baseDir`; `undefined` when unset. */
function readReferenced(baseDir: string, file: string | undefined, field: string): string | undefined {
  if (file === undefined || file === '') return undefined;
  const path = resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read ${field} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KubeconfigError(`${what} is not a mapping`);
  }
  return value as Record<string, unknown>;
}

function stringField(from: Record<string, unknown>, key: string): string | undefined {
  const value = from[key];
  return typeof value === 'string' ? value : undefined;
}

/** Finds `{ name, <inner>: {...} }` in the list `root[list]`, as kubeconfig lists are keyed by name. */
function named(root: Record<string, unknown>, list: string, inner: string, name: string): Record<string, unknown> {
  const entries = root[list];
  if (Array.isArray(entries)) {
    for (const entry of entries) {
      if (entry !== null && typeof entry === 'object' && (entry as Record<string, unknown>)['name'] === name) {
        return record((entry as Record<string, unknown>)[inner] ?? {}, `${inner} "${name}"`);
      }
    }
  }
  throw new KubeconfigError(`kubeconfig has no ${inner} named "${name}"`);
}
