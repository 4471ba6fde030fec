import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { applyRemovals, compileRemovalPath, digestRemovals, type RemovalPath } from '../../../src/kubestellar/transport/custom-transform.js';
import { parseRemovalPath, PathSyntaxError } from '../../../src/kubestellar/transport/removal-path.js';

const j = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'nginx',
      namespace: 'nginx',
      labels: { app: 'nginx', 'test.kubestellar.io/test-label': 'here', 'a.b/c': 'x', ünïcode: 'u' },
      annotations: { note: 'n', 'example.com/x': 'y' },
    },
    spec: {
      replicas: 2,
      paused: false,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            { name: 'main', image: 'nginx', imagePullPolicy: 'Always', args: ['--debug', '-v'], ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'a', readOnly: true }, { name: 'b', readOnly: false }] },
            { name: 'sidecar', image: 'envoy', imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '1' } }, env: [{ name: 'SECRET', value: 's' }, { name: 'MODE', value: 'm' }] },
            { name: 'logger', image: 'fluent', priority: 3, optional: null },
          ],
        },
      },
    },
  };
}

function compile(src: string): RemovalPath {
  const r = compileRemovalPath(src);
  if (!('path' in r)) assert.fail(`${src}: ${r.error}`);
  return r.path;
}

/** Applies the paths to a fresh Deployment and answers what changed, as a mutation of the original. */
function removed(...paths: string[]): KubeObject {
  const obj = deployment();
  applyRemovals(obj, paths.map(compile));
  return obj;
}

const containerNames = (o: KubeObject): string[] => (o['spec'] as any).template.spec.containers.map((c: any) => c.name);

