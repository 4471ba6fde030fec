/**
 * certificates.k8s.io/v1 CertificateSigningRequests: a PEM request, a signer name and key usages
 * on create; spec and status fixed on the main resource (status moves through `/status`, the
 * Approved/Denied conditions through `/approval`, which `kubectl certificate approve|deny` uses).
 * The requesting user is recorded in spec.username/uid/groups/extra, as upstream does. Nothing
 * here signs certificates: a signer (a controller, or a human writing status.certificate through
 * `/status`) does that.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isDNS1123Subdomain } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, humanDuration, nameColumn } from '../columns.js';
import type { RequestingUser, ResourceDefinition, Strategy } from '../definition.js';
import { NONE } from './cells.js';
import { oneOf } from './checks.js';
import { arr, child, column, define, each, kindStrategy, num, recs, setDefault, specOf, statusOf, str } from './helpers.js';

export const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
];

const APPROVED = 'Approved';
const DENIED = 'Denied';
const FAILED = 'Failed';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/;

/** parseCSR, the cheap part: the bytes (base64 in JSON) hold a CERTIFICATE REQUEST PEM block with a DER body. */
function requestErrors(request: unknown): FieldError[] {
  if (request === undefined || request === null || request === '') return [fieldErrors.required('spec.request')];
  if (typeof request !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(request)) {
    return [fieldErrors.invalid('spec.request', request, 'illegal base64 data')];
  }
  const text = Buffer.from(request, 'base64').toString('latin1');
  const block = PEM_BLOCK.exec(text);
  if (!block || block[1] !== 'CERTIFICATE REQUEST') return [fieldErrors.invalid('spec.request', '<bytes>', 'PEM block type must be CERTIFICATE REQUEST')];
  const der = Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64');
  if (der.length < 2 || der[0] !== 0x30) return [fieldErrors.invalid('spec.request', '<bytes>', 'asn1: structure error: tags don\'t match')];
  return [];
}

/** validateSignerName: `example.com/signer-name`, the domain part a DNS subdomain. */
function signerNameErrors(name: string): FieldError[] {
  if (name === '') return [fieldErrors.required('spec.signerName')];
  const slash = name.indexOf('/');
  const msg = "must be a fully qualified domain and path of the form 'example.com/signer-name'";
  if (slash <= 0 || slash === name.length - 1) return [fieldErrors.invalid('spec.signerName', name, msg)];
  const domain = name.slice(0, slash);
  const errs = isDNS1123Subdomain(domain).map((m) => fieldErrors.invalid('spec.signerName', name, m));
  if (name.length > 571) errs.push(fieldErrors.tooLong('spec.signerName', 571));
  return errs;
}

function conditionErrors(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(statusOf(o)['conditions']).forEach((c, i) => {
    const path = `status.conditions[${i}]`;
    const type = str(c['type']);
    if (type === '') errs.push(fieldErrors.required(`${path}.type`));
    if ([APPROVED, DENIED, FAILED].includes(type)) {
      if (seen.has(type)) errs.push(fieldErrors.duplicate(`${path}.type`, type));
      seen.add(type);
    }
    const status = c['status'];
    if (type === APPROVED || type === DENIED) errs.push(...oneOf(`${path}.status`, status ?? '', ['True']));
    else if (status === undefined || status === '') errs.push(fieldErrors.required(`${path}.status`));
    else errs.push(...oneOf(`${path}.status`, status, ['True', 'False', 'Unknown']));
  });
  if (seen.has(APPROVED) && seen.has(DENIED)) {
    errs.push(fieldErrors.invalid('status.conditions', statusOf(o)['conditions'], 'Approved and Denied conditions are mutually exclusive'));
  }
  return errs;
}

