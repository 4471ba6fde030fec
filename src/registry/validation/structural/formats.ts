/**
 * The string formats upstream validates in custom resources (kube-openapi's strfmt registry,
 * after CRDs drop the formats it does not support). Unknown formats, and the numeric ones
 * (`int32`, `double`, ...), are not checked, as upstream. ajv-formats supplies the RFC checks.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

type Check = (s: string) => boolean;

function fromAjv(name: keyof typeof fullFormats): Check {
  const f: unknown = fullFormats[name];
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return (s) => Boolean((f as (s: string) => unknown)(s));
  if (typeof f === 'object' && f !== null) {
    const v = (f as { validate?: unknown }).validate;
    if (v instanceof RegExp) return (s) => v.test(s);
    if (typeof v === 'function') return (s) => Boolean((v as (s: string) => unknown)(s));
  }
  return () => true;
}

const re = (r: RegExp): Check => (s) => r.test(s);

const ipv4 = fromAjv('ipv4');
const ipv6 = fromAjv('ipv6');
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DURATION_PART = String.raw`(\d+(\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|m|h|d|w)`;

const FORMATS: Readonly<Record<string, Check>> = {
  email: fromAjv('email'),
  hostname: fromAjv('hostname'),
  ipv4,
  ipv6,
  cidr: (s) => {
    const slash = s.lastIndexOf('/');
    if (slash < 0) return false;
    const ip = s.slice(0, slash);
    const bits = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return false;
    return ipv4(ip) ? Number(bits) <= 32 : ipv6(ip) && Number(bits) <= 128;
  },
  mac: re(/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^([0-9a-f]{2}[:-]){7}[0-9a-f]{2}$|^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/i),
  uuid: re(UUID),
  uuid3: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid4: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  uuid5: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  bsonobjectid: re(/^[0-9a-f]{24}$/i),
  byte: fromAjv('byte'),
  date: fromAjv('date'),
  'date-time': fromAjv('date-time'),
  datetime: fromAjv('date-time'),
  duration: re(new RegExp(`^[-+]?(0|${DURATION_PART}(\\s*${DURATION_PART})*)$`)),
  hexcolor: re(/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i),
  rgbcolor: re(/^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/),
};

/** Whether `s` is valid for `format`; true for formats upstream does not check. */
export function checkFormat(format: string, s: string): boolean {
  return !Object.hasOwn(FORMATS, format) || FORMATS[format]!(s);
}
