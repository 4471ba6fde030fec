import assert from 'node:assert/strict';
import {
  GENERATED_NAME_ALPHABET,
  annotationsSize,
  byteLength,
  generateName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isPathSegmentName,
  isPathSegmentPrefix,
  isQualifiedName,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  regexError,
  type NameValidator,
} from '../../../src/api/names.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PREFIX_MSG = `prefix part ${SUBDOMAIN_MSG}`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const TOO_MANY_SLASHES =
  "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

const label63 = 'a'.repeat(63);

function table(name: string, fn: (v: string) => string[], cases: [string, string[]][]): void {
  describe(name, () => {
    for (const [input, want] of cases) {
      const shown = input.length > 40 ? `${input.slice(0, 20)}…(${input.length})` : input;
      it(`${JSON.stringify(shown)} → ${want.length === 0 ? 'valid' : want.length + ' error(s)'}`, () => {
        assert.deepEqual(fn(input), want);
      });
    }
  });
}

table('isDNS1123Subdomain', isDNS1123Subdomain, [
  ['a', []],
  ['0', []],
  ['a-b', []],
  ['a--b', []],
  ['example.com', []],
  ['1.2.3.4', []],
  [`${label63}.${label63}.${label63}.${'b'.repeat(61)}`, []],
  ['a'.repeat(253), []],
  ['a'.repeat(254), ['must be no more than 253 characters']],
  ['A'.repeat(254), ['must be no more than 253 characters', SUBDOMAIN_MSG]],
  ['', [SUBDOMAIN_MSG]],
  ['Example', [SUBDOMAIN_MSG]],
  ['a_b', [SUBDOMAIN_MSG]],
  ['-a', [SUBDOMAIN_MSG]],
  ['a-', [SUBDOMAIN_MSG]],
  ['.a', [SUBDOMAIN_MSG]],
  ['a.', [SUBDOMAIN_MSG]],
  ['a..b', [SUBDOMAIN_MSG]],
  ['a.-b', [SUBDOMAIN_MSG]],
  ['a b', [SUBDOMAIN_MSG]],
  ['é', [SUBDOMAIN_MSG]],
  ['a\n', [SUBDOMAIN_MSG]],
]);

table('isDNS1123Label', isDNS1123Label, [
  ['default', []],
  ['kube-system', []],
  ['123', []],
  [label63, []],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['a.b', ['must not contain dots']],
  ['A', [LABEL_MSG]],
  ['a-', [LABEL_MSG]],
  ['-a', [LABEL_MSG]],
  ['', [LABEL_MSG]],
  ['a_b', [LABEL_MSG]],
  [`${'a'.repeat(32)}.${'b'.repeat(32)}`, ['must be no more than 63 characters', 'must not contain dots']],
]);

table('isDNS1035Label', isDNS1035Label, [
  ['a', []],
  ['my-svc1', []],
  ['1a', [DNS1035_MSG]],
  ['a-', [DNS1035_MSG]],
  ['a.b', [DNS1035_MSG]],
  ['A', [DNS1035_MSG]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
]);

table('isPathSegmentName', isPathSegmentName, [
  ['a', []],
  ['', []],
  ['...', []],
  ['.a', []],
  ['system:controller:Foo', []],
  ['.', ["may not be '.'"]],
  ['..', ["may not be '..'"]],
  ['a/b', ["may not contain '/'"]],
  ['a%2F', ["may not contain '%'"]],
  ['/%', ["may not contain '/'", "may not contain '%'"]],
]);

table('isPathSegmentPrefix', isPathSegmentPrefix, [
  ['.', []],
  ['..', []],
  ['a/', ["may not contain '/'"]],
]);

table('isQualifiedName', isQualifiedName, [
  ['a', []],
  ['A', []],
  ['MyName', []],
  ['my.name_x-Y', []],
  ['123-abc', []],
  ['example.com/key', []],
  ['kubernetes.io/metadata.name', []],
  ['a/B', []],
  [label63, []],
  [`${'a'.repeat(253)}/${label63}`, []],
  ['a'.repeat(64), ['name part must be no more than 63 bytes']],
  [`a/${'b'.repeat(64)}`, ['name part must be no more than 63 bytes']],
  [`${'a'.repeat(254)}/b`, ['prefix part must be no more than 253 bytes']],
  [`${'A'.repeat(254)}/b`, ['prefix part must be no more than 253 bytes', PREFIX_MSG]],
  ['Example.com/key', [PREFIX_MSG]],
  ['example_com/key', [PREFIX_MSG]],
  ['/a', ['prefix part must be non-empty']],
  ['a/', ['name part must be non-empty', NAME_PART_MSG]],
  ['/', ['prefix part must be non-empty', 'name part must be non-empty', NAME_PART_MSG]],
  ['', ['name part must be non-empty', NAME_PART_MSG]],
  ['a/b/c', [TOO_MANY_SLASHES]],
  ['-a', [NAME_PART_MSG]],
  ['a-', [NAME_PART_MSG]],
  ['_a', [NAME_PART_MSG]],
  ['a b', [NAME_PART_MSG]],
  ['a@b', [NAME_PART_MSG]],
  ['Example.com/-key', [PREFIX_MSG, NAME_PART_MSG]],
]);

table('isLabelValue', isLabelValue, [
  ['', []],
  ['a', []],
  ['A_b.c-D', []],
  ['12345', []],
  [label63, []],
  ['a'.repeat(64), ['must be no more than 63 bytes']],
  ['-a', [LABEL_VALUE_MSG]],
  ['a-', [LABEL_VALUE_MSG]],
  ['.', [LABEL_VALUE_MSG]],
  ['a b', [LABEL_VALUE_MSG]],
  ['a/b', [LABEL_VALUE_MSG]],
  ['é', [LABEL_VALUE_MSG]],
  ['é'.repeat(32), ['must be no more than 63 bytes', LABEL_VALUE_MSG]],
]);

describe('regexError', () => {
  it('has no example list without examples', () => {
    assert.equal(regexError('bad', 'x+'), "bad (regex used for validation is 'x+')");
  });
  it("keeps upstream's double space between examples", () => {
    assert.equal(regexError('bad', 'x+', 'x', 'xx'), "bad (e.g. 'x',  or 'xx', regex used for validation is 'x+')");
  });
});

describe('byteLength', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud800', 3],
  ];
  for (const [s, n] of cases) it(`${JSON.stringify(s)} is ${n} bytes`, () => assert.equal(byteLength(s), n));
});

