/**
 * StatusCollector validation and evaluation (spec/kubestellar.md §1.4, §4.5, §8.3 items 29-33,
 * §10.1), on the e2e fixture: Deployment nginx/nginx with replicas 1 sent to cluster1 and
 * cluster2, each returning `{availableReplicas: 1, ...}`.
 */
import assert from 'node:assert/strict';
import { compileExpression } from '../../../src/kubestellar/status/cel-env.js';
import { combine, combineAll, type DestinationInput } from '../../../src/kubestellar/status/collector-eval.js';
import { validateCollector, validateStatusCollector, type CompiledCollector } from '../../../src/kubestellar/status/collector-validate.js';
import { formatGoFloat, parseGoFloat, type NamedStatusCombination, type Value } from '../../../src/kubestellar/status/collector-value.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'nginx', uid: 'd-uid', labels: { 'app.kubernetes.io/name': 'nginx' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'nginx' } } },
  status: { availableReplicas: 1, replicas: 1 },
};
const returned = { availableReplicas: 1, readyReplicas: 1, replicas: 1, updatedReplicas: 1, observedGeneration: 1 };
const twoWecs: DestinationInput[] = [
  { wec: 'cluster1', returnedStatus: returned },
  { wec: 'cluster2', returnedStatus: returned },
];

function compiled(spec: unknown, name = 'c'): CompiledCollector {
  const r = validateCollector(spec, name);
  if ('errors' in r) assert.fail(`unexpected validation errors: ${r.errors.join('; ')}`);
  return r.ok;
}

const run = (spec: unknown, destinations: readonly DestinationInput[] = twoWecs, obj: unknown = deployment): NamedStatusCombination =>
  combine(compiled(spec), obj, destinations);

const num = (float: string): Value => ({ type: 'Number', float });
const str = (s: string): Value => ({ type: 'String', string: s });
const cells = (r: NamedStatusCombination): Value[][] => r.rows.map((row) => row.columns);
const wecName = { name: 'wecName', def: 'inventory.name' };

