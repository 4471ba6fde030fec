import assert from 'node:assert/strict';
import { ClientClosedError, GRPCDataLossError, GRPCDeadlineExceededError, GRPCInvalidArgumentError, GRPCOutOfRangeError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { StorageError, type StorageErrorCode } from '../../../storage/index.js';
import { etcdErrorCode, isTransient, neverSent, toStorageError } from '../../../storage/etcd/errors.js';

describe('etcd error mapping', () => {
  const cases: [Error, StorageErrorCode, { transient: boolean; neverSent: boolean }][] = [
    [new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted'), 'Compacted', { transient: false, neverSent: false }],
    [new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision'), 'FutureRevision', { transient: false, neverSent: false }],
    [new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: request is too large'), 'TooLarge', { transient: false, neverSent: false }],
    [new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: too many operations in txn request'), 'TooLarge', { transient: false, neverSent: false }],
    [new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: grpc: received message larger than max (9 vs. 4)'), 'TooLarge', { transient: false, neverSent: false }],
    [new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: duplicate key given in txn request'), 'InvalidArgument', { transient: false, neverSent: false }],
    [new GRPCDataLossError('15 DATA_LOSS: etcdserver: corrupt cluster'), 'Corrupt', { transient: false, neverSent: false }],
    [new GRPCDataLossError('15 DATA_LOSS: something else'), 'Corrupt', { transient: false, neverSent: false }],
    [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'), 'Unavailable', { transient: true, neverSent: true }],
    [new GRPCUnavailableError('14 UNAVAILABLE: etcdserver: no leader'), 'Unavailable', { transient: true, neverSent: false }],
    [new GRPCUnavailableError('14 UNAVAILABLE: etcdserver: request timed out'), 'Unavailable', { transient: true, neverSent: false }],
    [new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'), 'Unavailable', { transient: false, neverSent: false }],
    [new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded'), 'Unavailable', { transient: false, neverSent: false }],
    [Object.assign(new Error('Execution prevented because the circuit breaker is open'), { isBrokenCircuitError: true }), 'Unavailable', { transient: true, neverSent: true }],
    [new ClientClosedError('KV'), 'Unavailable', { transient: false, neverSent: false }],
    [new Error('13 INTERNAL: Received RST_STREAM with code 2 triggered by internal client error'), 'Unavailable', { transient: true, neverSent: false }],
    [new Error('1 CANCELLED: Call cancelled'), 'Unavailable', { transient: true, neverSent: false }],
    [new Error('16 UNAUTHENTICATED: etcdserver: invalid auth token'), 'Unavailable', { transient: false, neverSent: false }],
  ];
  for (const [err, code, flags] of cases) {
    it(`maps ${err.message} to ${code}`, () => {
      assert.equal(etcdErrorCode(err), code);
      const mapped = toStorageError(err, 'range', { requested: 3, compactRevision: 7, currentRevision: 9 });
      assert.ok(mapped instanceof StorageError);
      assert.equal(mapped.code, code);
      assert.equal(mapped.cause, err);
      if (code === 'Compacted') assert.equal(mapped.revision, 7);
      if (code === 'FutureRevision') assert.equal(mapped.revision, 9);
      assert.equal(isTransient(err), flags.transient, 'transient');
      assert.equal(neverSent(err), flags.neverSent, 'never sent');
    });
  }

  it('passes StorageErrors through', () => {
    const err = new StorageError('KeyExists', 'x');
    assert.equal(toStorageError(err, 'txn'), err);
    assert.equal(etcdErrorCode(err), 'KeyExists');
  });
});
