import assert from 'node:assert/strict';
import type { CauseType, FieldError } from '../../../src/api/errors.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment } from '../../../src/api/names.js';
import type { ObjectMeta, OwnerReference } from '../../../src/api/object.js';
import {
  FIELD_IMMUTABLE,
  validateAnnotations,
  validateFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
  type ObjectMetaRules,
} from '../../../src/api/object-meta.js';

type Want = [CauseType, string][];
const summary = (errs: readonly FieldError[]): Want => errs.map((e) => [e.type, e.field]);

const namespaced: ObjectMetaRules = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped: ObjectMetaRules = { namespaced: false, nameValidator: nameIsDNSSubdomain };
const owner = (over: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'web-abc',
  uid: 'u-1',
  ...over,
});

describe('validateObjectMeta', () => {
  const ns = { namespace: 'default' };
  const cases: [string, ObjectMeta, ObjectMetaRules, Want][] = [
    ['a valid namespaced object', { name: 'cm1', ...ns }, namespaced, []],
    ['a valid cluster-scoped object', { name: 'node.example.com' }, clusterScoped, []],
    ['no name', { ...ns }, namespaced, [['FieldValueRequired', 'metadata.name']]],
    ['an empty name', { name: '', ...ns }, namespaced, [['FieldValueRequired', 'metadata.name']]],
    ['a generated name', { generateName: 'web-', name: 'web-x7k2p', ...ns }, namespaced, []],
    ['generateName not yet turned into a name', { generateName: 'web-', ...ns }, namespaced, [['FieldValueRequired', 'metadata.name']]],
    [
      'a bad generateName',
      { generateName: 'Web-', name: 'Web-x7k2p', ...ns },
      namespaced,
      [
        ['FieldValueInvalid', 'metadata.generateName'],
        ['FieldValueInvalid', 'metadata.name'],
      ],
    ],
    ['an uppercase name', { name: 'CM', ...ns }, namespaced, [['FieldValueInvalid', 'metadata.name']]],
    ['a trailing dash', { name: 'cm-', ...ns }, namespaced, [['FieldValueInvalid', 'metadata.name']]],
    [
      'a too long, badly formed name',
      { name: `${'a'.repeat(253)}-`, ...ns },
      namespaced,
      [
        ['FieldValueInvalid', 'metadata.name'],
        ['FieldValueInvalid', 'metadata.name'],
      ],
    ],
    ['dots under a label validator', { name: 'a.b', ...ns }, { namespaced: true, nameValidator: nameIsDNSLabel }, [['FieldValueInvalid', 'metadata.name']]],
    ['colons in a path-segment name', { name: 'system:admin' }, { namespaced: false, nameValidator: nameIsPathSegment }, []],
    ['a slash in a path-segment name', { name: 'a/b' }, { namespaced: false, nameValidator: nameIsPathSegment }, [['FieldValueInvalid', 'metadata.name']]],
    ['no namespace', { name: 'a' }, namespaced, [['FieldValueRequired', 'metadata.namespace']]],
    ['a namespace with dots', { name: 'a', namespace: 'a.b' }, namespaced, [['FieldValueInvalid', 'metadata.namespace']]],
    ['a namespace on a cluster-scoped kind', { name: 'a', namespace: 'default' }, clusterScoped, [['FieldValueForbidden', 'metadata.namespace']]],
    ['an empty namespace on a cluster-scoped kind', { name: 'a', namespace: '' }, clusterScoped, []],
    ['a negative generation', { name: 'a', generation: -1, ...ns }, namespaced, [['FieldValueInvalid', 'metadata.generation']]],
    ['good labels', { name: 'a', labels: { 'app.kubernetes.io/name': 'web', empty: '' }, ...ns }, namespaced, []],
    ['a bad label key', { name: 'a', labels: { 'a b': 'c' }, ...ns }, namespaced, [['FieldValueInvalid', 'metadata.labels']]],
    ['a bad label value', { name: 'a', labels: { a: 'b/c' }, ...ns }, namespaced, [['FieldValueInvalid', 'metadata.labels']]],
    ['mixed-case annotation keys', { name: 'a', annotations: { 'Example.COM/Some-Key': 'anything at all: {"x":1}' }, ...ns }, namespaced, []],
    ['a bad annotation key', { name: 'a', annotations: { 'a b': '' }, ...ns }, namespaced, [['FieldValueInvalid', 'metadata.annotations']]],
    ['owner references', { name: 'a', ownerReferences: [owner({ controller: true }), owner({ kind: 'Deployment', controller: false })], ...ns }, namespaced, []],
    [
      'an owner reference missing everything',
      { name: 'a', ownerReferences: [{} as OwnerReference], ...ns },
      namespaced,
      [
        ['FieldValueRequired', 'metadata.ownerReferences[0].apiVersion'],
        ['FieldValueRequired', 'metadata.ownerReferences[0].kind'],
        ['FieldValueRequired', 'metadata.ownerReferences[0].name'],
        ['FieldValueRequired', 'metadata.ownerReferences[0].uid'],
      ],
    ],
    ['finalizers', { name: 'a', finalizers: ['kubernetes.io/pvc-protection', 'orphan'], ...ns }, namespaced, []],
    ['a bad finalizer', { name: 'a', finalizers: ['ok', 'not ok'], ...ns }, namespaced, [['FieldValueInvalid', 'metadata.finalizers']]],
    [
      'everything wrong at once',
      { labels: { '-': '-' }, namespace: 'A' },
      namespaced,
      [
        ['FieldValueRequired', 'metadata.name'],
        ['FieldValueInvalid', 'metadata.namespace'],
        ['FieldValueInvalid', 'metadata.labels'],
        ['FieldValueInvalid', 'metadata.labels'],
      ],
    ],
  ];
  for (const [what, meta, rules, want] of cases) {
    it(what, () => assert.deepEqual(summary(validateObjectMeta(meta, rules)), want));
  }

  it('reports under a custom field path', () => {
    assert.deepEqual(summary(validateObjectMeta({ labels: { a: '-' } }, clusterScoped, 'spec.template.metadata')), [
      ['FieldValueRequired', 'spec.template.metadata.name'],
      ['FieldValueInvalid', 'spec.template.metadata.labels'],
    ]);
  });

  it("words the name error as upstream", () => {
    const [err] = validateObjectMeta({ name: 'Bad', namespace: 'x' }, namespaced);
    assert.match(err?.detail ?? '', /^Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of/);
  });
});

