/**
 * Per-version serving of custom resources (schema, subresources, columns, deprecation) and the
 * storedVersions check of CRD updates.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { validateStoredVersions } from '../../../../src/registry/builtin/apiextensions.js';
import { defaultDeprecationWarning, definitionFromCrd, type CrdSpec } from '../../../../src/registry/crd/from-crd.js';
import { structuralSchemaOps } from '../../../../src/registry/crd/schema-ops.js';

const spec = (versions: CrdSpec['versions']): CrdSpec => ({ group: 'example.com', names: { plural: 'gadgets', kind: 'Gadget' }, scope: 'Namespaced', versions });
const v = (name: string, extra: Partial<CrdSpec['versions'][number]> = {}): CrdSpec['versions'][number] => ({ name, served: true, storage: false, ...extra });

describe('defaultDeprecationWarning', () => {
  const cases: [string, CrdSpec['versions'], string, string][] = [
    ['suggests the newest non-deprecated served version', [v('v1alpha1', { deprecated: true }), v('v1beta1'), v('v1', { storage: true })], 'v1alpha1', 'example.com/v1alpha1 Gadget is deprecated; use example.com/v1 Gadget'],
    ['skips deprecated and unserved versions', [v('v1alpha1', { deprecated: true }), v('v1beta1', { deprecated: true }), v('v1', { served: false, storage: true })], 'v1alpha1', 'example.com/v1alpha1 Gadget is deprecated'],
    ['never suggests an older version', [v('v1alpha1', { storage: true }), v('v1', { deprecated: true })], 'v1', 'example.com/v1 Gadget is deprecated'],
  ];
  for (const [what, versions, version, want] of cases) it(what, () => assert.equal(defaultDeprecationWarning(spec(versions), version), want));
});

describe('validateStoredVersions', () => {
  const crd = (versions: string[], storage: string, stored: string[]): KubeObject =>
    ({ metadata: { name: 'x' }, spec: { versions: versions.map((name) => ({ name, storage: name === storage })) }, status: { storedVersions: stored } }) as KubeObject;
  const cases: [string, KubeObject, [string, string][]][] = [
    ['accepts stored versions still in spec.versions', crd(['v1', 'v2'], 'v2', ['v1', 'v2']), []],
    ['refuses a stored version dropped from spec.versions', crd(['v2'], 'v2', ['v1', 'v2']), [['FieldValueInvalid', 'status.storedVersions[0]']]],
    ['refuses storedVersions without the storage version', crd(['v1', 'v2'], 'v2', ['v1']), [['FieldValueInvalid', 'status.storedVersions']]],
    ['refuses empty storedVersions', crd(['v1'], 'v1', []), [['FieldValueInvalid', 'status.storedVersions']]],
  ];
  for (const [what, obj, want] of cases) {
    it(what, () => assert.deepEqual(validateStoredVersions(obj).map((e) => [e.type, e.field]), want));
  }
});

describe('definitionFromCrd per version', () => {
  const def = definitionFromCrd(
    spec([
      v('v1', {
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
        selectableFields: [{ jsonPath: '.spec.replicas' }],
      }),
      v('v1alpha1', {
        deprecated: true,
        deprecationWarning: 'old',
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
      }),
    ]),
    structuralSchemaOps('example.com', 'Gadget'),
  )!;
  const alpha = def.forVersion!('v1alpha1');
  const ga = def.forVersion!('v1');

  it('serves the storage version and stores in it', () => {
    assert.equal(alpha.version, 'v1');
    const stored = def.conversion!.toStored({ apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: {} }, 'v1alpha1');
    assert.equal(stored.apiVersion, 'example.com/v1');
  });
  it('gives each version its own subresources, columns, selectable fields and warning', () => {
    assert.deepEqual(Object.keys(alpha.subresources), []);
    assert.deepEqual(Object.keys(ga.subresources), ['status']);
    assert.deepEqual(alpha.columns.map((c) => c.name).slice(1), ['Age']);
    assert.deepEqual(ga.columns.map((c) => c.name).slice(1), ['Replicas']);
    const obj = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: {}, spec: { replicas: 2 } } as KubeObject;
    assert.deepEqual(ga.strategy.selectableFields!(obj), { 'spec.replicas': '2' });
    assert.deepEqual(alpha.strategy.selectableFields!(obj), {});
    assert.equal(alpha.deprecationWarning, 'old');
    assert.equal(ga.deprecationWarning, undefined);
  });
  it('validates with the requested version schema', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'a' }, spec: { replicas: 'seven' } } as KubeObject;
    assert.deepEqual(alpha.strategy.validate(structuredClone(obj)), []);
    assert.deepEqual(ga.strategy.validate(structuredClone(obj)).map((e) => e.field), ['spec.replicas']);
  });
  it('refuses creates only when terminating', () => {
    const terminating = definitionFromCrd(spec([v('v1', { storage: true })]), structuralSchemaOps('example.com', 'Gadget'), { terminating: true })!;
    assert.match(terminating.forVersion!('v1').createRefusal ?? '', /terminating/);
    assert.equal(def.createRefusal, undefined);
  });
});
