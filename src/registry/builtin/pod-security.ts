/**
 * Pod and container security contexts as kube-apiserver validates them
 * (validatePodSpecSecurityContext, ValidateSecurityContext): user and group ids within
 * 0..2147483647, seccomp and AppArmor profiles whose `localhostProfile` is set exactly when the
 * type is Localhost, known enum values, and the few contradictions it refuses (no privilege
 * escalation yet privileged or CAP_SYS_ADMIN). It does not check `runAsNonRoot` against
 * `runAsUser: 0`: the kubelet refuses that container at start, the API accepts it.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { inRange, oneOf } from './checks.js';
import { arr, present, rec, recs, str, type Obj } from './helpers.js';

const MAX_ID = 2147483647;
const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const;
const APPARMOR_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const;
const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'] as const;
const SUPPLEMENTAL_GROUPS_POLICIES = ['Merge', 'Strict'] as const;
const SELINUX_CHANGE_POLICIES = ['MountOption', 'Recursive'] as const;
const PROC_MOUNT_TYPES = ['Default', 'Unmasked'] as const;
const MAX_APPARMOR_PROFILE = 4095;
const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_FMT = `^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;
const SYSCTL_RE = new RegExp(SYSCTL_FMT);
const SYSCTL_MAX = 253;


/** IsValidUserID / IsValidGroupID. */
const idErrors = (path: string, v: unknown): FieldError[] => inRange(path, v, 0, MAX_ID);

/** validateLocalDescendingPath: a profile path stays under the kubelet's profile root. */
function localPathErrors(path: string, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(fieldErrors.invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(fieldErrors.invalid(path, p, "must not contain '..'"));
  return errs;
}

function seccompErrors(value: unknown, path: string): FieldError[] {
  if (!present(value)) return [];
  const sp = rec(value) ?? {};
  const type = sp['type'] ?? '';
  const errs: FieldError[] = [];
  if (type === '') errs.push(fieldErrors.required(`${path}.type`, 'type is required when seccompProfile is set'));
  else errs.push(...oneOf(`${path}.type`, type, SECCOMP_TYPES));
  const local = sp['localhostProfile'];
  if (type === 'Localhost') {
    if (!present(local)) errs.push(fieldErrors.required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else errs.push(...localPathErrors(`${path}.localhostProfile`, str(local)));
  } else if (present(local)) {
    errs.push(fieldErrors.invalid(`${path}.localhostProfile`, sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function appArmorErrors(value: unknown, path: string): FieldError[] {
  if (!present(value)) return [];
  const profile = rec(value) ?? {};
  const type = profile['type'] ?? '';
  const local = profile['localhostProfile'];
  switch (type) {
    case 'Localhost': {
      if (!present(local)) return [fieldErrors.required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
      const p = str(local);
      const errs: FieldError[] = [];
      if (p.trim() !== p) errs.push(fieldErrors.invalid(`${path}.localhostProfile`, p, 'must not be padded with whitespace'));
      else if (p === '') errs.push(fieldErrors.required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
      if (Buffer.byteLength(p, 'utf8') > MAX_APPARMOR_PROFILE) errs.push(fieldErrors.tooLong(`${path}.localhostProfile`, MAX_APPARMOR_PROFILE));
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return present(local) ? [fieldErrors.invalid(`${path}.localhostProfile`, local, 'can only be set when AppArmor type is Localhost')] : [];
    case '':
      return [fieldErrors.required(`${path}.type`, 'type is required when appArmorProfile is set')];
    default:
      return [fieldErrors.notSupported(`${path}.type`, type, APPARMOR_TYPES)];
  }
}

function sysctlErrors(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(value).forEach((s, i) => {
    const name = str(s['name']);
    const p = `${path}[${i}].name`;
    if (name === '') errs.push(fieldErrors.required(p));
    else if (name.length > SYSCTL_MAX || !SYSCTL_RE.test(name)) {
      errs.push(fieldErrors.invalid(p, name, `must have at most ${SYSCTL_MAX} characters and match regex ${SYSCTL_FMT}`));
    } else if (seen.has(name)) errs.push(fieldErrors.duplicate(p, name));
    seen.add(name);
  });
  return errs;
}

/** validatePodSpecSecurityContext for `spec.securityContext` (the spec at `specPath`). */
export function validatePodSecurityContext(spec: Obj, specPath: string): FieldError[] {
  const sc = rec(spec['securityContext']);
  if (sc === undefined) return [];
  const path = `${specPath}.securityContext`;
  const errs = [...idErrors(`${path}.fsGroup`, sc['fsGroup']), ...idErrors(`${path}.runAsUser`, sc['runAsUser']), ...idErrors(`${path}.runAsGroup`, sc['runAsGroup'])];
  arr(sc['supplementalGroups']).forEach((g, i) => errs.push(...idErrors(`${path}.supplementalGroups[${i}]`, g)));
  // Internally shareProcessNamespace lives in the security context, hence upstream's path.
  if (spec['shareProcessNamespace'] === true && spec['hostPID'] === true) {
    errs.push(fieldErrors.invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  errs.push(...sysctlErrors(sc['sysctls'], `${path}.sysctls`));
  errs.push(...oneOf(`${path}.fsGroupChangePolicy`, sc['fsGroupChangePolicy'], FS_GROUP_CHANGE_POLICIES));
  errs.push(...seccompErrors(sc['seccompProfile'], `${path}.seccompProfile`));
  errs.push(...appArmorErrors(sc['appArmorProfile'], `${path}.appArmorProfile`));
  errs.push(...oneOf(`${path}.supplementalGroupsPolicy`, sc['supplementalGroupsPolicy'], SUPPLEMENTAL_GROUPS_POLICIES));
  errs.push(...oneOf(`${path}.seLinuxChangePolicy`, sc['seLinuxChangePolicy'], SELINUX_CHANGE_POLICIES));
  return errs;
}

/** ValidateSecurityContext for a container's `securityContext` at `path`; `hostUsers` is the pod's (default true). */
export function validateContainerSecurityContext(value: unknown, path: string, hostUsers: boolean): FieldError[] {
  const sc = rec(value);
  if (sc === undefined) return [];
  const errs = [...idErrors(`${path}.runAsUser`, sc['runAsUser']), ...idErrors(`${path}.runAsGroup`, sc['runAsGroup'])];
  const procMount = sc['procMount'];
  if (present(procMount)) {
    errs.push(...oneOf(`${path}.procMount`, procMount, PROC_MOUNT_TYPES));
    if (hostUsers && procMount === 'Unmasked') errs.push(fieldErrors.invalid(`${path}.procMount`, procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...seccompErrors(sc['seccompProfile'], `${path}.seccompProfile`));
  if (sc['allowPrivilegeEscalation'] === false) {
    if (sc['privileged'] === true) errs.push(fieldErrors.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arr(rec(sc['capabilities'])?.['add'])) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(fieldErrors.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...appArmorErrors(sc['appArmorProfile'], `${path}.appArmorProfile`));
  return errs;
}
