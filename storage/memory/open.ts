/**
 * The same engine over memory-level: identical semantics, nothing on disk. For unit tests and
 * `--storage memory://`.
 */
import { MemoryLevel } from 'memory-level';
import { LogBackend, type EngineOptions } from '../engine/backend.js';
import { layoutOf, type RootLevel } from '../engine/layout.js';

export type MemoryOptions = Omit<EngineOptions, 'layout' | 'sync'>;

export function openMemoryBackend(options: MemoryOptions = {}): Promise<LogBackend> {
  const root = new MemoryLevel<string, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' }) as unknown as RootLevel;
  return LogBackend.open({ ...options, sync: false, layout: layoutOf(root) });
}
