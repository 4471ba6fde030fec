/**
 * Backends by URL scheme: `leveldb:///abs/path` (or `leveldb://rel/path`), `memory://`,
 * `etcd://HOST:PORT[,HOST:PORT...][/PREFIX][?ca=FILE&cert=FILE&key=FILE]`.
 * Later schemes register here without touching callers.
 */
import { invalidArgument } from './errors.js';
import type { LogBackend } from './engine/backend.js';
import { openEtcdBackend, type EtcdOptions } from './etcd/open.js';
import { openLevelBackend, type LevelOptions } from './leveldb/open.js';
import { openMemoryBackend } from './memory/open.js';
import type { Backend } from './types.js';

/** Options for any backend; each takes the ones it understands (limits, maxQueuedEvents, ...). */
export type OpenOptions = LevelOptions & EtcdOptions;

type Opener = (raw: string, options: OpenOptions) => Promise<Backend>;

const openers = new Map<string, Opener>([
  ['leveldb:', (raw, options) => openLevelBackend(levelPath(raw), options)],
  ['memory:', (_raw, options) => openMemoryBackend(options)],
  // Parsed by hand: WHATWG URL cannot take etcd's comma-separated endpoint list.
  ['etcd:', (raw, options) => openEtcdBackend(raw, options)],
]);

/** Schemes whose URLs WHATWG URL cannot parse; their openers check the rest themselves. */
const HAND_PARSED = new Set(['etcd:']);

export async function openBackend(storageUrl: string, options: OpenOptions = {}): Promise<Backend> {
  let protocol = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(storageUrl)?.[0].toLowerCase();
  if (protocol === undefined || !HAND_PARSED.has(protocol)) {
    try {
      protocol = new URL(storageUrl).protocol;
    } catch {
      throw invalidArgument(`storage URL ${JSON.stringify(storageUrl)} is not a URL`);
    }
  }
  const opener = openers.get(protocol);
  if (!opener) {
    const known = [...openers.keys()].map((s) => `${s}//`).join(', ');
    throw invalidArgument(`unsupported storage scheme ${protocol}// (known: ${known})`);
  }
  return opener(storageUrl, options);
}

/** `leveldb:///var/lib/x` is absolute; `leveldb://data/x` is relative to the working directory. */
function levelPath(raw: string): string {
  const rest = raw.slice('leveldb://'.length);
  if (rest.length === 0 || rest === '/') throw invalidArgument('leveldb:// needs a directory');
  return decodeURIComponent(rest);
}

export type { LogBackend };
