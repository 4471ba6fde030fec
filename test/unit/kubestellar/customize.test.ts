/**
 * Per-WEC customization (spec §5): property maps (src/kubestellar/customize/properties.ts) and
 * template expansion of whole objects (src/kubestellar/customize/expand.ts).
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import type { KubeObject } from '../../../src/api/object.js';
import {
  compileObject,
  containsTemplates,
  expandForClusters,
  expandObject,
  needsCustomization,
  wantsExpansion,
} from '../../../src/kubestellar/customize/expand.js';
import { clusterProperties, clusterPropertiesOf, isGoIdentifier, propertiesEqual, type ClusterProperties } from '../../../src/kubestellar/customize/properties.js';
import { EXPAND_TEMPLATES_ANNOTATION } from '../../../src/kubestellar/well-known.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const props = (entries: Record<string, string>): ClusterProperties => new Map(Object.entries(entries));

/** The object of the spec §5 e2e scenario. */
function e2eObject(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'customization-test',
      namespace: 'demo',
      labels: { 'app.kubernetes.io/name': 'customization-test' },
      annotations: {
        [EXPAND_TEMPLATES_ANNOTATION]: 'true',
        'customization-test': 'cluster {{ .clusterName }} URL is {{ .clusterURL }}, region is {{ .region }}',
      },
    },
    data: { plain: 'no template here', region: '{{ .region }}' },
  };
}

describe('customization properties (customize/properties.ts)', () => {
  describe('isGoIdentifier (go/token.IsIdentifier)', () => {
    const TABLE: [string, boolean][] = [
      ['region', true],
      ['clusterURL', true],
      ['_x', true],
      ['a1', true],
      ['région', true],
      ['名前', true],
      ['x١', true], // Arabic-Indic digit after the first character
      ['', false],
      ['1abc', false],
      ['location-group', false],
      ['app.kubernetes.io/name', false],
      ['with space', false],
      ['type', false], // keywords are not identifiers
      ['range', false],
      ['map', false],
      ['nil', true], // predeclared, not a keyword
      ['true', true],
    ];
    for (const [key, expected] of TABLE) it(`${JSON.stringify(key)} → ${expected}`, () => assert.equal(isGoIdentifier(key), expected));
  });

  describe('clusterProperties: precedence ConfigMap > annotations > labels > clusterName', () => {
    const TABLE: [string, Parameters<typeof clusterProperties>[0], Record<string, string>][] = [
      ['built-in only', { clusterName: 'cluster1' }, { clusterName: 'cluster1' }],
      ['labels', { clusterName: 'c1', labels: { region: 'east', name: 'c1' } }, { clusterName: 'c1', region: 'east', name: 'c1' }],
      ['annotations override labels', { clusterName: 'c1', labels: { region: 'east' }, annotations: { region: 'north' } }, { clusterName: 'c1', region: 'north' }],
      [
        'ConfigMap data overrides annotations',
        { clusterName: 'c1', labels: { region: 'east' }, annotations: { region: 'north' }, configMap: { data: { region: 'west' } } },
        { clusterName: 'c1', region: 'west' },
      ],
      ['a label may override clusterName', { clusterName: 'c1', labels: { clusterName: 'other' } }, { clusterName: 'other' }],
      ['binaryData, base64-decoded', { clusterName: 'c1', configMap: { binaryData: { clusterURL: b64('https://my.clusters/1001-abcd') } } }, { clusterName: 'c1', clusterURL: 'https://my.clusters/1001-abcd' }],
      ['binaryData after data', { clusterName: 'c1', configMap: { data: { k: 'text' }, binaryData: { k: b64('bytes') } } }, { clusterName: 'c1', k: 'bytes' }],
      [
        'keys that are not Go identifiers are dropped, from every source',
        {
          clusterName: 'c1',
          labels: { 'location-group': 'edge', 'app.kubernetes.io/name': 'x', 'cluster.open-cluster-management.io/clusterset': 'default', name: 'c1' },
          annotations: { 'example.com/note': 'x', type: 'keyword', note_1: 'kept' },
          configMap: { data: { 'my-key': 'x', '1st': 'x', ok: 'yes' }, binaryData: { 'bad.key': b64('x') } },
        },
        { clusterName: 'c1', name: 'c1', note_1: 'kept', ok: 'yes' },
      ],
      ['an empty ConfigMap', { clusterName: 'c1', configMap: {} }, { clusterName: 'c1' }],
    ];
    for (const [title, sources, expected] of TABLE) {
      it(title, () => assert.deepEqual(Object.fromEntries(clusterProperties(sources)), expected));
    }
  });

  it('clusterPropertiesOf reads the ManagedCluster and the ConfigMap objects', () => {
    const cluster: KubeObject = { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name: 'cluster1', labels: { region: 'east', 'location-group': 'edge' }, annotations: { zone: 'a' } } };
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster1', namespace: 'customization-properties' }, data: { zone: 'b' }, binaryData: { clusterURL: b64('https://x') } };
    assert.deepEqual(Object.fromEntries(clusterPropertiesOf('cluster1', cluster, configMap)), { clusterName: 'cluster1', region: 'east', zone: 'b', clusterURL: 'https://x' });
    assert.deepEqual(Object.fromEntries(clusterPropertiesOf('cluster1', cluster, undefined)), { clusterName: 'cluster1', region: 'east', zone: 'a' });
    // A destination missing from the inventory still has its name.
    assert.deepEqual(Object.fromEntries(clusterPropertiesOf('gone', undefined, undefined)), { clusterName: 'gone' });
  });

  it('propertiesEqual compares contents, not order', () => {
    assert.ok(propertiesEqual(props({ a: '1', b: '2' }), props({ b: '2', a: '1' })));
    assert.ok(!propertiesEqual(props({ a: '1' }), props({ a: '2' })));
    assert.ok(!propertiesEqual(props({ a: '1' }), props({ a: '1', b: '' })));
  });
});

