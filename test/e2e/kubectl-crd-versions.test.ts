/**
 * Real kubectl against a CRD with two served versions: a deprecated version prints kubectl's
 * `Warning:` line on every request, `kubectl apply` to a non-storage version keeps to that
 * version's schema (preserved unknown fields are not a strict decoding error), and printer
 * columns follow the version asked for.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, kubectlVersions, parseTable } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'gadgets', kind: 'Gadget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
        additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
      },
      {
        name: 'v1alpha1',
        served: true,
        storage: false,
        deprecated: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
      },
    ],
  },
};

describe('e2e: kubectl and multi-version CRDs', function () {
  this.timeout(120_000);
  const binary = kubectlVersions().at(-1);
  let server: ServerProcess;

  before(async function () {
    if (binary === undefined) this.skip();
    server = await startServer({ demo: true });
  });
  after(async () => server?.dispose());

  const run = (args: string[], stdin?: string) => kubectl(binary!.path, server.kubeconfig('wds1'), args, stdin === undefined ? {} : { stdin });
  const ok = async (args: string[], stdin?: string) => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r;
  };

  it('applies to a deprecated version with preserved unknown fields and warns', async () => {
    await ok(['apply', '-f', '-'], JSON.stringify(CRD));
    await ok(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=30s']);
    const gadget = { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g', namespace: 'default' }, spec: { whatever: 1, replicas: 'seven' } };
    const applied = await ok(['apply', '-f', '-'], JSON.stringify(gadget));
    assert.match(applied.stderr, /Warning: example\.com\/v1alpha1 Gadget is deprecated; use example\.com\/v1 Gadget/);
    const got = await ok(['get', 'gadgets.v1alpha1.example.com', 'g', '-n', 'default']);
    assert.match(got.stderr, /Warning: example\.com\/v1alpha1 Gadget is deprecated/);
    assert.deepEqual(Object.keys(parseTable(got.stdout)[0] ?? {}), ['NAME', 'AGE']);
  });

  it('shows the printer columns of the version asked for, without a warning', async () => {
    await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'h', namespace: 'default' }, spec: { replicas: 3 } }));
    const got = await ok(['get', 'gadgets.v1.example.com', 'h', '-n', 'default']);
    assert.doesNotMatch(got.stderr, /Warning/);
    assert.deepEqual(parseTable(got.stdout), [{ NAME: 'h', REPLICAS: '3' }]);
  });
});
