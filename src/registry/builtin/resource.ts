/**
 * resource.k8s.io/v1, Dynamic Resource Allocation (GA in v1.34): DeviceClasses, ResourceClaims,
 * ResourceClaimTemplates and ResourceSlices, stored and served only. No scheduler allocates
 * claims and no driver publishes slices here; charts and tools that create or read them get
 * upstream's shapes, defaults, columns and the validation users meet first (required names and
 * classes, the allocation-mode and operator enums, one request form at a time, a slice's single
 * node scope). The full DRA validation (CEL compilation, attribute and capacity rules, limits)
 * is not reproduced.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isDNS1123Label } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { deleting } from './cells.js';
import { dnsSubdomain, immutable, oneOf } from './checks.js';
import { child, column, define, each, kindStrategy, rec, recs, setDefault, specOf, statusOf, str, type Obj } from './helpers.js';

const resource = { group: 'resource.k8s.io', version: 'v1' } as const;

const ALLOCATION_MODES = ['ExactCount', 'All'];
const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'NoExecute'];

const dnsLabel = (path: string, v: string): FieldError[] => isDNS1123Label(v).map((m) => fieldErrors.invalid(path, v, m));

/** Every selector needs a CEL expression (not compiled here). */
function validateSelectors(v: unknown, path: string): FieldError[] {
  return recs(v).flatMap((s, i) => (str(rec(s['cel'])?.['expression']) === '' ? [fieldErrors.required(`${path}[${i}].cel.expression`)] : []));
}

function validateTolerations(v: unknown, path: string): FieldError[] {
  return recs(v).flatMap((t, i) => [
    ...oneOf(`${path}[${i}].operator`, t['operator'], TOLERATION_OPERATORS),
    ...(str(t['effect']) === '' ? [] : oneOf(`${path}[${i}].effect`, t['effect'], TAINT_EFFECTS)),
  ]);
}

/** ExactDeviceRequest and DeviceSubRequest share these: a class, an allocation mode, a count for ExactCount. */
function validateDeviceAsk(r: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const cls = str(r['deviceClassName']);
  if (cls === '') errs.push(fieldErrors.required(`${path}.deviceClassName`));
  else errs.push(...dnsSubdomain(`${path}.deviceClassName`, cls));
  errs.push(...oneOf(`${path}.allocationMode`, r['allocationMode'], ALLOCATION_MODES));
  const count = r['count'];
  if (r['allocationMode'] === 'ExactCount' && typeof count === 'number' && count <= 0) errs.push(fieldErrors.invalid(`${path}.count`, count, 'must be greater than zero'));
  if (r['allocationMode'] === 'All' && typeof count === 'number' && count !== 0) errs.push(fieldErrors.invalid(`${path}.count`, count, 'must not be specified when allocationMode is \'All\''));
  errs.push(...validateSelectors(r['selectors'], `${path}.selectors`));
  errs.push(...validateTolerations(r['tolerations'], `${path}.tolerations`));
  return errs;
}

function validateClaimSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(rec(spec['devices'])?.['requests']).forEach((r, i) => {
    const rp = `${path}.devices.requests[${i}]`;
    const name = str(r['name']);
    if (name === '') errs.push(fieldErrors.required(`${rp}.name`));
    else errs.push(...dnsLabel(`${rp}.name`, name));
    if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(`${rp}.name`, name));
    names.add(name);
    const exactly = rec(r['exactly']);
    const first = r['firstAvailable'];
    const hasFirst = Array.isArray(first) && first.length > 0;
    if (exactly !== undefined && hasFirst) errs.push(fieldErrors.invalid(rp, null, 'exactly one of `exactly` or `firstAvailable` is required, but multiple fields are set'));
    else if (exactly === undefined && !hasFirst) errs.push(fieldErrors.required(rp, 'exactly one of `exactly` or `firstAvailable` is required'));
    if (exactly !== undefined) errs.push(...validateDeviceAsk(exactly, `${rp}.exactly`));
    const subNames = new Set<string>();
    recs(first).forEach((sub, j) => {
      const sp = `${rp}.firstAvailable[${j}]`;
      const subName = str(sub['name']);
      if (subName === '') errs.push(fieldErrors.required(`${sp}.name`));
      else errs.push(...dnsLabel(`${sp}.name`, subName));
      if (subName !== '' && subNames.has(subName)) errs.push(fieldErrors.duplicate(`${sp}.name`, subName));
      subNames.add(subName);
      errs.push(...validateDeviceAsk(sub, sp));
    });
  });
  return errs;
}