describe('template expansion (customize/expand.ts)', () => {
  describe('wantsExpansion', () => {
    const TABLE: [Record<string, string> | undefined, boolean][] = [
      [{ [EXPAND_TEMPLATES_ANNOTATION]: 'true' }, true],
      [{ [EXPAND_TEMPLATES_ANNOTATION]: 'True' }, false],
      [{ [EXPAND_TEMPLATES_ANNOTATION]: 'yes' }, false],
      [{ [EXPAND_TEMPLATES_ANNOTATION]: '' }, false],
      [{ other: 'true' }, false],
      [undefined, false],
    ];
    for (const [annotations, expected] of TABLE) {
      it(`${JSON.stringify(annotations)} → ${expected}`, () => {
        const obj: KubeObject = { metadata: annotations === undefined ? { name: 'x' } : { name: 'x', annotations } };
        assert.equal(wantsExpansion(obj), expected);
      });
    }
  });

  it('the spec §5 e2e example', () => {
    const properties = clusterProperties({ clusterName: 'cluster1', labels: { region: 'east', 'location-group': 'edge' }, configMap: { data: { clusterURL: 'https://my.clusters/1001-abcd' } } });
    const result = expandObject(e2eObject(), properties);
    assert.deepEqual(result.errors, []);
    assert.equal(result.expanded, true);
    assert.equal(result.object.metadata.annotations?.['customization-test'], 'cluster cluster1 URL is https://my.clusters/1001-abcd, region is east');
    // The request itself stays, as upstream sends it.
    assert.equal(result.object.metadata.annotations?.[EXPAND_TEMPLATES_ANNOTATION], 'true');
    assert.deepEqual(result.object['data'], { plain: 'no template here', region: 'east' });
  });

  it('expands string leaves at any depth through maps and arrays; keys and non-strings stay', () => {
    const input: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { '{{ .region }}': 'key is not expanded' } },
      spec: {
        replicas: 2,
        paused: false,
        minReadySeconds: null,
        template: {
          spec: {
            containers: [
              { name: 'c', image: 'registry.{{ .region }}.example/web:1', args: ['--cluster={{ .clusterName }}', 7, true, ['{{ .region }}', { deep: '{{ .clusterName }}-{{ .region }}' }]] },
            ],
          },
        },
      },
    };
    const before = structuredClone(input);
    const result = expandObject(input, props({ clusterName: 'c1', region: 'east' }));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { '{{ .region }}': 'key is not expanded' } },
      spec: {
        replicas: 2,
        paused: false,
        minReadySeconds: null,
        template: { spec: { containers: [{ name: 'c', image: 'registry.east.example/web:1', args: ['--cluster=c1', 7, true, ['east', { deep: 'c1-east' }]] }] } },
      },
    });
    assert.deepEqual(input, before, 'the input is not modified');
    assert.notEqual(result.object.metadata, input.metadata, 'the result shares nothing with the input');
  });

  it('an object without templates is returned as is', () => {
    const input: KubeObject = { metadata: { name: 'x', annotations: { [EXPAND_TEMPLATES_ANNOTATION]: 'true', note: 'single { brace } and }}' } }, data: { n: 1 } };
    const result = expandObject(input, props({ clusterName: 'c1' }));
    assert.equal(result.expanded, false);
    assert.equal(result.object, input);
    assert.deepEqual(result.errors, []);
    assert.equal(containsTemplates(input), false);
    assert.equal(needsCustomization(input), false);
    assert.equal(needsCustomization(e2eObject()), true);
    const e2eWithout = e2eObject();
    delete e2eWithout.metadata.annotations?.[EXPAND_TEMPLATES_ANNOTATION];
    assert.equal(needsCustomization(e2eWithout), false);
  });

  it('a leaf that does not parse becomes ""; one that fails when run keeps its partial output; errors name each leaf', () => {
    const input: KubeObject = {
      metadata: { name: 'x', annotations: { 'example.com/broken': 'a {{ .region', fine: '{{ .region }}' } },
      spec: { list: ['ok', 'before {{ .zone }} after'], 'odd key': '{{ nope }}' },
    };
    const result = expandObject(input, props({ clusterName: 'c1', region: 'east' }));
    assert.equal(result.expanded, true);
    assert.deepEqual(result.object, {
      metadata: { name: 'x', annotations: { 'example.com/broken': '', fine: 'east' } },
      spec: { list: ['ok', 'before '], 'odd key': '' },
    });
    assert.deepEqual(
      result.leafErrors.map((e) => [e.path, e.error.phase, e.error.reason]),
      [
        ['metadata.annotations[example.com/broken]', 'parse', 'unclosed action'],
        ['spec.list[1]', 'exec', 'map has no entry for key "zone"'],
        ['spec[odd key]', 'parse', 'function "nope" not defined'],
      ],
    );
    assert.deepEqual(result.errors, [
      'template: metadata.annotations[example.com/broken]:1: unclosed action',
      'template: spec.list[1]:1:10: executing "spec.list[1]" at <.zone>: map has no entry for key "zone"',
      'template: spec[odd key]:1: function "nope" not defined',
    ]);
  });

  it('keeps a member named __proto__ an ordinary member', () => {
    const input = JSON.parse('{"metadata":{"name":"x"},"data":{"__proto__":"{{ .clusterName }}"}}') as KubeObject;
    const result = expandObject(input, props({ clusterName: 'c1' }));
    assert.deepEqual(Object.keys(result.object['data'] as object), ['__proto__']);
    assert.equal(Object.getOwnPropertyDescriptor(result.object['data'], '__proto__')?.value, 'c1');
  });

  it('compileObject parses once and expands per cluster', () => {
    const compiled = compileObject(e2eObject());
    assert.equal(compiled.expanded, true);
    const east = compiled.expand(props({ clusterName: 'c1', clusterURL: 'u1', region: 'east' }));
    const west = compiled.expand(props({ clusterName: 'c2', clusterURL: 'u2', region: 'west' }));
    assert.equal(east.object.metadata.annotations?.['customization-test'], 'cluster c1 URL is u1, region is east');
    assert.equal(west.object.metadata.annotations?.['customization-test'], 'cluster c2 URL is u2, region is west');
  });

  describe('expandForClusters', () => {
    const clusters = new Map<string, ClusterProperties>([
      ['cluster1', clusterProperties({ clusterName: 'cluster1', labels: { region: 'east' }, configMap: { data: { clusterURL: 'https://my.clusters/1001-abcd' } } })],
      ['cluster2', clusterProperties({ clusterName: 'cluster2', labels: { region: 'west' }, configMap: { data: { clusterURL: 'https://my.clusters/2002-efgh' } } })],
    ]);

    it('gives each cluster its own expansion (spec §5 e2e, both WECs)', () => {
      const result = expandForClusters(e2eObject(), clusters);
      assert.equal(result.customized, true);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.failedClusters, []);
      assert.equal(result.byCluster.get('cluster1')?.object.metadata.annotations?.['customization-test'], 'cluster cluster1 URL is https://my.clusters/1001-abcd, region is east');
      assert.equal(result.byCluster.get('cluster2')?.object.metadata.annotations?.['customization-test'], 'cluster cluster2 URL is https://my.clusters/2002-efgh, region is west');
    });

    it('shares the object untouched when it does not ask for expansion, or holds no template', () => {
      const notAsked = e2eObject();
      delete notAsked.metadata.annotations?.[EXPAND_TEMPLATES_ANNOTATION];
      const noTemplates: KubeObject = { metadata: { name: 'x', annotations: { [EXPAND_TEMPLATES_ANNOTATION]: 'true' } }, data: { a: 'b' } };
      for (const object of [notAsked, noTemplates]) {
        const result = expandForClusters(object, clusters);
        assert.equal(result.customized, false);
        assert.deepEqual([...result.byCluster.keys()], ['cluster1', 'cluster2']);
        for (const r of result.byCluster.values()) {
          assert.equal(r.object, object);
          assert.deepEqual(r.errors, []);
        }
      }
    });

    it('reports per cluster; for the Binding, the first failing cluster’s errors and the others by name', () => {
      const many = new Map<string, ClusterProperties>([
        ['cluster3', props({ clusterName: 'cluster3' })],
        ['cluster1', props({ clusterName: 'cluster1', clusterURL: 'u', region: 'east' })],
        ['cluster2', props({ clusterName: 'cluster2', clusterURL: 'u' })],
        ['cluster4', props({ clusterName: 'cluster4', region: 'x' })],
      ]);
      const result = expandForClusters(e2eObject(), many, { objectRef: 'v1/configmaps(demo/customization-test)' });
      assert.equal(result.customized, true);
      assert.deepEqual(result.failedClusters, ['cluster2', 'cluster3', 'cluster4']);
      assert.deepEqual(result.byCluster.get('cluster1')?.errors, []);
      const annotationPath = 'metadata.annotations.customization-test';
      assert.deepEqual(result.byCluster.get('cluster2')?.errors, [
        `template: ${annotationPath}:1:66: executing "${annotationPath}" at <.region>: map has no entry for key "region"`,
        'template: data.region:1:3: executing "data.region" at <.region>: map has no entry for key "region"',
      ]);
      assert.deepEqual(result.errors, [
        `v1/configmaps(demo/customization-test) for cluster2: template: ${annotationPath}:1:66: executing "${annotationPath}" at <.region>: map has no entry for key "region"`,
        'v1/configmaps(demo/customization-test) for cluster2: template: data.region:1:3: executing "data.region" at <.region>: map has no entry for key "region"',
        'v1/configmaps(demo/customization-test): template expansion also failed for 2 more clusters: cluster3, cluster4',
      ]);
      // Without an object reference, and with a single failing cluster.
      const one = expandForClusters(e2eObject(), new Map([['c9', props({ clusterName: 'c9', clusterURL: 'u' })]]));
      assert.deepEqual(one.errors, [
        `c9: template: ${annotationPath}:1:66: executing "${annotationPath}" at <.region>: map has no entry for key "region"`,
        'c9: template: data.region:1:3: executing "data.region" at <.region>: map has no entry for key "region"',
      ]);
      const two = expandForClusters(e2eObject(), new Map([['a', props({ clusterName: 'a' })], ['b', props({ clusterName: 'b' })]]));
      assert.equal(two.errors.at(-1), 'template expansion also failed for 1 more cluster: b');
    });

    it('no destinations, no results', () => {
      const result = expandForClusters(e2eObject(), new Map());
      assert.equal(result.customized, true);
      assert.equal(result.byCluster.size, 0);
      assert.deepEqual(result.errors, []);
    });
  });
});
