/**
 * Printer columns shared by many kinds. NAME and AGE frame every default table, as in
 * kube-apiserver's printers.
 */
import type { KubeObject } from '../api/object.js';
import type { PrinterColumn } from './definition.js';

export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name,
};

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) => age(o.metadata.creationTimestamp),
};

/** Kubernetes' short human duration: 45s, 3m20s, 5h, 12d, 3y. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

export function age(timestamp: string | undefined, now: number = Date.now()): string {
  if (!timestamp) return '<unknown>';
  return humanDuration((now - Date.parse(timestamp)) / 1000);
}

export const countOf = (field: string) => (o: KubeObject): number => {
  const v = o[field];
  return typeof v === 'object' && v !== null ? Object.keys(v).length : 0;
};
