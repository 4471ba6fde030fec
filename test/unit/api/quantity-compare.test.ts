import assert from 'node:assert/strict';
import { compareQuantities, scaledQuantity } from '../../../src/api/quantity.js';

describe('exact quantity comparison', () => {
  /** [a, b, Cmp(a, b)]. */
  const CMP: [unknown, unknown, -1 | 0 | 1 | undefined][] = [
    ['1100m', '1.1', 0],
    ['1.1', '1100m', 0],
    ['1Gi', '1024Mi', 0],
    ['1G', '1Gi', -1],
    ['2Gi', '1Gi', 1],
    ['200m', '100m', 1],
    [-1, 0, -1],
    ['-500m', 0, -1],
    ['1e3', '1k', 0],
    ['1.5e-3', '1500u', 0],
    [0.1, '100m', 0],
    ['', '1', undefined],
    ['abc', '1', undefined],
  ];
  for (const [a, b, want] of CMP) it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(compareQuantities(a, b), want));

  /** [quantity, scale, ScaledValue rounded up]. */
  const SCALED: [unknown, number, bigint][] = [
    ['1500m', 0, 2n],
    ['1500m', 3, 1500n],
    ['1.0001', 3, 1001n],
    ['2Mi', 0, 2097152n],
    ['3Mi', 0, 3145728n],
    [2, 3, 2000n],
    ['-1', 0, -1n],
  ];
  for (const [q, scale, want] of SCALED) it(`${JSON.stringify(q)} at 10^${scale}`, () => assert.equal(scaledQuantity(q, scale), want));
});
