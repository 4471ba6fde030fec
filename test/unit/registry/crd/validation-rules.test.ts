import assert from 'node:assert/strict';
import { evaluateRules, validateSchemaRules, parseFieldPath, celTypeOf, blockedByErrors } from '../../../../src/registry/crd/validation-rules.js';
import { parseQuantity } from '../../../../src/registry/crd/cel-library.js';
import type { FieldError } from '../../../../src/api/errors.js';
import type { JSONSchemaProps } from '../../../../src/registry/validation/structural/types.js';

const rulesOn = (node: JSONSchemaProps, ...rules: object[]): JSONSchemaProps => ({ ...node, 'x-kubernetes-validations': rules });
const root = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });
const brief = (errs: FieldError[]): string[] => errs.map((e) => `${e.type} ${e.field}: ${e.detail}`);

describe('CRD validation rules: compilation at CRD write', () => {
  const at = 'spec.versions[0].schema.openAPIV3Schema';
  const spec = (...rules: object[]): JSONSchemaProps =>
    root(rulesOn({ type: 'object', properties: { replicas: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } }, ...rules));
  const cases: { name: string; schema: JSONSchemaProps; want: RegExp[] }[] = [
    { name: 'valid rule', schema: spec({ rule: 'self.replicas >= 0' }), want: [] },
    { name: 'library functions compile', schema: spec({ rule: 'self.tags.isSorted() && self.tags.all(t, t.lowerAscii().matches("^[a-z]+$")) && quantity("1Gi").isGreaterThan(quantity("1Mi")) && isURL("https://x") && "%s".format(["a"]) == "a" && [1,2].sum() == 3' }), want: [] },
    { name: 'syntax error', schema: spec({ rule: 'self.replicas >=' }), want: [/^FieldValueInvalid spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed: ERROR: <input>:1:/] },
    { name: 'undeclared reference', schema: spec({ rule: 'foo == 1' }), want: [/x-kubernetes-validations\[0\]\.rule: .*compilation failed: /] },
    { name: 'non-bool rule', schema: spec({ rule: '"x"' }), want: [/rule: .*compilation failed: cel expression must evaluate to a bool/] },
    { name: 'bad messageExpression', schema: spec({ rule: 'true', messageExpression: 'self.replicas +' }), want: [/x-kubernetes-validations\[0\]\.messageExpression: .*messageExpression compilation failed/] },
    { name: 'non-string messageExpression', schema: spec({ rule: 'true', messageExpression: '1 + 1' }), want: [/messageExpression: .*must evaluate to a string/] },
    { name: 'bad reason', schema: spec({ rule: 'true', reason: 'FieldValueBogus' }), want: [/^FieldValueNotSupported .*\.reason: Unsupported value: "FieldValueBogus"/] },
    { name: 'good reason and fieldPath', schema: spec({ rule: 'true', reason: 'FieldValueForbidden', fieldPath: '.replicas' }), want: [] },
    { name: 'bad fieldPath', schema: spec({ rule: 'true', fieldPath: '.nope' }), want: [/\.fieldPath: Invalid value: "\.nope": fieldPath must be a valid path/] },
    { name: 'empty rule', schema: spec({ rule: '' }), want: [/^FieldValueRequired .*\.rule: Required value/] },
    { name: 'optionalOldSelf without oldSelf', schema: spec({ rule: 'true', optionalOldSelf: true }), want: [/^FieldValueForbidden .*\.optionalOldSelf/] },
    { name: 'message with a line break', schema: spec({ rule: 'true', message: 'a\nb' }), want: [/\.message: .*line breaks/] },
    {
      name: 'transition rule under a set list is uncorrelatable',
      schema: root({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'set', items: rulesOn({ type: 'string' }, { rule: 'self == oldSelf' }) } } }),
      want: [/\.properties\[l\]\.items\.x-kubernetes-validations\[0\]\.rule: .*oldSelf cannot be used on the uncorrelatable portion/],
    },
    {
      name: 'transition rule under a map list is fine',
      schema: root({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: rulesOn({ type: 'object', properties: { k: { type: 'string' } } }, { rule: 'self == oldSelf' }) } } }),
      want: [],
    },
    {
      name: 'nested macros over an unbounded list are refused',
      schema: root(rulesOn({ type: 'array', items: { type: 'integer' } }, { rule: 'self.all(x, self.all(y, self.all(z, x + y + z > 0)))' })),
      want: [/^FieldValueForbidden .*\.rule: Forbidden: estimated rule cost exceeds budget/],
    },
    {
      name: 'nested macros over a bounded list are fine',
      schema: root(rulesOn({ type: 'array', maxItems: 10, items: { type: 'integer' } }, { rule: 'self.all(x, self.all(y, x + y > 0))' })),
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = brief(validateSchemaRules(c.schema, at));
      assert.equal(got.length, c.want.length, got.join('\n'));
      c.want.forEach((re, i) => assert.match(got[i]!, re));
    });
  }
});