/** Upstream's defaults: ExactCount of one device, tolerations `Equal`. */
function defaultDeviceAsk(r: Obj): void {
  setDefault(r, 'allocationMode', 'ExactCount');
  if (r['allocationMode'] === 'ExactCount' && (r['count'] === undefined || r['count'] === null || r['count'] === 0)) r['count'] = 1;
  for (const t of each(r, 'tolerations')) setDefault(t, 'operator', 'Equal');
}

function defaultClaimSpec(spec: Obj): void {
  const devices = rec(spec['devices']);
  if (devices === undefined) return;
  for (const r of each(devices, 'requests')) {
    const exactly = rec(r['exactly']);
    if (exactly !== undefined) defaultDeviceAsk(exactly);
    for (const sub of each(r, 'firstAvailable')) defaultDeviceAsk(sub);
  }
}

const specImmutable = (o: KubeObject, old: KubeObject): FieldError[] =>
  isDeepStrictEqual(o['spec'] ?? null, old['spec'] ?? null) ? [] : [fieldErrors.invalid('spec', o['spec'] ?? null, 'field is immutable')];

// ---- DeviceClasses ----

export const deviceclasses: ResourceDefinition = define({
  ...resource,
  kind: 'DeviceClass',
  plural: 'deviceclasses',
  returnsDeletedObject: true,
  namespaced: false,
  columns: [nameColumn, ageColumn],
  strategy: kindStrategy({
    generation: true,
    validate: (o) => {
      const spec = specOf(o);
      return [
        ...validateSelectors(spec['selectors'], 'spec.selectors'),
        ...recs(spec['config']).flatMap((c, i) => {
          const opaque = rec(c['opaque']);
          if (opaque === undefined) return [fieldErrors.required(`spec.config[${i}].opaque`)];
          const driver = str(opaque['driver']);
          return driver === '' ? [fieldErrors.required(`spec.config[${i}].opaque.driver`)] : dnsSubdomain(`spec.config[${i}].opaque.driver`, driver);
        }),
      ];
    },
  }),
});

// ---- ResourceClaims and their templates ----

/** Upstream's printer: deleted, pending, allocated, reserved or deallocating, comma-joined. */
function claimState(o: KubeObject): string {
  const states: string[] = [];
  const gone = deleting(o);
  const status = statusOf(o);
  if (gone) states.push('deleted');
  if (rec(status['allocation']) === undefined) {
    if (!gone) states.push('pending');
  } else {
    states.push('allocated');
    if (recs(status['reservedFor']).length > 0) states.push('reserved');
    else if (gone) states.push('deallocating');
  }
  return states.join(',');
}

export const resourceclaims: ResourceDefinition = define({
  ...resource,
  kind: 'ResourceClaim',
  plural: 'resourceclaims',
  returnsDeletedObject: true,
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('State', claimState, { description: 'A summary of the current state (allocated, pending, reserved, etc.).' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    defaults: (o) => defaultClaimSpec(child(o, 'spec')),
    validate: (o) => validateClaimSpec(specOf(o), 'spec'),
    validateUpdate: specImmutable,
  }),
});

export const resourceclaimtemplates: ResourceDefinition = define({
  ...resource,
  kind: 'ResourceClaimTemplate',
  plural: 'resourceclaimtemplates',
  namespaced: true,
  columns: [nameColumn, ageColumn],
  strategy: kindStrategy({
    defaults: (o) => defaultClaimSpec(child(child(o, 'spec'), 'spec')),
    validate: (o) => validateClaimSpec(rec(specOf(o)['spec']) ?? {}, 'spec.spec'),
    validateUpdate: specImmutable,
  }),
});

// ---- ResourceSlices ----

const NODE_SCOPES = ['nodeName', 'nodeSelector', 'allNodes', 'perDeviceNodeSelection'];

