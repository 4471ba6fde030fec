import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import {
  checkFieldSelector,
  escapeFieldValue,
  fieldSelectorFields,
  fieldsMatch,
  formatFieldSelector,
  parseFieldSelector,
  requiredFieldValue,
  unescapeFieldValue,
  unsupportedFieldSelector,
  type FieldRequirement,
  type Fields,
} from '../../../src/api/field-selector.js';

const isBadRequest = (err: unknown): boolean => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest';
const eq = (field: string, value: string): FieldRequirement => ({ field, operator: '=', value });
const ne = (field: string, value: string): FieldRequirement => ({ field, operator: '!=', value });

describe('parseFieldSelector: accepted', () => {
  const cases: [string, FieldRequirement[]][] = [
    ['', []],
    [',', []],
    [',,', []],
    ['a=b', [eq('a', 'b')]],
    ['a==b', [eq('a', 'b')]],
    ['a!=b', [ne('a', 'b')]],
    ['a=', [eq('a', '')]],
    ['a!=', [ne('a', '')]],
    ['=a', [eq('', 'a')]],
    ['a=b,,c=d', [eq('a', 'b'), eq('c', 'd')]],
    ['b=1,a=2', [eq('a', '2'), eq('b', '1')]],
    ['metadata.namespace!=bar,metadata.name=foo', [eq('metadata.name', 'foo'), ne('metadata.namespace', 'bar')]],
    ['a= b ', [eq('a', ' b ')]],
    [' a =b', [eq(' a ', 'b')]],
    ['a=b!c', [eq('a', 'b!c')]],
    ['a=b\\,c', [eq('a', 'b,c')]],
    ['a=b\\=c', [eq('a', 'b=c')]],
    ['a=b\\\\', [eq('a', 'b\\')]],
    ['a=\\\\,b=c', [eq('a', '\\'), eq('b', 'c')]],
    ['a=\\,\\=\\\\', [eq('a', ',=\\')]],
    ['a!=b\\=c', [ne('a', 'b=c')]],
    ['x=ü', [eq('x', 'ü')]],
    ['involvedObject.name=web,involvedObject.kind=Pod', [eq('involvedObject.kind', 'Pod'), eq('involvedObject.name', 'web')]],
    ['a=b,a=c', [eq('a', 'b'), eq('a', 'c')]],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseFieldSelector(input), want));
  }
});

describe('parseFieldSelector: rejected with 400 BadRequest', () => {
  const cases = [
    'a',
    'a,b=c',
    'a=b,c',
    'metadata.name',
    'a=b=c',
    'a=b==c',
    'a!==b',
    'a===b',
    'a=b\\',
    'a=\\',
    'a=b\\x',
    'a=b\\!c',
    'a=b\\ ',
  ];
  for (const input of cases) {
    it(JSON.stringify(input), () => assert.throws(() => parseFieldSelector(input), isBadRequest));
  }
});

describe('escapeFieldValue / unescapeFieldValue', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['!x', '!x'],
    ['\\,=', '\\\\\\,\\='],
  ];
  for (const [raw, escaped] of cases) {
    it(`${JSON.stringify(raw)} ⇄ ${JSON.stringify(escaped)}`, () => {
      assert.equal(escapeFieldValue(raw), escaped);
      assert.equal(unescapeFieldValue(escaped), raw);
      assert.deepEqual(parseFieldSelector(`f=${escaped}`), [eq('f', raw)]);
    });
  }
  it('rejects unescaped specials and unknown escapes', () => {
    for (const bad of ['a,b', 'a=b', 'a\\', 'a\\n']) assert.throws(() => unescapeFieldValue(bad), isBadRequest);
  });
});

describe('formatFieldSelector', () => {
  const cases: [FieldRequirement[], string][] = [
    [[], ''],
    [[eq('a', 'b')], 'a=b'],
    [[eq('a', 'x,y'), ne('c', '')], 'a=x\\,y,c!='],
  ];
  for (const [reqs, want] of cases) {
    it(JSON.stringify(want), () => {
      assert.equal(formatFieldSelector(reqs), want);
      assert.deepEqual(parseFieldSelector(want), reqs);
    });
  }
});

describe('fieldsMatch', () => {
  const pod: Fields = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.nodeName': '' };
  const cases: [string, Fields, boolean][] = [
    ['', pod, true],
    ['metadata.name=web-1', pod, true],
    ['metadata.name==web-1', pod, true],
    ['metadata.name=web-2', pod, false],
    ['metadata.name!=web-2', pod, true],
    ['metadata.name=web-1,metadata.namespace=default', pod, true],
    ['metadata.name=web-1,metadata.namespace=kube-system', pod, false],
    ['status.phase!=Running', pod, false],
    ['status.phase!=Succeeded,status.phase!=Failed', pod, true],
    ['spec.nodeName=', pod, true],
    ['spec.nodeName!=', pod, false],
    ['missing=', pod, true],
    ['missing!=x', pod, true],
    ['missing=x', pod, false],
    ['constructor=', {}, true],
    ['metadata.name=web-1', {}, false],
  ];
  for (const [selector, fields, want] of cases) {
    it(`${JSON.stringify(selector)} ${want ? 'matches' : 'does not match'}`, () => {
      assert.equal(fieldsMatch(parseFieldSelector(selector), fields), want);
    });
  }
});

describe('fieldSelectorFields and requiredFieldValue', () => {
  const cases: [string, string[], string | undefined][] = [
    ['', [], undefined],
    ['metadata.name=x', ['metadata.name'], 'x'],
    ['metadata.name!=x', ['metadata.name'], undefined],
    ['status.phase=Running,metadata.name=y,status.phase!=Failed', ['metadata.name', 'status.phase'], 'y'],
    ['metadata.name=', ['metadata.name'], ''],
  ];
  for (const [selector, fields, name] of cases) {
    it(JSON.stringify(selector), () => {
      const reqs = parseFieldSelector(selector);
      assert.deepEqual(fieldSelectorFields(reqs), fields);
      assert.equal(requiredFieldValue(reqs, 'metadata.name'), name);
    });
  }
});

describe('checkFieldSelector', () => {
  const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
  const cases: [string, readonly string[] | undefined, boolean][] = [
    ['', undefined, true],
    ['metadata.name=a', undefined, true],
    ['metadata.namespace!=a,metadata.name=b', undefined, true],
    ['spec.nodeName=n', undefined, false],
    ['metadata.labels=x', undefined, false],
    ['=x', undefined, false],
    ['spec.nodeName=n,status.phase=Running', podFields, true],
    ['spec.containers=x', podFields, false],
    ['metadata.name=a', [], false],
  ];
  for (const [selector, supported, ok] of cases) {
    it(`${JSON.stringify(selector)} against ${supported === undefined ? 'the default fields' : JSON.stringify(supported)}`, () => {
      const run = (): void => checkFieldSelector(parseFieldSelector(selector), supported);
      if (ok) assert.doesNotThrow(run);
      else assert.throws(run, isBadRequest);
    });
  }

  it('builds a 400 BadRequest in either wording', () => {
    for (const err of [unsupportedFieldSelector('x'), unsupportedFieldSelector('x', ['a'], 'label')]) {
      assert.ok(isBadRequest(err));
      assert.equal(err.status.details, undefined);
    }
  });
});
