import assert from 'node:assert/strict';
import { StatusError, type CauseType } from '../../../src/api/errors.js';
import {
  formatLabelSelector,
  labelSelectorFromSet,
  labelSelectorMatches,
  labelSelectorToRequirements,
  labelsMatch,
  requirementErrors,
  requirementMatches,
  validateLabelSelector,
  validateLabels,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  type Labels,
} from '../../../src/api/label-selector.js';

const isBadRequest = (err: unknown): boolean => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest';
const req = (key: string, operator: LabelOperator, ...values: string[]): LabelRequirement => ({ key, operator, values });

describe('labelSelectorToRequirements (metav1.LabelSelector → selector)', () => {
  const cases: [string, LabelSelector | null | undefined, LabelRequirement[] | null][] = [
    ['undefined selects nothing', undefined, null],
    ['null selects nothing', null, null],
    ['{} selects everything', {}, []],
    ['empty parts select everything', { matchLabels: {}, matchExpressions: [] }, []],
    ['null parts select everything', { matchLabels: null, matchExpressions: null }, []],
    ['matchLabels become equality', { matchLabels: { b: '2', a: '1' } }, [req('a', '=', '1'), req('b', '=', '2')]],
    [
      'every operator',
      {
        matchExpressions: [
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'c', operator: 'Exists', values: [] },
          { key: 'b', operator: 'NotIn', values: ['y', 'x'] },
          { key: 'a', operator: 'In', values: ['p', 'p'] },
        ],
      },
      [req('a', 'in', 'p', 'p'), req('b', 'notin', 'y', 'x'), req('c', 'exists'), req('d', '!')],
    ],
    [
      'both parts, sorted by key',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      [req('app', '=', 'web'), req('env', 'in', 'prod')],
    ],
    ['empty label value', { matchLabels: { a: '' } }, [req('a', '=', '')]],
  ];
  for (const [what, input, want] of cases) {
    it(what, () => assert.deepEqual(labelSelectorToRequirements(input), want));
  }

  const bad: [string, LabelSelector][] = [
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }],
    ['lowercase operator', { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }],
    ['NotIn with null values', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: null }] }],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
    ['invalid key', { matchLabels: { 'a b': 'c' } }],
    ['invalid value', { matchLabels: { a: 'b c' } }],
    ['invalid expression value', { matchExpressions: [{ key: 'a', operator: 'In', values: ['-x'] }] }],
  ];
  for (const [what, input] of bad) {
    it(`${what} → 400 BadRequest`, () => assert.throws(() => labelSelectorToRequirements(input), isBadRequest));
  }
});

describe('labelSelectorMatches', () => {
  const cases: [LabelSelector | null | undefined, Labels | undefined, boolean][] = [
    [undefined, { a: 'b' }, false],
    [null, {}, false],
    [{}, {}, true],
    [{}, undefined, true],
    [{ matchLabels: { app: 'web' } }, { app: 'web', extra: 'x' }, true],
    [{ matchLabels: { app: 'web' } }, { app: 'db' }, false],
    [{ matchLabels: { app: '' } }, {}, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { env: 'prod' }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: '' }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { env: '' }, true],
    [
      { matchLabels: { 'location-group': 'edge' }, matchExpressions: [{ key: 'name', operator: 'In', values: ['cluster1', 'cluster2'] }] },
      { 'location-group': 'edge', name: 'cluster2' },
      true,
    ],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(labelSelectorMatches(sel, labels), want);
    });
  }
});

describe('labelsMatch and requirementMatches', () => {
  it('null matches nothing, [] everything', () => {
    assert.equal(labelsMatch(null, {}), false);
    assert.equal(labelsMatch([], {}), true);
  });
  const cases: [LabelRequirement, Labels, boolean][] = [
    [req('a', 'gt', '10'), { a: '9' }, false],
    [req('a', 'gt', '10'), { a: '11' }, true],
    [req('a', 'lt', '-3'), { a: '-4' }, true],
    [req('a', 'gt', 'x'), { a: '1' }, false],
    [req('a', 'gt', '1', '2'), { a: '5' }, false],
    [req('a', 'in'), { a: '' }, false],
    [req('a', 'notin'), { a: '' }, true],
  ];
  for (const [r, labels, want] of cases) {
    it(`${JSON.stringify(r)} on ${JSON.stringify(labels)} → ${want}`, () => assert.equal(requirementMatches(r, labels), want));
  }
});

describe('formatLabelSelector', () => {
  const cases: [LabelRequirement[], string][] = [
    [[], ''],
    [[req('app', '=', 'web')], 'app=web'],
    [[req('a', '==', 'b'), req('c', '!=', '')], 'a==b,c!='],
    [[req('a', 'in', 'z', 'y')], 'a in (y,z)'],
    [[req('a', 'notin', '')], 'a notin ()'],
    [[req('a', 'exists'), req('b', '!')], 'a,!b'],
    [[req('a', 'gt', '1'), req('b', 'lt', '2')], 'a>1,b<2'],
  ];
  for (const [reqs, want] of cases) it(JSON.stringify(want), () => assert.equal(formatLabelSelector(reqs), want));
});

