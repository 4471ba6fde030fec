import assert from 'node:assert/strict';
import { StatusError, type CauseType } from '../../../src/api/errors.js';
import {
  continueExpired,
  decodeContinue,
  encodeContinue,
  parseResourceVersion,
  planList,
  planWatch,
  validateListQuery,
  validateWatchQuery,
  type ListPlan,
  type ReadQuery,
  type WatchPlan,
} from '../../../src/api/resource-version.js';

const isStatus = (code: number, reason: string) => (err: unknown): boolean =>
  err instanceof StatusError && err.code === code && err.reason === reason;
const isBadRequest = isStatus(400, 'BadRequest');
/** ListOptions rule violations: 422 Invalid naming kind ListOptions in meta.k8s.io. */
const isInvalidListOptions = (err: unknown): boolean =>
  isStatus(422, 'Invalid')(err) &&
  (err as StatusError).status.details?.kind === 'ListOptions' &&
  (err as StatusError).status.details?.group === 'meta.k8s.io';

const b64 = (json: string): string => Buffer.from(json, 'utf8').toString('base64url');
const token = (rv: number, start: string): string => b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }));

describe('parseResourceVersion', () => {
  const good: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['00', 0],
    ['1', 1],
    ['007', 7],
    ['123456789', 123456789],
    ['9007199254740991', 9007199254740991],
    ['18446744073709551615', 18446744073709551615],
  ];
  for (const [input, want] of good) {
    it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(parseResourceVersion(input), want));
  }
  const bad = ['abc', '-1', '+1', '1.0', '1e3', ' 1', '1 ', '0x10', '١', '18446744073709551616', '99999999999999999999999'];
  for (const input of bad) {
    it(`${JSON.stringify(input)} → 400 BadRequest`, () => assert.throws(() => parseResourceVersion(input), isBadRequest));
  }
});

type Want = [CauseType, string][];
const summary = (errs: readonly { type: CauseType; field: string }[]): Want => errs.map((e) => [e.type, e.field]);

