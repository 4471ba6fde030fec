/**
 * @module The server's TLS material, kept in `<data-dir>/pki/`: created at first start, reused
 * after, so kubeconfigs written once keep working. Leaf certificates (serving, admin) are
 * re-issued by the same CA when missing, expiring, or lacking a requested host; the CA itself is
 * never silently replaced, because that would invalidate every kubeconfig handed out.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { SPACE_HOST_WILDCARD } from '../spaces/space-host.js';
import { generateRsaKeyPair, signCertificate, type CertificateRequest, type SubjectName } from './certificates.js';
import { readSubject, verifyClientCertificate, type ClientIdentity } from './client-identity.js';

export const CA_COMMON_NAME = 'kubestellar-ca';
export const SERVING_COMMON_NAME = 'kubestellar-apiserver';
export const ADMIN_USER = 'kubestellar-admin';
export const ADMIN_GROUP = 'system:masters';
/**
 * Hosts every serving certificate covers, so local clients always work, and the server names of
 * the spaces (src/spaces/space-host.ts); a certificate from before the names existed is re-issued.
 */
export const DEFAULT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1', SPACE_HOST_WILDCARD];

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates closer than this to expiry are renewed at start. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  cert: string;
  key: string;
}

export interface ClientCertRequest {
  commonName: string;
  organizations?: readonly string[];
  /** Validity in days; 365 by default. */
  days?: number;
}

/** The loaded TLS material. Private keys are accessor properties, so logging the object omits them. */
export interface Pki {
  readonly caCert: string;
  /** Private: only the process that signs certificates needs it. */
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  /** CN `kubestellar-admin`, O `system:masters`: the identity written into admin kubeconfigs. */
  readonly adminClientCert: string;
  readonly adminClientKey: string;
  /** SHA-256 fingerprint of the CA certificate (colon-separated hex), safe to log. */
  readonly caFingerprint: string;
  /** The hosts the serving certificate was checked against (defaults included). */
  readonly hosts: readonly string[];
  /** Issues a new client certificate from the CA (not persisted); for extra identities, e.g. in tests. */
  issueClientCert(req: ClientCertRequest): IssuedCertificate;
  /** The identity in a presented DER certificate, or `undefined` if our CA would not accept it. */
  verifyClientCert(peerCertificateRaw: Buffer): ClientIdentity | undefined;
}

export interface EnsurePkiOptions {
  /** DNS names and IPs clients use to reach the server; localhost, 127.0.0.1 and ::1 are added. */
  hosts: readonly string[];
  /** Clock for issuing and verifying; injectable for tests. */
  now?: () => Date;
}

/** Raised for PKI files that exist but cannot be used; the message names the file. */
export class PkiError extends Error {
  override name = 'PkiError';
}

/** Loads the PKI under `<dir>/pki`, creating or re-issuing what is missing or stale. */
export async function ensurePki(dir: string, opts: EnsurePkiOptions): Promise<Pki> {
  const now = opts.now ?? (() => new Date());
  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const hosts = normalizeHosts(opts.hosts);
  const path = (name: string): string => join(pkiDir, name);

  const ca = await ensureCa(path('ca.crt'), path('ca.key'), now());
  const issue = (req: Omit<CertificateRequest, 'publicKeyPem' | 'now'>): IssuedCertificate => {
    const pair = generateRsaKeyPair();
    const cert = signCertificate({ ...req, publicKeyPem: pair.publicKey, now: now() }, ca);
    return { cert, key: pair.privateKey };
  };

  const serving = await ensureLeaf(path('serving.crt'), path('serving.key'), ca.x509, now(), {
    covers: (cert) => hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h, { subject: 'never', wildcards: false })) !== undefined),
    issue: () => issue({ subject: { commonName: SERVING_COMMON_NAME }, profile: 'server', hosts, days: LEAF_DAYS }),
  });
  const admin = await ensureLeaf(path('admin.crt'), path('admin.key'), ca.x509, now(), {
    covers: (cert) => {
      const subject = readSubject(cert.raw);
      return subject?.commonName === ADMIN_USER && subject.organizations.join() === ADMIN_GROUP;
    },
    issue: () => issue({ subject: { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] }, profile: 'client', days: LEAF_DAYS }),
  });

  return new LoadedPki(ca, serving, admin, hosts, now, issue);
}

/** Lowercases names, strips IPv6 brackets, drops duplicates and unspecified addresses, adds the defaults. */
export function normalizeHosts(hosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of [...DEFAULT_HOSTS, ...hosts]) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (host === '' || host === '0.0.0.0' || host === '::') continue;
    if (!out.includes(host)) out.push(host);
  }
  return out;
}

interface CaMaterial {
  certPem: string;
  keyPem: string;
  x509: X509Certificate;
}

/**
 * A missing ca.crt means no kubeconfig can trust this CA yet (the key is written first), so a new
 * CA is safe; a ca.crt without its key, a corrupt file or an expired CA needs a human.
 */