function validateResourceSlice(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const driver = str(spec['driver']);
  if (driver === '') errs.push(fieldErrors.required('spec.driver'));
  else errs.push(...dnsSubdomain('spec.driver', driver));
  const pool = rec(spec['pool']);
  if (pool === undefined || str(pool['name']) === '') errs.push(fieldErrors.required('spec.pool.name'));
  const count = pool?.['resourceSliceCount'];
  if (typeof count !== 'number' || count <= 0) errs.push(fieldErrors.invalid('spec.pool.resourceSliceCount', count ?? 0, 'must be greater than zero'));
  const generation = pool?.['generation'];
  if (typeof generation === 'number' && generation < 0) errs.push(fieldErrors.invalid('spec.pool.generation', generation, 'must be greater than or equal to 0'));
  const set = NODE_SCOPES.filter((k) => {
    const v = spec[k];
    return v !== undefined && v !== null && v !== '' && v !== false;
  });
  if (set.length === 0) errs.push(fieldErrors.required('spec', `exactly one of \`${NODE_SCOPES.join('`, `')}\` is required`));
  else if (set.length > 1) errs.push(fieldErrors.invalid('spec', `{${set.join(', ')}}`, `exactly one of \`${NODE_SCOPES.join('`, `')}\` is required, but multiple fields are set`));
  const nodeName = str(spec['nodeName']);
  if (nodeName !== '') errs.push(...dnsSubdomain('spec.nodeName', nodeName));
  const names = new Set<string>();
  recs(spec['devices']).forEach((d, i) => {
    const path = `spec.devices[${i}]`;
    const name = str(d['name']);
    if (name === '') errs.push(fieldErrors.required(`${path}.name`));
    else errs.push(...dnsLabel(`${path}.name`, name));
    if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(`${path}.name`, name));
    names.add(name);
    recs(d['taints']).forEach((t, j) => {
      if (str(t['key']) === '') errs.push(fieldErrors.required(`${path}.taints[${j}].key`));
      if (str(t['effect']) === '') errs.push(fieldErrors.required(`${path}.taints[${j}].effect`));
      else errs.push(...oneOf(`${path}.taints[${j}].effect`, t['effect'], TAINT_EFFECTS));
    });
  });
  return errs;
}

export const resourceslices: ResourceDefinition = define({
  ...resource,
  kind: 'ResourceSlice',
  plural: 'resourceslices',
  namespaced: false,
  columns: [
    nameColumn,
    column('Node', (o) => str(specOf(o)['nodeName']), { description: 'NodeName identifies the node which provides the resources in this pool. A field selector can be used to list only ResourceSlice objects belonging to a certain node.\n\nThis field can be used to limit access from nodes to ResourceSlices with the same node name. It also indicates to autoscalers that adding new nodes of the same type as some old node might also make new resources available.\n\nExactly one of NodeName, NodeSelector, AllNodes, and PerDeviceNodeSelection must be set. This field is immutable.' }),
    column('Driver', (o) => str(specOf(o)['driver']), { description: 'Driver identifies the DRA driver providing the capacity information. A field selector can be used to list only ResourceSlice objects with a certain driver name.\n\nMust be a DNS subdomain and should end with a DNS domain owned by the vendor of the driver. It should use only lower case characters. This field is immutable.' }),
    column('Pool', (o) => str(rec(specOf(o)['pool'])?.['name']), { description: 'The name of the resource pool to which this ResourceSlice belongs.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    generation: true,
    validate: validateResourceSlice,
    validateUpdate: (o, old) => [
      ...immutable('spec.nodeName', specOf(o)['nodeName'], specOf(old)['nodeName']),
      ...immutable('spec.driver', specOf(o)['driver'], specOf(old)['driver']),
    ],
    // kubelet and drivers list a node's slices by these.
    selectableFields: (o) => ({ 'spec.nodeName': str(specOf(o)['nodeName']), 'spec.driver': str(specOf(o)['driver']) }),
  }),
});

/** resource.k8s.io/v1 in discovery order (alphabetical). */
export const resourceResources: readonly ResourceDefinition[] = [deviceclasses, resourceclaims, resourceclaimtemplates, resourceslices];