describe('annotationsSize', () => {
  const cases: [Record<string, string> | undefined, number][] = [
    [undefined, 0],
    [{}, 0],
    [{ a: 'bc' }, 3],
    [{ 'example.com/x': 'é', y: '' }, 13 + 2 + 1],
  ];
  for (const [a, n] of cases) it(`${JSON.stringify(a)} counts ${n} bytes`, () => assert.equal(annotationsSize(a), n));
});

describe('name validators', () => {
  const cases: [string, NameValidator, string, boolean, boolean][] = [
    ['subdomain', nameIsDNSSubdomain, 'foo-', true, true],
    ['subdomain', nameIsDNSSubdomain, 'foo-', false, false],
    ['subdomain', nameIsDNSSubdomain, 'foo.bar-', true, true],
    ['subdomain', nameIsDNSSubdomain, 'a-', true, true],
    ['subdomain', nameIsDNSSubdomain, '-', true, false],
    ['subdomain', nameIsDNSSubdomain, 'Foo-', true, false],
    // maskTrailingDash drops two characters: `ab.-` is checked as `aba`.
    ['subdomain', nameIsDNSSubdomain, 'ab.-', true, true],
    ['subdomain', nameIsDNSSubdomain, 'a.b', false, true],
    ['label', nameIsDNSLabel, 'web-', true, true],
    ['label', nameIsDNSLabel, 'a.b', false, false],
    ['1035', nameIsDNS1035Label, 'svc-', true, true],
    ['1035', nameIsDNS1035Label, '1svc', false, false],
    ['path', nameIsPathSegment, '..', true, true],
    ['path', nameIsPathSegment, '..', false, false],
    ['path', nameIsPathSegment, 'system:admin', false, true],
    ['path', nameIsPathSegment, 'a/', true, false],
  ];
  for (const [kind, fn, name, prefix, ok] of cases) {
    it(`${kind}: ${JSON.stringify(name)}${prefix ? ' as prefix' : ''} is ${ok ? 'valid' : 'invalid'}`, () => {
      assert.equal(fn(name, prefix).length === 0, ok);
    });
  }
});

describe('generateName', () => {
  const seq = (...values: number[]): (() => number) => {
    let i = 0;
    return () => values[i++ % values.length] ?? 0;
  };
  const cases: [string, string, () => number, string][] = [
    ['appends five characters', 'web-', seq(0), 'web-bbbbb'],
    ['maps [0,1) over the alphabet', 'x-', seq(0, 0.999999, 0.5, 1.5 / 27, 26.5 / 27), 'x-b9rc9'],
    ['tolerates a random source returning 1', '', seq(1), '99999'],
    ['keeps a 58-character prefix', 'p'.repeat(58), seq(0), `${'p'.repeat(58)}bbbbb`],
    ['cuts longer prefixes to 58', 'q'.repeat(100), seq(0), `${'q'.repeat(58)}bbbbb`],
  ];
  for (const [what, prefix, random, want] of cases) {
    it(what, () => assert.equal(generateName(prefix, random), want));
  }
  it('never exceeds 63 characters and stays a valid name', () => {
    for (let i = 0; i < 50; i++) {
      const name = generateName(`${'a'.repeat(i + 20)}-`);
      assert.ok(name.length <= 63);
      assert.deepEqual(isDNS1123Label(name), []);
      for (const c of name.slice(-5)) assert.ok(GENERATED_NAME_ALPHABET.includes(c));
    }
  });
});
