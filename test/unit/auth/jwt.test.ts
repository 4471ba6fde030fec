import assert from 'node:assert/strict';
import { constants, createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import {
  LEGACY_ISSUER,
  generateServiceAccountKeyPair,
  keyId,
  signLegacyServiceAccountToken,
  signServiceAccountToken,
  verifyServiceAccountToken,
  type SignOptions,
  type VerifyOptions,
  type VerifyResult,
} from '../../../src/auth/tokens/jwt.js';

const spaceA = generateServiceAccountKeyPair();
const spaceB = generateServiceAccountKeyPair();
const ISSUER = 'https://kubestellar.example/clusters/a';
const AUD = ['https://kubestellar.example/clusters/a'];
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const sa = { namespace: 'kube-system', name: 'argocd-manager', uid: 'sa-uid' };
const signOpts: SignOptions = { issuer: ISSUER, audiences: AUD, subject: sa, now: t0, jti: 'jti-1' };
const verifyOpts: VerifyOptions = { issuers: ISSUER, audiences: AUD, now: at(10) };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const decode = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>;
const failure = (r: VerifyResult) => (r.ok ? 'ok' : r.code);
/** Re-signs an edited payload with a key of space A, keeping the header. */
function resign(token: string, edit: (p: Record<string, unknown>) => void, key = spaceA.privateKeyPem): string {
  const [h] = token.split('.');
  const payload = decode(token, 1);
  edit(payload);
  const input = `${h}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

describe('signServiceAccountToken', () => {
  const token = signServiceAccountToken({ ...signOpts, boundObject: { kind: 'Secret', name: 'tok', uid: 'sec-uid' } }, spaceA.privateKeyPem);

  it('has kube’s header and claims, keys sorted', () => {
    assert.deepEqual(decode(token, 0), { alg: 'RS256', kid: keyId(spaceA.publicKeyPem) });
    const payload = decode(token, 1);
    assert.deepEqual(payload, {
      aud: AUD,
      exp: t0.getTime() / 1000 + 3600,
      iat: t0.getTime() / 1000,
      iss: ISSUER,
      jti: 'jti-1',
      'kubernetes.io': { namespace: 'kube-system', secret: { name: 'tok', uid: 'sec-uid' }, serviceaccount: { name: 'argocd-manager', uid: 'sa-uid' } },
      nbf: t0.getTime() / 1000,
      sub: 'system:serviceaccount:kube-system:argocd-manager',
    });
    assert.deepEqual(Object.keys(payload), [...Object.keys(payload)].sort());
  });

  it('kid is the base64url SHA-256 of the public key DER, same from either half', () => {
    assert.match(keyId(spaceA.publicKeyPem), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(keyId(spaceA.privateKeyPem), keyId(spaceA.publicKeyPem));
    assert.notEqual(keyId(spaceA.publicKeyPem), keyId(spaceB.publicKeyPem));
  });

  it('a random jti by default, and a custom lifetime', () => {
    const t = signServiceAccountToken({ issuer: ISSUER, audiences: AUD, subject: sa, now: t0, expirationSeconds: 600 }, spaceA.privateKeyPem);
    const p = decode(t, 1);
    assert.match(String(p['jti']), /^[0-9a-f-]{36}$/);
    assert.equal(p['exp'], t0.getTime() / 1000 + 600);
  });
});

describe('verifyServiceAccountToken', () => {
  const token = signServiceAccountToken(signOpts, spaceA.privateKeyPem);

  it('round trip', () => {
    const r = verifyServiceAccountToken(token, spaceA.publicKeyPem, verifyOpts);
    assert.ok(r.ok);
    assert.deepEqual(r.user, {
      name: 'system:serviceaccount:kube-system:argocd-manager',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
      extra: { 'authentication.kubernetes.io/credential-id': ['JTI=jti-1'] },
    });
    assert.deepEqual(r.serviceAccount, sa);
    assert.deepEqual(r.audiences, AUD);
    assert.equal(r.boundObject, undefined);
    assert.equal(r.legacySecretName, undefined);
    assert.deepEqual(r.expiresAt, at(3600));
    assert.equal(r.claims['iss'], ISSUER);
  });

  it('pod-bound tokens carry the pod in extra', () => {
    const t = signServiceAccountToken({ ...signOpts, boundObject: { kind: 'Pod', name: 'web-0', uid: 'pod-uid' } }, spaceA.privateKeyPem);
    const r = verifyServiceAccountToken(t, spaceA.publicKeyPem, verifyOpts);
    assert.ok(r.ok);
    assert.deepEqual(r.boundObject, { kind: 'Pod', name: 'web-0', uid: 'pod-uid' });
    assert.deepEqual(r.user.extra['authentication.kubernetes.io/pod-name'], ['web-0']);
    assert.deepEqual(r.user.extra['authentication.kubernetes.io/pod-uid'], ['pod-uid']);
  });

  it('accepts a KeyObject, the private PEM, or a key list (rotation)', () => {
    assert.ok(verifyServiceAccountToken(token, createPublicKey(spaceA.publicKeyPem), verifyOpts).ok);
    assert.ok(verifyServiceAccountToken(token, spaceA.privateKeyPem, verifyOpts).ok);
    assert.ok(verifyServiceAccountToken(token, [spaceB.publicKeyPem, spaceA.publicKeyPem], verifyOpts).ok);
  });

  const timeCases: [string, number, string][] = [
    ['valid just after issue', 0, 'ok'],
    ['valid at expiry', 3600, 'ok'],
    ['valid within the 60 s leeway after expiry', 3660, 'ok'],
    ['expired past the leeway', 3661, 'expired'],
    ['not yet valid past the leeway', -61, 'not-yet-valid'],
    ['within the leeway before nbf', -60, 'ok'],
  ];
  for (const [title, offset, want] of timeCases) {
    it(title, () => assert.equal(failure(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, now: at(offset) })), want));
  }

  it('custom leeway', () => {
    assert.equal(failure(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, now: at(3601), leewaySeconds: 0 })), 'expired');
  });

  it('issued in the future', () => {
    const t = resign(token, (p) => {
      p['iat'] = Number(p['iat']) + 1000;
    });
    const r = verifyServiceAccountToken(t, spaceA.publicKeyPem, verifyOpts);
    assert.deepEqual(r, { ok: false, code: 'issued-in-future', reason: 'service account token is issued in the future' });
  });

  it('another space’s key', () => {
    assert.deepEqual(verifyServiceAccountToken(token, spaceB.publicKeyPem, verifyOpts), { ok: false, code: 'signature', reason: 'token signature is invalid' });
    const fromB = signServiceAccountToken(signOpts, spaceB.privateKeyPem);
    assert.equal(failure(verifyServiceAccountToken(fromB, spaceA.publicKeyPem, verifyOpts)), 'signature');
  });

  it('tampered payload or signature', () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = decode(token, 1);
    payload['sub'] = 'system:serviceaccount:kube-system:admin';
    assert.equal(failure(verifyServiceAccountToken(`${h}.${b64(payload)}.${s}`, spaceA.publicKeyPem, verifyOpts)), 'signature');
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] = flipped[10]! ^ 1;
    assert.equal(failure(verifyServiceAccountToken(`${h}.${p}.${flipped.toString('base64url')}`, spaceA.publicKeyPem, verifyOpts)), 'signature');
    assert.equal(failure(verifyServiceAccountToken(`${h}.${p}.${s.slice(0, -4)}`, spaceA.publicKeyPem, verifyOpts)), 'signature');
  });

  it('alg none is refused', () => {
    const [, p] = token.split('.') as [string, string];
    for (const t of [`${b64({ alg: 'none' })}.${p}.`, `${b64({ alg: 'none' })}.${p}.AAAA`, `${b64({ alg: 'None' })}.${p}.AAAA`, `${b64({})}.${p}.AAAA`]) {
      assert.equal(failure(verifyServiceAccountToken(t, spaceA.publicKeyPem, verifyOpts)), t.endsWith('.') ? 'malformed' : 'algorithm', t);
    }
  });

  it('HS256 keyed with the public key is refused (algorithm confusion)', () => {
    const [, p] = token.split('.') as [string, string];
    const input = `${b64({ alg: 'HS256' })}.${p}`;
    const mac = createHmac('sha256', spaceA.publicKeyPem).update(input).digest('base64url');
    assert.equal(failure(verifyServiceAccountToken(`${input}.${mac}`, spaceA.publicKeyPem, verifyOpts)), 'algorithm');
  });

  it('an algorithm that does not fit the key fails', () => {
    const [, p] = token.split('.') as [string, string];
    const input = `${b64({ alg: 'ES256' })}.${p}`;
    const sig = sign('sha256', Buffer.from(input), spaceA.privateKeyPem).toString('base64url');
    assert.equal(failure(verifyServiceAccountToken(`${input}.${sig}`, spaceA.publicKeyPem, verifyOpts)), 'signature');
  });

  it('crit headers are refused', () => {
    const [, p] = token.split('.') as [string, string];
    const input = `${b64({ alg: 'RS256', crit: ['exp'] })}.${p}`;
    const sig = sign('sha256', Buffer.from(input), spaceA.privateKeyPem).toString('base64url');
    assert.equal(failure(verifyServiceAccountToken(`${input}.${sig}`, spaceA.publicKeyPem, verifyOpts)), 'algorithm');
  });

  it('wrong issuer: not ours', () => {
    assert.deepEqual(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, issuers: ['https://other'] }), {
      ok: false,
      code: 'issuer',
      reason: `token issuer "${ISSUER}" is invalid`,
    });
    assert.ok(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, issuers: ['https://other', ISSUER] }).ok);
  });

  it('audience mismatch', () => {
    const r = verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, audiences: ['https://elsewhere'] });
    assert.deepEqual(r, {
      ok: false,
      code: 'audience',
      reason: `token audiences ["${AUD[0]}"] is invalid for the target audiences ["https://elsewhere"]`,
    });
  });

  it('requested audiences (TokenReview) and the intersection', () => {
    const t = signServiceAccountToken({ ...signOpts, audiences: ['a', 'b', 'vault'] }, spaceA.privateKeyPem);
    const vault = verifyServiceAccountToken(t, spaceA.publicKeyPem, { ...verifyOpts, audiences: ['a'], requestedAudiences: ['vault', 'x'] });
    assert.ok(vault.ok);
    assert.deepEqual(vault.audiences, ['vault']);
    assert.equal(failure(verifyServiceAccountToken(t, spaceA.publicKeyPem, { ...verifyOpts, audiences: ['a'], requestedAudiences: ['x'] })), 'audience');
    const both = verifyServiceAccountToken(t, spaceA.publicKeyPem, { ...verifyOpts, audiences: ['b', 'a'] });
    assert.ok(both.ok);
    assert.deepEqual(both.audiences, ['a', 'b']);
  });

  it('no server audiences: any audience passes', () => {
    assert.ok(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, audiences: [] }).ok);
  });

  it('a string aud is accepted; a malformed one is not', () => {
    assert.ok(verifyServiceAccountToken(resign(token, (p) => void (p['aud'] = AUD[0])), spaceA.publicKeyPem, verifyOpts).ok);
    assert.equal(failure(verifyServiceAccountToken(resign(token, (p) => void (p['aud'] = [1])), spaceA.publicKeyPem, verifyOpts)), 'claims');
  });

  const claimCases: [string, (p: Record<string, unknown>) => void][] = [
    ['missing kubernetes.io claim', (p) => delete p['kubernetes.io']],
    ['sub disagreeing with the private claim', (p) => void (p['sub'] = 'system:serviceaccount:kube-system:other')],
    ['missing service account uid', (p) => void ((p['kubernetes.io'] as { serviceaccount: { uid?: string } }).serviceaccount.uid = '')],
    ['bound to two objects', (p) => void Object.assign(p['kubernetes.io'] as object, { pod: { name: 'a', uid: '1' }, secret: { name: 'b', uid: '2' } })],
    ['incomplete bound object', (p) => void Object.assign(p['kubernetes.io'] as object, { pod: { name: 'a' } })],
    ['exp not a number', (p) => void (p['exp'] = 'never')],
  ];
  for (const [title, edit] of claimCases) {
    it(title, () => assert.equal(failure(verifyServiceAccountToken(resign(token, edit), spaceA.publicKeyPem, verifyOpts)), 'claims'));
  }

  const malformed = ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.xx', `${b64([1])}.${b64({})}.AAAA`, `${b64({ alg: 'RS256' })}.bm90IGpzb24.AAAA`];
  for (const t of malformed) it(`malformed ${JSON.stringify(t)}`, () => assert.equal(failure(verifyServiceAccountToken(t, spaceA.publicKeyPem, verifyOpts)), 'malformed'));
});

describe('legacy service account tokens', () => {
  const token = signLegacyServiceAccountToken({ subject: sa, secretName: 'argocd-manager-long-lived-token' }, spaceA.privateKeyPem);

  it('has kube’s legacy claims and no expiry', () => {
    assert.deepEqual(decode(token, 1), {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'kube-system',
      'kubernetes.io/serviceaccount/secret.name': 'argocd-manager-long-lived-token',
      'kubernetes.io/serviceaccount/service-account.name': 'argocd-manager',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
      sub: 'system:serviceaccount:kube-system:argocd-manager',
    });
  });

  it('verifies forever, with the server’s audiences', () => {
    const r = verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, now: new Date('2099-01-01T00:00:00Z') });
    assert.ok(r.ok);
    assert.equal(r.legacySecretName, 'argocd-manager-long-lived-token');
    assert.deepEqual(r.audiences, AUD);
    assert.deepEqual(r.user, { name: 'system:serviceaccount:kube-system:argocd-manager', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'], extra: {} });
    assert.equal(r.expiresAt, undefined);
  });

  it('is refused when legacy tokens are off, or by another space', () => {
    assert.equal(failure(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, allowLegacy: false })), 'issuer');
    assert.equal(failure(verifyServiceAccountToken(token, spaceB.publicKeyPem, verifyOpts)), 'signature');
    assert.ok(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, issuers: [LEGACY_ISSUER], allowLegacy: false }).ok);
  });

  it('requestedAudiences outside the server’s audiences fail', () => {
    assert.equal(failure(verifyServiceAccountToken(token, spaceA.publicKeyPem, { ...verifyOpts, requestedAudiences: ['vault'] })), 'audience');
  });

  const missing: [string, string][] = [
    ['kubernetes.io/serviceaccount/namespace', 'namespace claim is missing'],
    ['kubernetes.io/serviceaccount/secret.name', 'secretName claim is missing'],
    ['kubernetes.io/serviceaccount/service-account.name', 'serviceAccountName claim is missing'],
    ['kubernetes.io/serviceaccount/service-account.uid', 'serviceAccountUID claim is missing'],
    ['sub', 'sub claim is missing'],
  ];
  for (const [claim, reason] of missing) {
    it(`missing ${claim}`, () => {
      const r = verifyServiceAccountToken(resign(token, (p) => delete p[claim]), spaceA.publicKeyPem, verifyOpts);
      assert.deepEqual(r, { ok: false, code: 'claims', reason });
    });
  }

  it('sub must agree with the claims', () => {
    const r = verifyServiceAccountToken(resign(token, (p) => void (p['sub'] = 'system:serviceaccount:default:argocd-manager')), spaceA.publicKeyPem, verifyOpts);
    assert.deepEqual(r, { ok: false, code: 'claims', reason: 'sub claim is invalid' });
  });
});

describe('other key types and algorithms', () => {
  it('sign ES256 and verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const t = signServiceAccountToken(signOpts, privateKey);
    assert.equal(decode(t, 0)['alg'], 'ES256');
    assert.equal(Buffer.from(t.split('.')[2]!, 'base64url').length, 64);
    assert.ok(verifyServiceAccountToken(t, publicKey, verifyOpts).ok);
    assert.equal(failure(verifyServiceAccountToken(t, spaceA.publicKeyPem, verifyOpts)), 'signature');
  });
  it('PS256 tokens from another issuer implementation verify with an RSA key', () => {
    const [, p] = signServiceAccountToken(signOpts, spaceA.privateKeyPem).split('.') as [string, string];
    const input = `${b64({ alg: 'PS256' })}.${p}`;
    const sig = sign('sha256', Buffer.from(input), { key: spaceA.privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url');
    assert.ok(verifyServiceAccountToken(`${input}.${sig}`, spaceA.publicKeyPem, verifyOpts).ok);
  });
});