describe('CRD validation rules: evaluation', () => {
  const gadget = root(
    rulesOn(
      {
        type: 'object',
        properties: {
          replicas: { type: 'integer' },
          minReplicas: { type: 'integer' },
          ratio: { type: 'number' },
          name: rulesOn({ type: 'string' }, { rule: 'self.startsWith("g")', message: 'name must start with g' }),
          ports: { type: 'array', items: rulesOn({ type: 'integer' }, { rule: 'self > 0 && self < 65536' }) },
          immutable: rulesOn({ type: 'string' }, { rule: 'self == oldSelf', message: 'immutable is immutable' }),
          counted: rulesOn({ type: 'integer' }, { rule: '!oldSelf.hasValue() || self >= oldSelf.value()', optionalOldSelf: true, message: 'may not decrease' }),
          byKey: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['k'],
            items: rulesOn({ type: 'object', properties: { k: { type: 'string' }, v: { type: 'integer' } } }, { rule: 'self.v >= oldSelf.v', message: 'v may not decrease' }),
          },
          asSet: {
            type: 'array',
            'x-kubernetes-list-type': 'atomic',
            items: rulesOn({ type: 'object', properties: { v: { type: 'integer' } } }, { rule: 'self.v >= 0' }),
          },
          labels: { type: 'object', additionalProperties: rulesOn({ type: 'string' }, { rule: 'self.size() <= 3', reason: 'FieldValueForbidden' }) },
        },
      },
      { rule: 'self.replicas >= self.minReplicas', message: 'replicas must be >= minReplicas' },
      { rule: '!has(self.ratio) || self.ratio < 1.0', messageExpression: '"ratio " + string(self.ratio) + " too big"', fieldPath: '.ratio' },
      { rule: 'self.replicas != 13', reason: 'FieldValueRequired' },
      { rule: 'self.replicas != 14', reason: 'FieldValueDuplicate' },
      { rule: 'self.replicas != 15' },
    ),
  );
  const obj = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'x/v1', kind: 'Gadget', metadata: { name: 'gx' }, spec });
  const ok = { replicas: 2, minReplicas: 1 };
  const cases: { name: string; spec: Record<string, unknown>; old?: Record<string, unknown>; schema?: JSONSchemaProps; want: string[] }[] = [
    { name: 'passing object', spec: ok, want: [] },
    { name: 'object rule fails with message', spec: { replicas: 0, minReplicas: 1 }, want: ['FieldValueInvalid spec: Invalid value: "object": replicas must be >= minReplicas'] },
    { name: 'evaluation error: no such key', spec: { replicas: 1 }, want: ['FieldValueInvalid spec: Invalid value: "object": no such key: minReplicas evaluating rule: self.replicas >= self.minReplicas'] },
    { name: 'messageExpression and fieldPath; number typed as double', spec: { ...ok, ratio: 2 }, want: ['FieldValueInvalid spec.ratio: Invalid value: "object": ratio 2 too big'] },
    { name: 'reason Required', spec: { replicas: 13, minReplicas: 1 }, want: ['FieldValueRequired spec: Required value: failed rule: self.replicas != 13'] },
    { name: 'reason Duplicate', spec: { replicas: 14, minReplicas: 1 }, want: ['FieldValueDuplicate spec: Duplicate value: "object"'] },
    { name: 'default message', spec: { replicas: 15, minReplicas: 1 }, want: ['FieldValueInvalid spec: Invalid value: "object": failed rule: self.replicas != 15'] },
    { name: 'scalar node', spec: { ...ok, name: 'hx' }, want: ['FieldValueInvalid spec.name: Invalid value: "string": name must start with g'] },
    { name: 'array items each evaluated', spec: { ...ok, ports: [80, 0, 70000] }, want: ['FieldValueInvalid spec.ports[1]: Invalid value: "integer": failed rule: self > 0 && self < 65536', 'FieldValueInvalid spec.ports[2]: Invalid value: "integer": failed rule: self > 0 && self < 65536'] },
    { name: 'map values, reason Forbidden', spec: { ...ok, labels: { a: 'ok', b: 'long' } }, want: ['FieldValueForbidden spec.labels[b]: Forbidden: failed rule: self.size() <= 3'] },
    { name: 'atomic list items still evaluated', spec: { ...ok, asSet: [{ v: -1 }] }, want: ['FieldValueInvalid spec.asSet[0]: Invalid value: "object": failed rule: self.v >= 0'] },
    { name: 'transition rule skipped on create', spec: { ...ok, immutable: 'a' }, want: [] },
    { name: 'transition rule on update', spec: { ...ok, immutable: 'b' }, old: { ...ok, immutable: 'a' }, want: ['FieldValueInvalid spec.immutable: Invalid value: "string": immutable is immutable'] },
    { name: 'transition rule skipped when old absent', spec: { ...ok, immutable: 'b' }, old: ok, want: [] },
    { name: 'optionalOldSelf on create', spec: { ...ok, counted: 1 }, want: [] },
    { name: 'optionalOldSelf on update', spec: { ...ok, counted: 1 }, old: { ...ok, counted: 2 }, want: ['FieldValueInvalid spec.counted: Invalid value: "integer": may not decrease'] },
    {
      name: 'list-map items correlate by key',
      spec: { ...ok, byKey: [{ k: 'b', v: 1 }, { k: 'a', v: 5 }, { k: 'c', v: 0 }] },
      old: { ...ok, byKey: [{ k: 'a', v: 5 }, { k: 'b', v: 2 }] },
      want: ['FieldValueInvalid spec.byKey[0]: Invalid value: "object": v may not decrease'],
    },
    { name: 'ratcheting: unchanged invalid value passes on update', spec: { replicas: 0, minReplicas: 1 }, old: { replicas: 0, minReplicas: 1 }, want: [] },
    { name: 'ratcheting: changed invalid value fails', spec: { replicas: 0, minReplicas: 2 }, old: { replicas: 0, minReplicas: 1 }, want: ['FieldValueInvalid spec: Invalid value: "object": replicas must be >= minReplicas'] },
    {
      name: 'root rule, metadata.name visible',
      schema: rulesOn({ type: 'object', properties: { spec: { type: 'object' } } }, { rule: 'self.metadata.name.startsWith("a")' }),
      spec: {},
      want: ['FieldValueInvalid <nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith("a")'],
    },
    {
      name: 'int-or-string is dyn',
      schema: root({ type: 'object', properties: { port: rulesOn({ 'x-kubernetes-int-or-string': true }, { rule: 'type(self) == int ? self > 0 : self.matches("^[a-z]+$")' }) } }),
      spec: { port: 'HTTP' },
      want: ['FieldValueInvalid spec.port: Invalid value: "string": failed rule: type(self) == int ? self > 0 : self.matches("^[a-z]+$")'],
    },
    {
      name: 'pathological rule is refused, not run',
      schema: root(rulesOn({ type: 'array', items: { type: 'integer' } }, { rule: 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))' })),
      spec: [] as unknown as Record<string, unknown>,
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = brief(evaluateRules(c.schema ?? gadget, obj(c.spec), c.old === undefined ? undefined : obj(c.old)));
      assert.deepEqual(got, c.want);
    });
  }

  it('bounds a pathological rule over a large list', () => {
    const schema = root(rulesOn({ type: 'array', items: { type: 'integer' } }, { rule: 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))' }));
    const started = Date.now();
    const got = brief(evaluateRules(schema, obj(Array.from({ length: 2000 }, (_, i) => i) as unknown as Record<string, unknown>)));
    assert.ok(Date.now() - started < 2000);
    assert.equal(got.length, 1);
    assert.match(got[0]!, /^FieldValueInvalid spec: .*cost limit/);
  });

  it('bounds the number of rule evaluations per write', () => {
    const schema = root({ type: 'array', items: rulesOn({ type: 'integer' }, { rule: 'self >= 0' }) });
    const got = brief(evaluateRules(schema, obj(Array.from({ length: 30000 }, () => 1) as unknown as Record<string, unknown>)));
    assert.deepEqual(got, ['FieldValueInvalid <nil>: Invalid value: "null": validation failed due to running out of cost budget, no further validation rules will be run']);
  });

  it('evaluation errors read like cel-go', () => {
    const schema = root(rulesOn({ type: 'array', items: { type: 'integer' } }, { rule: 'self[3] == 1' }, { rule: '1 / (size(self) - 1) == 1' }));
    assert.deepEqual(brief(evaluateRules(schema, obj([1] as unknown as Record<string, unknown>))), [
      'FieldValueInvalid spec: Invalid value: "array": index out of bounds: 3 evaluating rule: self[3] == 1',
      'FieldValueInvalid spec: Invalid value: "array": division by zero evaluating rule: 1 / (size(self) - 1) == 1',
    ]);
  });

  it('schema errors that make the shape unreliable block the rules', () => {
    assert.equal(blockedByErrors([{ type: 'FieldValueInvalid', field: 'x', detail: '' }]), undefined);
    assert.match(blockedByErrors([{ type: 'FieldValueTypeInvalid', field: 'x', detail: '' }])!.detail, /some validation rules were not checked/);
  });
});

