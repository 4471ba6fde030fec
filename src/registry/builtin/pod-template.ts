/**
 * Pod spec defaulting and validation shared by Pods and every kind that embeds a pod template
 * (Deployments, Jobs, ...). Upstream applies SetDefaults_PodSpec to every PodSpec in an object,
 * which is why `kubectl get deploy -o yaml` shows `dnsPolicy: ClusterFirst` and friends inside
 * the template; the checks are the ones users run into (missing image, duplicate names, ports),
 * with resources, probes and hooks, security contexts and scheduling fields in their own modules.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabels } from '../../api/label-selector.js';
import { arr, child, each, rec, recs, setDefault, setDefaultNonZero, str, strMap, type Obj } from './helpers.js';
import { dnsLabel, inRange, oneOf, portNumber, validPortName } from './checks.js';
import { PROBES, validateProbesAndHooks } from './pod-probes.js';
import { validateContainerResources } from './pod-resources.js';
import { validateNodeSelector, validateTolerations } from './pod-scheduling.js';
import { validateContainerSecurityContext, validatePodSecurityContext } from './pod-security.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** `Always` for `:latest` or an untagged, undigested image; `IfNotPresent` otherwise (and for unparseable names). */
export function imagePullPolicyFor(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  if (image === '' || /[A-Z\s]/.test(ref)) return 'IfNotPresent';
  const colon = ref.lastIndexOf(':');
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
  if (tag === '' && at < 0) return 'Always';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Obj | undefined): void {
  if (probe === undefined) return;
  setDefaultNonZero(probe, 'timeoutSeconds', 1);
  setDefaultNonZero(probe, 'periodSeconds', 10);
  setDefaultNonZero(probe, 'successThreshold', 1);
  setDefaultNonZero(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultHandler(handler: Obj | undefined): void {
  const http = rec(handler?.['httpGet']);
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
  const grpc = rec(handler?.['grpc']);
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultFieldRef(holder: Obj | undefined): void {
  const ref = rec(holder?.['fieldRef']);
  if (ref) setDefault(ref, 'apiVersion', 'v1');
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', imagePullPolicyFor(str(c['image'])));
  setDefault(c, 'resources', {});
  for (const p of each(c, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (hostNetwork && p['hostPort'] === undefined) p['hostPort'] = p['containerPort'];
  }
  for (const e of each(c, 'env')) defaultFieldRef(rec(e['valueFrom']));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(rec(c[probe]));
  const lifecycle = rec(c['lifecycle']);
  defaultHandler(rec(lifecycle?.['postStart']));
  defaultHandler(rec(lifecycle?.['preStop']));
}

/** VolumeSource members, in the order kube's validation looks for them. */
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'quobyte', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
] as const;

const volumeSources = (v: Obj): string[] => VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);

function defaultVolume(v: Obj): void {
  // SetDefaults_Volume: a volume naming no source is an emptyDir.
  if (volumeSources(v).length === 0) v['emptyDir'] = {};
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = rec(v[source]);
    if (s) setDefault(s, 'defaultMode', 420);
  }
  const hostPath = rec(v['hostPath']);
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const item of each(rec(v['downwardAPI']) ?? {}, 'items')) defaultFieldRef(item);
  for (const src of each(rec(v['projected']) ?? {}, 'sources')) {
    for (const item of each(rec(src['downwardAPI']) ?? {}, 'items')) defaultFieldRef(item);
    const token = rec(src['serviceAccountToken']);
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
}

/** SetDefaults_PodSpec and the container, probe and volume defaults beneath it. */
export function defaultPodSpec(spec: Obj): void {
  syncServiceAccountAlias(spec);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  const hostNetwork = spec['hostNetwork'] === true;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of each(spec, key)) defaultContainer(c, hostNetwork);
  for (const v of each(spec, 'volumes')) defaultVolume(v);
}

/**
 * `serviceAccount` is v1's deprecated alias of `serviceAccountName`: kube's conversion reads the
 * alias only when the name is empty, and always writes the name back into it, so both always say
 * the same (the name wins when they differ).
 */
