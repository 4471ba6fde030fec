/**
 * Which ITS shard owns a cluster. A cluster belongs to the hub it registered with; when the same
 * name is registered in several shards (a cluster moving between hubs, or a mistake), exactly one
 * must carry its ManifestWorks. Rendezvous hashing picks it: every replica and every restart
 * agrees without coordination, and adding or removing a shard moves only the clusters that
 * register there.
 */
import { createHash } from 'node:crypto';

function weight(shard: string, cluster: string): bigint {
  return createHash('sha256').update(shard).update('\u0000').update(cluster).digest().readBigUInt64BE(0);
}

/** The owner among the shards where `cluster` is registered; undefined when it is in none. */
export function shardOwner(cluster: string, registeredIn: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const shard of registeredIn) {
    const w = weight(shard, cluster);
    // Ties (practically impossible) go to the smaller name, so the choice stays total.
    if (w > bestWeight || (w === bestWeight && best !== undefined && shard < best)) {
      best = shard;
      bestWeight = w;
    }
  }
  return best;
}

/** For a new cluster: the shard it should register with, among all shards. */
export function shardForNewCluster(cluster: string, shards: readonly string[]): string | undefined {
  return shardOwner(cluster, shards);
}