describe('CustomTransform removal paths: what each syntax removes', () => {
  type Case = [title: string, paths: string[], expect: (before: any) => void];
  const cases: Case[] = [
    ['member-name shorthand', ['$.metadata.labels.app'], (o) => delete o.metadata.labels.app],
    ['double-quoted names (upstream form)', ['$.metadata.labels["test.kubestellar.io/test-label"]'], (o) => delete o.metadata.labels['test.kubestellar.io/test-label']],
    ['all segments bracketed', ['$["metadata"]["labels"]["a.b/c"]'], (o) => delete o.metadata.labels['a.b/c']],
    ['single-quoted names', ["$.metadata.labels['a.b/c']"], (o) => delete o.metadata.labels['a.b/c']],
    ['mixed forms', ['$.metadata["labels"].app'], (o) => delete o.metadata.labels.app],
    ['a non-ASCII shorthand name', ['$.metadata.labels.ünïcode'], (o) => delete o.metadata.labels['ünïcode']],
    ['\\u escape in a name', ['$.metadata.labels["\\u0061pp"]'], (o) => delete o.metadata.labels.app],
    ['a whole subtree', ['$.spec.template'], (o) => delete o.spec.template],
    ['a falsy value', ['$.spec.paused'], (o) => delete o.spec.paused],
    ['a null value', ['$.spec.template.spec.containers[2].optional'], (o) => delete o.spec.template.spec.containers[2].optional],
    ['[*] over array items, then a member', ['$.spec.template.spec.containers[*].imagePullPolicy'], (o) => o.spec.template.spec.containers.forEach((c: any) => delete c.imagePullPolicy)],
    ['.* over map members', ['$.metadata.annotations.*'], (o) => (o.metadata.annotations = {})],
    ['[*] over map members', ['$.metadata.annotations[*]'], (o) => (o.metadata.annotations = {})],
    ['[*] as the last segment empties the array', ['$.spec.template.spec.containers[0].args[*]'], (o) => (o.spec.template.spec.containers[0].args = [])],
    ['an index removes the item without a hole', ['$.spec.template.spec.containers[1]'], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['a negative index counts from the end', ['$.spec.template.spec.containers[-1]'], (o) => o.spec.template.spec.containers.splice(2, 1)],
    ['index then member', ['$.spec.template.spec.containers[0].image'], (o) => delete o.spec.template.spec.containers[0].image],
    ['filter ==, parenthesized', ['$.spec.template.spec.containers[?(@.name=="sidecar")]'], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['filter ==, RFC 9535 form without parentheses', ["$.spec.template.spec.containers[?@.name=='sidecar']"], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['filter with spaces around the operator', ['$.spec.template.spec.containers[?(@.name == "sidecar")]'], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['filter != keeps only the match', ['$.spec.template.spec.containers[?(@.name!="main")]'], (o) => o.spec.template.spec.containers.splice(1, 2)],
    ['filter on a nested member chain', ['$.spec.template.spec.containers[?(@.resources.limits.cpu=="1")]'], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['filter on a bracketed member chain', ['$.spec.template.spec.containers[?(@["resources"]["limits"].cpu=="1")]'], (o) => o.spec.template.spec.containers.splice(1, 1)],
    ['filter != on a nested chain also takes items lacking it', ['$.spec.template.spec.containers[?(@.resources.limits.cpu!="1")]'], (o) => o.spec.template.spec.containers.splice(0, 1) && o.spec.template.spec.containers.splice(1, 1)],
    ['filter with a number literal', ['$.spec.template.spec.containers[?(@.priority==3)]'], (o) => o.spec.template.spec.containers.splice(2, 1)],
    ['numbers compare by value (3.0 == 3)', ['$.spec.template.spec.containers[?(@.priority==3.0)]'], (o) => o.spec.template.spec.containers.splice(2, 1)],
    ['a number in exponent form', ['$.spec.template.spec.containers[0].ports[?(@.containerPort==8e1)]'], (o) => (o.spec.template.spec.containers[0].ports = [])],
    ['filter with true', ['$.spec.template.spec.containers[0].volumeMounts[?(@.readOnly==true)]'], (o) => o.spec.template.spec.containers[0].volumeMounts.splice(0, 1)],
    ['filter with false', ['$.spec.template.spec.containers[0].volumeMounts[?(@.readOnly==false)]'], (o) => o.spec.template.spec.containers[0].volumeMounts.splice(1, 1)],
    ['filter with null matches a JSON null, not a missing member', ['$.spec.template.spec.containers[?(@.optional==null)]'], (o) => o.spec.template.spec.containers.splice(2, 1)],
    ['filter on the item itself (@) over strings', ['$.spec.template.spec.containers[0].args[?(@=="--debug")]'], (o) => o.spec.template.spec.containers[0].args.splice(0, 1)],
    ['filter over map members', ['$.metadata.labels[?(@=="nginx")]'], (o) => delete o.metadata.labels.app],
    ['filter with an index in its path', ['$.spec.template.spec.containers[?(@.args[0]=="--debug")]'], (o) => o.spec.template.spec.containers.splice(0, 1)],
    ['wildcard then filter', ['$.spec.template.spec.containers[*].env[?(@.name=="SECRET")]'], (o) => o.spec.template.spec.containers[1].env.splice(0, 1)],
    ['filter then member', ['$.spec.template.spec.containers[?(@.name=="main")].args'], (o) => delete o.spec.template.spec.containers[0].args],
    ['indexes are evaluated together: [0] and [1] are the first two', ['$.spec.template.spec.containers[0]', '$.spec.template.spec.containers[1]'], (o) => o.spec.template.spec.containers.splice(0, 2)],
    ['the same item twice is removed once', ['$.spec.template.spec.containers[0]', '$.spec.template.spec.containers[?(@.name=="main")]'], (o) => o.spec.template.spec.containers.splice(0, 1)],
    ['a subtree and something inside it', ['$.spec.template.spec', '$.spec.template.spec.containers[0]'], (o) => delete o.spec.template.spec],
    ['$.* keeps apiVersion, kind and metadata', ['$.*'], (o) => delete o.spec],
    ['$.metadata.* keeps name and namespace', ['$.metadata.*'], (o) => (o.metadata = { name: 'nginx', namespace: 'nginx' })],
    ['a filter at the top never takes the identity', ['$[?(@=="Deployment")]'], () => undefined],
  ];
  for (const [title, paths, expect] of cases) {
    it(`${title}: ${paths.join(' + ')}`, () => {
      const want = deployment() as any;
      expect(want);
      assert.deepEqual(removed(...paths), want);
    });
  }

  it('removing a container by filter leaves the others in order', () => {
    assert.deepEqual(containerNames(removed('$.spec.template.spec.containers[?(@.name=="sidecar")]')), ['main', 'logger']);
  });

  it('answers how many fields it removed, and leaves the object alone without paths', () => {
    const o = deployment();
    assert.equal(applyRemovals(o, [compile('$.spec.template.spec.containers[*].image')]), 3);
    assert.equal(applyRemovals(o, []), 0);
    assert.equal(applyRemovals(o, [compile('$.spec.template.spec.containers[*].image')]), 0);
  });

  it('never reaches an inherited property', () => {
    const o = deployment();
    assert.equal(applyRemovals(o, [compile('$.metadata["__proto__"]'), compile('$.spec.constructor'), compile('$.spec.template.spec.containers.length')]), 0);
    assert.deepEqual(o, deployment());
  });
});

describe('CustomTransform removal paths: no-ops', () => {
  const noop: [string, string][] = [
    ['missing member', '$.spec.nope'],
    ['missing intermediate', '$.spec.nope.deeper'],
    ['missing label', '$.metadata.labels["not-there"]'],
    ['a member of an array', '$.spec.template.spec.containers.name'],
    ['a member of a string', '$.metadata.name.length'],
    ['an index into a map', '$.metadata[0]'],
    ['an index past the end', '$.spec.template.spec.containers[3]'],
    ['a negative index before the start', '$.spec.template.spec.containers[-4]'],
    ['a wildcard over a number', '$.spec.replicas.*'],
    ['a wildcard over a missing member', '$.spec.nope[*]'],
    ['a filter over a scalar', '$.spec.replicas[?(@=="x")]'],
    ['a filter that matches nothing', '$.spec.template.spec.containers[?(@.name=="nope")]'],
    ['string literal against a number', '$.spec.template.spec.containers[?(@.priority=="3")]'],
    ['number literal against a string', '$.spec.template.spec.containers[?(@.name==3)]'],
    ['boolean literal against a string', '$.spec.template.spec.containers[0].volumeMounts[?(@.name==true)]'],
    ['null literal against a missing member', '$.spec.template.spec.containers[?(@.missing==null)]'],
    ['a literal against an object', '$.spec.template.spec.containers[?(@.resources=="x")]'],
    ['a filter path through an array by name', '$.spec.template.spec.containers[?(@.args.x=="y")]'],
  ];
  for (const [title, path] of noop) {
    it(`${title}: ${path}`, () => assert.deepEqual(removed(path), deployment()));
  }

  it('type mismatches under != do match (RFC 9535: != is not ==)', () => {
    assert.deepEqual(containerNames(removed('$.spec.template.spec.containers[?(@.priority!="3")]')), []);
  });
});

describe('CustomTransform removal paths: errors', () => {
  const errors: [string, string, RegExp, number?][] = [
    ['empty', '', /empty/, 0],
    ['no root', 'metadata.name', /must start with \$/, 0],
    ['leading whitespace', ' $.a', /must start with \$.*whitespace/, 0],
    ['trailing whitespace', '$.a ', /whitespace/, 3],
    ['whitespace after a dot', '$. a', /member name.*whitespace/, 2],
    ['whitespace inside brackets', '$.a[ 0]', /whitespace/, 4],
    ['whitespace before a bracket close', '$.a[0 ]', /"\]".*whitespace/, 5],
    ['a tab in a filter path', '$.a[?(@.\tb=="x")]', /member name/, 8],
    ['a dot at the end', '$.', /member name.*ends/, 2],
    ['a lone bracket', '$[', /unterminated bracket opened at position 1/, 2],
    ['an empty bracket', '$[]', /after "\["/, 2],
    ['an unterminated bracket', '$.a["x"', /unterminated bracket opened at position 3/, 7],
    ['an unterminated string', '$.a["x', /unterminated string/, 4],
    ['recursive descent', '$..name', /recursive descent/, 1],
    ['recursive descent later', '$.spec..name', /recursive descent/, 6],
    ['a slice', '$.a[1:2]', /slices/, 5],
    ['an open slice', '$.a[:2]', /slices/, 4],
    ['a union', "$.a['x','y']", /unions/, 7],
    ['a script expression', '$.a[(@.length-1)]', /script/, 4],
    ['a name with a dash', '$.metadata.labels.app-name', /expected "\." or "\["/, 21],
    ['a name starting with a digit', '$.a.1b', /member name.*\["\.\.\."\]/, 4],
    ['a leading zero in an index', '$.a[01]', /leading zeros/, 4],
    ['-0 as an index', '$.a[-0]', /-0/, 4],
    ['a minus without digits', '$.a[-]', /index/, 4],
    ['an invalid escape', '$["a\\x"]', /invalid escape/, 4],
    ['a short \\u escape', '$["\\u12"]', /\\u escape/, 3],
    ['a raw control character', '$["a\nb"]', /control characters/, 4],
    ['a filter without @', '$.a[?(name=="x")]', /must start with @/, 6],
    ['a filter on the root', '$.a[?($.x=="y")]', /root/, 6],
    ['an existence test', '$.a[?(@.x)]', /existence/, 9],
    ['a single =', '$.a[?(@.x="y")]', /use ==/, 9],
    ['an ordering comparison', '$.a[?(@.x<3)]', /only == and !=/, 9],
    ['logical operators', '$.a[?(@.x=="y"&&@.z==1)]', /"\)"/, 14],
    ['a leading logical operator', '$.a[?(@.x&&@.z==1)]', /combining/, 9],
    ['a path on the right', '$.a[?(@.x==@.y)]', /another path/, 11],
    ['an unquoted string', '$.a[?(@.x==yes)]', /unknown literal yes/, 11],
    ['a missing literal', '$.a[?(@.x==)]', /expected a string, number/, 11],
    ['a malformed number', '$.a[?(@.x==1.)]', /invalid number/, 11],
    ['a wildcard in a filter path', '$.a[?(@.*=="y")]', /wildcards/, 8],
    ['a filter in a filter path', '$.a[?(@[?(@.x==1)].y==1)]', /only quoted names and indexes/, 8],
    ['an unterminated filter', '$.a[?(@.x=="y"', /unterminated parenthesis opened at position 5/, 14],
    ['an unclosed filter bracket', '$.a[?(@.x=="y")', /unterminated bracket opened at position 3/, 15],
    ['garbage after a segment', '$.a$', /expected "\." or "\["/, 3],
  ];
  for (const [title, src, message, position] of errors) {
    it(`${title}: ${JSON.stringify(src)}`, () => {
      assert.throws(
        () => parseRemovalPath(src),
        (err: unknown) => {
          assert.ok(err instanceof PathSyntaxError, String(err));
          assert.match(err.message, message);
          assert.match(err.message, /^syntax error at position \d+: /);
          if (position !== undefined) assert.equal(err.position, position, err.message);
          return true;
        },
      );
      const r = compileRemovalPath(src);
      assert.ok('error' in r);
    });
  }

  const refused: [string, RegExp][] = [
    ['$', /whole object/],
    ['$.apiVersion', /apiVersion, which identifies/],
    ['$.kind', /kind, which identifies/],
    ['$.metadata', /metadata, which identifies/],
    ['$.metadata.name', /metadata\.name, which identifies/],
    ['$["metadata"]["namespace"]', /metadata\.namespace, which identifies/],
  ];
  for (const [src, message] of refused) {
    it(`refuses ${src}`, () => {
      const r = compileRemovalPath(src);
      assert.ok('error' in r && message.test(r.error), JSON.stringify(r));
    });
  }

  it('accepts paths that only pass through the identity', () => {
    for (const src of ['$.metadata.labels', '$.metadata.name.x', '$.spec.metadata', '$.spec.template.metadata.name']) assert.ok('path' in compileRemovalPath(src), src);
  });
});

describe('digestRemovals: a CustomTransform spec.remove', () => {
  it('keeps the valid paths and words the rest as upstream does', () => {
    const d = digestRemovals(['$.metadata.labels.a', '$', '$..x', 7, '$.spec.replicas', '$.kind']);
    assert.deepEqual(
      d.paths.map((p) => p.source),
      ['$.metadata.labels.a', '$.spec.replicas'],
    );
    assert.deepEqual(d.errors, [
      'Invalid spec.remove[1]: it identifies the whole object',
      'Error in spec.remove[2]: syntax error at position 1: recursive descent (..) is not supported',
      'Error in spec.remove[3]: not a string',
      'Error in spec.remove[5]: it would remove kind, which identifies the object',
    ]);
  });

  it('an empty list removes nothing and has no errors', () => {
    assert.deepEqual(digestRemovals([]), { paths: [], errors: [] });
  });

  it('parses into the documented selectors', () => {
    assert.deepEqual(parseRemovalPath(`$.a['b'][*].*[3][?(@.c["d"][0] != -1.5e2)]`), [
      { kind: 'name', name: 'a' },
      { kind: 'name', name: 'b' },
      { kind: 'wildcard' },
      { kind: 'wildcard' },
      { kind: 'index', index: 3 },
      { kind: 'filter', filter: { path: [{ kind: 'name', name: 'c' }, { kind: 'name', name: 'd' }, { kind: 'index', index: 0 }], op: '!=', value: -150 } },
    ]);
    assert.deepEqual(j(parseRemovalPath('$')), []);
  });
});