function validateCSR(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs = requestErrors(s['request']);
  errs.push(...signerNameErrors(str(s['signerName'])));
  const usages = arr(s['usages']);
  if (usages.length === 0) errs.push(fieldErrors.required('spec.usages'));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    errs.push(...oneOf(`spec.usages[${i}]`, u, KEY_USAGES));
    if (seen.has(u)) errs.push(fieldErrors.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  const expiration = num(s['expirationSeconds']);
  if (expiration !== undefined && expiration < 600) {
    errs.push(fieldErrors.invalid('spec.expirationSeconds', expiration, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...conditionErrors(o));
  return errs;
}

const hasCondition = (o: KubeObject, type: string): boolean => recs(statusOf(o)['conditions']).some((c) => c['type'] === type);

/** Approval is final, and an issued certificate is never replaced. */
function validateCSRUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const type of [APPROVED, DENIED]) {
    if (hasCondition(old, type) && !hasCondition(o, type)) {
      errs.push(fieldErrors.forbidden('status.conditions', `updates may not remove a condition of type "${type}"`));
    }
  }
  const oldCert = str(statusOf(old)['certificate']);
  if (oldCert !== '' && str(statusOf(o)['certificate']) !== oldCert) {
    errs.push(fieldErrors.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** extractCSRStatus: Denied over Approved over Pending, then `,Failed` and `,Issued`. */
export function csrCondition(o: KubeObject): string {
  let status = hasCondition(o, DENIED) ? 'Denied' : hasCondition(o, APPROVED) ? 'Approved' : 'Pending';
  if (hasCondition(o, FAILED)) status += ',Failed';
  if (str(statusOf(o)['certificate']) !== '') status += ',Issued';
  return status;
}

const base = kindStrategy({
  statusSubresource: true,
  generation: false,
  defaults: (o) => {
    for (const c of each(statusOf(o), 'conditions')) setDefault(c, 'status', 'True');
  },
  // The main resource changes metadata only (PrepareForUpdate keeps spec and status).
  update: (o, old) => {
    if (old['spec'] === undefined) delete o['spec'];
    else o['spec'] = structuredClone(old['spec']);
  },
  validate: validateCSR,
  validateUpdate: validateCSRUpdate,
  selectableFields: (o) => ({ 'spec.signerName': str(specOf(o)['signerName']) }),
});

const isApproval = (c: unknown): boolean => {
  const type = (c as { type?: unknown } | null)?.type;
  return type === APPROVED || type === DENIED;
};

const csrStrategy: Strategy = {
  ...base,
  // Issuing (status) and approving (approval) are separate concerns: a status write keeps the
  // stored Approved and Denied conditions and cannot add its own.
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject) {
    const written = arr(statusOf(obj)['conditions']).filter((c) => !isApproval(c));
    const kept = arr(statusOf(old)['conditions']).filter(isApproval);
    const conditions = [...written, ...structuredClone(kept)];
    const status = child(obj, 'status');
    if (conditions.length > 0) status['conditions'] = conditions;
    else delete status['conditions'];
  },
  // The requester fields are the server's: whatever the client sent is replaced.
  recordRequester(obj: KubeObject, user: RequestingUser) {
    const spec = child(obj, 'spec');
    for (const k of ['username', 'uid', 'groups', 'extra']) delete spec[k];
    spec['username'] = user.name;
    if (user.uid !== undefined && user.uid !== '') spec['uid'] = user.uid;
    if (user.groups.length > 0) spec['groups'] = [...user.groups];
    const keys = Object.keys(user.extra);
    if (keys.length > 0) spec['extra'] = Object.fromEntries(keys.map((k) => [k, [...(user.extra[k] ?? [])]]));
  },
};

const requestedDuration = (o: KubeObject): string => {
  const s = num(specOf(o)['expirationSeconds']);
  return s === undefined ? NONE : humanDuration(s);
};

export const certificatesigningrequests: ResourceDefinition = define({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  shortNames: ['csr'],
  namespaced: false,
  subresources: { status: true, approval: true },
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', (o) => str(specOf(o)['signerName']) || NONE, { description: 'signerName indicates the requested signer, and is a qualified name.' }),
    column('Requestor', (o) => str(specOf(o)['username']), { description: 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.' }),
    column('RequestedDuration', requestedDuration, { description: 'expirationSeconds is the requested duration of validity of the issued certificate.' }),
    column('Condition', csrCondition, { description: 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".' }),
  ],
  strategy: csrStrategy,
});

/** certificates.k8s.io/v1 in discovery order. */
export const certificatesResources: readonly ResourceDefinition[] = [certificatesigningrequests];
