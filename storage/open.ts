/**
 * Backends by URL scheme: `leveldb:///abs/path` (or `leveldb://rel/path`), `memory://`.
 * Later schemes (etcd://) register here without touching callers.
 */
import { invalidArgument } from './errors.js';
import type { LogBackend } from './engine/backend.js';
import { openLevelBackend, type LevelOptions } from './leveldb/open.js';
import { openMemoryBackend } from './memory/open.js';
import type { Backend } from './types.js';

export type OpenOptions = LevelOptions;

type Opener = (url: URL, raw: string, options: OpenOptions) => Promise<Backend>;

const openers = new Map<string, Opener>([
  ['leveldb:', (_url, raw, options) => openLevelBackend(levelPath(raw), options)],
  ['memory:', (_url, _raw, options) => openMemoryBackend(options)],
]);

export async function openBackend(storageUrl: string, options: OpenOptions = {}): Promise<Backend> {
  let url: URL;
  try {
    url = new URL(storageUrl);
  } catch {
    throw invalidArgument(`storage URL ${JSON.stringify(storageUrl)} is not a URL`);
  }
  const opener = openers.get(url.protocol);
  if (!opener) {
    const known = [...openers.keys()].map((s) => `${s}//`).join(', ');
    throw invalidArgument(`unsupported storage scheme ${url.protocol}// (known: ${known})`);
  }
  return opener(url, storageUrl, options);
}

/** `leveldb:///var/lib/x` is absolute; `leveldb://data/x` is relative to the working directory. */
function levelPath(raw: string): string {
  const rest = raw.slice('leveldb://'.length);
  if (rest.length === 0 || rest === '/') throw invalidArgument('leveldb:// needs a directory');
  return decodeURIComponent(rest);
}

export type { LogBackend };
