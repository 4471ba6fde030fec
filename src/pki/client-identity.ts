/**
 * @module Client-certificate authentication as kube-apiserver does it: a certificate signed by our
 * CA, currently valid and meant for client auth names the user (CN) and its groups (each O).
 * A pure check on the DER bytes, so it works on `socket.getPeerCertificate().raw` whatever the
 * TLS options were, and in tests without a socket.
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** Who a verified client certificate says the caller is. */
export interface ClientIdentity {
  user: string;
  groups: string[];
}

export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

/**
 * Returns the identity in `raw` (a DER certificate) if `ca` signed it, `at` lies within its
 * validity and its extended key usage allows client auth; otherwise `undefined`, never a throw,
 * because whatever a peer presents is untrusted input.
 */
export function verifyClientCertificate(
  raw: Buffer,
  ca: X509Certificate,
  at: Date,
): ClientIdentity | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(raw);
  } catch {
    return undefined;
  }
  try {
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return undefined;
  } catch {
    return undefined;
  }
  const time = at.getTime();
  if (!(Date.parse(cert.validFrom) <= time && time <= Date.parse(cert.validTo))) return undefined;
  const usages: readonly string[] = cert.keyUsage ?? [];
  if (!usages.includes(CLIENT_AUTH_OID) && !usages.includes(ANY_EXTENDED_KEY_USAGE_OID)) return undefined;
  const subject = readSubject(raw);
  if (subject?.commonName === undefined || subject.commonName === '') return undefined;
  return { user: subject.commonName, groups: subject.organizations };
}

/**
 * Reads CN and O values from the DER subject. Node only offers the subject as escaped text, and
 * forge's certificate parser refuses non-RSA keys, so walk the ASN.1 directly.
 */
export function readSubject(raw: Buffer): { commonName?: string; organizations: string[] } | undefined {
  try {
    const root = forge.asn1.fromDer(forge.util.createBuffer(raw.toString('binary')));
    const tbs = children(root)[0];
    const fields = tbs === undefined ? [] : children(tbs);
    // TBSCertificate: [0] version (optional), serial, signature, issuer, validity, subject, ...
    const hasVersion = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC;
    const subject = fields[hasVersion ? 5 : 4];
    if (subject === undefined) return undefined;
    const result: { commonName?: string; organizations: string[] } = { organizations: [] };
    for (const rdn of children(subject)) {
      for (const attr of children(rdn)) {
        const [oid, value] = children(attr);
        if (oid === undefined || value === undefined || typeof oid.value !== 'string') continue;
        const type = forge.asn1.derToOid(forge.util.createBuffer(oid.value));
        if (type === OID_COMMON_NAME) result.commonName = decodeString(value);
        else if (type === OID_ORGANIZATION) result.organizations.push(decodeString(value));
      }
    }
    return result;
  } catch {
    return undefined;
  }
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

/** Directory strings: UTF8String, BMPString (UCS-2) or one of the single-byte string types. */
function decodeString(node: forge.asn1.Asn1): string {
  const bytes = typeof node.value === 'string' ? node.value : '';
  if (node.type === forge.asn1.Type.UTF8) return forge.util.decodeUtf8(bytes);
  if (node.type === forge.asn1.Type.BMPSTRING) return Buffer.from(bytes, 'binary').swap16().toString('utf16le');
  return Buffer.from(bytes, 'binary').toString('latin1');
}
