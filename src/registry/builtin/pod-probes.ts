/**
 * Probes and lifecycle hooks as kube-apiserver validates them (validateProbe, validateHandler and
 * friends): exactly one handler, handler ports that are real port numbers or IANA names, timings
 * that are not negative, a success threshold of 1 where only one success makes sense (liveness,
 * startup), and no probe-level grace period on readiness probes, which never kill anything.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { regexError } from '../../api/names.js';
import { nonNegative, portNumber, portNumOrName } from './checks.js';
import { arr, present, rec, recs, str, type Obj } from './helpers.js';

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;
const SCHEMES = ['HTTP', 'HTTPS'] as const;
const HEADER_FMT = '[-A-Za-z0-9]+';
const HEADER_RE = new RegExp(`^${HEADER_FMT}$`);


function httpGetErrors(http: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(http['path']) === '') errs.push(fieldErrors.required(`${path}.path`));
  errs.push(...portNumOrName(`${path}.port`, http['port']));
  const scheme = http['scheme'] ?? '';
  if (!(SCHEMES as readonly unknown[]).includes(scheme)) errs.push(fieldErrors.notSupported(`${path}.scheme`, scheme, SCHEMES));
  for (const header of recs(http['httpHeaders'])) {
    const name = str(header['name']);
    if (!HEADER_RE.test(name)) {
      errs.push(fieldErrors.invalid(`${path}.httpHeaders`, name, regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HEADER_FMT, 'X-Header-Name')));
    }
  }
  return errs;
}

function actionErrors(kind: string, action: Obj, path: string, grace: number | undefined): FieldError[] {
  switch (kind) {
    case 'exec':
      return arr(action['command']).length === 0 ? [fieldErrors.required(`${path}.command`)] : [];
    case 'httpGet':
      return httpGetErrors(action, path);
    case 'tcpSocket':
      return portNumOrName(`${path}.port`, action['port']);
    case 'grpc':
      return portNumber(`${path}.port`, action['port']);
    case 'sleep': {
      // A pod without a valid grace period is reported there; the sleep is only checked against a real one.
      const seconds = typeof action['seconds'] === 'number' ? action['seconds'] : 0;
      if (grace === undefined || (seconds >= 0 && seconds <= grace)) return [];
      return [fieldErrors.invalid(path, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${grace})`)];
    }
    default:
      return [];
  }
}

/** validateHandler: the first handler set is checked, every further one is Forbidden, none is Required. */
function handlerErrors(handler: Obj, path: string, kinds: readonly string[], grace: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let found = false;
  for (const kind of kinds) {
    if (!present(handler[kind])) continue;
    if (found) errs.push(fieldErrors.forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
    else errs.push(...actionErrors(kind, rec(handler[kind]) ?? {}, `${path}.${kind}`, grace));
    found = true;
  }
  if (!found) errs.push(fieldErrors.required(path, 'must specify a handler type'));
  return errs;
}

const TIMINGS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

/** One probe at `path` (`spec.containers[0].livenessProbe`), when set. */
export function validateProbe(kind: ProbeKind, value: unknown, path: string, grace: number | undefined): FieldError[] {
  if (!present(value)) return [];
  const probe = rec(value) ?? {};
  const errs = handlerErrors(probe, path, PROBE_HANDLERS, grace);
  for (const t of TIMINGS) errs.push(...nonNegative(`${path}.${t}`, probe[t]));
  const probeGrace = probe['terminationGracePeriodSeconds'];
  if (typeof probeGrace === 'number' && probeGrace <= 0) errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, probeGrace, 'must be greater than 0'));
  if (kind === 'readinessProbe') {
    if (present(probeGrace)) errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, probeGrace, 'must not be set for readinessProbes'));
  } else if (probe['successThreshold'] !== undefined && probe['successThreshold'] !== 1) {
    // Defaulting turns an unset threshold into 1, so only a stated other value gets here.
    errs.push(fieldErrors.invalid(`${path}.successThreshold`, probe['successThreshold'], 'must be 1'));
  }
  return errs;
}

/** validateLifecycle: postStart and preStop hooks, when set. */
export function validateLifecycle(value: unknown, path: string, grace: number | undefined): FieldError[] {
  const lifecycle = rec(value);
  if (lifecycle === undefined) return [];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    if (present(lifecycle[hook])) errs.push(...handlerErrors(rec(lifecycle[hook]) ?? {}, `${path}.${hook}`, LIFECYCLE_HANDLERS, grace));
  }
  return errs;
}

export const PROBES: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** A container's lifecycle hooks and probes (regular containers and sidecars may have them). */
export function validateProbesAndHooks(c: Obj, path: string, grace: number | undefined): FieldError[] {
  const errs = present(c['lifecycle']) ? validateLifecycle(c['lifecycle'], `${path}.lifecycle`, grace) : [];
  for (const kind of PROBES) errs.push(...validateProbe(kind, c[kind], `${path}.${kind}`, grace));
  return errs;
}
