/**
 * The type check of an applied configuration: the apply engine's structured-merge-diff scalar
 * types for built-in kinds (`typedConfigFields`, also run by `apply`), and the registry's whole
 * check before merging (`checkAppliedConfiguration`: that, then the decode check of create and
 * patch for what only the typed decoder catches). Errors are 400 BadRequest in upstream's words.
 */
import assert from 'node:assert/strict';
import { StatusError } from '../../../../src/api/errors.js';
import { apply, schemaFromStructural, typedConfigFields } from '../../../../src/api/apply/index.js';
import type { KubeObject } from '../../../../src/api/object.js';
import { builtinResources } from '../../../../src/registry/builtin/index.js';
import { checkAppliedConfiguration } from '../../../../src/registry/schema-check.js';
import { builtin, WIDGET_SCHEMA } from './fixtures.js';

const REF = 'ns/x; /v1, Kind=Kind';
const PREFIX = `failed to create typed patch object (${REF}): `;

const container = (extra: Record<string, unknown>): Record<string, unknown> => ({ name: 'c', image: 'nginx', ...extra });
const podSpec = (extra: Record<string, unknown>): Record<string, unknown> => ({ containers: [container(extra)] });
const deployment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec({}) }, ...spec },
});
const cm = (body: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...body });
const secret = (body: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...body });
const pod = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec(extra) });

const kinds = { ConfigMap: ['', 'v1'], Secret: ['', 'v1'], Pod: ['', 'v1'], Deployment: ['apps', 'v1'], Service: ['', 'v1'] } as const;
type Kind = keyof typeof kinds;
const definition = (kind: Kind) => {
  const [group, version] = kinds[kind];
  const def = builtinResources.find((d) => d.group === group && d.version === version && d.kind === kind);
  assert.ok(def, kind);
  return def;
};

