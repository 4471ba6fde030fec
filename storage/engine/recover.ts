/**
 * Opening a store: initialise an empty one, or check that what is on disk is whole.
 *
 * Every commit writes its kv changes, its log entry and the new revision in one atomic batch, so
 * a store that opens cleanly has its newest log entry at exactly the recorded revision. Anything
 * else (a log entry beyond the revision, a missing newest entry, a record failing its CRC) is
 * reported as Corrupt rather than silently skipped.
 */
import { StorageError } from '../errors.js';
import { decodeLogEntry, decodeRevision, encodeRevision } from './codec.js';
import { FORMAT, FORMAT_V1, META_COMPACT_REVISION, META_FORMAT, META_REVISION, writeBatch, type Layout } from './layout.js';

/** How many of the newest log entries have their checksums verified on open. */
const VERIFY_TAIL = 1000;

export interface Recovered {
  readonly revision: number;
  readonly compactRevision: number;
}

export async function recover(layout: Layout): Promise<Recovered> {
  const { root, meta, log } = layout;
  await root.open();
  const format = await meta.get(META_FORMAT);
  if (format === undefined) {
    if ((await log.keys({ limit: 1 }).all()).length > 0) {
      throw new StorageError('Corrupt', 'store has a log but no format marker');
    }
    await writeBatch(
      root,
      [
        { type: 'put', sublevel: meta, key: META_FORMAT, value: FORMAT },
        { type: 'put', sublevel: meta, key: META_REVISION, value: encodeRevision(1) },
        { type: 'put', sublevel: meta, key: META_COMPACT_REVISION, value: encodeRevision(0) },
      ],
      true,
    );
    return { revision: 1, compactRevision: 0 };
  }
  if (FORMAT_V1.equals(format)) {
    // Every v1 entry is a valid v2 entry; the new marker keeps older binaries, which cannot read
    // v2 entries, from opening the store.
    await writeBatch(root, [{ type: 'put', sublevel: meta, key: META_FORMAT, value: FORMAT }], true);
  } else if (!FORMAT.equals(format)) {
    throw new StorageError('Corrupt', `unknown store format ${JSON.stringify(format.toString())}`);
  }
  const revision = readU48(await meta.get(META_REVISION), META_REVISION);
  const compactRevision = readU48(await meta.get(META_COMPACT_REVISION), META_COMPACT_REVISION);

  const tail = await log.iterator({ reverse: true, limit: VERIFY_TAIL, gte: encodeRevision(compactRevision) }).all();
  const newest = tail[0];
  if (newest === undefined) {
    if (revision !== 1) throw new StorageError('Corrupt', `log is empty but the store is at revision ${revision}`);
  } else if (decodeRevision(newest[0]) !== revision) {
    throw new StorageError(
      'Corrupt',
      `newest log entry is at revision ${decodeRevision(newest[0])} but the store records revision ${revision}`,
      { revision },
    );
  }
  let expected = revision;
  for (const [key, value] of tail) {
    const rev = decodeRevision(key);
    if (rev !== expected) {
      throw new StorageError('Corrupt', `log entry for revision ${expected} is missing`, { revision: expected });
    }
    expected = rev - 1;
    decodeLogEntry(rev, value); // throws Corrupt on a bad checksum
  }
  return { revision, compactRevision };
}

function readU48(value: Buffer | undefined, name: string): number {
  if (value === undefined || value.length !== 6) {
    throw new StorageError('Corrupt', `store metadata ${name} is missing or malformed`);
  }
  return value.readUIntBE(0, 6);
}
