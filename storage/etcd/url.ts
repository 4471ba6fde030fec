/**
 * `etcd://HOST:PORT[,HOST:PORT...][/PREFIX][?ca=FILE&cert=FILE&key=FILE]`, parsed by hand: WHATWG
 * URL cannot take a comma-separated host list. Pure (no I/O), so it is table-tested.
 */
import { invalidArgument } from '../errors.js';

export const DEFAULT_PREFIX = '/kubestellar/';
export const DEFAULT_PORT = 2379;

export interface EtcdTlsFiles {
  /** CA bundle that signed the server certificates; absent means the system roots. */
  readonly ca?: string;
  /** Client certificate and its key, for mutual TLS (both or neither). */
  readonly cert?: string;
  readonly key?: string;
}

export interface EtcdUrl {
  /** `host:port` of each member, in the order given (IPv6 hosts keep their brackets). */
  readonly endpoints: readonly string[];
  /** Every key of this install lives under it; always starts and ends with `/`. */
  readonly prefix: string;
  /** Present when any of ca/cert/key was given: the client then speaks TLS (https endpoints). */
  readonly tls?: EtcdTlsFiles;
}

const SCHEME = 'etcd://';
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const QUERY_KEYS = new Set(['ca', 'cert', 'key']);

export function parseEtcdUrl(raw: string): EtcdUrl {
  const bad = (why: string): never => {
    throw invalidArgument(`storage URL ${JSON.stringify(raw)}: ${why}`);
  };
  if (typeof raw !== 'string' || raw.slice(0, SCHEME.length).toLowerCase() !== SCHEME) bad('expected etcd://HOST:PORT[,HOST:PORT...][/PREFIX][?ca=FILE&cert=FILE&key=FILE]');
  if (raw.includes('#')) bad('fragments (#) are not allowed');

  let rest = raw.slice(SCHEME.length);
  const q = rest.indexOf('?');
  const query = q === -1 ? '' : rest.slice(q + 1);
  if (q !== -1) rest = rest.slice(0, q);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);

  if (authority === '') bad('no endpoint given');
  if (authority.includes('@')) bad('user information is not supported');
  const endpoints: string[] = [];
  for (const part of authority.split(',')) {
    const endpoint = parseEndpoint(part, bad);
    if (endpoints.includes(endpoint)) bad(`endpoint ${endpoint} is listed twice`);
    endpoints.push(endpoint);
  }

  return { endpoints, prefix: parsePrefix(path, bad), ...parseTls(query, bad) };
}

function parseEndpoint(part: string, bad: (why: string) => never): string {
  if (part === '') bad('empty endpoint in the list');
  let host: string;
  let port: string | undefined;
  if (part.startsWith('[')) {
    const close = part.indexOf(']');
    if (close === -1) bad(`unterminated IPv6 address in ${JSON.stringify(part)}`);
    host = part.slice(0, close + 1);
    const after = part.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) bad(`unexpected ${JSON.stringify(after)} after ${host}`);
      port = after.slice(1);
    }
    if (!IPV6.test(host)) bad(`bad IPv6 address ${host}`);
  } else {
    const colon = part.indexOf(':');
    host = colon === -1 ? part : part.slice(0, colon);
    port = colon === -1 ? undefined : part.slice(colon + 1);
    if (!HOSTNAME.test(host)) bad(`bad host ${JSON.stringify(host)}`);
  }
  if (port === undefined) return `${host}:${DEFAULT_PORT}`;
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) bad(`bad port ${JSON.stringify(port)}`);
  return `${host}:${Number(port)}`;
}

/** The path is the prefix itself; a trailing `/` is added so `/a` and `/ab` installs never overlap. */
function parsePrefix(path: string, bad: (why: string) => never): string {
  if (path === '' || path === '/') return DEFAULT_PREFIX;
  let prefix: string;
  try {
    prefix = decodeURIComponent(path);
  } catch {
    return bad(`prefix ${JSON.stringify(path)} is not valid percent-encoding`);
  }
  if (!(prefix as unknown as { isWellFormed(): boolean }).isWellFormed()) bad('prefix is not well-formed Unicode');
  if (prefix.includes('\0')) bad('prefix must not contain NUL');
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function parseTls(query: string, bad: (why: string) => never): { tls?: EtcdTlsFiles } {
  if (query === '') return {};
  const files: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!QUERY_KEYS.has(name)) bad(`unknown parameter ${JSON.stringify(name)} (known: ca, cert, key)`);
    if (name in files) bad(`parameter ${name} is given twice`);
    let value: string;
    try {
      // Not URLSearchParams: it would turn `+` in a file name into a space.
      value = decodeURIComponent(eq === -1 ? '' : pair.slice(eq + 1));
    } catch {
      return bad(`parameter ${name} is not valid percent-encoding`);
    }
    if (value === '') bad(`parameter ${name} needs a file name`);
    files[name] = value;
  }
  if (('cert' in files) !== ('key' in files)) bad('cert and key must be given together');
  if (Object.keys(files).length === 0) return {};
  return { tls: files as EtcdTlsFiles };
}
