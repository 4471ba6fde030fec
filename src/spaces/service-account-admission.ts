/**
 * kube-apiserver's ServiceAccount admission plugin, for new pods:
 *
 * - a pod runs as `default` unless it names an account, and the account must exist (403
 *   `error looking up service account <ns>/<name>: serviceaccount "<name>" not found`; `default`
 *   is waited for a moment, as the controller making it may not have got there yet);
 * - unless the pod or its account opts out (automountServiceAccountToken: false), the pod gets the
 *   `kube-api-access-<random>` projected volume (a bound token, the cluster CA from
 *   kube-root-ca.crt, the namespace) mounted read-only at the well-known path in every container
 *   and init container that has nothing mounted there yet; a pod that already carries such a
 *   volume (one copied from another cluster) keeps it and gets no second one;
 * - a pod without imagePullSecrets inherits its account's.
 *
 * Mirror pods (a kubelet's static pods) are left alone. The decisions are pure; the lookup of the
 * account is the space's in-memory copy.
 */
import { forbidden } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { randomInt } from 'node:crypto';
import { recs as list } from '../registry/builtin/helpers.js';

export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
const DEFAULT_ACCOUNT = 'default';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** The bound token's lifetime upstream gives this volume: an hour, plus seven seconds that mark it as such. */
const TOKEN_EXPIRATION_SECONDS = 3607;
/** utilrand.String's alphabet: no vowels, no look-alikes. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const PODS = { group: '', resource: 'pods' };

type Obj = Record<string, unknown>;

/** A random `kube-api-access-xxxxx` volume name. */
export function tokenVolumeName(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `${TOKEN_VOLUME_PREFIX}${suffix}`;
}

/** The projected volume that carries a pod's API credentials. */
export function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

/** Whether the token goes in: the pod's own choice first, then its account's, else yes. */
export function shouldAutomount(podSpec: Obj, account: KubeObject): boolean {
  if (typeof podSpec['automountServiceAccountToken'] === 'boolean') return podSpec['automountServiceAccountToken'];
  if (typeof account['automountServiceAccountToken'] === 'boolean') return account['automountServiceAccountToken'];
  return true;
}

/** Mounts the token volume into every (init) container without a mount at the path, adding the volume when one needs it (mutates). */
export function mountServiceAccountToken(podSpec: Obj, newVolumeName: () => string): void {
  const volumes = list(podSpec['volumes']);
  const existing = volumes.find((v) => typeof v['name'] === 'string' && v['name'].startsWith(TOKEN_VOLUME_PREFIX));
  const name = existing !== undefined ? (existing['name'] as string) : newVolumeName();
  let needed = false;
  for (const key of ['initContainers', 'containers']) {
    for (const c of list(podSpec[key])) {
      const mounts = list(c['volumeMounts']);
      if (mounts.some((m) => m['mountPath'] === TOKEN_MOUNT_PATH)) continue;
      c['volumeMounts'] = [...mounts, { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needed = true;
    }
  }
  if (needed && existing === undefined) podSpec['volumes'] = [...volumes, tokenVolume(name)];
}

export interface ServiceAccountAdmissionOptions {
  /** How often `default` is looked for before the pod is refused (upstream: 10). */
  readonly defaultAttempts?: number;
  readonly retryMs?: number;
  readonly volumeName?: () => string;
}

/** The plugin bound to a space's accounts. */
export function serviceAccountAdmission(
  lookup: (namespace: string, name: string) => Promise<KubeObject | undefined>,
  options: ServiceAccountAdmissionOptions = {},
) {
  const attempts = options.defaultAttempts ?? 10;
  const retryMs = options.retryMs ?? 150;
  const volumeName = options.volumeName ?? tokenVolumeName;
  const find = async (namespace: string, name: string): Promise<KubeObject | undefined> => {
    const tries = name === DEFAULT_ACCOUNT ? attempts : 1;
    for (let i = 0; i < tries; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, retryMs));
      const account = await lookup(namespace, name);
      if (account !== undefined && account.metadata.deletionTimestamp === undefined) return account;
    }
    return undefined;
  };
  return async (operation: 'create' | 'update', pod: KubeObject): Promise<void> => {
    if (operation !== 'create' || pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    const spec = (pod['spec'] ??= {}) as Obj;
    const named = typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== '' ? spec['serviceAccountName'] : spec['serviceAccount'];
    const name = typeof named === 'string' && named !== '' ? named : DEFAULT_ACCOUNT;
    spec['serviceAccountName'] = name;
    const namespace = pod.metadata.namespace ?? '';
    const account = await find(namespace, name);
    if (account === undefined) {
      throw forbidden(PODS, pod.metadata.name ?? '', `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);
    }
    if (shouldAutomount(spec, account)) mountServiceAccountToken(spec, volumeName);
    if (list(spec['imagePullSecrets']).length === 0) {
      const inherited = list(account['imagePullSecrets']).filter((s) => typeof s['name'] === 'string');
      if (inherited.length > 0) spec['imagePullSecrets'] = inherited.map((s) => ({ name: s['name'] }));
    }
  };
}
