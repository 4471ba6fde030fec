/**
 * kube-controller-manager's token controller, for the legacy kind of ServiceAccount token Argo CD
 * still creates: a Secret of type `kubernetes.io/service-account-token` naming an account in its
 * `kubernetes.io/service-account.name` annotation gets `data.token` (a token valid as long as the
 * Secret and the account exist), `data.ca.crt` and `data.namespace`, and the account's uid.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ServiceAccountTokens } from '../auth/tokens/service-account-tokens.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';

const TYPE = 'kubernetes.io/service-account-token';
const NAME = 'kubernetes.io/service-account.name';
const UID = 'kubernetes.io/service-account.uid';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Whether a Secret waits for its token. */
export function needsToken(secret: KubeObject): boolean {
  const data = (secret['data'] ?? {}) as Record<string, string>;
  return secret['type'] === TYPE && secret.metadata.annotations?.[NAME] !== undefined && secret.metadata.deletionTimestamp === undefined && !data['token'];
}

export class TokenController {
  readonly #space: ServedSpace;
  readonly #tokens: ServiceAccountTokens;
  readonly #caCert: string;
  readonly #abort = new AbortController();
  /** Secrets whose account does not exist yet: looked at again when accounts appear. */
  readonly #waiting = new Map<string, KubeObject>();

  constructor(space: ServedSpace, tokens: ServiceAccountTokens, caCert: string) {
    this.#space = space;
    this.#tokens = tokens;
    this.#caCert = caCert;
  }

  async start(): Promise<void> {
    const secrets = this.#space.catalog.byResource('', 'secrets');
    const accounts = this.#space.catalog.byResource('', 'serviceaccounts');
    if (secrets === undefined || accounts === undefined) return;
    await runInformer(
      this.#space.store(secrets),
      '',
      {
        sync: (items) => {
          for (const s of items) if (needsToken(s)) void this.#fill(s);
        },
        event: (e) => {
          if (e.type !== 'DELETED' && needsToken(e.object)) void this.#fill(e.object);
        },
      },
      this.#abort.signal,
    );
    await runInformer(
      this.#space.store(accounts),
      '',
      {
        sync: () => this.#retryWaiting(),
        event: (e) => {
          if (e.type === 'ADDED') this.#retryWaiting();
        },
      },
      this.#abort.signal,
    );
  }

  stop(): void {
    this.#abort.abort();
  }

  #retryWaiting(): void {
    for (const s of [...this.#waiting.values()]) void this.#fill(s);
  }

  async #fill(secret: KubeObject): Promise<void> {
    const ns = secret.metadata.namespace!;
    const key = `${ns}/${secret.metadata.name}`;
    const accountName = secret.metadata.annotations![NAME]!;
    try {
      const account = await this.#space.store(this.#space.catalog.byResource('', 'serviceaccounts')!).get(ns, accountName);
      this.#waiting.delete(key);
      const token = this.#tokens.signLegacy({ namespace: ns, name: accountName, uid: account.metadata.uid! }, secret.metadata.name!);
      await this.#space.store(this.#space.catalog.byResource('', 'secrets')!).guaranteedUpdate(ns, secret.metadata.name!, (cur) => {
        if (cur.metadata.uid !== secret.metadata.uid || !needsToken(cur)) return cur;
        cur.metadata.annotations = { ...cur.metadata.annotations, [UID]: account.metadata.uid! };
        cur['data'] = { ...(cur['data'] as Record<string, string> | undefined), token: b64(token), 'ca.crt': b64(this.#caCert), namespace: b64(ns) };
        return cur;
      });
    } catch (err) {
      if (isStatusError(err, 'NotFound')) this.#waiting.set(key, secret);
      else if (!this.#abort.signal.aborted) console.error(`token controller: ${key}`, err);
    }
  }
}
