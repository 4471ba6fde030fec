/**
 * CRDs in the community's protected groups need the api-approved.kubernetes.io annotation (KEP
 * 1111), as kube-apiserver's validateAPIApproval checks on create and on updates that change it.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { apiApprovalErrors } from '../../../../src/registry/builtin/apiextensions.js';

const crd = (group: string, approval?: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `foos.${group}`, ...(approval !== undefined && { annotations: { 'api-approved.kubernetes.io': approval } }) },
  spec: { group },
});

const FIELD = 'metadata.annotations[api-approved.kubernetes.io]';

describe('CRD API approval', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    // group, annotation, expected error type (undefined: accepted)
    ['example.com', undefined, undefined],
    ['cluster.x-k8s.io', undefined, undefined],
    ['k8s.io', undefined, 'FieldValueRequired'],
    ['foo.k8s.io', undefined, 'FieldValueRequired'],
    ['foo.kubernetes.io', undefined, 'FieldValueRequired'],
    ['gateway.networking.k8s.io', 'https://github.com/kubernetes-sigs/gateway-api/pull/2466', undefined],
    ['foo.k8s.io', 'unapproved, experimental-only', undefined],
    ['foo.k8s.io', 'yes please', 'FieldValueInvalid'],
    ['foo.k8s.io', 'mailto:someone', 'FieldValueInvalid'],
  ];
  for (const [group, approval, type] of cases) {
    it(`${group} with ${approval === undefined ? 'no annotation' : JSON.stringify(approval)}: ${type ?? 'accepted'}`, () => {
      const errs = apiApprovalErrors(crd(group, approval));
      assert.deepEqual(
        errs.map((e) => [e.type, e.field]),
        type === undefined ? [] : [[type, FIELD]],
      );
    });
  }

  it('an update that keeps the approval state as it was is never refused', () => {
    assert.deepEqual(apiApprovalErrors(crd('foo.k8s.io'), crd('foo.k8s.io')), []);
    assert.deepEqual(apiApprovalErrors(crd('foo.k8s.io', 'bad'), crd('foo.k8s.io', 'also bad')), []);
  });

  it('an update that removes an approval is refused', () => {
    assert.equal(apiApprovalErrors(crd('foo.k8s.io'), crd('foo.k8s.io', 'https://example.com/pr/1'))[0]?.type, 'FieldValueRequired');
  });

  it('words the missing annotation as upstream', () => {
    assert.equal(
      apiApprovalErrors(crd('foo.k8s.io'))[0]?.detail,
      'Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    );
  });
});
