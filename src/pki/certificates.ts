/**
 * @module Key generation and X.509 signing. Keys come from node:crypto (native, fast); certificates
 * are assembled and signed with node-forge, which Node itself cannot do. Everything is PEM text.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A freshly generated RSA key pair: SPKI public key and PKCS#1 private key, both PEM. */
export interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

/** The subject of a certificate: Kubernetes reads CN as the user and each O as a group. */
export interface SubjectName {
  commonName: string;
  organizations?: readonly string[];
}

/** What a certificate is for; decides basicConstraints, keyUsage and extKeyUsage. */
export type CertificateProfile = 'ca' | 'server' | 'client';

export interface CertificateRequest {
  subject: SubjectName;
  publicKeyPem: string;
  profile: CertificateProfile;
  /** Subject alternative names for a `server` certificate: IPs become IP SANs, the rest DNS SANs. */
  hosts?: readonly string[];
  /** Issue time; the certificate is backdated an hour to tolerate clock skew between machines. */
  now: Date;
  days: number;
}

/** Who signs: with `certPem` the issuing CA, without it the request is self-signed with `keyPem`. */
export interface Signer {
  keyPem: string;
  certPem?: string;
}

const CLOCK_SKEW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;

/** RSA 2048: what kubeadm uses, and accepted by every client this server talks to. */
export function generateRsaKeyPair(): KeyPairPem {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
}

/**
 * A random positive serial in minimal DER form: the first byte is 0x01..0x7f, because Go rejects
 * negative serials and non-minimal integers when it parses a certificate.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/** Builds and signs a SHA-256 certificate; returns it as PEM with `\n` line endings. */
export function signCertificate(req: CertificateRequest, signer: Signer): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(req.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(req.now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(req.now.getTime() + req.days * DAY_MS);

  const subject = subjectAttributes(req.subject);
  cert.setSubject(subject);
  let authorityKeyId: string | true = true;
  if (signer.certPem === undefined) {
    cert.setIssuer(subject);
  } else {
    const ca = forge.pki.certificateFromPem(signer.certPem);
    cert.setIssuer(ca.subject.attributes.map(decodedAttribute));
    authorityKeyId = ca.generateSubjectKeyIdentifier().getBytes();
  }
  cert.setExtensions([
    ...profileExtensions(req),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(signer.keyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** UTF8String values: PrintableString cannot hold `_`, `@` or non-ASCII, and Go checks it strictly. */
function subjectAttributes(name: SubjectName): forge.pki.CertificateField[] {
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  return [
    ...(name.organizations ?? []).map((o) => ({ shortName: 'O', value: o, valueTagClass: utf8 })),
    { shortName: 'CN', value: name.commonName, valueTagClass: utf8 },
  ];
}

/**
 * forge parses UTF8String values as raw UTF-8 bytes but re-encodes them on output, so decode them
 * first; otherwise the issuer name would not byte-match the CA subject and chains would break.
 */
function decodedAttribute(attr: forge.pki.CertificateField): forge.pki.CertificateField {
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  if (attr.valueTagClass === utf8 && typeof attr.value === 'string') {
    return { ...attr, value: forge.util.decodeUtf8(attr.value) };
  }
  return attr;
}

function profileExtensions(req: CertificateRequest): object[] {
  switch (req.profile) {
    case 'ca':
      return [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ];
    case 'server':
      return [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: (req.hosts ?? []).map(altName) },
      ];
    case 'client':
      return [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ];
  }
}

function altName(host: string): { type: number; value?: string; ip?: string } {
  return isIP(host) === 0 ? { type: GENERAL_NAME_DNS, value: host } : { type: GENERAL_NAME_IP, ip: host };
}