describe('StatusCollector validation (spec §1.4)', () => {
  const errorsOf = (spec: unknown): string[] => {
    const r = validateCollector(spec, 'c');
    return 'errors' in r ? r.errors : [];
  };
  const sum = { name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' };
  const TABLE: [string, unknown, RegExp][] = [
    ['select with combinedFields', { select: [wecName], combinedFields: [sum], limit: 20 }, /^groupBy and combinedFields must be empty if select is not$/],
    ['select with groupBy', { select: [wecName], groupBy: [wecName], limit: 20 }, /^groupBy and combinedFields must be empty if select is not$/],
    ['groupBy without combinedFields', { groupBy: [wecName], limit: 20 }, /^groupBy must be empty if combinedFields is$/],
    ['neither select nor combinedFields', { filter: 'true', limit: 20 }, /^one of select and combinedFields must be non-empty$/],
    ['COUNT with a subject', { combinedFields: [{ name: 'n', type: 'COUNT', subject: '1' }], limit: 20 }, /^combinedField \(n\) invalid: subject must be absent for type COUNT$/],
    ['SUM without a subject', { combinedFields: [{ name: 's', type: 'SUM' }], limit: 20 }, /^combinedField \(s\) invalid: subject must be set for type SUM$/],
    ['unknown aggregation', { combinedFields: [{ name: 'm', type: 'MEDIAN', subject: '1' }], limit: 20 }, /^combinedField \(m\) invalid: type must be one of COUNT, SUM, AVG, MIN, MAX$/],
    ['empty column name', { select: [{ name: '', def: '1' }], limit: 20 }, /^select\[0\] invalid: name must be a non-empty string$/],
    ['duplicate select name', { select: [wecName, { name: 'wecName', def: '1' }], limit: 20 }, /^select\[1\] invalid: column name "wecName" is used more than once$/],
    ['groupBy and combinedField share a name', { groupBy: [{ name: 'x', def: '1' }], combinedFields: [{ name: 'x', type: 'COUNT' }], limit: 20 }, /^combinedFields\[0\] invalid: column name "x" is used more than once$/],
    ['select does not parse', { select: [{ name: 'a', def: 'returned.status.' }], limit: 20 }, /^select expression \(a\) invalid: failed to parse expression: .+ \(at 1:\d+\)$/],
    ['filter does not parse', { filter: '1 +', select: [wecName], limit: 20 }, /^filter expression invalid: failed to parse expression: /],
    ['unknown variable', { select: [{ name: 'a', def: 'status.replicas' }], limit: 20 }, /^select expression \(a\) invalid: failed to check expression: Unknown variable: status/],
    ['inventory values are strings', { select: [{ name: 'a', def: 'inventory.name + 1' }], limit: 20 }, /^select expression \(a\) invalid: failed to check expression: no such overload/],
    ['groupBy does not type-check', { groupBy: [{ name: 'g', def: '1 + "a"' }], combinedFields: [{ name: 'n', type: 'COUNT' }], limit: 20 }, /^groupBy expression \(g\) invalid: failed to check expression/],
    ['subject does not type-check', { combinedFields: [{ name: 's', type: 'MAX', subject: 'true + 1' }], limit: 20 }, /^combinedField \(s\) subject invalid: failed to check expression/],
    ['filter of a non-boolean type', { filter: 'inventory.name', select: [wecName], limit: 20 }, /^filter expression invalid: has type string but must yield bool or null$/],
    ['spec not an object', 'nope', /^spec must be an object$/],
  ];
  for (const [name, spec, want] of TABLE) {
    it(`rejects: ${name}`, () => {
      const errors = errorsOf(spec);
      assert.ok(
        errors.some((e) => want.test(e)),
        `${JSON.stringify(errors)} has no match for ${want}`,
      );
    });
  }

  it('reports every problem at once', () => {
    const errors = errorsOf({ filter: '(', select: [{ name: 'a', def: ')' }, { name: 'a', def: 'x' }], limit: 20 });
    assert.equal(errors.length, 4, JSON.stringify(errors));
  });

  const LEGAL: [string, unknown, 'select' | 'aggregate'][] = [
    ['select only', { select: [wecName], limit: 20 }, 'select'],
    ['combinedFields without groupBy', { combinedFields: [{ name: 'n', type: 'COUNT' }], limit: 20 }, 'aggregate'],
    ['combinedFields with groupBy', { groupBy: [wecName], combinedFields: [{ name: 'n', type: 'COUNT' }, sum], limit: 20 }, 'aggregate'],
    ['dyn filter', { filter: 'returned.status.ready', select: [wecName], limit: 20 }, 'select'],
  ];
  for (const [name, spec, form] of LEGAL) {
    it(`accepts: ${name}`, () => assert.equal(compiled(spec).form, form));
  }

  it('records the variables the expressions mention, and the effective limit', () => {
    const c = compiled({ filter: 'obj.spec.replicas > 0', select: [wecName, { name: 's', def: 'returned.status' }], limit: 5 });
    assert.deepEqual([...c.uses].sort(), ['inventory', 'obj', 'returned']);
    assert.equal(c.limit, 5);
    assert.equal(compiled({ select: [wecName], limit: 0 }).limit, 20);
    assert.equal(compiled({ select: [wecName] }).limit, 20);
  });

  it('compiles each expression text once', () => {
    const a = compileExpression('returned.status.availableReplicas + 0');
    const b = compileExpression('returned.status.availableReplicas + 0');
    assert.ok('ok' in a && 'ok' in b);
    assert.equal(a.ok, b.ok);
  });

  it('takes the name from a whole StatusCollector object', () => {
    const r = validateStatusCollector({ metadata: { name: 'full-status' }, spec: { select: [wecName], limit: 20 } });
    assert.ok('ok' in r);
    assert.equal(r.ok.name, 'full-status');
  });

  it('equal specs have equal keys; a changed expression changes the key', () => {
    const spec = { select: [wecName], limit: 20 };
    assert.equal(compiled(spec).key, compiled(structuredClone(spec)).key);
    assert.notEqual(compiled(spec).key, compiled({ select: [{ name: 'wecName', def: 'returned.status' }], limit: 20 }).key);
  });
});

describe('CombinedStatus computation: e2e items 29-33 (spec §8.3)', () => {
  it('29: select wecName and status: 2 rows, String WEC names, Object statuses', () => {
    const r = combine(compiled({ select: [wecName, { name: 'status', def: 'returned.status' }], limit: 20 }, 'full-status'), deployment, twoWecs);
    assert.equal(r.name, 'full-status');
    assert.deepEqual(r.columnNames, ['wecName', 'status']);
    assert.equal(r.rows.length, 2);
    assert.deepEqual(
      r.rows.map((row) => row.columns[0]),
      [str('cluster1'), str('cluster2')],
    );
    for (const row of r.rows) assert.deepEqual(row.columns[1], { type: 'Object', object: returned });
    assert.equal(r.rowErrors, undefined);
  });

  it('30: SUM of availableReplicas is one row [Number "2"]', () => {
    const r = run({ combinedFields: [{ name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' }], limit: 10 });
    assert.deepEqual(r.columnNames, ['sum']);
    assert.deepEqual(cells(r), [[num('2')]]);
    assert.equal(r.aggregationErrors, undefined);
  });

  it('31: filter obj.spec.replicas == returned.status.availableReplicas keeps both WECs', () => {
    const r = run({ filter: 'obj.spec.replicas == returned.status.availableReplicas', select: [wecName], limit: 20 });
    assert.deepEqual(cells(r), [[str('cluster1')], [str('cluster2')]]);
  });

  it('32: two collectors give two results (ordered by name), each 2 columns and 2 rows', () => {
    const results = combineAll(
      [
        compiled({ select: [wecName, { name: 'available', def: 'returned.status.availableReplicas' }], limit: 20 }, 'second'),
        compiled({ select: [wecName, { name: 'status', def: 'returned.status' }], limit: 20 }, 'first'),
      ],
      deployment,
      twoWecs,
    );
    assert.deepEqual(
      results.map((r) => r.name),
      ['first', 'second'],
    );
    for (const r of results) {
      assert.equal(r.columnNames.length, 2);
      assert.equal(r.rows.length, 2);
    }
    assert.deepEqual(cells(results[1]!), [
      [str('cluster1'), num('1')],
      [str('cluster2'), num('1')],
    ]);
  });

  it('33: aggregation over zero rows is one row [0, -Inf, +Inf, 0, NaN]', () => {
    const r = run({
      filter: 'false',
      combinedFields: [
        { name: 'count', type: 'COUNT' },
        { name: 'max', type: 'MAX', subject: '2' },
        { name: 'min', type: 'MIN', subject: '2' },
        { name: 'sum', type: 'SUM', subject: '2' },
        { name: 'avg', type: 'AVG', subject: '2' },
      ],
      limit: 20,
    });
    assert.deepEqual(r.columnNames, ['count', 'max', 'min', 'sum', 'avg']);
    assert.deepEqual(cells(r), [[num('0'), num('-Inf'), num('+Inf'), num('0'), num('NaN')]]);
    assert.deepEqual(r.aggregationErrors, [{ columnName: 'avg', error: 'no values to average' }]);
  });

  it('the same aggregations over the two WECs', () => {
    const r = run({
      combinedFields: [
        { name: 'count', type: 'COUNT' },
        { name: 'max', type: 'MAX', subject: 'returned.status.availableReplicas' },
        { name: 'min', type: 'MIN', subject: 'returned.status.availableReplicas' },
        { name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' },
        { name: 'avg', type: 'AVG', subject: 'returned.status.availableReplicas' },
      ],
      limit: 20,
    });
    assert.deepEqual(cells(r), [[num('2'), num('1'), num('1'), num('2'), num('1')]]);
  });
});

describe('CombinedStatus computation: semantics (spec §4.5, §10.1)', () => {
  const threeWecs = (a: unknown, b: unknown, c: unknown): DestinationInput[] => [
    { wec: 'cluster3', returnedStatus: c },
    { wec: 'cluster1', returnedStatus: a },
    { wec: 'cluster2', returnedStatus: b },
  ];

  it('groupBy: a row per distinct value, groupBy columns first, rows ordered by group', () => {
    const r = run(
      {
        groupBy: [{ name: 'numAvailable', def: 'returned.status.availableReplicas' }],
        combinedFields: [
          { name: 'count', type: 'COUNT' },
          { name: 'wecs', type: 'SUM', subject: '1' },
        ],
        limit: 20,
      },
      threeWecs({ availableReplicas: 2 }, { availableReplicas: 1 }, { availableReplicas: 2 }),
    );
    assert.deepEqual(r.columnNames, ['numAvailable', 'count', 'wecs']);
    assert.deepEqual(cells(r), [
      [num('1'), num('1'), num('1')],
      [num('2'), num('2'), num('2')],
    ]);
  });

  it('groupBy on a tuple of values', () => {
    const r = run(
      {
        groupBy: [
          { name: 'phase', def: 'returned.status.phase' },
          { name: 'ready', def: 'returned.status.ready' },
        ],
        combinedFields: [{ name: 'count', type: 'COUNT' }],
        limit: 20,
      },
      threeWecs({ phase: 'Running', ready: true }, { phase: 'Pending', ready: false }, { phase: 'Running', ready: true }),
    );
    assert.deepEqual(cells(r), [
      [str('Pending'), { type: 'Bool', bool: false }, num('1')],
      [str('Running'), { type: 'Bool', bool: true }, num('2')],
    ]);
  });

  it('groupBy with no rows gives no rows', () => {
    const r = run({ filter: 'false', groupBy: [wecName], combinedFields: [{ name: 'count', type: 'COUNT' }], limit: 20 });
    assert.deepEqual(r.rows, []);
  });

  it('SUM, AVG, MIN, MAX over strings that parse as floats', () => {
    const subject = 'returned.status.load';
    const r = run(
      {
        combinedFields: [
          { name: 'sum', type: 'SUM', subject },
          { name: 'avg', type: 'AVG', subject },
          { name: 'min', type: 'MIN', subject },
          { name: 'max', type: 'MAX', subject },
        ],
        limit: 20,
      },
      threeWecs({ load: '1.5' }, { load: '2' }, { load: '1e3' }),
    );
    assert.deepEqual(cells(r), [[num('1003.5'), num('334.5'), num('1.5'), num('1000')]]);
    assert.equal(r.aggregationErrors, undefined);
  });

  it('a subject of the wrong type is skipped and reported as an aggregation error', () => {
    const subject = 'returned.status.load';
    const r = run(
      {
        combinedFields: [
          { name: 'sum', type: 'SUM', subject },
          { name: 'avg', type: 'AVG', subject },
          { name: 'max', type: 'MAX', subject },
        ],
        limit: 20,
      },
      threeWecs({ load: 4 }, { load: { a: 1 } }, { load: 'high' }),
    );
    // AVG divides by the number of rows: a skipped subject counts as 0 there.
    assert.deepEqual(cells(r), [[num('4'), num('1.3333333333333333'), num('4')]]);
    assert.deepEqual(r.aggregationErrors, [
      { columnName: 'sum', error: 'for WEC cluster2, combinedField subject has unexpected type map' },
      { columnName: 'avg', error: 'for WEC cluster2, combinedField subject has unexpected type map' },
      { columnName: 'max', error: 'for WEC cluster2, combinedField subject has unexpected type map' },
    ]);
    const unparsable = run({ combinedFields: [{ name: 'sum', type: 'SUM', subject }], limit: 20 }, threeWecs({ load: 4 }, { load: 5 }, { load: 'high' }));
    assert.deepEqual(unparsable.aggregationErrors, [
      { columnName: 'sum', error: 'for WEC cluster3, failed to parse combinedField subject as a float: strconv.ParseFloat: parsing "high": invalid syntax' },
    ]);
    assert.deepEqual(cells(unparsable), [[num('9')]]);
  });

  it('evaluation errors: aggregation leaves the row out and reports it once per column in rowErrors', () => {
    const r = run(
      { combinedFields: [{ name: 'count', type: 'COUNT' }, { name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' }], limit: 20 },
      threeWecs({ availableReplicas: 1 }, {}, {}),
    );
    assert.deepEqual(cells(r), [[num('1'), num('1')]]);
    assert.deepEqual(r.rowErrors, [{ wec: { clusterId: 'cluster2' }, columnName: 'sum', error: 'failed to evaluate expression: No such key: availableReplicas' }]);
  });

  it('evaluation errors: select keeps the row, the cell holds the error text, rowErrors reports it', () => {
    const r = run({ select: [wecName, { name: 'ready', def: 'returned.status.readyReplicas' }], limit: 20 }, threeWecs({ readyReplicas: 1 }, {}, null));
    const error = 'failed to evaluate expression: No such key: readyReplicas';
    assert.deepEqual(cells(r), [
      [str('cluster1'), num('1')],
      [str('cluster2'), str(error)],
      [str('cluster3'), str('failed to evaluate expression: No such key: readyReplicas')],
    ]);
    assert.deepEqual(r.rowErrors, [{ wec: { clusterId: 'cluster2' }, columnName: 'ready', error }]);
  });

  it('a filter error is reported under column "" and the select row stays', () => {
    const r = run({ filter: 'returned.status.availableReplicas > 0', select: [wecName], limit: 20 }, threeWecs({ availableReplicas: 1 }, { availableReplicas: 0 }, null));
    assert.deepEqual(cells(r), [[str('cluster1')], [str('cluster3')]]);
    assert.equal(r.rowErrors?.[0]?.columnName, '');
    assert.equal(r.rowErrors?.[0]?.wec.clusterId, 'cluster3');
  });

  it('a filter of a non-boolean value at run time is an error', () => {
    const r = run({ filter: 'returned.status.ready', combinedFields: [{ name: 'count', type: 'COUNT' }], limit: 20 }, threeWecs({ ready: true }, { ready: 'yes' }, { ready: true }));
    assert.deepEqual(cells(r), [[num('2')]]);
    assert.deepEqual(r.rowErrors, [{ wec: { clusterId: 'cluster2' }, columnName: '', error: 'filter expression has type string but expected bool or null' }]);
  });

  it('a filter yielding null drops the row, as documented (upstream code keeps it)', () => {
    const r = run({ filter: 'returned.status.ready', select: [wecName], limit: 20 }, threeWecs({ ready: true }, { ready: null }, { ready: false }));
    assert.deepEqual(cells(r), [[str('cluster1')]]);
    assert.equal(r.rowErrors, undefined);
  });

  it('every destination is a row before any status arrived (returned.status is null)', () => {
    const none: DestinationInput[] = [
      { wec: 'cluster1', returnedStatus: null },
      { wec: 'cluster2', returnedStatus: undefined },
    ];
    assert.deepEqual(cells(run({ select: [wecName, { name: 'status', def: 'returned.status' }], limit: 20 }, none)), [
      [str('cluster1'), { type: 'Null' }],
      [str('cluster2'), { type: 'Null' }],
    ]);
    assert.deepEqual(cells(run({ combinedFields: [{ name: 'count', type: 'COUNT' }], limit: 20 }, none)), [[num('2')]]);
    const sum = run({ combinedFields: [{ name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' }], limit: 20 }, none);
    assert.deepEqual(cells(sum), [[num('0')]]);
    assert.equal(sum.rowErrors?.length, 1);
  });

  it('COUNT counts rows, whatever they hold', () => {
    const r = run({ combinedFields: [{ name: 'count', type: 'COUNT' }], limit: 20 }, threeWecs(null, {}, { x: null }));
    assert.deepEqual(cells(r), [[num('3')]]);
  });

  it('limit keeps the first rows (by WEC name, or by group)', () => {
    const many: DestinationInput[] = Array.from({ length: 25 }, (_, i) => ({ wec: `wec-${String(i).padStart(2, '0')}`, returnedStatus: { n: i % 5 } }));
    const two = run({ select: [wecName], limit: 2 }, many);
    assert.deepEqual(cells(two), [[str('wec-00')], [str('wec-01')]]);
    assert.equal(run({ select: [wecName], limit: 0 }, many).rows.length, 20);
    const groups = run({ groupBy: [{ name: 'n', def: 'returned.status.n' }], combinedFields: [{ name: 'count', type: 'COUNT' }], limit: 3 }, many);
    assert.deepEqual(cells(groups), [
      [num('0'), num('5')],
      [num('1'), num('5')],
      [num('2'), num('5')],
    ]);
  });

  it('obj is the WDS object without its status', () => {
    const r = run({ select: [{ name: 'hasStatus', def: 'has(obj.status)' }, { name: 'next', def: 'obj.spec.replicas + 1' }], limit: 20 }, twoWecs.slice(0, 1));
    assert.deepEqual(cells(r), [[{ type: 'Bool', bool: false }, num('2')]]);
  });

  it('propagation.lastReturnedUpdateTimestamp: a timestamp, or null before any update', () => {
    const r = run({ select: [wecName, { name: 't', def: 'propagation.lastReturnedUpdateTimestamp' }], limit: 20 }, [
      { wec: 'cluster1', returnedStatus: returned, lastReturnedUpdateTimestamp: '2024-05-01T10:00:00Z' },
      { wec: 'cluster2', returnedStatus: null },
    ]);
    assert.deepEqual(cells(r), [
      [str('cluster1'), { type: 'Object', object: '2024-05-01T10:00:00Z' }],
      [str('cluster2'), { type: 'Null' }],
    ]);
    const recent = run({ filter: 'propagation.lastReturnedUpdateTimestamp > timestamp("2024-01-01T00:00:00Z")', select: [wecName], limit: 20 }, [
      { wec: 'cluster1', returnedStatus: returned, lastReturnedUpdateTimestamp: '2024-05-01T10:00:00Z' },
      { wec: 'cluster2', returnedStatus: returned, lastReturnedUpdateTimestamp: '2023-05-01T10:00:00Z' },
    ]);
    assert.deepEqual(cells(recent), [[str('cluster1')]]);
  });

  it('the order of destinations does not matter, and a repeated WEC counts once', () => {
    const spec = { select: [wecName], limit: 20 };
    const forward = run(spec, twoWecs);
    assert.deepEqual(run(spec, [...twoWecs].reverse()), forward);
    assert.deepEqual(run(spec, [...twoWecs, { wec: 'cluster1', returnedStatus: null }]), forward);
  });

  it('needs only the variables mentioned (no WDS object needed without obj)', () => {
    const r = run({ select: [wecName], limit: 20 }, twoWecs, undefined);
    assert.deepEqual(cells(r), [[str('cluster1')], [str('cluster2')]]);
  });

  it('never throws, even for input that is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const r = run({ select: [{ name: 's', def: 'returned.status' }], limit: 20 }, [{ wec: 'cluster1', returnedStatus: cyclic }]);
    assert.deepEqual(r.rows, []);
    assert.match(r.aggregationErrors?.[0]?.error ?? '', /^internal error/);
  });

  it('results are plain JSON (no BigInt), ready to store', () => {
    const r = run({ select: [{ name: 'status', def: 'returned.status' }, { name: 'big', def: '[obj.spec.replicas, {"a": 2}]' }], limit: 20 });
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });
});

describe('Value rendering (spec §4.5 "Values")', () => {
  const TABLE: [string, string, Value][] = [
    ['string', '"text"', str('text')],
    ['int', 'returned.status.availableReplicas', num('1')],
    ['negative int', '-42', num('-42')],
    ['double', '0.5', num('0.5')],
    ['double with integral value', '2.0', num('2')],
    ['double infinity', '1.0 / 0.0', num('+Inf')],
    ['uint', '7u', num('7')],
    ['bool', 'true', { type: 'Bool', bool: true }],
    ['null', 'null', { type: 'Null' }],
    ['map', 'returned.status', { type: 'Object', object: returned }],
    ['map literal', '{"a": 1, "b": [true]}', { type: 'Object', object: { a: 1, b: [true] } }],
    ['list', '[1, "x", 2.5, null]', { type: 'Array', array: [1, 'x', 2.5, null] }],
    ['map from the object', 'obj.metadata.labels', { type: 'Object', object: { 'app.kubernetes.io/name': 'nginx' } }],
    ['timestamp', 'timestamp("2024-01-02T03:04:05Z")', { type: 'Object', object: '2024-01-02T03:04:05Z' }],
    ['duration', 'duration("90s")', { type: 'Object', object: '90s' }],
    ['bytes', 'b"hi"', { type: 'Object', object: 'aGk=' }],
  ];
  for (const [name, def, want] of TABLE) {
    it(name, () => {
      const r = run({ select: [{ name: 'v', def }], limit: 20 }, twoWecs.slice(0, 1));
      assert.deepEqual(r.rows[0]?.columns[0], want);
    });
  }
});

describe("Go %g number text (strconv.FormatFloat(x, 'g', -1, 64))", () => {
  const TABLE: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [2, '2'],
    [-2.5, '-2.5'],
    [0.5, '0.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [12345.678, '12345.678'],
    [100000, '100000'],
    [123456.7, '123456.7'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.0001, '0.0001'],
    [0.000123, '0.000123'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ];
  for (const [x, want] of TABLE) it(`${x} -> ${want}`, () => assert.equal(formatGoFloat(x), want));
});

describe('Go ParseFloat subset', () => {
  const TABLE: [string, number | string][] = [
    ['1', 1],
    ['-1.5', -1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['+2E-2', 0.02],
    ['Inf', Infinity],
    ['-infinity', -Infinity],
    ['abc', 'strconv.ParseFloat: parsing "abc": invalid syntax'],
    [' 1', 'strconv.ParseFloat: parsing " 1": invalid syntax'],
    ['', 'strconv.ParseFloat: parsing "": invalid syntax'],
    ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
  ];
  for (const [s, want] of TABLE) {
    it(JSON.stringify(s), () => assert.deepEqual(parseGoFloat(s), typeof want === 'number' ? { value: want } : { error: want }));
  }
  it('NaN', () => {
    const r = parseGoFloat('NaN');
    assert.ok('value' in r && Number.isNaN(r.value));
  });
});
