/**
 * Real kubectl against `kubestellar serve --demo`: a ValidatingAdmissionPolicy (replicas <= 5 on
 * apps deployments) with a Deny binding makes `kubectl create deploy big --replicas=9` fail with
 * the policy's message; a deployment within the limit is created.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, kubectlVersions } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const POLICY = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: object.spec.replicas <= 5
    message: replicas must be no greater than 5
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-replicas-binding}
spec:
  policyName: max-replicas
  validationActions: [Deny]
`;

describe('e2e: kubectl and ValidatingAdmissionPolicy', function () {
  const all = kubectlVersions();
  const versions = all.length > 0 ? [all[all.length - 1]!] : [];
  let server: ServerProcess;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
  });
  after(async () => server?.dispose());

  for (const v of versions) {
    it(`kubectl ${v.version}: a deployment over the policy's limit is refused with its message`, async function () {
      const run = (args: string[], stdin?: string) => kubectl(v.path, server.kubeconfig('wds1'), args, stdin === undefined ? {} : { stdin });
      const applied = await run(['apply', '-f', '-'], POLICY);
      assert.equal(applied.code, 0, describeResult(['apply policy'], applied));

      const big = await run(['create', 'deploy', 'big', '--image=nginx', '--replicas=9']);
      assert.notEqual(big.code, 0, describeResult(['create deploy big'], big));
      assert.match(
        big.stderr,
        /deployments\.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: replicas must be no greater than 5/,
      );

      const small = await run(['create', 'deploy', 'small', '--image=nginx', '--replicas=3']);
      assert.equal(small.code, 0, describeResult(['create deploy small'], small));
    });
  }
});