/** [what, kind, configuration, the error message after the prefix (undefined: accepted)]. */
const cases: [string, Kind, KubeObject, string | undefined][] = [
  // Refused by the scalar types of the apply schema, in structured-merge-diff's words.
  ['a number in ConfigMap data', 'ConfigMap', cm({ data: { k: 5 } }), '.data.k: expected string, got &value.valueUnstructured{Value:5}'],
  ['a boolean in ConfigMap data', 'ConfigMap', cm({ data: { k: true } }), '.data.k: expected string, got &value.valueUnstructured{Value:true}'],
  ['a string for immutable', 'ConfigMap', cm({ immutable: 'yes' }), '.immutable: expected boolean, got &{yes}'],
  ['a string for replicas', 'Deployment', deployment({ replicas: '9' }), '.spec.replicas: expected numeric (int or float), got string'],
  ['a boolean for replicas', 'Deployment', deployment({ replicas: true }), '.spec.replicas: expected numeric (int or float), got bool'],
  ['a string for paused', 'Deployment', deployment({ paused: 'no' }), '.spec.paused: expected boolean, got &{no}'],
  ['a number for a label value', 'ConfigMap', cm({ metadata: { name: 'c', labels: { a: 1 } } }), '.metadata.labels.a: expected string, got &value.valueUnstructured{Value:1}'],
  ['a boolean env name', 'Pod', pod({ env: [{ name: true }] }), '.spec.containers[name="c"].env[name=true].name: expected string, got &value.valueUnstructured{Value:true}'],
  ['a number for an image', 'Pod', pod({ image: 7 }), '.spec.containers[name="c"].image: expected string, got &value.valueUnstructured{Value:7}'],
  ['a map for a scalar', 'ConfigMap', cm({ data: { k: { x: 1 } } }), '.data.k: expected scalar, got map'],
  // Refused by the typed decoder's check (what create and patch run), after the apply schema passes.
  ['Secret data that is not base64', 'Secret', secret({ data: { k: 'not-base64!!' } }), '.data.k: illegal base64 data at input byte 3'],
  ['binaryData that is not base64', 'ConfigMap', cm({ binaryData: { k: 'a' } }), '.binaryData.k: illegal base64 data at input byte 0'],
  ['a fraction for an int32', 'Deployment', deployment({ replicas: 1.5 }), '.spec.replicas: json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
  ['an int32 out of range', 'Deployment', deployment({ replicas: 2 ** 31 }), `.spec.replicas: json: cannot unmarshal number ${2 ** 31} into Go struct field DeploymentSpec.spec.replicas of type int32`],
  ['a malformed quantity', 'Pod', pod({ resources: { limits: { cpu: 'lots' } } }), ".spec.containers[0].resources.limits.cpu: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  // Accepted.
  ['string data', 'ConfigMap', cm({ data: { k: '5' }, immutable: false }), undefined],
  ['nulls that remove fields', 'ConfigMap', cm({ data: null, immutable: null, metadata: { name: 'c', labels: null } }), undefined],
  ['a null data value', 'ConfigMap', cm({ data: { k: null } }), undefined],
  ['base64 Secret data and plain stringData', 'Secret', secret({ data: { k: 'aGVsbG8=' }, stringData: { s: 'plain' } }), undefined],
  ['a numeric replicas and boolean paused', 'Deployment', deployment({ replicas: 3, paused: false, progressDeadlineSeconds: null }), undefined],
  ['int-or-string as a string and a number', 'Deployment', deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }), undefined],
  ['quantities as numbers and strings', 'Pod', pod({ resources: { limits: { cpu: 1, memory: '128Mi' }, requests: { cpu: '250m', memory: 1e9 } } }), undefined],
  ['a named and a numeric probe port', 'Pod', pod({ readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { tcpSocket: { port: 8080 } } }), undefined],
  ['a Service targetPort by name', 'Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }, undefined],
  ['a creationTimestamp of null', 'ConfigMap', cm({ metadata: { name: 'c', creationTimestamp: null } }), undefined],
];

describe('apply: type check of the applied configuration', () => {
  for (const [what, kind, config, want] of cases) {
    it(`${want === undefined ? 'accepts' : 'refuses'} ${what}`, () => {
      const before = structuredClone(config);
      const run = (): void => checkAppliedConfiguration(definition(kind), config, { objectRef: REF });
      if (want === undefined) run();
      else {
        assert.throws(run, (e: unknown) => {
          assert.ok(e instanceof StatusError);
          assert.equal(e.code, 400);
          assert.equal(e.status.reason, 'BadRequest');
          assert.equal(e.message, PREFIX + want);
          return true;
        });
      }
      assert.deepEqual(config, before, 'the configuration is not modified');
    });
  }

  it('types scalars in the apply engine itself (apply and typedConfigFields)', () => {
    const schema = builtin('', 'v1', 'ConfigMap');
    assert.throws(
      () => apply({ live: null, config: cm({ data: { k: 5 } }), manager: 'a', schema, now: new Date(0), apiVersion: 'v1', objectRef: REF }),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === `${PREFIX}.data.k: expected string, got &value.valueUnstructured{Value:5}`,
    );
    assert.throws(() => typedConfigFields(cm({ immutable: 1 }), schema), (e: unknown) => e instanceof StatusError && e.message === '.immutable: expected boolean, got &{1}');
    assert.ok(apply({ live: null, config: cm({ data: { k: '5' } }), manager: 'a', schema, now: new Date(0), apiVersion: 'v1' }).ok);
  });

  it('reads stored objects leniently: a live object with a wrong type does not fail a valid apply', () => {
    const schema = builtin('', 'v1', 'ConfigMap');
    const r = apply({ live: cm({ data: { old: 5 } }), config: cm({ data: { k: 'v' } }), manager: 'a', schema, now: new Date(0), apiVersion: 'v1' });
    assert.ok(r.ok);
  });

  it('types the scalars of custom resources from their structural schema, as kube-openapi converts it', () => {
    const schema = schemaFromStructural(WIDGET_SCHEMA);
    const widget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
    assert.throws(
      () => typedConfigFields(widget({ replicas: 'many' }), schema, 'default/w; example.com/v1, Kind=Widget'),
      (e: unknown) =>
        e instanceof StatusError &&
        e.status.code === 400 &&
        e.message === 'failed to create typed patch object (default/w; example.com/v1, Kind=Widget): .spec.replicas: expected numeric (int or float), got string',
    );
    assert.doesNotThrow(() => typedConfigFields(widget({ replicas: 3 }), schema));
    assert.doesNotThrow(() => typedConfigFields(widget({ replicas: null }), schema), 'null removes a field, whatever its type');
  });
});
