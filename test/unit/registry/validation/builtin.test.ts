import assert from 'node:assert/strict';
import { builtinDefinitions } from '../../../../openapi/index.js';
import { decodeError, validateAgainstSchema } from '../../../../src/registry/validation/index.js';
import { bigObject } from './fixtures.js';

const DEFS = builtinDefinitions().definitions;
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const CONFIGMAP = 'io.k8s.api.core.v1.ConfigMap';
const SECRET = 'io.k8s.api.core.v1.Secret';
const SERVICE = 'io.k8s.api.core.v1.Service';
const CRD = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';
const CONTROLLER_REVISION = 'io.k8s.api.apps.v1.ControllerRevision';

type Body = Record<string, unknown>;
const container = (extra: Body = {}): Body => ({ name: 'web', image: 'nginx', ...extra });
const deployment = (spec: Body = {}, metadata: Body = { name: 'web' }): Body => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata,
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } },
    ...spec,
  },
});
const podSpec = (spec: Body): Body => deployment({ template: { metadata: {}, spec } });

describe('validateAgainstSchema (built-in kinds)', () => {
  /** [case, definition, object, decode error fields, unknown fields]. */
  const CASES: [string, string, Body, string[], string[]][] = [
    ['a valid Deployment', DEPLOYMENT, deployment({ replicas: 3 }), [], []],
    ['a string replicas', DEPLOYMENT, deployment({ replicas: '3' }), ['spec.replicas'], []],
    ['a fractional replicas', DEPLOYMENT, deployment({ replicas: 1.5 }), ['spec.replicas'], []],
    ['an int32 overflow', DEPLOYMENT, deployment({ replicas: 2 ** 31 }), ['spec.replicas'], []],
    ['a string spec', DEPLOYMENT, { apiVersion: 'apps/v1', kind: 'Deployment', spec: 'x' }, ['spec'], []],
    ['a boolean where a list goes', DEPLOYMENT, podSpec({ containers: true }), ['spec.template.spec.containers'], []],
    ['a number in a string map', DEPLOYMENT, deployment({}, { name: 'web', labels: { a: 1 } }), ['metadata.labels.a'], []],
    ['a bad Time', DEPLOYMENT, deployment({}, { name: 'web', creationTimestamp: 'yesterday' }), ['metadata.creationTimestamp'], []],
    ['a numeric Time', DEPLOYMENT, deployment({}, { name: 'web', creationTimestamp: 5 }), ['metadata.creationTimestamp'], []],
    ['null anywhere is fine', DEPLOYMENT, deployment({ replicas: null, strategy: null }, { name: 'web', labels: null }), [], []],
    ['unknown at the root', DEPLOYMENT, { ...deployment(), status2: {} }, [], ['status2']],
    ['unknown in spec', DEPLOYMENT, deployment({ foo: 1 }), [], ['spec.foo']],
    ['unknown in metadata', DEPLOYMENT, deployment({}, { name: 'web', nmae: 'x' }), [], ['metadata.nmae']],
    ['unknown keys are case-sensitive', DEPLOYMENT, deployment({ Replicas: 1 }), [], ['spec.Replicas']],
    [
      'unknown in list items',
      DEPLOYMENT,
      podSpec({ containers: [container(), container({ foo: 1, ports: [{ containerPort: 80, bar: 2 }] })] }),
      [],
      ['spec.template.spec.containers[1].foo', 'spec.template.spec.containers[1].ports[0].bar'],
    ],
    [
      'unknown in a map value',
      CRD,
      {
        spec: {
          group: 'x.io',
          names: { plural: 'ws', kind: 'W' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', bogus: 1 } } } } }],
        },
      },
      [],
      ['spec.versions[0].schema.openAPIV3Schema.properties.spec.bogus'],
    ],
    ['both kinds of problem', DEPLOYMENT, deployment({ replicas: 'x', foo: 1 }), ['spec.replicas'], ['spec.foo']],
    ['free-form ConfigMap data', CONFIGMAP, { metadata: { name: 'c', annotations: { 'any/key': 'v' } }, data: { 'any.key': 'v', other: '' } }, [], []],
    ['a number in ConfigMap data', CONFIGMAP, { data: { a: 1 } }, ['data.a'], []],
    ['a RawExtension holds anything', CONTROLLER_REVISION, { revision: 1, data: { anything: [1, { deep: true }] } }, [], []],
    ['managedFields fieldsV1 is free-form', CONFIGMAP, { metadata: { managedFields: [{ manager: 'k', fieldsV1: { 'f:data': { 'f:a': {} } } }] } }, [], []],
    ['base64 Secret data', SECRET, { data: { a: 'aGVsbG8=' } }, [], []],
    ['bad base64 Secret data', SECRET, { data: { a: 'not base64!' } }, ['data.a'], []],
    ['IntOrString as int and string', SERVICE, { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'http' }] } }, [], []],
    ['IntOrString as a boolean', SERVICE, { spec: { ports: [{ port: 80, targetPort: true }] } }, ['spec.ports[0].targetPort'], []],
    [
      'Quantity as number and string, and a bad one',
      DEPLOYMENT,
      podSpec({ containers: [container({ resources: { limits: { cpu: 1, memory: '1Gi' }, requests: { cpu: 'lots' } } })] }),
      ['spec.template.spec.containers[0].resources.requests.cpu'],
      [],
    ],
  ];

  for (const [name, def, obj, errors, unknown] of CASES) {
    it(name, () => {
      const result = validateAgainstSchema(DEFS, def, structuredClone(obj));
      assert.deepEqual(result.errors.map((e) => e.field), errors);
      assert.ok(result.errors.every((e) => e.type === 'FieldValueTypeInvalid'));
      assert.deepEqual(result.unknownFields, unknown);
    });
  }

  it('prunes unknown fields in place when asked', () => {
    const obj = podSpec({ containers: [container({ foo: 1 })] });
    (obj.spec as Body).bar = 2;
    const result = validateAgainstSchema(DEFS, DEPLOYMENT, obj, { prune: true });
    assert.deepEqual(result.unknownFields, ['spec.template.spec.containers[0].foo', 'spec.bar']);
    assert.deepEqual(obj, podSpec({ containers: [container()] }));
  });

  it('leaves the object alone without prune', () => {
    const obj = deployment({ foo: 1 });
    validateAgainstSchema(DEFS, DEPLOYMENT, obj);
    assert.equal((obj.spec as Body).foo, 1);
  });

  it('accepts anything for an unknown definition', () => {
    assert.deepEqual(validateAgainstSchema(DEFS, 'no.such.Kind', { a: 1 }), { errors: [], unknownFields: [] });
  });

  it('turns decode errors into a 400 BadRequest', () => {
    const { errors } = validateAgainstSchema(DEFS, DEPLOYMENT, deployment({ replicas: '3' }));
    const err = decodeError({ version: 'v1', kind: 'Deployment' }, errors);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.status.details, undefined);
  });

  it('walks a 100 KiB Deployment in a few milliseconds', () => {
    const obj = bigObject();
    validateAgainstSchema(DEFS, DEPLOYMENT, obj);
    const runs = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) assert.deepEqual(validateAgainstSchema(DEFS, DEPLOYMENT, obj), { errors: [], unknownFields: [] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    assert.ok(ms < 25, `took ${ms.toFixed(2)} ms`);
  });
});
