import assert from 'node:assert/strict';
import { isStatusError } from '../../../src/api/errors.js';
import { negotiateDiscovery } from '../../../src/server/discovery.js';
import { negotiateRendering } from '../../../src/server/negotiate.js';

describe('negotiation', () => {
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const cases: [string | undefined, boolean, unknown][] = [
    [undefined, false, { as: 'object' }],
    ['*/*', true, { as: 'object' }],
    [table, true, { as: 'Table', version: 'v1' }],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json', false, { as: 'Table', version: 'v1beta1' }],
    ['application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json', false, { as: 'object' }],
    ['application/vnd.kubernetes.protobuf,application/json', false, { as: 'object' }],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json', true, { as: 'PartialObjectMetadataList', version: 'v1' }],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json', false, { as: 'object' }],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', false, { as: 'PartialObjectMetadata', version: 'v1' }],
  ];
  for (const [accept, list, want] of cases) {
    it(`${accept ?? '(none)'} for a ${list ? 'list' : 'single object'}`, () => {
      assert.deepEqual(negotiateRendering(accept, list), want);
    });
  }
  for (const accept of ['application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1']) {
    it(`refuses ${accept} with 406 NotAcceptable`, () => {
      assert.throws(() => negotiateRendering(accept, false), (e) => isStatusError(e, 'NotAcceptable') && e.code === 406);
    });
  }

  const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const discovery: [string | undefined, unknown][] = [
    [v2, { aggregated: true, version: 'v2' }],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', { aggregated: true, version: 'v2beta1' }],
    ['application/json;as=APIGroupDiscoveryList;v=v3;g=apidiscovery.k8s.io,application/json', { aggregated: false }],
    ['application/json', { aggregated: false }],
    [undefined, { aggregated: false }],
  ];
  for (const [accept, want] of discovery) {
    it(`discovery for ${accept ?? '(none)'}`, () => assert.deepEqual(negotiateDiscovery(accept), want));
  }
});
