/**
 * Writing a controller's verdict on a spec into the object's status: through the status
 * subresource, only for the exact object (uid) and spec (generation) that was judged, and only
 * when it differs. A newer spec is judged when its event arrives, which writes again; an object
 * already gone needs nothing.
 */
import { isStatusError } from '../../api/errors.js';
import type { GenericStore } from '../../registry/store.js';

export interface Judged {
  readonly uid: string;
  readonly generation: number;
  readonly status: object;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function writeObservedStatus(store: GenericStore, name: string, judged: Judged, manager: { name: string; apiVersion: string }): Promise<void> {
  try {
    await store.guaranteedUpdate(
      '',
      name,
      (cur) => {
        if (cur.metadata.uid !== judged.uid || (cur.metadata.generation ?? 1) !== judged.generation) return cur;
        return same(cur['status'], judged.status) ? cur : { ...cur, status: judged.status };
      },
      { subresource: 'status', manager },
    );
  } catch (err) {
    if (!isStatusError(err, 'NotFound')) throw err;
  }
}
