import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { isStatusError } from '../../../src/api/errors.js';
import { mountServiceAccountToken, serviceAccountAdmission, shouldAutomount, tokenVolume, tokenVolumeName, TOKEN_MOUNT_PATH } from '../../../src/spaces/service-account-admission.js';

const account = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'ns' }, ...extra });
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...(annotations && { annotations }) },
  spec,
});
const MOUNT = { name: 'kube-api-access-test1', readOnly: true, mountPath: TOKEN_MOUNT_PATH };

describe('ServiceAccount admission', function () {
  it('names token volumes kube-api-access- and five characters of utilrand\'s alphabet', function () {
    for (let i = 0; i < 50; i++) assert.match(tokenVolumeName(), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  const automount: [string, unknown, unknown, boolean][] = [
    ['neither says', undefined, undefined, true],
    ['the account opts out', undefined, false, false],
    ['the pod opts back in over its account', true, false, true],
    ['the pod opts out', false, true, false],
  ];
  for (const [what, podSays, accountSays, want] of automount) {
    it(`automount when ${what}: ${want}`, function () {
      const spec = podSays === undefined ? {} : { automountServiceAccountToken: podSays };
      const sa = account('default', accountSays === undefined ? {} : { automountServiceAccountToken: accountSays });
      assert.equal(shouldAutomount(spec, sa), want);
    });
  }

  it('mounts into every container and init container without a mount at the path, once', function () {
    const spec: Record<string, unknown> = {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [{ name: 'a', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }, { name: 'b', image: 'nginx', volumeMounts: [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    };
    mountServiceAccountToken(spec, () => 'kube-api-access-test1');
    assert.deepEqual(spec['initContainers'], [{ name: 'init', image: 'busybox', volumeMounts: [MOUNT] }]);
    assert.deepEqual((spec['containers'] as { volumeMounts: unknown[] }[]).map((c) => c.volumeMounts), [[{ name: 'data', mountPath: '/data' }, MOUNT], [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }]]);
    assert.deepEqual(spec['volumes'], [{ name: 'data', emptyDir: {} }, tokenVolume('kube-api-access-test1')]);
  });

  it('reuses a token volume the pod already carries and adds none when no container needs one', function () {
    const carried = { containers: [{ name: 'a', image: 'nginx' }], volumes: [tokenVolume('kube-api-access-abcde')] };
    mountServiceAccountToken(carried, () => 'kube-api-access-new00');
    assert.deepEqual(carried.volumes, [tokenVolume('kube-api-access-abcde')]);
    assert.deepEqual((carried.containers[0] as Record<string, unknown>)['volumeMounts'], [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
    const own = { containers: [{ name: 'a', image: 'nginx', volumeMounts: [{ name: 'x', mountPath: TOKEN_MOUNT_PATH }] }], volumes: [{ name: 'x', secret: { secretName: 's' } }] };
    mountServiceAccountToken(own, () => 'kube-api-access-new00');
    assert.equal(own.volumes.length, 1);
  });

  const accounts = new Map([
    ['ns/default', account('default')],
    ['ns/builder', account('builder', { imagePullSecrets: [{ name: 'registry' }], automountServiceAccountToken: false })],
  ]);
  const admit = serviceAccountAdmission(async (ns, name) => accounts.get(`${ns}/${name}`), { defaultAttempts: 2, retryMs: 1, volumeName: () => 'kube-api-access-test1' });

  it('runs a pod as default, mounting the token, and leaves updates and mirror pods alone', async function () {
    const p = pod({ containers: [{ name: 'a', image: 'nginx' }] });
    await admit('create', p);
    const spec = p['spec'] as Record<string, unknown>;
    assert.equal(spec['serviceAccountName'], 'default');
    assert.deepEqual(spec['volumes'], [tokenVolume('kube-api-access-test1')]);
    const mirror = pod({ containers: [{ name: 'a', image: 'nginx' }] }, { 'kubernetes.io/config.mirror': 'x' });
    await admit('create', mirror);
    assert.deepEqual(mirror['spec'], { containers: [{ name: 'a', image: 'nginx' }] });
    const updated = pod({ serviceAccountName: 'default', containers: [{ name: 'a', image: 'nginx' }] });
    await admit('update', updated);
    assert.equal((updated['spec'] as Record<string, unknown>)['volumes'], undefined);
  });

  it('takes the deprecated serviceAccount alias, and the account\'s pull secrets and opt-out', async function () {
    const p = pod({ serviceAccount: 'builder', containers: [{ name: 'a', image: 'nginx' }] });
    await admit('create', p);
    const spec = p['spec'] as Record<string, unknown>;
    assert.equal(spec['serviceAccountName'], 'builder');
    assert.deepEqual(spec['imagePullSecrets'], [{ name: 'registry' }]);
    assert.equal(spec['volumes'], undefined, 'the account opted out of the token');
  });

  it('refuses a pod whose account does not exist: 403 Forbidden', async function () {
    await assert.rejects(admit('create', pod({ serviceAccountName: 'ghost', containers: [] })), (err: unknown) => {
      assert.ok(isStatusError(err, 'Forbidden'));
      assert.equal(err.status.code, 403);
      assert.match(err.status.message ?? '', /error looking up service account ns\/ghost: serviceaccount "ghost" not found/);
      return true;
    });
  });

  it('waits a moment for the default account of a new namespace', async function () {
    let calls = 0;
    const late = serviceAccountAdmission(async () => (++calls >= 3 ? account('default') : undefined), { defaultAttempts: 5, retryMs: 1 });
    await late('create', pod({ containers: [{ name: 'a', image: 'nginx' }] }));
    assert.equal(calls, 3);
  });
});
