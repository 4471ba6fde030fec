/**
 * CronJob schedule checking, after robfig/cron v3's ParseStandard (what kube-apiserver uses):
 * five fields (minute hour day-of-month month day-of-week) with `*`, `?`, lists, ranges, steps
 * and month/weekday names, or a descriptor (`@hourly`, `@every 1h30m`). Returns robfig's error
 * text, which upstream puts in the field error verbatim; an empty string means valid.
 */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Go's strconv.Atoi failure text. */
function atoi(s: string): number | string {
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  return `failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

function parseIntOrName(expr: string, names: Bounds['names']): number | string {
  const named = names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  const n = atoi(expr);
  if (typeof n === 'number' && n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

function checkRange(expr: string, b: Bounds): string {
  const parts = expr.split('/');
  if (parts.length > 2) return `too many slashes: ${expr}`;
  const lowAndHigh = (parts[0] ?? '').split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    if (lowAndHigh.length > 1) return `too many hyphens: ${expr}`;
    start = b.min;
    end = b.max;
  } else {
    if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
    const lo = parseIntOrName(lowAndHigh[0] ?? '', b.names);
    if (typeof lo === 'string') return lo;
    start = lo;
    if (lowAndHigh.length === 2) {
      const hi = parseIntOrName(lowAndHigh[1] ?? '', b.names);
      if (typeof hi === 'string') return hi;
      end = hi;
    } else end = start;
  }
  if (parts.length === 2) {
    const step = atoi(parts[1] ?? '');
    if (typeof step === 'string') return step;
    if (step < 0) return `negative number (${step}) not allowed: ${parts[1] ?? ''}`;
    if (step === 0) return `step of range should be a positive number: ${expr}`;
  }
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return '';
}

/** Go's time.ParseDuration grammar: `1h30m`, `90s`, `1.5h`, `300ms`. */
const DURATION_RE = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/** robfig/cron ParseStandard's error for `spec`, or '' when it parses. */
export function cronScheduleError(spec: string): string {
  let s = spec.trim();
  if (s === '') return 'empty spec string';
  const tz = /^(CRON_)?TZ=(\S*)/.exec(s);
  if (tz !== null) {
    const i = s.indexOf(' ');
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (DESCRIPTORS.has(s)) return '';
    if (s.startsWith('@every ')) {
      const d = s.slice('@every '.length);
      return DURATION_RE.test(d) || d === '0' ? '' : `failed to parse duration ${s}: time: invalid duration ${JSON.stringify(d)}`;
    }
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (const [i, field] of fields.entries()) {
    for (const expr of field.split(',')) {
      const err = checkRange(expr, FIELDS[i]!);
      if (err !== '') return err;
    }
  }
  return '';
}

/** Whether `tz` is an IANA time zone name Go's time.LoadLocation would accept (not `Local`). */
export function isTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'Local' || /\s/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
