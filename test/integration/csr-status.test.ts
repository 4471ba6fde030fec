/**
 * CertificateSigningRequests over HTTP: approval goes through `approval`, issuance through
 * `status`, and a status write cannot undo (or forge) an approval.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CSRS = '/clusters/wds1/apis/certificates.k8s.io/v1/certificatesigningrequests';
/** An ECDSA P-256 request for CN=alice, base64 as JSON carries []byte. */
const REQUEST =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlISk1ISUNBUUF3RURFT01Bd0dBMVVFQXd3RllXeHBZMlV3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQgpCd05DQUFTVGpkY09JVDYxeERtUzVDYk9zQ0poTjFXUGRwT3pGQ1JyQktTL3VtNDdYeUc0OVJpMW9WNUo2WjBPCnBtQzhjb05CSUFycUJ0ZTZGQjVRSFNWOGVoNHpvQUF3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnUXBpRGZnbEQKeEtOVUdOZTBnZVZjd2VZdmNCMHlyS0w1SkJRdGxmRWNsZElDSUhOWDJmZDJ6aG8wL3lHZ0JWQTlERGt4bU0wVwp6Tko2YXlnTkd4ZDQyTmIwCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';

describe('CertificateSigningRequest status and approval', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('records the requester on a server-side apply create, whatever the body says', async () => {
    const r = await h.request('PATCH', `${CSRS}/bob?fieldManager=test`, {
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'bob' },
        spec: { request: REQUEST, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'mallory' },
      }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.username, 'kubestellar-admin');
    assert.ok(r.body.spec.groups.includes('system:authenticated'));
  });

  it('keeps the approval through a status write that drops it or adds a denial', async () => {
    const created = await h.request('POST', CSRS, {
      body: {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'alice' },
        spec: { request: REQUEST, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const approve = await h.request('PUT', `${CSRS}/alice/approval`, {
      body: { ...created.body, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test' }] } },
    });
    assert.equal(approve.status, 200, JSON.stringify(approve.body));
    assert.equal(approve.body.status?.conditions?.[0]?.type, 'Approved', JSON.stringify(approve.body));
    const issue = await h.request('PUT', `${CSRS}/alice/status`, {
      body: { ...approve.body, status: { certificate: 'Zm9v', conditions: [{ type: 'Denied', status: 'True', reason: 'Forged' }] } },
    });
    assert.equal(issue.status, 200, JSON.stringify(issue.body));
    assert.equal(issue.body.status.certificate, 'Zm9v', JSON.stringify(issue.body.status));
    assert.deepEqual(
      issue.body.status.conditions.map((c: { type: string; reason: string }) => `${c.type}/${c.reason}`),
      ['Approved/Test'],
    );
  });
});
