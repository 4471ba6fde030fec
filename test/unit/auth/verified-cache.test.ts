import { strict as assert } from 'node:assert';
import { describe, it } from 'mocha';
import type { VerifiedToken } from '../../../src/auth/tokens/jwt.js';
import { reuseUntil, VerifiedTokenCache } from '../../../src/auth/tokens/verified-cache.js';
import { makeUser } from '../../../src/auth/user.js';

const token = (expiresAt?: Date): VerifiedToken => ({
  ok: true,
  user: makeUser('system:serviceaccount:ns:sa', []),
  claims: {},
  serviceAccount: { namespace: 'ns', name: 'sa', uid: 'u' },
  audiences: [],
  ...(expiresAt !== undefined && { expiresAt }),
});

describe('verified token cache', () => {
  const cases: [string, number, number, Date | undefined, number][] = [
    ['no expiry: the TTL', 1_000, 10_000, undefined, 11_000],
    ['expiry after the TTL: the TTL', 1_000, 10_000, new Date(60_000), 11_000],
    ['expiry before the TTL: the expiry', 1_000, 10_000, new Date(5_000), 5_000],
    ['already expired: not reusable', 1_000, 10_000, new Date(500), 500],
  ];
  for (const [name, now, ttl, exp, want] of cases) {
    it(`reuseUntil: ${name}`, () => assert.equal(reuseUntil(now, ttl, exp), want));
  }

  it('hands back an entry until its time is up, then forgets it', () => {
    const c = new VerifiedTokenCache(10_000, 10);
    const k = VerifiedTokenCache.key('wds1', 'tok');
    c.set(k, token(), 0);
    assert.equal(c.get(k, 9_999)?.serviceAccount.name, 'sa');
    assert.equal(c.get(k, 10_000), undefined);
    assert.equal(c.size, 0);
  });

  it('never keeps a token past its expiry', () => {
    const c = new VerifiedTokenCache(10_000, 10);
    const k = VerifiedTokenCache.key('wds1', 'tok');
    c.set(k, token(new Date(3_000)), 0);
    assert.notEqual(c.get(k, 2_999), undefined);
    assert.equal(c.get(k, 3_000), undefined);
    c.set(k, token(new Date(3_000)), 3_000);
    assert.equal(c.size, 0, 'an expired token is not stored');
  });

  it('keys by space: a token verified for one space is not reused for another', () => {
    assert.notEqual(VerifiedTokenCache.key('wds1', 'tok'), VerifiedTokenCache.key('wds2', 'tok'));
    assert.notEqual(VerifiedTokenCache.key('a', 'b\0c'), VerifiedTokenCache.key('a\0b', 'c'));
  });

  it('evicts the oldest entries beyond its bound', () => {
    const c = new VerifiedTokenCache(10_000, 3);
    for (const t of ['a', 'b', 'c', 'd']) c.set(VerifiedTokenCache.key('s', t), token(), 0);
    assert.equal(c.size, 3);
    assert.equal(c.get(VerifiedTokenCache.key('s', 'a'), 1), undefined);
    assert.notEqual(c.get(VerifiedTokenCache.key('s', 'd'), 1), undefined);
  });
});