describe('validateAnnotations', () => {
  const cases: [string, Record<string, string> | undefined, Want][] = [
    ['none', undefined, []],
    ['exactly at the limit', { a: 'x'.repeat(256 * 1024 - 1) }, []],
    ['one byte over', { a: 'x'.repeat(256 * 1024) }, [['FieldValueTooLong', 'metadata.annotations']]],
    ['over the limit in multibyte values', { a: 'é'.repeat(128 * 1024) }, [['FieldValueTooLong', 'metadata.annotations']]],
    ['a key with too many slashes', { 'a/b/c': '' }, [['FieldValueInvalid', 'metadata.annotations']]],
    ['a prefix longer than 253', { [`${'p'.repeat(254)}/k`]: '' }, [['FieldValueInvalid', 'metadata.annotations']]],
  ];
  for (const [what, annotations, want] of cases) {
    it(what, () => assert.deepEqual(summary(validateAnnotations(annotations, 'metadata.annotations')), want));
  }
});

describe('validateOwnerReferences', () => {
  const p = 'metadata.ownerReferences';
  const cases: [string, OwnerReference[], Want][] = [
    ['none', [], []],
    ['core group', [owner({ apiVersion: 'v1', kind: 'ConfigMap' })], []],
    ['one controller', [owner({ controller: true }), owner({ name: 'other' })], []],
    ['two controllers', [owner({ controller: true }), owner({ name: 'b', controller: true })], [['FieldValueInvalid', p]]],
    [
      'three controllers',
      [owner({ controller: true }), owner({ name: 'b', controller: true }), owner({ name: 'c', controller: true })],
      [
        ['FieldValueInvalid', p],
        ['FieldValueInvalid', p],
      ],
    ],
    ['too many slashes in apiVersion', [owner({ apiVersion: 'a/b/c' })], [['FieldValueInvalid', `${p}[0].apiVersion`]]],
    ['a group without version', [owner({ apiVersion: 'apps/' })], [['FieldValueInvalid', `${p}[0].apiVersion`]]],
    ['a lone slash', [owner({ apiVersion: '/' })], [['FieldValueInvalid', `${p}[0].apiVersion`]]],
    ['an empty uid in the second reference', [owner(), owner({ uid: '' })], [['FieldValueRequired', `${p}[1].uid`]]],
    ['an Event as owner', [owner({ apiVersion: 'v1', kind: 'Event' })], [['FieldValueInvalid', `${p}[0]`]]],
    ['an events.k8s.io Event is fine', [owner({ apiVersion: 'events.k8s.io/v1', kind: 'Event' })], []],
  ];
  for (const [what, refs, want] of cases) it(what, () => assert.deepEqual(summary(validateOwnerReferences(refs, p)), want));

  it('names both controllers', () => {
    const [err] = validateOwnerReferences([owner({ controller: true }), owner({ kind: 'Job', name: 'j', controller: true })], p);
    assert.match(err?.detail ?? '', /Found "true" in references for ReplicaSet\/web-abc and Job\/j$/);
  });
});

