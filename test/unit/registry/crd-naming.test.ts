import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { decideNames } from '../../../src/registry/crd/naming.js';

const crd = (plural: string, names: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.test.io` },
  spec: { group: 'test.io', names: { plural, ...names } },
  ...(status !== undefined && { status }),
});
const established = { type: 'Established', status: 'True' };
const gadgets = crd('gadgets', { kind: 'Gadget', shortNames: ['gd'] }, { acceptedNames: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['gd'] }, conditions: [established] });

describe('CRD naming (the naming controller)', () => {
  const CASES: [string, KubeObject, string, string][] = [
    ['free names', crd('widgets', { kind: 'Widget', shortNames: ['wd'] }), 'True', 'NoConflicts'],
    ['a taken plural', { ...crd('gadgets', { kind: 'Gizmo' }), metadata: { name: 'other.test.io' } }, 'False', 'PluralConflict'],
    ['a singular taken as another plural', crd('gizmos', { kind: 'Gizmo', singular: 'gadgets' }), 'False', 'SingularConflict'],
    ['a taken short name', crd('gizmos', { kind: 'Gizmo', shortNames: ['gd'] }), 'False', 'ShortNamesConflict'],
    ['a taken kind', crd('gadgetz', { kind: 'Gadget', singular: 'gadgetz', listKind: 'GadgetzList' }), 'False', 'KindConflict'],
    ['several conflicts: the last is reported', crd('gadgetz', { kind: 'Gadget' }), 'False', 'ListKindConflict'],
    ['a taken list kind', crd('gizmos', { kind: 'Gizmo', listKind: 'GadgetList' }), 'False', 'ListKindConflict'],
  ];
  for (const [name, c, status, reason] of CASES) {
    it(name, () => {
      const d = decideNames(c, [gadgets, c]);
      assert.equal(d.namesAccepted.status, status);
      assert.equal(d.namesAccepted.reason, reason);
      if (status === 'False') assert.deepEqual([d.established?.status, d.established?.reason], ['False', 'NotAccepted']);
    });
  }

  it('keeps what a CRD already holds, and other groups do not conflict', () => {
    assert.equal(decideNames(gadgets, [gadgets]).namesAccepted.status, 'True');
    assert.equal(decideNames(gadgets, [gadgets]).established, undefined);
    const elsewhere = { ...crd('gadgets', { kind: 'Gadget', shortNames: ['gd'] }), spec: { group: 'other.io', names: { plural: 'gadgets', kind: 'Gadget', shortNames: ['gd'] } } };
    assert.equal(decideNames(elsewhere, [gadgets]).namesAccepted.status, 'True');
  });

  it('an established CRD asking for a taken short name keeps its accepted names and stays established', () => {
    const widgets = crd('widgets', { kind: 'Widget', shortNames: ['wd', 'gd'] }, { acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] }, conditions: [established] });
    const d = decideNames(widgets, [gadgets, widgets]);
    assert.equal(d.namesAccepted.reason, 'ShortNamesConflict');
    assert.equal(d.namesAccepted.message, '"gd" is already in use');
    assert.deepEqual(d.acceptedNames.shortNames, ['wd']);
    assert.equal(d.established, undefined);
  });
});
