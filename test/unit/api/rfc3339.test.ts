import assert from 'node:assert/strict';
import { rfc3339 } from '../../../src/api/object.js';

describe('rfc3339', () => {
  const cases: [string, string][] = [
    ['2026-12-06T23:08:10.123Z', '2026-12-06T23:08:10Z'],
    ['2026-12-06T23:08:10.999Z', '2026-12-06T23:08:10Z'],
    ['2026-12-06T23:08:11.000Z', '2026-12-06T23:08:11Z'],
    ['1969-12-31T23:59:59.500Z', '1969-12-31T23:59:59Z'],
    ['2026-12-06T23:08:10.001Z', '2026-12-06T23:08:10Z'],
    ['2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00Z'],
  ];
  it('drops the milliseconds, also when the same second repeats or time goes back', () => {
    for (const [iso, want] of cases) assert.equal(rfc3339(new Date(iso)), want, iso);
  });
  it('refuses an invalid date as Date#toISOString does', () => {
    assert.throws(() => rfc3339(new Date(Number.NaN)), RangeError);
  });
});