describe('validateFinalizers', () => {
  const cases: [string[] | undefined, Want][] = [
    [undefined, []],
    [['foregroundDeletion'], []],
    [['example.com/cleanup', 'orphan'], []],
    [['orphan', 'foregroundDeletion'], [['FieldValueInvalid', 'metadata.finalizers']]],
    [['a/b/c'], [['FieldValueInvalid', 'metadata.finalizers']]],
    [['Example.com/x'], [['FieldValueInvalid', 'metadata.finalizers']]],
    [[''], [['FieldValueInvalid', 'metadata.finalizers'], ['FieldValueInvalid', 'metadata.finalizers']]],
  ];
  for (const [finalizers, want] of cases) {
    it(String(JSON.stringify(finalizers)), () => assert.deepEqual(summary(validateFinalizers(finalizers, 'metadata.finalizers')), want));
  }
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'cm1',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '7',
    generation: 2,
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { a: 'b' },
  };
  const deleting: ObjectMeta = { ...old, deletionTimestamp: '2024-05-02T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['x/y'] };
  const cases: [string, ObjectMeta, ObjectMeta, Want][] = [
    ['no change', old, { ...old }, []],
    ['label and annotation changes', old, { ...old, labels: { c: 'd' }, annotations: { note: 'x' } }, []],
    ['a generation bump', old, { ...old, generation: 3 }, []],
    ['no resourceVersion', old, { ...old, resourceVersion: '' }, [['FieldValueInvalid', 'metadata.resourceVersion']]],
    ['a renamed object', old, { ...old, name: 'cm2' }, [['FieldValueInvalid', 'metadata.name']]],
    ['a moved object', old, { ...old, namespace: 'other' }, [['FieldValueInvalid', 'metadata.namespace']]],
    ['a dropped namespace', old, { ...old, namespace: undefined }, [['FieldValueInvalid', 'metadata.namespace']]],
    ['a new uid', old, { ...old, uid: 'u-2' }, [['FieldValueInvalid', 'metadata.uid']]],
    ['a dropped uid', old, { ...old, uid: undefined }, [['FieldValueInvalid', 'metadata.uid']]],
    ['a new creationTimestamp', old, { ...old, creationTimestamp: '2024-05-01T10:00:01Z' }, [['FieldValueInvalid', 'metadata.creationTimestamp']]],
    ['the same instant spelled differently', old, { ...old, creationTimestamp: '2024-05-01T10:00:00+00:00' }, []],
    ['a deletionTimestamp set by the client', old, { ...old, deletionTimestamp: '2024-05-02T00:00:00Z' }, [['FieldValueInvalid', 'metadata.deletionTimestamp']]],
    ['a grace period set by the client', old, { ...old, deletionGracePeriodSeconds: 30 }, [['FieldValueInvalid', 'metadata.deletionGracePeriodSeconds']]],
    ['a decremented generation', old, { ...old, generation: 1 }, [['FieldValueInvalid', 'metadata.generation']]],
    [
      'a negative generation',
      old,
      { ...old, generation: -1 },
      [
        ['FieldValueInvalid', 'metadata.generation'],
        ['FieldValueInvalid', 'metadata.generation'],
      ],
    ],
    ['bad labels', old, { ...old, labels: { a: '-' } }, [['FieldValueInvalid', 'metadata.labels']]],
    ['bad annotations', old, { ...old, annotations: { '-': '' } }, [['FieldValueInvalid', 'metadata.annotations']]],
    ['two controllers', old, { ...old, ownerReferences: [owner({ controller: true }), owner({ name: 'z', controller: true })] }, [['FieldValueInvalid', 'metadata.ownerReferences']]],
    ['finalizers removed while deleting', deleting, { ...deleting, finalizers: [] }, []],
    ['a finalizer added while deleting', deleting, { ...deleting, finalizers: ['x/y', 'a/b'] }, [['FieldValueForbidden', 'metadata.finalizers']]],
    ['a finalizer added while alive', old, { ...old, finalizers: ['a/b'] }, []],
  ];
  for (const [what, before, after, want] of cases) {
    it(what, () => assert.deepEqual(summary(validateObjectMetaUpdate(after, before)), want));
  }

  it('says the field is immutable, showing the new value', () => {
    const [err] = validateObjectMetaUpdate({ ...old, name: 'cm2' }, old);
    assert.equal(err?.detail, `Invalid value: "cm2": ${FIELD_IMMUTABLE}`);
  });

  it('lists the new finalizers as upstream does', () => {
    const [err] = validateObjectMetaUpdate({ ...deleting, finalizers: ['x/y', 'b', 'a', 'a'] }, deleting);
    assert.equal(err?.detail, 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a", "b"}');
  });

  it('reports under a custom field path', () => {
    assert.deepEqual(summary(validateObjectMetaUpdate({ ...old, uid: 'x' }, old, 'm')), [['FieldValueInvalid', 'm.uid']]);
  });
});
