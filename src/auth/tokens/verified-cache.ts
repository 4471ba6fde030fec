/**
 * Verified bearer tokens, remembered for a few seconds so that a client sending the same token on
 * every request pays for the RSA signature check once, not per request (kube-apiserver caches
 * successful token authentications for 10 s the same way). Only the signature and claim checks
 * are remembered: the lookups of the objects a token names still run on every request, so
 * deleting a ServiceAccount or its Secret revokes its tokens at once. Failures are not cached.
 */
import { hash } from 'node:crypto';
import type { VerifiedToken } from './jwt.js';

export const VERIFIED_TOKEN_TTL_MS = 10_000;
export const VERIFIED_TOKEN_MAX_ENTRIES = 4096;

export interface Entry {
  readonly token: VerifiedToken;
  readonly until: number;
}

/** How long a verification made at `nowMs` may be reused: the TTL, never past the token's expiry. */
export function reuseUntil(nowMs: number, ttlMs: number, expiresAt: Date | undefined): number {
  const ttlEnd = nowMs + ttlMs;
  return expiresAt === undefined ? ttlEnd : Math.min(ttlEnd, expiresAt.getTime());
}

export class VerifiedTokenCache {
  /** Insertion-ordered, so the first key is the oldest entry. Keys hold a digest, not the token. */
  readonly #entries = new Map<string, Entry>();

  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(ttlMs = VERIFIED_TOKEN_TTL_MS, maxEntries = VERIFIED_TOKEN_MAX_ENTRIES) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  static key(space: string, token: string): string {
    // One-shot hashing: no Hash object per request (the key is computed on every authenticated request).
    return hash('sha256', `${space.length}:${space}${token}`, 'base64');
  }

  get(key: string, nowMs: number): VerifiedToken | undefined {
    return this.entry(key, nowMs)?.token;
  }

  /** The verification and until when it may be reused, if it still may be at `nowMs`. */
  entry(key: string, nowMs: number): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (nowMs >= e.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Remembers a verification; returns the entry, or undefined when it may not be reused at all. */
  set(key: string, token: VerifiedToken, nowMs: number): Entry | undefined {
    const until = reuseUntil(nowMs, this.ttlMs, token.expiresAt);
    if (until <= nowMs) return undefined;
    const e = { token, until };
    this.#entries.delete(key);
    this.#entries.set(key, e);
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return e;
  }

  get size(): number {
    return this.#entries.size;
  }
}
