/**
 * Runs the storage conformance suite against every backend: memory, and LevelDB in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, type Backend } from '../../storage/index.js';
import { runStorageConformance } from './storage.suite.js';

runStorageConformance({
  name: 'memory',
  open: (options) => openBackend('memory://', options),
});

const dirs: string[] = [];
const paths = new WeakMap<Backend, string>();
runStorageConformance({
  name: 'leveldb',
  async open(options) {
    const dir = await mkdtemp(join(tmpdir(), 'ks-conformance-'));
    dirs.push(dir);
    const backend = await openBackend(`leveldb://${dir}`, options);
    paths.set(backend, dir);
    return backend;
  },
  async reopen(backend) {
    const dir = paths.get(backend)!;
    await backend.close();
    const again = await openBackend(`leveldb://${dir}`);
    paths.set(again, dir);
    return again;
  },
  async cleanup() {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  },
});
