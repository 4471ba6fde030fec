/**
 * Real kubectl against `kubestellar serve --demo`: a CRD with x-kubernetes-validations (CEL)
 * rules; applying a custom resource that breaks a rule fails with a non-zero exit and the rule's
 * message on stderr, a CRD whose rule does not compile is refused, and a valid resource applies.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, kubectlVersions } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.replicas >= self.minReplicas
              message: replicas must be >= minReplicas
            properties:
              replicas: {type: integer}
              minReplicas: {type: integer}
`;

const gadget = (replicas: number, minReplicas: number): string => `
apiVersion: example.com/v1
kind: Gadget
metadata: {name: gx, namespace: default}
spec: {replicas: ${replicas}, minReplicas: ${minReplicas}}
`;

describe('e2e: kubectl and CRD validation rules (CEL)', function () {
  const all = kubectlVersions();
  const versions = all.length > 0 ? [all[all.length - 1]!] : [];
  let server: ServerProcess;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
  });
  after(async () => server?.dispose());

  for (const v of versions) {
    it(`kubectl ${v.version}: a resource breaking a rule is refused with the rule's message`, async function () {
      const run = (args: string[], stdin?: string) => kubectl(v.path, server.kubeconfig('wds1'), args, stdin === undefined ? {} : { stdin });
      const ok = async (args: string[], stdin?: string) => {
        const r = await run(args, stdin);
        assert.equal(r.code, 0, describeResult(args, r));
        return r;
      };
      const broken = await run(['apply', '-f', '-'], CRD.replace('self.replicas >= self.minReplicas', 'self.replicas >='));
      assert.notEqual(broken.code, 0, describeResult(['apply crd (broken rule)'], broken));
      assert.match(broken.stderr, /x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed/);

      await ok(['apply', '-f', '-'], CRD);
      await ok(['wait', '--for', 'condition=established', '--timeout=30s', 'crd/gadgets.example.com']);

      const bad = await run(['apply', '-f', '-'], gadget(1, 2));
      assert.notEqual(bad.code, 0, describeResult(['apply gadget (invalid)'], bad));
      assert.match(bad.stderr, /The Gadget "gx" is invalid: spec: Invalid value: "object": replicas must be >= minReplicas/);

      await ok(['apply', '-f', '-'], gadget(3, 2));
      const worse = await run(['apply', '-f', '-'], gadget(1, 2));
      assert.notEqual(worse.code, 0, describeResult(['apply gadget (invalid update)'], worse));
      assert.match(worse.stderr, /replicas must be >= minReplicas/);
    });
  }
});
