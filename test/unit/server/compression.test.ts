import assert from 'node:assert/strict';
import { acceptsGzip } from '../../../src/server/compression.js';

describe('Accept-Encoding: gzip, read as kube-apiserver reads it', () => {
  const cases: [string | string[] | undefined, boolean][] = [
    [undefined, false],
    ['', false],
    ['gzip', true],
    [' gzip ', true],
    ['deflate, gzip', true],
    ['gzip, deflate, br', true],
    [['identity', 'gzip'], true],
    ['identity', false],
    ['x-gzip', false],
    ['gzip;q=1.0', false],
    ['*', false],
    ['GZIP', false],
  ];
  for (const [header, want] of cases) {
    it(`${JSON.stringify(header)} → ${want}`, () => assert.equal(acceptsGzip(header), want));
  }
});