function syncServiceAccountAlias(spec: Obj): void {
  const name = str(spec['serviceAccountName']) || str(spec['serviceAccount']);
  if (name === '') {
    delete spec['serviceAccountName'];
    delete spec['serviceAccount'];
    return;
  }
  spec['serviceAccountName'] = name;
  spec['serviceAccount'] = name;
}

/** Defaults for the pod template at `template` (a PodTemplateSpec), if it is an object. */
export function defaultPodTemplate(template: unknown): void {
  const t = rec(template);
  if (t) defaultPodSpec(child(t, 'spec'));
}

/** What the pod around a container decides about it. */
interface ContainerContext {
  readonly volumes: ReadonlySet<string>;
  /** The pod's hostUsers (default true): Unmasked /proc needs a user namespace. */
  readonly hostUsers: boolean;
}

function validateContainer(c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const { volumes } = ctx;
  const errs: FieldError[] = [];
  const name = str(c['name']);
  if (name === '') errs.push(fieldErrors.required(`${path}.name`));
  else errs.push(...dnsLabel(`${path}.name`, name));
  if (str(c['image']).trim() === '') errs.push(fieldErrors.required(`${path}.image`));
  errs.push(...oneOf(`${path}.imagePullPolicy`, c['imagePullPolicy'], PULL_POLICIES));
  const portNames = new Set<string>();
  recs(c['ports']).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    errs.push(...portNumber(`${pp}.containerPort`, p['containerPort']));
    if (p['hostPort'] !== undefined && p['hostPort'] !== 0) errs.push(...inRange(`${pp}.hostPort`, p['hostPort'], 1, 65535));
    errs.push(...oneOf(`${pp}.protocol`, p['protocol'], PROTOCOLS));
    const pn = str(p['name']);
    if (pn !== '') {
      errs.push(...validPortName(`${pp}.name`, pn));
      if (portNames.has(pn)) errs.push(fieldErrors.duplicate(`${pp}.name`, pn));
      portNames.add(pn);
    }
  });
  recs(c['env']).forEach((e, i) => {
    if (str(e['name']) === '') errs.push(fieldErrors.required(`${path}.env[${i}].name`));
  });
  recs(c['volumeMounts']).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    const vn = str(m['name']);
    if (vn === '') errs.push(fieldErrors.required(`${mp}.name`));
    else if (!volumes.has(vn)) errs.push(fieldErrors.notFound(`${mp}.name`, vn));
    if (str(m['mountPath']) === '') errs.push(fieldErrors.required(`${mp}.mountPath`));
  });
  errs.push(...validateContainerResources(c['resources'], `${path}.resources`));
  errs.push(...validateContainerSecurityContext(c['securityContext'], `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

const INIT_ONLY = 'may not be set for init containers without restartPolicy=Always';

/**
 * Probes, hooks and restartPolicy by container kind: regular containers and sidecars (init
 * containers with restartPolicy Always) may be probed and hooked; plain init containers run to
 * completion, so they may not; only init containers take a restartPolicy, and only Always.
 */
function validateContainerRole(c: Obj, path: string, init: boolean, grace: number | undefined): FieldError[] {
  // `grace` is the pod's terminationGracePeriodSeconds, which bounds sleep hooks.
  const restart = c['restartPolicy'];
  const hasRestart = restart !== undefined && restart !== null;
  if (!init) {
    const errs = validateProbesAndHooks(c, path, grace);
    if (hasRestart) errs.push(fieldErrors.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    return errs;
  }
  const errs = hasRestart ? oneOf(`${path}.restartPolicy`, restart, ['Always']) : [];
  if (restart === 'Always') return [...errs, ...validateProbesAndHooks(c, path, grace)];
  for (const key of ['lifecycle', ...PROBES]) {
    if (c[key] !== undefined && c[key] !== null) errs.push(fieldErrors.forbidden(`${path}.${key}`, INIT_ONLY));
  }
  return errs;
}

export interface PodSpecRules {
  /** The restart policies this owner allows (Jobs: OnFailure, Never; workloads: Always). */
  readonly restartPolicies?: readonly string[];
}

/** ValidatePodSpec, the parts users meet; `path` is where the spec sits (`spec`, `spec.template.spec`). */
export function validatePodSpec(spec: unknown, path: string, rules: PodSpecRules = {}): FieldError[] {
  const s = rec(spec);
  if (s === undefined) return [fieldErrors.required(`${path}.containers`)];
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  recs(s['volumes']).forEach((v, i) => {
    const name = str(v['name']);
    if (name === '') errs.push(fieldErrors.required(`${path}.volumes[${i}].name`));
    else {
      errs.push(...dnsLabel(`${path}.volumes[${i}].name`, name));
      if (volumes.has(name)) errs.push(fieldErrors.duplicate(`${path}.volumes[${i}].name`, name));
    }
    volumes.add(name);
    for (const extra of volumeSources(v).slice(1)) errs.push(fieldErrors.forbidden(`${path}.volumes[${i}].${extra}`, 'may not specify more than 1 volume type'));
  });
  if (arr(s['containers']).length === 0) errs.push(fieldErrors.required(`${path}.containers`));
  const grace = typeof s['terminationGracePeriodSeconds'] === 'number' ? s['terminationGracePeriodSeconds'] : undefined;
  const ctx: ContainerContext = { volumes, hostUsers: s['hostUsers'] !== false };
  const names = new Set<string>();
  for (const key of ['initContainers', 'containers']) {
    recs(s[key]).forEach((c, i) => {
      const cp = `${path}.${key}[${i}]`;
      errs.push(...validateContainer(c, cp, ctx), ...validateContainerRole(c, cp, key === 'initContainers', grace));
      const name = str(c['name']);
      if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(`${cp}.name`, name));
      names.add(name);
    });
  }
  const restart = s['restartPolicy'];
  const allowed = rules.restartPolicies ?? RESTART_POLICIES;
  if (restart === undefined || restart === '') errs.push(fieldErrors.required(`${path}.restartPolicy`, `valid values: ${allowed.map((p) => JSON.stringify(p)).join(', ')}`));
  else errs.push(...oneOf(`${path}.restartPolicy`, restart, allowed));
  errs.push(...oneOf(`${path}.dnsPolicy`, s['dnsPolicy'], DNS_POLICIES));
  errs.push(...validateNodeSelector(s['nodeSelector'], `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s, path));
  if (grace !== undefined && grace < 0) errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  errs.push(...validateTolerations(s['tolerations'], `${path}.tolerations`));
  return errs;
}

