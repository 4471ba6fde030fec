import assert from 'node:assert/strict';
import { decideFieldValidation, parseFieldValidation } from '../../../../src/registry/validation/index.js';

describe('decideFieldValidation', () => {
  const UNKNOWN = ['spec.foo', 'spec.template.spec.containers[0].bar'];
  const DUPS = ['spec.replicas'];

  /** [case, mode, unknown, duplicates, warnings, error code, error reason]. */
  const CASES: [string, string | undefined, string[], string[], string[], number?, string?][] = [
    ['absent mode warns', undefined, UNKNOWN, DUPS, ['unknown field "spec.foo"', 'unknown field "spec.template.spec.containers[0].bar"', 'duplicate field "spec.replicas"']],
    ['empty mode warns', '', ['spec.foo'], [], ['unknown field "spec.foo"']],
    ['Warn warns', 'Warn', [], DUPS, ['duplicate field "spec.replicas"']],
    ['Ignore is silent', 'Ignore', UNKNOWN, DUPS, []],
    ['Strict fails', 'Strict', UNKNOWN, DUPS, [], 400, 'BadRequest'],
    ['Strict without problems passes', 'Strict', [], [], []],
    ['Warn without problems is silent', 'Warn', [], [], []],
    ['an unknown mode is refused', 'strict', [], [], [], 422, 'Invalid'],
    ['an unknown mode is refused even with problems', 'Lenient', UNKNOWN, [], [], 422, 'Invalid'],
  ];
  for (const [name, mode, unknown, dups, warnings, code, reason] of CASES) {
    it(name, () => {
      const d = decideFieldValidation(mode, unknown, dups);
      assert.deepEqual(d.warnings, warnings);
      assert.equal(d.error?.code, code);
      assert.equal(d.error?.reason, reason);
    });
  }

  it('lists every problem in the Strict message, upstream style', () => {
    const d = decideFieldValidation('Strict', ['spec.foo'], ['x']);
    assert.equal(d.error?.status.message, 'strict decoding error: unknown field "spec.foo", duplicate field "x"');
  });

  it('names the kind for create and update, as their handlers decode into it; a patch reports the bare error', () => {
    const gvk = { version: 'v1', kind: 'ConfigMap' };
    for (const verb of ['create', 'update'] as const) {
      assert.equal(
        decideFieldValidation('Strict', ['junk'], [], verb, gvk).error?.status.message,
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "junk"',
      );
    }
    assert.equal(decideFieldValidation('Strict', ['junk'], [], 'patch', gvk).error?.status.message, 'strict decoding error: unknown field "junk"');
  });

  it('quotes paths as Go does', () => {
    assert.deepEqual(decideFieldValidation('Warn', ['metadata.annotations.a"b\\c'], []).warnings, ['unknown field "metadata.annotations.a\\"b\\\\c"']);
  });

  it('dedupes and caps at 100', () => {
    const many = Array.from({ length: 150 }, (_, i) => `f${i}`);
    assert.equal(decideFieldValidation('Warn', [...many, 'f0'], []).warnings.length, 100);
    assert.equal(decideFieldValidation('Warn', ['a', 'a'], ['a', 'a']).warnings.length, 2);
  });

  it('names the options kind of the verb in the 422', () => {
    for (const [verb, kind] of [['create', 'CreateOptions'], ['update', 'UpdateOptions'], ['patch', 'PatchOptions']] as const) {
      const err = parseFieldValidation('nope', verb);
      assert.ok(typeof err !== 'string');
      assert.equal(err.status.details?.kind, kind);
      assert.equal(err.status.details?.group, 'meta.k8s.io');
      assert.deepEqual(err.status.details?.causes?.map((c) => [c.reason, c.field]), [['FieldValueNotSupported', 'fieldValidation']]);
    }
  });
});
