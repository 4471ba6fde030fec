/**
 * @module Writes the ordinary kubeconfig files the server hands out, one per space. The space is
 * part of the `server:` URL (`https://HOST:PORT/clusters/<space>`), which kubectl, helm, client-go
 * and @kubernetes/client-node all honour, so nothing else in the file is special.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../pki/atomic-write.js';

export interface KubeconfigOptions {
  /** Full URL including the space path, e.g. `https://127.0.0.1:6443/clusters/wds1`. */
  server: string;
  clusterName: string;
  userName: string;
  contextName: string;
  /** The TLS server name to present and verify, when not the URL's host. */
  tlsServerName?: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  /** PEM client certificate; requires `clientKey`. */
  clientCert?: string;
  clientKey?: string;
  /** Bearer token, alone or alongside a client certificate. */
  token?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

/** Returns kubeconfig YAML with inline (base64) credentials and `current-context` set. */
export function buildKubeconfig(opts: KubeconfigOptions): string {
  try {
    new URL(opts.server);
  } catch {
    throw new TypeError(`kubeconfig server is not a URL: ${opts.server}`);
  }
  if ((opts.clientCert === undefined) !== (opts.clientKey === undefined)) {
    throw new TypeError('kubeconfig needs both clientCert and clientKey, or neither');
  }
  if (opts.clientCert === undefined && (opts.token === undefined || opts.token === '')) {
    throw new TypeError('kubeconfig needs a client certificate or a token');
  }
  for (const [field, value] of Object.entries({ clusterName: opts.clusterName, userName: opts.userName, contextName: opts.contextName })) {
    if (value === '') throw new TypeError(`kubeconfig ${field} must not be empty`);
  }

  const user: Record<string, string> = {};
  if (opts.clientCert !== undefined && opts.clientKey !== undefined) {
    user['client-certificate-data'] = base64(opts.clientCert);
    user['client-key-data'] = base64(opts.clientKey);
  }
  if (opts.token !== undefined) user['token'] = opts.token;

  const context: Record<string, string> = { cluster: opts.clusterName, user: opts.userName };
  if (opts.namespace !== undefined) context['namespace'] = opts.namespace;

  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: opts.clusterName,
        cluster: {
          server: opts.server,
          'certificate-authority-data': base64(opts.caCert),
          ...(opts.tlsServerName !== undefined && { 'tls-server-name': opts.tlsServerName }),
        },
      },
    ],
    users: [{ name: opts.userName, user }],
    contexts: [{ name: opts.contextName, context }],
    'current-context': opts.contextName,
    preferences: {},
  };
  // lineWidth 0: never fold the long base64 strings.
  return stringify(doc, { lineWidth: 0 });
}

/** Writes a kubeconfig with mode 0600 (it holds credentials), atomically, creating its directory. */
export async function writeKubeconfig(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, content, 0o600);
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