describe('labelSelectorFromSet', () => {
  it('turns a map into sorted equality requirements', () => {
    assert.equal(formatLabelSelector(labelSelectorFromSet({ b: '2', a: '1' })), 'a=1,b=2');
  });
  it('treats empty and missing maps as everything', () => {
    assert.deepEqual(labelSelectorFromSet({}), []);
    assert.deepEqual(labelSelectorFromSet(undefined), []);
    assert.deepEqual(labelSelectorFromSet(null), []);
  });
});

type Want = [CauseType, string][];
const summary = (errs: readonly { type: CauseType; field: string }[]): Want => errs.map((e) => [e.type, e.field]);

describe('validateLabelSelector', () => {
  const p = 'spec.selector';
  const cases: [string, LabelSelector | null | undefined, Want][] = [
    ['missing selector', undefined, []],
    ['null selector', null, []],
    ['empty selector', {}, []],
    ['valid selector', { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'x'] }] }, []],
    ['bad matchLabels key', { matchLabels: { 'a b': 'c' } }, [['FieldValueInvalid', `${p}.matchLabels`]]],
    ['bad matchLabels value', { matchLabels: { a: 'b-' } }, [['FieldValueInvalid', `${p}.matchLabels`]]],
    [
      'empty key reports both messages',
      { matchLabels: { '': 'x' } },
      [
        ['FieldValueInvalid', `${p}.matchLabels`],
        ['FieldValueInvalid', `${p}.matchLabels`],
      ],
    ],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, [['FieldValueRequired', `${p}.matchExpressions[0].values`]]],
    ['NotIn with empty values', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }, [['FieldValueRequired', `${p}.matchExpressions[0].values`]]],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, [['FieldValueForbidden', `${p}.matchExpressions[0].values`]]],
    ['DoesNotExist with values', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }, [['FieldValueForbidden', `${p}.matchExpressions[0].values`]]],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, [['FieldValueInvalid', `${p}.matchExpressions[0].operator`]]],
    ['bad key', { matchExpressions: [{ key: 'Example.com/a', operator: 'Exists' }] }, [['FieldValueInvalid', `${p}.matchExpressions[0].key`]]],
    [
      'bad second value of the second expression',
      {
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'In', values: ['ok', 'not ok'] },
        ],
      },
      [['FieldValueInvalid', `${p}.matchExpressions[1].values[1]`]],
    ],
    [
      'too long value reports length and format',
      { matchExpressions: [{ key: 'a', operator: 'In', values: [`-${'v'.repeat(63)}`] }] },
      [
        ['FieldValueInvalid', `${p}.matchExpressions[0].values[0]`],
        ['FieldValueInvalid', `${p}.matchExpressions[0].values[0]`],
      ],
    ],
    [
      'several problems at once',
      { matchLabels: { 'x/y/z': 'ok' }, matchExpressions: [{ key: '', operator: 'Bogus', values: ['-'] }] },
      [
        ['FieldValueInvalid', `${p}.matchLabels`],
        ['FieldValueInvalid', `${p}.matchExpressions[0].operator`],
        ['FieldValueInvalid', `${p}.matchExpressions[0].key`],
        ['FieldValueInvalid', `${p}.matchExpressions[0].key`],
        ['FieldValueInvalid', `${p}.matchExpressions[0].values[0]`],
      ],
    ],
  ];
  for (const [what, sel, want] of cases) {
    it(what, () => assert.deepEqual(summary(validateLabelSelector(sel, p)), want));
  }

  it('can tolerate invalid values already stored', () => {
    const sel = { matchExpressions: [{ key: 'a', operator: 'In', values: ['not ok'] }] };
    assert.deepEqual(validateLabelSelector(sel, p, { allowInvalidLabelValueInSelector: true }), []);
  });

  it('uses upstream wording in the details', () => {
    const [err] = validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, p);
    assert.equal(err?.detail, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  });
});

describe('validateLabels', () => {
  const cases: [Labels | undefined, Want][] = [
    [undefined, []],
    [{ app: 'web', 'example.com/tier': '' }, []],
    [{ App_1: 'A.b' }, []],
    [{ 'a/b/c': 'x' }, [['FieldValueInvalid', 'metadata.labels']]],
    [{ ok: 'x y' }, [['FieldValueInvalid', 'metadata.labels']]],
    [
      { '-bad': 'bad-' },
      [
        ['FieldValueInvalid', 'metadata.labels'],
        ['FieldValueInvalid', 'metadata.labels'],
      ],
    ],
  ];
  for (const [labels, want] of cases) {
    it(String(JSON.stringify(labels)), () => assert.deepEqual(summary(validateLabels(labels, 'metadata.labels')), want));
  }
});

describe('requirementErrors (upstream NewRequirement checks)', () => {
  const cases: [LabelRequirement, string[]][] = [
    [req('a', '=', 'b'), []],
    [req('a', 'in', ''), []],
    [req('a', 'in'), ['values']],
    [req('a', '=', 'b', 'c'), ['values']],
    [req('a', '!='), ['values']],
    [req('a', 'exists', 'x'), ['values']],
    [req('a', 'gt', '1', '2'), ['values']],
    [req('a', 'lt', 'x'), ['values[0]']],
    [req('A B', 'exists'), ['key']],
    [req('k', 'in', 'ok', '-no'), ['values[1][k]']],
  ];
  for (const [r, fields] of cases) {
    it(`${JSON.stringify(r)} → ${JSON.stringify(fields)}`, () => {
      assert.deepEqual(
        requirementErrors(r.key, r.operator, r.values).map((e) => e.field),
        fields,
      );
    });
  }
});
