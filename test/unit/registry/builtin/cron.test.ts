import assert from 'node:assert/strict';
import { cronScheduleError, isTimeZone } from '../../../../src/registry/builtin/cron.js';

describe('cron schedules (robfig/cron ParseStandard)', () => {
  const valid = ['* * * * *', '*/5 * * * *', '0 0 1 jan mon', '0-59/15 0,12 1-31 JAN-DEC SUN-SAT', '? * * * ?', '@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually', '@every 1h30m', '@every 90s'];
  for (const s of valid) it(`accepts ${s}`, () => assert.equal(cronScheduleError(s), ''));

  const invalid: [string, string][] = [
    ['', 'empty spec string'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['@often', 'unrecognized descriptor: @often'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
  ];
  for (const [s, msg] of invalid) it(`rejects ${JSON.stringify(s)}`, () => assert.equal(cronScheduleError(s), msg));

  it('knows IANA time zones', () => {
    assert.ok(isTimeZone('Europe/Berlin'));
    assert.ok(isTimeZone('Etc/UTC'));
    assert.ok(!isTimeZone('Mars/Olympus'));
    assert.ok(!isTimeZone('Local'));
    assert.ok(!isTimeZone(''));
  });
});