/** A PodTemplateSpec at `path` (`spec.template`): labels, then the spec. */
export function validatePodTemplate(template: unknown, path: string, rules: PodSpecRules = {}): FieldError[] {
  // Workloads embed the template by value, so a missing one validates as empty.
  const t = rec(template) ?? {};
  const meta = rec(t['metadata']) ?? {};
  // Upstream reports template labels at `<path>.labels` (ObjectMeta fields flattened).
  return [...validateLabels(strMap(meta['labels']), `${path}.labels`), ...validatePodSpec(t['spec'], `${path}.spec`, rules)];
}

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A resource.Quantity as a number (`500m` → 0.5, `1Gi` → 2^30); NaN when unparseable. */
export function quantityValue(q: unknown): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?([a-zA-Z]*)$/.exec(str(q).trim());
  if (m === null) return Number.NaN;
  const mult = QUANTITY_SUFFIX[m[3] ?? ''];
  if (mult === undefined) return Number.NaN;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * mult;
}

const QOS_RESOURCES = ['cpu', 'memory'];

/** GetPodQOS: BestEffort without cpu/memory requests or limits; Guaranteed when every container's limits equal its requests. */
export function podQOSClass(spec: unknown): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const s = rec(spec) ?? {};
  const containers = [...recs(s['initContainers']), ...recs(s['containers'])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = rec(c['resources']) ?? {};
    const requests = rec(resources['requests']) ?? {};
    const limits = rec(resources['limits']) ?? {};
    for (const r of QOS_RESOURCES) {
      const req = requests[r];
      const lim = limits[r];
      if ((req !== undefined && quantityValue(req) !== 0) || (lim !== undefined && quantityValue(lim) !== 0)) any = true;
      if (lim === undefined || (req !== undefined && quantityValue(req) !== quantityValue(lim))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
