import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { nextTime, parseSchedule, rfc1123z, rfc3339In, type Schedule } from '../../../src/simulator/model/cron.js';
import { decideSchedule, jobFor, jobName, jobsBeyondHistory, mostRecentScheduleTime, reconcileActive } from '../../../src/simulator/model/cronjob.js';

type Obj = Record<string, any>;
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const ms = (s: string): number => Date.parse(s);

function schedule(spec: string): Schedule {
  const s = parseSchedule(spec);
  if ('error' in s) throw new Error(s.error);
  return s;
}

function cronJob(spec: Obj = {}, status: Obj = {}, created = '2025-01-01T00:00:30Z'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: created },
    spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: {} } } }, ...spec },
    status,
  };
}

function job(name: string, finished?: 'Complete' | 'Failed', startTime?: string, completionTime?: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `${name}-uid` },
    status: {
      ...(startTime && { startTime }),
      ...(completionTime && { completionTime }),
      ...(finished && { conditions: [{ type: finished === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True' }, { type: finished, status: 'True' }] }),
    },
  };
}

const ref = (name: string): Obj => ({ kind: 'Job', namespace: 'default', name, uid: `${name}-uid`, apiVersion: 'batch/v1' });

describe('simulated CronJob controller', () => {
  describe('cron schedules (robfig ParseStandard, Next)', () => {
    const cases: [string, string, string, string?][] = [
      ['* * * * *', '2025-01-01T00:00:30Z', '2025-01-01T00:01:00.000Z'],
      ['* * * * *', '2025-01-01T00:01:00Z', '2025-01-01T00:02:00.000Z'],
      ['*/15 * * * *', '2025-01-01T00:16:00Z', '2025-01-01T00:30:00.000Z'],
      ['5/20 * * * *', '2025-01-01T00:26:00Z', '2025-01-01T00:45:00.000Z'],
      ['0 9-17/4 * * *', '2025-01-01T10:00:00Z', '2025-01-01T13:00:00.000Z'],
      ['30 2 * * mon-fri', '2025-01-03T03:00:00Z', '2025-01-06T02:30:00.000Z'],
      ['0 0 1 jan,jul *', '2025-02-01T00:00:00Z', '2025-07-01T00:00:00.000Z'],
      // Both day fields restricted: either may match.
      ['0 0 13 * 5', '2025-01-01T00:00:00Z', '2025-01-03T00:00:00.000Z'],
      // Day of week `*/2` is not a star: either matches too.
      ['0 0 15 * */2', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00.000Z'],
      ['0 0 31 * *', '2025-02-01T00:00:00Z', '2025-03-31T00:00:00.000Z'],
      ['@hourly', '2025-01-01T10:59:59Z', '2025-01-01T11:00:00.000Z'],
      ['@daily', '2025-01-01T10:00:00Z', '2025-01-02T00:00:00.000Z'],
      ['@weekly', '2025-01-01T10:00:00Z', '2025-01-05T00:00:00.000Z'],
      ['@monthly', '2025-01-15T00:00:00Z', '2025-02-01T00:00:00.000Z'],
      ['@yearly', '2025-01-15T00:00:00Z', '2026-01-01T00:00:00.000Z'],
      ['@every 1h30m', '2025-01-01T10:00:00.500Z', '2025-01-01T11:30:00.000Z'],
      // In a time zone: nine o'clock there, winter (UTC+1) and summer (UTC+2).
      ['0 9 * * *', '2025-01-10T12:00:00Z', '2025-01-11T08:00:00.000Z', 'Europe/Paris'],
      ['0 9 * * *', '2025-07-10T12:00:00Z', '2025-07-11T07:00:00.000Z', 'Europe/Paris'],
      // Across the spring-forward gap: 02:30 does not exist that night.
      ['30 2 * * *', '2025-03-29T12:00:00Z', '2025-03-30T01:30:00.000Z', 'Europe/Paris'],
      ['0 0 * * *', '2025-01-01T12:00:00Z', '2025-01-02T05:00:00.000Z', 'America/New_York'],
    ];
    for (const [spec, after, want, tz] of cases) {
      it(`${spec}${tz ? ` in ${tz}` : ''} after ${after} is ${want}`, () => assert.equal(iso(nextTime(schedule(spec), ms(after), tz)), want));
    }

    it('has no next time for a day that never comes', () => assert.equal(nextTime(schedule('0 0 30 2 *'), ms('2025-01-01T00:00:00Z')), undefined));
    it('reports what does not parse as robfig does', () => assert.deepEqual(parseSchedule('61 * * * *'), { error: 'end of range (61) above maximum (59): 61' }));

    const formats: [number, string, string][] = [
      [ms('2025-01-01T10:05:00Z'), '', '2025-01-01T10:05:00Z'],
      [ms('2025-01-01T10:05:00Z'), 'Europe/Paris', '2025-01-01T11:05:00+01:00'],
      [ms('2025-07-01T10:05:00Z'), 'America/New_York', '2025-07-01T06:05:00-04:00'],
      [ms('2025-01-01T10:05:00Z'), 'Asia/Kolkata', '2025-01-01T15:35:00+05:30'],
      [ms('2025-01-01T10:05:00Z'), 'Europe/London', '2025-01-01T10:05:00Z'],
    ];
    for (const [t, tz, want] of formats) it(`writes RFC 3339 in ${tz || 'UTC'} as ${want}`, () => assert.equal(rfc3339In(t, tz), want));
    it('writes RFC 1123Z', () => assert.equal(rfc1123z(ms('2025-01-05T03:04:05Z')), 'Sun, 05 Jan 2025 03:04:05 +0000'));
  });

  describe('mostRecentScheduleTime', () => {
    const cases: [string, KubeObject, string, string | undefined, number][] = [
      ['none due yet', cronJob(), '2025-01-01T00:04:00Z', undefined, 0],
      ['the first due', cronJob(), '2025-01-01T00:05:10Z', '2025-01-01T00:05:00.000Z', 1],
      ['the latest of several missed', cronJob(), '2025-01-01T00:17:00Z', '2025-01-01T00:15:00.000Z', 3],
      ['counting from the last schedule time', cronJob({}, { lastScheduleTime: '2025-01-01T00:15:00Z' }), '2025-01-01T00:21:00Z', '2025-01-01T00:20:00.000Z', 1],
      ['within the starting deadline only', cronJob({ startingDeadlineSeconds: 60 }), '2025-01-01T03:00:30Z', '2025-01-01T03:00:00.000Z', 1],
    ];
    for (const [what, cj, now, want, missed] of cases) {
      it(what, () => {
        const r = mostRecentScheduleTime(cj, schedule(String((cj['spec'] as Obj)['schedule'])), ms(now), true);
        assert.deepEqual([iso(r.mostRecentMs), r.missed], [want, missed]);
      });
    }
  });

  describe('decisions', () => {
    const cases: [string, KubeObject, string, string, string[], string | undefined][] = [
      ['waits for the first schedule time', cronJob(), '2025-01-01T00:03:00Z', 'wait', [], '2025-01-01T00:05:00.100Z'],
      ['starts the due one', cronJob(), '2025-01-01T00:05:01Z', 'start@2025-01-01T00:05:00.000Z', [], '2025-01-01T00:10:00.100Z'],
      ['starts nothing twice', cronJob({}, { lastScheduleTime: '2025-01-01T00:05:00Z' }), '2025-01-01T00:05:02Z', 'wait', [], '2025-01-01T00:10:00.100Z'],
      ['starts nothing while suspended', cronJob({ suspend: true }), '2025-01-01T00:05:01Z', 'wait', [], undefined],
      [
        'waits under Forbid while one runs',
        cronJob({ concurrencyPolicy: 'Forbid' }, { active: [ref('tick-1')], lastScheduleTime: '2025-01-01T00:00:00Z' }),
        '2025-01-01T00:05:01Z',
        'wait',
        ['JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'],
        '2025-01-01T00:10:00.100Z',
      ],
      ['replaces under Replace', cronJob({ concurrencyPolicy: 'Replace' }, { active: [ref('tick-1')], lastScheduleTime: '2025-01-01T00:00:00Z' }), '2025-01-01T00:05:01Z', 'start@2025-01-01T00:05:00.000Z replace', [], '2025-01-01T00:10:00.100Z'],
      // The deadline bounds the times looked at, so a late one is simply not there.
      ['skips a start beyond its deadline', cronJob({ startingDeadlineSeconds: 10 }, {}, '2025-01-01T00:04:50Z'), '2025-01-01T00:05:30Z', 'wait', [], '2025-01-01T00:10:00.100Z'],
      ['starts a late one within its deadline', cronJob({ startingDeadlineSeconds: 60 }, {}, '2025-01-01T00:04:50Z'), '2025-01-01T00:05:30Z', 'start@2025-01-01T00:05:00.000Z', [], '2025-01-01T00:10:00.100Z'],
    ];
    for (const [what, cj, now, kind, events, checkAt] of cases) {
      it(what, () => {
        const d = decideSchedule(cj, ms(now));
        const shown = d.kind === 'start' ? `start@${iso(d.scheduledMs)}${d.replace ? ' replace' : ''}` : d.kind;
        assert.deepEqual([shown, d.events.map((e) => `${e.reason}: ${e.message}`), iso(d.checkAt)], [kind, events, checkAt]);
      });
    }

    it('makes the Job of a schedule time from the template, named by its minute', () => {
      const cj = cronJob({ timeZone: 'Europe/Paris', jobTemplate: { metadata: { labels: { a: '1' }, annotations: { b: '2' } }, spec: { backoffLimit: 2, template: { spec: {} } } } });
      const t = ms('2025-01-01T00:05:00Z');
      const j = jobFor(cj, t) as Obj;
      assert.equal(jobName(cj, t), `tick-${t / 60_000}`);
      assert.equal(j['metadata']['name'], 'tick-28928165');
      assert.deepEqual(j['metadata']['labels'], { a: '1' });
      assert.deepEqual(j['metadata']['annotations'], { b: '2', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T01:05:00+01:00' });
      assert.deepEqual(j['metadata']['ownerReferences'], [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(j['spec'], { backoffLimit: 2, template: { spec: {} } });
    });

    it('keeps the active list to running Jobs and notes the last success', () => {
      const cj = cronJob({}, { active: [ref('tick-1'), ref('tick-2'), ref('tick-3')] });
      const r = reconcileActive(cj, [job('tick-1', 'Complete', '2025-01-01T00:00:01Z', '2025-01-01T00:00:09Z'), job('tick-2')]);
      assert.deepEqual(r.status, { active: [ref('tick-2')], lastSuccessfulTime: '2025-01-01T00:00:09Z' });
      assert.deepEqual(
        r.events.map((e) => `${e.reason}: ${e.message}`),
        ['SawCompletedJob: Saw completed job: tick-1, condition: Complete', 'MissingJob: Active job went missing: tick-3'],
      );
    });
  });

  describe('history limits', () => {
    const jobs = [
      job('s1', 'Complete', '2025-01-01T00:01:00Z'),
      job('s3', 'Complete', '2025-01-01T00:03:00Z'),
      job('s2', 'Complete', '2025-01-01T00:02:00Z'),
      job('f1', 'Failed', '2025-01-01T00:01:30Z'),
      job('f2', 'Failed', '2025-01-01T00:02:30Z'),
      job('running', undefined, '2025-01-01T00:00:00Z'),
    ];
    const cases: [string, Obj, string[]][] = [
      ['within the limits', { successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 2 }, []],
      ['the oldest beyond each limit', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, ['s1', 's2', 'f1']],
      ['all finished ones at zero', { successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 }, ['s1', 's2', 's3', 'f1', 'f2']],
      ['none without limits', { successfulJobsHistoryLimit: undefined, failedJobsHistoryLimit: undefined }, []],
    ];
    for (const [what, spec, want] of cases) it(what, () => assert.deepEqual(jobsBeyondHistory(cronJob(spec), jobs).map((j) => j.metadata.name), want));
  });
});