describe('validateListQuery', () => {
  const cases: [ReadQuery, Want][] = [
    [{}, []],
    [{ resourceVersion: '5' }, []],
    [{ resourceVersion: '5', resourceVersionMatch: 'Exact' }, []],
    [{ resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, []],
    [{ resourceVersion: '5', resourceVersionMatch: '' }, []],
    [{ resourceVersionMatch: 'Exact' }, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [{ resourceVersion: '', resourceVersionMatch: 'NotOlderThan' }, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [{ resourceVersion: '0', resourceVersionMatch: 'Exact' }, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [{ resourceVersion: '5', resourceVersionMatch: 'exact' }, [['FieldValueNotSupported', 'resourceVersionMatch']]],
    [{ resourceVersion: '5', resourceVersionMatch: 'Exact', continue: 'x' }, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [
      { resourceVersionMatch: 'Bogus' },
      [
        ['FieldValueForbidden', 'resourceVersionMatch'],
        ['FieldValueNotSupported', 'resourceVersionMatch'],
      ],
    ],
    [{ sendInitialEvents: true }, [['FieldValueForbidden', 'sendInitialEvents']]],
    [{ sendInitialEvents: false }, [['FieldValueForbidden', 'sendInitialEvents']]],
  ];
  for (const [q, want] of cases) it(JSON.stringify(q), () => assert.deepEqual(summary(validateListQuery(q)), want));
});

describe('validateWatchQuery', () => {
  const on = { watchListEnabled: true };
  const cases: [ReadQuery, boolean, Want][] = [
    [{}, false, []],
    [{ resourceVersion: '5' }, false, []],
    [{ resourceVersionMatch: 'NotOlderThan' }, false, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [{ resourceVersionMatch: 'NotOlderThan', sendInitialEvents: true }, false, [['FieldValueForbidden', 'sendInitialEvents']]],
    [{ resourceVersionMatch: 'NotOlderThan', sendInitialEvents: true }, true, []],
    [{ resourceVersionMatch: 'NotOlderThan', sendInitialEvents: false, resourceVersion: '3' }, true, []],
    [{ sendInitialEvents: true }, true, [['FieldValueForbidden', 'resourceVersionMatch']]],
    [
      { sendInitialEvents: true, resourceVersionMatch: 'Exact' },
      true,
      [
        ['FieldValueForbidden', 'resourceVersionMatch'],
        ['FieldValueNotSupported', 'resourceVersionMatch'],
      ],
    ],
    [{ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', continue: 'x' }, true, [['FieldValueForbidden', 'resourceVersionMatch']]],
  ];
  for (const [q, enabled, want] of cases) {
    it(`${JSON.stringify(q)}${enabled ? ' with WatchList' : ''}`, () => {
      assert.deepEqual(summary(validateWatchQuery(q, enabled ? on : {})), want);
    });
  }
});

describe('planList', () => {
  const good: [ReadQuery, ListPlan][] = [
    [{}, { read: { kind: 'latest' } }],
    [{ resourceVersion: '' }, { read: { kind: 'latest' } }],
    [{ limit: 500 }, { read: { kind: 'latest' } }],
    [{ resourceVersion: '0' }, { read: { kind: 'any' }, ignoresLimit: true }],
    [{ resourceVersion: '0', limit: 500 }, { read: { kind: 'any' }, ignoresLimit: true }],
    [{ resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, { read: { kind: 'any' }, ignoresLimit: true }],
    [{ resourceVersion: '10' }, { read: { kind: 'notOlderThan', revision: 10 } }],
    [{ resourceVersion: '10', limit: 0 }, { read: { kind: 'notOlderThan', revision: 10 } }],
    [{ resourceVersion: '10', limit: 500 }, { read: { kind: 'exact', revision: 10 } }],
    [{ resourceVersion: '10', resourceVersionMatch: 'NotOlderThan', limit: 500 }, { read: { kind: 'notOlderThan', revision: 10 } }],
    [{ resourceVersion: '10', resourceVersionMatch: 'Exact' }, { read: { kind: 'exact', revision: 10 } }],
    [{ continue: token(42, 'default/cm1\0') }, { read: { kind: 'exact', revision: 42 }, continueKey: 'default/cm1\0' }],
    [{ continue: token(42, 'a'), resourceVersion: '0', limit: 2 }, { read: { kind: 'exact', revision: 42 }, continueKey: 'a' }],
    [{ continue: token(-1, 'a') }, { read: { kind: 'latest' }, continueKey: 'a' }],
  ];
  for (const [q, want] of good) it(JSON.stringify(q), () => assert.deepEqual(planList(q), want));

  const bad: [ReadQuery, (err: unknown) => boolean][] = [
    [{ resourceVersionMatch: 'Exact' }, isInvalidListOptions],
    [{ resourceVersion: '0', resourceVersionMatch: 'Exact' }, isInvalidListOptions],
    [{ resourceVersion: '1', resourceVersionMatch: 'Newest' }, isInvalidListOptions],
    [{ sendInitialEvents: true }, isInvalidListOptions],
    [{ continue: token(3, 'a'), resourceVersion: '3', resourceVersionMatch: 'Exact' }, isInvalidListOptions],
    [{ resourceVersion: 'abc' }, isBadRequest],
    [{ resourceVersion: 'abc', resourceVersionMatch: 'NotOlderThan' }, isBadRequest],
    [{ resourceVersion: '-5', limit: 10 }, isBadRequest],
    [{ continue: token(3, 'a'), resourceVersion: '3' }, isBadRequest],
    [{ continue: 'garbage!' }, isBadRequest],
    [{ continue: token(0, 'a') }, isBadRequest],
  ];
  for (const [q, check] of bad) it(`${JSON.stringify(q)} is rejected`, () => assert.throws(() => planList(q), check));
});

describe('planWatch', () => {
  const nto = 'NotOlderThan';
  const good: [ReadQuery, boolean, WatchPlan][] = [
    [{}, false, { kind: 'initialEvents', read: { kind: 'latest' }, endBookmark: false }],
    [{ resourceVersion: '0' }, false, { kind: 'initialEvents', read: { kind: 'any' }, endBookmark: false }],
    [{ resourceVersion: '7' }, false, { kind: 'after', revision: 7 }],
    [{ resourceVersion: '7', limit: 500 }, false, { kind: 'after', revision: 7 }],
    [{ sendInitialEvents: true, resourceVersionMatch: nto }, true, { kind: 'initialEvents', read: { kind: 'latest' }, endBookmark: true }],
    [{ sendInitialEvents: true, resourceVersionMatch: nto, resourceVersion: '0' }, true, { kind: 'initialEvents', read: { kind: 'any' }, endBookmark: true }],
    [
      { sendInitialEvents: true, resourceVersionMatch: nto, resourceVersion: '7' },
      true,
      { kind: 'initialEvents', read: { kind: 'notOlderThan', revision: 7 }, endBookmark: true },
    ],
    [{ sendInitialEvents: false, resourceVersionMatch: nto }, true, { kind: 'fromNow' }],
    [{ sendInitialEvents: false, resourceVersionMatch: nto, resourceVersion: '0' }, true, { kind: 'fromNow' }],
    [{ sendInitialEvents: false, resourceVersionMatch: nto, resourceVersion: '7' }, true, { kind: 'after', revision: 7 }],
  ];
  for (const [q, enabled, want] of good) {
    it(`${JSON.stringify(q)}${enabled ? ' with WatchList' : ''}`, () => {
      assert.deepEqual(planWatch(q, { watchListEnabled: enabled }), want);
    });
  }

  const bad: [ReadQuery, boolean, (err: unknown) => boolean][] = [
    [{ resourceVersionMatch: nto }, false, isInvalidListOptions],
    [{ resourceVersionMatch: nto, resourceVersion: '5' }, true, isInvalidListOptions],
    [{ sendInitialEvents: true, resourceVersionMatch: nto }, false, isInvalidListOptions],
    [{ sendInitialEvents: true }, true, isInvalidListOptions],
    [{ resourceVersion: 'abc' }, false, isBadRequest],
    [{ resourceVersion: '1.5' }, false, isBadRequest],
  ];
  for (const [q, enabled, check] of bad) {
    it(`${JSON.stringify(q)}${enabled ? ' with WatchList' : ''} is rejected`, () => {
      assert.throws(() => planWatch(q, { watchListEnabled: enabled }), check);
    });
  }
});

describe('continue tokens', () => {
  const positions = [
    { key: 'default/cm1\0', revision: 42 },
    { key: 'a', revision: 1 },
    { key: 'ns/name-with-ü\0', revision: 9007199254740991 },
    { key: '<&>', revision: 5 },
    { key: 'x', revision: -1 },
  ];
  for (const pos of positions) {
    it(`round-trips ${JSON.stringify(pos)}`, () => assert.deepEqual(decodeContinue(encodeContinue(pos)), pos));
  }

  it('encodes unpadded base64url JSON as upstream does', () => {
    assert.equal(encodeContinue({ key: 'default/a\0', revision: 12 }), b64('{"v":"meta.k8s.io/v1","rv":12,"start":"default/a\\u0000"}'));
    assert.equal(encodeContinue({ key: '<&>', revision: 1 }), b64('{"v":"meta.k8s.io/v1","rv":1,"start":"\\u003c\\u0026\\u003e"}'));
    assert.doesNotMatch(encodeContinue({ key: 'ab', revision: 1 }), /[=+/]/);
  });

  const accepted: [string, string, { key: string; revision: number }][] = [
    ['a leading slash', b64('{"v":"meta.k8s.io/v1","rv":3,"start":"/a/b"}'), { key: 'a/b', revision: 3 }],
    ['field names in any case', b64('{"V":"meta.k8s.io/v1","Rv":3,"START":"a"}'), { key: 'a', revision: 3 }],
    ['unknown fields', b64('{"v":"meta.k8s.io/v1","rv":3,"start":"a","x":[1]}'), { key: 'a', revision: 3 }],
    ['the root key', b64('{"v":"meta.k8s.io/v1","rv":3,"start":"/"}'), { key: '', revision: 3 }],
  ];
  for (const [what, t, want] of accepted) it(`accepts ${what}`, () => assert.deepEqual(decodeContinue(t), want));

  const rejected: [string, string][] = [
    ['empty', ''],
    ['non-base64 characters', 'abc!'],
    ['padding', `${token(3, 'ab')}=`],
    ['standard base64 alphabet', Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"a>?"}').toString('base64')],
    ['impossible length', 'abcde'],
    ['non-JSON', b64('not json')],
    ['a JSON array', b64('[]')],
    ['a JSON string', b64('"x"')],
    ['JSON null (no version)', b64('null')],
    ['another version', b64('{"v":"meta.k8s.io/v2","rv":3,"start":"a"}')],
    ['no version', b64('{"rv":3,"start":"a"}')],
    ['revision 0', token(0, 'a')],
    ['no revision', b64('{"v":"meta.k8s.io/v1","start":"a"}')],
    ['a string revision', b64('{"v":"meta.k8s.io/v1","rv":"3","start":"a"}')],
    ['a fractional revision', b64('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}')],
    ['a numeric start', b64('{"v":"meta.k8s.io/v1","rv":1,"start":5}')],
    ['an empty start key', token(3, '')],
    ['no start key', b64('{"v":"meta.k8s.io/v1","rv":3}')],
    ['a parent segment', token(3, '../secrets/x')],
    ['an inner parent segment', token(3, 'a/../../b')],
    ['a dot segment', token(3, './a')],
    ['a double slash', token(3, 'a//b')],
    ['a trailing slash', token(3, 'a/')],
  ];
  for (const [what, t] of rejected) {
    it(`rejects ${what} with 400 BadRequest`, () => assert.throws(() => decodeContinue(t), isBadRequest));
  }

  // The message is the point: upstream hands Go's base64 and encoding/json errors through.
  const worded: [string, string, string][] = [
    ['garbage', 'abc', "invalid character 'i' looking for beginning of value"],
    ['a character outside the alphabet', 'garbage!', 'illegal base64 data at input byte 7'],
    ['one character left over', 'abcde', 'illegal base64 data at input byte 4'],
    ['nothing', b64('  '), 'unexpected end of JSON input'],
    ['a truncated token', token(12, 'default/a').slice(0, 20), 'unexpected end of JSON input'],
    ['a truncated number', b64('{"v":"meta.k8s.io/v1","rv":12'), 'unexpected end of JSON input'],
    ['trailing bytes', b64('{"rv":1}}'), "invalid character '}' after top-level value"],
    ['an unquoted key', b64('{v:1}'), "invalid character 'v' looking for beginning of object key string"],
    ['a missing colon', b64('{"v" 1}'), "invalid character '1' after object key"],
    ['a missing comma', b64('{"v":"a" "rv":1}'), `invalid character '"' after object key:value pair`],
    ['a bad value', b64('{"v":x}'), "invalid character 'x' looking for beginning of value"],
    ['a control character', b64('{"v":"\u0001"}'), "invalid character '\\x01' in string literal"],
    ['a quote mark', b64("'x'"), "invalid character '\\'' looking for beginning of value"],
    ['a JSON array', b64('[]'), 'json: cannot unmarshal array into Go value of type storage.continueToken'],
    ['a string revision', b64('{"v":"meta.k8s.io/v1","rv":"3"}'), 'json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    ['a fractional revision', b64('{"RV":1.5}'), 'json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64'],
    ['a numeric start', b64('{"start":5}'), 'json: cannot unmarshal number into Go struct field continueToken.start of type string'],
    ['JSON null', b64('null'), 'server does not recognize this encoded version '],
  ];
  for (const [what, t, detail] of worded) {
    it(`words ${what} as upstream`, () =>
      assert.throws(() => decodeContinue(t), (err: unknown) => isBadRequest(err) && (err as StatusError).message === `invalid continue token: continue key is not valid: ${detail}`));
  }

  it('has a 410 Expired for compacted tokens', () => assert.ok(isStatus(410, 'Expired')(continueExpired())));
});