async function ensureCa(certPath: string, keyPath: string, now: Date): Promise<CaMaterial> {
  const certPem = await readOptional(certPath);
  if (certPem === undefined) {
    const pair = generateRsaKeyPair();
    const subject: SubjectName = { commonName: CA_COMMON_NAME };
    const cert = signCertificate({ subject, publicKeyPem: pair.publicKey, profile: 'ca', now, days: CA_DAYS }, { keyPem: pair.privateKey });
    await writeFileAtomic(keyPath, pair.privateKey, KEY_MODE);
    await writeFileAtomic(certPath, cert, CERT_MODE);
    return { certPem: cert, keyPem: pair.privateKey, x509: new X509Certificate(cert) };
  }
  const x509 = parseCertificate(certPath, certPem);
  const keyPem = await readOptional(keyPath);
  if (keyPem === undefined) {
    throw new PkiError(`${keyPath} is missing but ${certPath} exists; restore the CA key, or move ${certPath} aside to create a new CA (existing kubeconfigs will stop working)`);
  }
  const key = parsePrivateKey(keyPath, keyPem);
  if (!x509.checkPrivateKey(key)) throw new PkiError(`${keyPath} does not match ${certPath}`);
  if (!x509.ca) throw new PkiError(`${certPath} is not a CA certificate`);
  if (Date.parse(x509.validTo) <= now.getTime()) {
    throw new PkiError(`${certPath} expired at ${x509.validTo}; move the pki directory aside to create a new CA`);
  }
  return { certPem, keyPem, x509 };
}

interface LeafPolicy {
  /** Whether the stored certificate still says what is wanted (hosts, subject). */
  covers(cert: X509Certificate): boolean;
  issue(): IssuedCertificate;
}

/** Reuses a stored leaf if it is ours, current and sufficient; otherwise issues and stores a new one. */
async function ensureLeaf(certPath: string, keyPath: string, ca: X509Certificate, now: Date, policy: LeafPolicy): Promise<IssuedCertificate> {
  const certPem = await readOptional(certPath);
  const keyPem = await readOptional(keyPath);
  if (certPem !== undefined && keyPem !== undefined) {
    const cert = parseCertificate(certPath, certPem);
    const key = parsePrivateKey(keyPath, keyPem);
    // A key/cert mismatch is what a crash between the two renames leaves: re-issue, do not fail.
    const usable =
      cert.checkPrivateKey(key) &&
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      Date.parse(cert.validFrom) <= now.getTime() &&
      Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_MS &&
      policy.covers(cert);
    if (usable) return { cert: certPem, key: keyPem };
  } else {
    // Still parse what exists, so a corrupt file is reported rather than silently replaced.
    if (certPem !== undefined) parseCertificate(certPath, certPem);
    if (keyPem !== undefined) parsePrivateKey(keyPath, keyPem);
  }
  const issued = policy.issue();
  await writeFileAtomic(keyPath, issued.key, KEY_MODE);
  await writeFileAtomic(certPath, issued.cert, CERT_MODE);
  return issued;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new PkiError(`cannot read ${path}: ${code ?? String(err)}`);
  }
}

function parseCertificate(path: string, pem: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new PkiError(`${path} is not a PEM certificate`);
  try {
    return new X509Certificate(pem);
  } catch {
    throw new PkiError(`${path} holds a corrupt certificate`);
  }
}

/** The error never quotes the file: it may hold part of a key. */
function parsePrivateKey(path: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new PkiError(`${path} holds a corrupt or unsupported private key`);
  }
}

class LoadedPki implements Pki {
  readonly #ca: CaMaterial;
  readonly #serving: IssuedCertificate;
  readonly #admin: IssuedCertificate;
  readonly #now: () => Date;
  readonly #issue: (req: Omit<CertificateRequest, 'publicKeyPem' | 'now'>) => IssuedCertificate;
  readonly hosts: readonly string[];
  readonly caFingerprint: string;

  constructor(
    ca: CaMaterial,
    serving: IssuedCertificate,
    admin: IssuedCertificate,
    hosts: readonly string[],
    now: () => Date,
    issue: (req: Omit<CertificateRequest, 'publicKeyPem' | 'now'>) => IssuedCertificate,
  ) {
    this.#ca = ca;
    this.#serving = serving;
    this.#admin = admin;
    this.#now = now;
    this.#issue = issue;
    this.hosts = Object.freeze([...hosts]);
    this.caFingerprint = ca.x509.fingerprint256;
  }

  get caCert(): string {
    return this.#ca.certPem;
  }
  get caKey(): string {
    return this.#ca.keyPem;
  }
  get servingCert(): string {
    return this.#serving.cert;
  }
  get servingKey(): string {
    return this.#serving.key;
  }
  get adminClientCert(): string {
    return this.#admin.cert;
  }
  get adminClientKey(): string {
    return this.#admin.key;
  }

  issueClientCert(req: ClientCertRequest): IssuedCertificate {
    const subject: SubjectName = { commonName: req.commonName, organizations: req.organizations ?? [] };
    return this.#issue({ subject, profile: 'client', days: req.days ?? LEAF_DAYS });
  }

  verifyClientCert(peerCertificateRaw: Buffer): ClientIdentity | undefined {
    return verifyClientCertificate(peerCertificateRaw, this.#ca.x509, this.#now());
  }
}
