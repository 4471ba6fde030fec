/**
 * Cron schedules as the CronJob controller reads them (robfig/cron v3's ParseStandard): five
 * fields (minute hour day-of-month month day-of-week) with `*`, `?`, lists, ranges, steps and
 * names, or a descriptor (`@hourly`, `@daily`, ..., `@every 1h30m`); and SpecSchedule.Next,
 * walked on the wall clock of the CronJob's time zone (UTC without one, as kind's controller
 * manager runs), so `0 9 * * *` in Europe/Paris fires at nine there, summer and winter.
 */
import { cronScheduleError } from '../../registry/builtin/cron.js';

export interface FieldSchedule {
  readonly kind: 'fields';
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dom: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly dow: ReadonlySet<number>;
  /** Day-of-month or day-of-week was `*` or `?` (robfig's star bit): then both must match, else either. */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

/** `@every <duration>`: ConstantDelaySchedule. */
export interface EverySchedule {
  readonly kind: 'every';
  readonly delayMs: number;
}

export type Schedule = FieldSchedule | EverySchedule;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const BOUNDS: readonly { min: number; max: number; names?: Record<string, number> }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** One comma-separated field: its values and whether it counts as `*`. */
function parseField(field: string, b: (typeof BOUNDS)[number]): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  const value = (s: string): number => b.names?.[s.toLowerCase()] ?? Number(s);
  for (const expr of field.split(',')) {
    const [range = '', stepText] = expr.split('/');
    const [lo = '', hi] = range.split('-');
    let start: number;
    let end: number;
    let exprStar = false;
    if (lo === '*' || lo === '?') {
      [start, end, exprStar] = [b.min, b.max, true];
    } else {
      start = value(lo);
      end = hi === undefined ? start : value(hi);
    }
    let step = 1;
    if (stepText !== undefined) {
      step = Number(stepText);
      // "N/step" means "N-max/step".
      if (hi === undefined) end = b.max;
      if (step > 1) exprStar = false;
    }
    for (let v = start; v <= end; v += step) values.add(v);
    star ||= exprStar;
  }
  return { values, star };
}

/** Go's time.ParseDuration, in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]!]!;
  return text.startsWith('-') ? -total : total;
}

/** The schedule, or robfig's error text for one that does not parse. */
export function parseSchedule(spec: string): Schedule | { readonly error: string } {
  const error = cronScheduleError(spec);
  if (error !== '') return { error };
  let s = spec.trim();
  if (/^(CRON_)?TZ=/.test(s)) s = s.slice(s.indexOf(' ') + 1).trim();
  if (s.startsWith('@every ')) {
    const d = s.slice('@every '.length);
    // ConstantDelaySchedule: at least a second, rounded down to whole seconds.
    return { kind: 'every', delayMs: Math.max(1000, Math.floor(durationMs(d) / 1000) * 1000) };
  }
  const fields = (DESCRIPTORS[s] ?? s).split(/\s+/);
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, BOUNDS[i]!));
  return { kind: 'fields', minute: minute!.values, hour: hour!.values, dom: dom!.values, month: month!.values, dow: dow!.values, domStar: dom!.star, dowStar: dow!.star };
}

// --- Wall clocks of time zones --------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` names a zone this runtime knows ('' and UTC always). */
export function knownTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC') return true;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant (ms): wall clock minus UTC. */
export function offsetMs(instantMs: number, tz: string): number {
  if (tz === '' || tz === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(new Date(instantMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']! % 24, parts['minute']!, parts['second']!);
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/** The instant a wall-clock time (written as UTC ms) names in the zone (in a DST gap, the later side). */
function instantOf(wallMs: number, tz: string): number {
  const guess = wallMs - offsetMs(wallMs, tz);
  return wallMs - offsetMs(guess, tz);
}

/** RFC 3339 in the zone, as Go's time.Format(time.RFC3339) writes it (`Z` for a zero offset). */
export function rfc3339In(instantMs: number, tz: string): string {
  const off = offsetMs(instantMs, tz);
  const wall = new Date(Math.floor(instantMs / 1000) * 1000 + off).toISOString().slice(0, 19);
  if (off === 0) return `${wall}Z`;
  const m = Math.abs(off) / 60_000;
  return `${wall}${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Go's time.RFC1123Z of a UTC instant: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(instantMs: number): string {
  const d = new Date(instantMs);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]!;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function dayMatches(s: FieldSchedule, wall: Date): boolean {
  const dom = s.dom.has(wall.getUTCDate());
  const dow = s.dow.has(wall.getUTCDay());
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/**
 * Schedule.Next: the first activation strictly after `afterMs` (whole seconds), or undefined when
 * there is none within five years (a schedule such as `0 0 30 2 *`).
 */
export function nextTime(s: Schedule, afterMs: number, tz = ''): number | undefined {
  const start = Math.floor(afterMs / 1000) * 1000 + 1000;
  if (s.kind === 'every') return Math.floor(afterMs / 1000) * 1000 + s.delayMs;
  let wall = new Date(start + offsetMs(start, tz));
  const yearLimit = wall.getUTCFullYear() + 5;
  for (let guard = 0; guard < 100_000; guard++) {
    if (wall.getUTCFullYear() > yearLimit) return undefined;
    const [y, mo, d, h, mi] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes()];
    if (!s.month.has(mo + 1)) wall = new Date(Date.UTC(y, mo + 1, 1));
    else if (!dayMatches(s, wall)) wall = new Date(Date.UTC(y, mo, d + 1));
    else if (!s.hour.has(h)) wall = new Date(Date.UTC(y, mo, d, h + 1));
    else if (!s.minute.has(mi) || wall.getUTCSeconds() !== 0 || wall.getUTCMilliseconds() !== 0) wall = new Date(Date.UTC(y, mo, d, h, mi + 1));
    else {
      const at = instantOf(wall.getTime(), tz);
      if (at >= start) return at;
      // The wall time came round twice (the end of summer time): take the next one.
      wall = new Date(Date.UTC(y, mo, d, h, mi + 1));
    }
  }
  return undefined;
}
