/**
 * The embedded default: the log-structured engine on LevelDB (classic-level, through `level`),
 * durable by default: every commit group is fsynced before it is acknowledged.
 */
import { Level } from 'level';
import { LogBackend, type EngineOptions } from '../engine/backend.js';
import { layoutOf, type RootLevel } from '../engine/layout.js';

export interface LevelOptions extends Omit<EngineOptions, 'layout' | 'sync'> {
  /** Acknowledge writes only once on disk (default true). */
  readonly sync?: boolean;
}

export function openLevelBackend(path: string, options: LevelOptions = {}): Promise<LogBackend> {
  const root = new Level<string, Buffer>(path, {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
    // Large write buffers let many group commits land in the memtable between compactions.
    writeBufferSize: 64 * 1024 * 1024,
    cacheSize: 64 * 1024 * 1024,
  }) as unknown as RootLevel;
  return LogBackend.open({ ...options, sync: options.sync ?? true, layout: layoutOf(root) });
}
