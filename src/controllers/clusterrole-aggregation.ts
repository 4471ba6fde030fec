/**
 * kube's clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets, in its
 * own `.rules`, the union of the rules of the ClusterRoles its selectors match (matches sorted by
 * name, duplicates dropped; see aggregation.ts), and keeps it as roles come, change and go or the
 * aggregationRule changes. It writes only when the computed rules differ from the stored ones.
 *
 * Upstream reaches nested aggregation (`admin` selects `edit`, which aggregates `view`) through
 * repeated syncs; aggregateClusterRoles computes that fixed point at once, so one write suffices.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { aggregateClusterRoles } from '../auth/rbac/aggregation.js';
import { RBAC_GROUP, toClusterRole, toRule, type PolicyRule } from '../auth/rbac/types.js';
import type { FieldManager } from '../registry/apply-schema.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';
import { serialRun } from './serial-run.js';

const MANAGER: FieldManager = { name: 'clusterrole-aggregation-controller', apiVersion: `${RBAC_GROUP}/v1` };

/** A rule as the controller writes it: only the non-empty lists, in the API's field order. */
function written(r: PolicyRule): Record<string, unknown> {
  const out: Record<string, unknown> = { verbs: [...r.verbs] };
  if ((r.apiGroups ?? []).length > 0) out['apiGroups'] = [...r.apiGroups!];
  if ((r.resources ?? []).length > 0) out['resources'] = [...r.resources!];
  if ((r.resourceNames ?? []).length > 0) out['resourceNames'] = [...r.resourceNames!];
  if ((r.nonResourceURLs ?? []).length > 0) out['nonResourceURLs'] = [...r.nonResourceURLs!];
  return out;
}

const sameRules = (a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean =>
  a.length === b.length && a.every((r, i) => JSON.stringify(written(r)) === JSON.stringify(written(b[i]!)));

/**
 * The writes aggregation calls for (pure): name → the rules to store, for each aggregating
 * ClusterRole whose stored rules differ from its aggregate (a missing list equals an empty one).
 */
export function aggregationUpdates(clusterRoles: readonly KubeObject[]): Map<string, PolicyRule[]> {
  const roles = clusterRoles.map(toClusterRole);
  const updates = new Map<string, PolicyRule[]>();
  for (const [name, rules] of aggregateClusterRoles(roles)) {
    const stored = roles.find((r) => r.metadata.name === name)!.rules;
    if (!sameRules(stored, rules)) updates.set(name, rules);
  }
  return updates;
}

export class ClusterRoleAggregationController {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #roles = new Map<string, KubeObject>();
  /** One reconciliation at a time; changes meanwhile bring one more after it. */
  readonly #kick: () => void;

  constructor(space: ServedSpace, options: { log?: (msg: string, err?: unknown) => void; retryMs?: number } = {}) {
    this.#space = space;
    this.#log = options.log ?? ((msg, err) => console.error(msg, err));
    this.#kick = serialRun(() => this.#reconcile(), {
      signal: this.#abort.signal,
      retryMs: options.retryMs ?? 1000,
      onError: (err) => this.#log('aggregating cluster roles failed', err),
    });
  }

  async start(): Promise<void> {
    const def = this.#space.catalog.byResource(RBAC_GROUP, 'clusterroles');
    if (def === undefined) return;
    await runInformer(
      this.#space.store(def),
      '',
      {
        sync: (items) => {
          this.#roles.clear();
          for (const o of items) this.#roles.set(o.metadata.name!, o);
          this.#kick();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#roles.delete(e.object.metadata.name!);
          else this.#roles.set(e.object.metadata.name!, e.object);
          this.#kick();
        },
      },
      this.#abort.signal,
      this.#log,
    );
  }

  stop(): void {
    this.#abort.abort();
  }

  async #reconcile(): Promise<boolean> {
    const def = this.#space.catalog.byResource(RBAC_GROUP, 'clusterroles')!;
    const store = this.#space.store(def);
    let ok = true;
    for (const [name, rules] of aggregationUpdates([...this.#roles.values()])) {
      const seen = this.#roles.get(name);
      try {
        await store.guaranteedUpdate(
          '',
          name,
          (cur) => {
            // Written against the role as it was computed from; a newer one brings a new pass.
            if (cur.metadata.uid !== seen?.metadata.uid || cur['aggregationRule'] === undefined) return cur;
            cur['rules'] = rules.map(written);
            return cur;
          },
          { manager: MANAGER },
        );
      } catch (err) {
        if (isStatusError(err, 'NotFound') || isStatusError(err, 'Conflict')) continue;
        // Another failure (a rule the role's validation refuses?): log, retry later.
        this.#log(`aggregating the rules of clusterrole ${name} failed`, err);
        ok = false;
      }
    }
    return ok;
  }
}

/** For tests: the rules stored in a ClusterRole object, as the authorizer reads them. */
export const storedRules = (o: KubeObject): PolicyRule[] => (Array.isArray(o['rules']) ? o['rules'].map(toRule) : []);
