import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { cp, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ensurePki, normalizeHosts, PkiError, type Pki } from '../../../src/pki/ensure-pki.js';
import { CLIENT_AUTH_OID } from '../../../src/pki/client-identity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('pki', function () {
  this.timeout(30000);
  let root: string;
  let dir: string;
  let clock: Date;
  let pki: Pki;
  let other: Pki;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'pki-test-'));
    dir = join(root, 'data');
    clock = new Date();
    pki = await ensurePki(dir, { hosts: ['kubestellar.example'], now: () => clock });
    // A second CA with the same subject name: only the signature tells the two apart.
    other = await ensurePki(join(root, 'other'), { hosts: [] });
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the files, keys with mode 0600', async () => {
    for (const name of ['ca.key', 'serving.key', 'admin.key']) {
      assert.equal((await stat(join(dir, 'pki', name))).mode & 0o777, 0o600, name);
    }
    for (const name of ['ca.crt', 'serving.crt', 'admin.crt']) {
      assert.ok((await stat(join(dir, 'pki', name))).isFile(), name);
    }
    assert.match(pki.caKey, /^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('creates a CA, a serving cert with the SANs and an admin client cert', () => {
    const ca = new X509Certificate(pki.caCert);
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=kubestellar-ca');
    assert.equal(ca.fingerprint256, pki.caFingerprint);

    const serving = new X509Certificate(pki.servingCert);
    assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
    assert.equal(serving.ca, false);
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(serving.checkHost('localhost', { subject: 'never' }), 'localhost');
    assert.equal(serving.checkHost('kubestellar.example', { subject: 'never' }), 'kubestellar.example');
    // Every space's TLS server name, by one wildcard; never a name one level further down.
    assert.equal(serving.checkHost('wds1.spaces.kubestellar.internal', { subject: 'never' }), '*.spaces.kubestellar.internal');
    assert.equal(serving.checkHost('a.wds1.spaces.kubestellar.internal', { subject: 'never' }), undefined);
    assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.ok(serving.checkPrivateKey(createPrivateKey(pki.servingKey)));

    const admin = new X509Certificate(pki.adminClientCert);
    assert.equal(admin.subject, 'O=system:masters\nCN=kubestellar-admin');
    assert.deepEqual(admin.keyUsage, [CLIENT_AUTH_OID]);
    assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
    for (const cert of [ca, serving, admin]) {
      assert.ok(parseInt(cert.serialNumber.slice(0, 2), 16) < 0x80, 'serial is positive');
    }
  });

  it('keeps private keys out of logs and JSON', () => {
    assert.doesNotMatch(JSON.stringify(pki), /PRIVATE KEY/);
    assert.doesNotMatch(inspect(pki), /PRIVATE KEY/);
  });

  it('reuses everything on the next start', async () => {
    const again = await ensurePki(dir, { hosts: ['kubestellar.example'], now: () => clock });
    assert.equal(again.caFingerprint, pki.caFingerprint);
    assert.equal(again.servingCert, pki.servingCert);
    assert.equal(again.adminClientCert, pki.adminClientCert);
  });

  it('re-issues the serving cert from the same CA when a host is added', async () => {
    const copy = join(root, 'rehost');
    await cp(dir, copy, { recursive: true });
    const again = await ensurePki(copy, { hosts: ['[fd00::5]', 'New.Example', '10.1.2.3'] });
    assert.equal(again.caFingerprint, pki.caFingerprint);
    assert.equal(again.adminClientCert, pki.adminClientCert);
    assert.notEqual(again.servingCert, pki.servingCert);
    const serving = new X509Certificate(again.servingCert);
    assert.ok(serving.verify(new X509Certificate(pki.caCert).publicKey));
    assert.equal(serving.checkIP('10.1.2.3'), '10.1.2.3');
    assert.ok(serving.checkIP('fd00::5') !== undefined);
    assert.equal(serving.checkHost('new.example', { subject: 'never' }), 'new.example');
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
    // And that cert is then kept.
    const third = await ensurePki(copy, { hosts: ['new.example'] });
    assert.equal(third.servingCert, again.servingCert);
  });

  it('verifies client certificates', () => {
    const raw = (pem: string): Buffer => new X509Certificate(pem).raw;
    assert.deepEqual(pki.verifyClientCert(raw(pki.adminClientCert)), { user: 'kubestellar-admin', groups: ['system:masters'] });
    const alice = pki.issueClientCert({ commonName: 'alice', organizations: ['dev-team', 'ops_team'], days: 1 });
    assert.deepEqual(pki.verifyClientCert(raw(alice.cert)), { user: 'alice', groups: ['dev-team', 'ops_team'] });
    assert.deepEqual(pki.verifyClientCert(raw(pki.issueClientCert({ commonName: 'bob' }).cert)), { user: 'bob', groups: [] });

    assert.equal(pki.verifyClientCert(raw(other.adminClientCert)), undefined, 'another CA');
    assert.equal(other.verifyClientCert(raw(pki.adminClientCert)), undefined, 'another CA');
    assert.equal(pki.verifyClientCert(raw(pki.servingCert)), undefined, 'serverAuth only');
    assert.equal(pki.verifyClientCert(raw(pki.caCert)), undefined, 'the CA itself');
    assert.equal(pki.verifyClientCert(Buffer.from('not a certificate')), undefined);

    const saved = clock;
    try {
      clock = new Date(saved.getTime() + 2 * DAY_MS);
      assert.equal(pki.verifyClientCert(raw(alice.cert)), undefined, 'expired');
      assert.ok(pki.verifyClientCert(raw(pki.adminClientCert)));
      clock = new Date(saved.getTime() - 2 * DAY_MS);
      assert.equal(pki.verifyClientCert(raw(alice.cert)), undefined, 'not yet valid');
    } finally {
      clock = saved;
    }
  });

  it('refuses a corrupt ca.crt, naming it', async () => {
    const copy = join(root, 'corrupt');
    await cp(dir, copy, { recursive: true });
    await writeFile(join(copy, 'pki', 'ca.crt'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    await assert.rejects(ensurePki(copy, { hosts: [] }), (err: Error) => err instanceof PkiError && /ca\.crt/.test(err.message));
    await writeFile(join(copy, 'pki', 'ca.crt'), 'garbage');
    await assert.rejects(ensurePki(copy, { hosts: [] }), /ca\.crt/);
  });

  it('refuses a CA certificate whose key is missing or corrupt', async () => {
    const copy = join(root, 'nokey');
    await cp(dir, copy, { recursive: true });
    await writeFile(join(copy, 'pki', 'ca.key'), 'garbage');
    await assert.rejects(ensurePki(copy, { hosts: [] }), /ca\.key.*corrupt/);
    await unlink(join(copy, 'pki', 'ca.key'));
    await assert.rejects(ensurePki(copy, { hosts: [] }), /ca\.key is missing/);
  });

  it('re-issues a leaf whose key does not match (a crash between the two renames)', async () => {
    const copy = join(root, 'mismatch');
    await cp(dir, copy, { recursive: true });
    await cp(join(dir, 'pki', 'serving.key'), join(copy, 'pki', 'admin.key'));
    const again = await ensurePki(copy, { hosts: ['kubestellar.example'] });
    assert.equal(again.caFingerprint, pki.caFingerprint);
    assert.notEqual(again.adminClientCert, pki.adminClientCert);
    assert.ok(again.verifyClientCert(new X509Certificate(again.adminClientCert).raw));
  });

  it('normalizes hosts', () => {
    assert.deepEqual(normalizeHosts(['Foo.Example', '[::1]', '0.0.0.0', '', 'foo.example']), ['localhost', '127.0.0.1', '::1', '*.spaces.kubestellar.internal', 'foo.example']);
  });
});