describe('CRD validation rules: helpers', () => {
  it('types self from the schema', () => {
    assert.equal(celTypeOf({ type: 'object', properties: {} }), 'map<string, dyn>');
    assert.equal(celTypeOf({ type: 'array', items: { type: 'string' } }), 'list<string>');
    assert.equal(celTypeOf({ type: 'integer' }), 'int');
    assert.equal(celTypeOf({ type: 'number' }), 'double');
    assert.equal(celTypeOf({ type: 'object', additionalProperties: { type: 'integer' } }), 'map<string, int>');
    assert.equal(celTypeOf({ 'x-kubernetes-int-or-string': true }), 'dyn');
  });
  it('parses field paths', () => {
    assert.deepEqual(parseFieldPath('.a.b'), ['a', 'b']);
    assert.deepEqual(parseFieldPath(".a['b.c']"), ['a', 'b.c']);
    assert.equal(parseFieldPath('a'), undefined);
    assert.equal(parseFieldPath('.a[0]'), undefined);
  });
  it('parses quantities exactly', () => {
    assert.equal(parseQuantity('1Gi')!.nanos, (1n << 30n) * 1_000_000_000n);
    assert.equal(parseQuantity('100m')!.nanos, 100_000_000n);
    assert.equal(parseQuantity('1.5k')!.nanos, 1_500_000_000_000n);
    assert.equal(parseQuantity('2e3')!.nanos, 2_000_000_000_000n);
    assert.equal(parseQuantity('x'), undefined);
  });
});
