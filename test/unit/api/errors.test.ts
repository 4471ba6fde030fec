import assert from 'node:assert/strict';
import { fieldErrors, invalid } from '../../../src/api/errors.js';

describe('invalid', () => {
  const quota = { group: '', kind: 'ResourceQuota' };
  const scope = (): ReturnType<typeof fieldErrors.invalid> =>
    fieldErrors.invalid('spec.scopes', ['BestEffort'], 'unsupported scope applied to resource');

  it('names each distinct error once in the message but keeps every cause', () => {
    const err = invalid(quota, 'q1', [scope(), scope(), scope()]);
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'ResourceQuota "q1" is invalid: spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource');
    assert.equal(err.status.details?.causes?.length, 3);
  });

  it('brackets several distinct errors, in first-seen order, without repeats', () => {
    const other = fieldErrors.required('spec.hard');
    const err = invalid({ group: 'apps', kind: 'Deployment' }, 'd', [scope(), other, scope()]);
    assert.equal(
      err.message,
      'Deployment.apps "d" is invalid: [spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource, spec.hard: Required value]',
    );
    assert.equal(err.status.details?.causes?.length, 3);
  });

  it('tells errors apart by field as well as detail', () => {
    const err = invalid(quota, 'q1', [fieldErrors.required('a'), fieldErrors.required('b')]);
    assert.equal(err.message, 'ResourceQuota "q1" is invalid: [a: Required value, b: Required value]');
  });

  it('has no colon when there are no errors', () => {
    assert.equal(invalid(quota, 'q1', []).message, 'ResourceQuota "q1" is invalid');
  });
});

describe('field error values', () => {
  // Go's ErrorBody: strings quoted, simple types bare, a nil value as the quoted string "null".
  const cases: [unknown, string][] = [
    ['x', 'Invalid value: "x": d'],
    [3, 'Invalid value: 3: d'],
    [false, 'Invalid value: false: d'],
    [['a'], 'Invalid value: ["a"]: d'],
    [null, 'Invalid value: "null": d'],
    [undefined, 'Invalid value: "null": d'],
  ];
  for (const [value, detail] of cases) {
    it(`renders ${JSON.stringify(value) ?? 'undefined'} as upstream`, () => assert.equal(fieldErrors.invalid('f', value, 'd').detail, detail));
  }
});
