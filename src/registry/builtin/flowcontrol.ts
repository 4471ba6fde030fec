/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchemas and PriorityLevelConfigurations, with the v1
 * defaults, the validation users meet and kube-apiserver's printer columns.
 *
 * Stored and served only: this server does no API Priority and Fairness, so requests are never
 * classified by these objects, and it does not create upstream's mandatory and suggested
 * configuration objects. KubeStellar never propagates this group (spec/kubestellar.md §2.1).
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { NONE } from './cells.js';
import { inRange, nonNegative, oneOf } from './checks.js';
import { arr, child, column, define, kindStrategy, rec, recs, setDefault, specOf, statusOf, str, type Obj } from './helpers.js';

const flowcontrol = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', namespaced: false } as const;

const MAX_MATCHING_PRECEDENCE = 10000;
const DISTINGUISHER_METHODS = ['ByUser', 'ByNamespace'];
const SUBJECT_KINDS = ['ServiceAccount', 'Group', 'User'];
const PRIORITY_LEVEL_TYPES = ['Limited', 'Exempt'];
const LIMIT_RESPONSE_TYPES = ['Queue', 'Reject'];

// ---- FlowSchemas ----

function validateSubject(sub: Obj, path: string): FieldError[] {
  const kind = str(sub['kind']);
  if (kind === '') return [fieldErrors.required(`${path}.kind`)];
  const errs = oneOf(`${path}.kind`, kind, SUBJECT_KINDS);
  const members: Record<string, string> = { ServiceAccount: 'serviceAccount', Group: 'group', User: 'user' };
  for (const [k, member] of Object.entries(members)) {
    const value = rec(sub[member]);
    if (k === kind) {
      if (value === undefined) errs.push(fieldErrors.required(`${path}.${member}`, `${member} is required when subject kind is '${k}'`));
      else {
        if (str(value['name']) === '') errs.push(fieldErrors.required(`${path}.${member}.name`));
        if (k === 'ServiceAccount' && str(value['namespace']) === '') errs.push(fieldErrors.required(`${path}.${member}.namespace`));
      }
    } else if (value !== undefined) {
      errs.push(fieldErrors.forbidden(`${path}.${member}`, `${member} is forbidden when subject kind is not '${k}'`));
    }
  }
  return errs;
}

function validateResourceRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['verbs', 'apiGroups', 'resources']) {
    if (arr(rule[key]).length === 0) errs.push(fieldErrors.required(`${path}.${key}`, `${key} must contain at least one value`));
  }
  if (arr(rule['namespaces']).length === 0 && rule['clusterScope'] !== true) {
    errs.push(fieldErrors.required(`${path}.namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
  }
  return errs;
}

function validateNonResourceRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule['verbs']).length === 0) errs.push(fieldErrors.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = arr(rule['nonResourceURLs']).map(str);
  if (urls.length === 0) errs.push(fieldErrors.required(`${path}.nonResourceURLs`, 'nonResourceURLs must contain at least one value'));
  urls.forEach((u, i) => {
    if (u !== '*' && !u.startsWith('/')) errs.push(fieldErrors.invalid(`${path}.nonResourceURLs[${i}]`, u, 'must start with slash'));
  });
  return errs;
}

function validateFlowSchema(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const precedence = s['matchingPrecedence'];
  if (typeof precedence === 'number') {
    if (precedence <= 0) errs.push(fieldErrors.invalid('spec.matchingPrecedence', precedence, 'must be a positive value'));
    else if (precedence > MAX_MATCHING_PRECEDENCE) errs.push(fieldErrors.invalid('spec.matchingPrecedence', precedence, `must not be greater than ${MAX_MATCHING_PRECEDENCE}`));
  }
  const method = rec(s['distinguisherMethod']);
  if (method) {
    const type = str(method['type']);
    if (type === '') errs.push(fieldErrors.required('spec.distinguisherMethod.type'));
    else errs.push(...oneOf('spec.distinguisherMethod.type', type, DISTINGUISHER_METHODS));
  }
  if (str(rec(s['priorityLevelConfiguration'])?.['name']) === '') {
    errs.push(fieldErrors.required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  }
  recs(s['rules']).forEach((rule, i) => {
    const path = `spec.rules[${i}]`;
    const subjects = recs(rule['subjects']);
    if (subjects.length === 0) errs.push(fieldErrors.required(`${path}.subjects`, 'subjects must contain at least one value'));
    subjects.forEach((sub, j) => errs.push(...validateSubject(sub, `${path}.subjects[${j}]`)));
    const resourceRules = recs(rule['resourceRules']);
    const nonResourceRules = recs(rule['nonResourceRules']);
    if (resourceRules.length === 0 && nonResourceRules.length === 0) {
      errs.push(fieldErrors.required(path, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    }
    resourceRules.forEach((r, j) => errs.push(...validateResourceRule(r, `${path}.resourceRules[${j}]`)));
    nonResourceRules.forEach((r, j) => errs.push(...validateNonResourceRule(r, `${path}.nonResourceRules[${j}]`)));
  });
  return errs;
}

/** The MISSINGPL cell: the Dangling condition's status, `?` before anyone has looked. */
function missingPriorityLevel(o: KubeObject): string {
  const dangling = recs(statusOf(o)['conditions']).find((c) => c['type'] === 'Dangling');
  return dangling ? str(dangling['status']) : '?';
}

export const flowschemas: ResourceDefinition = define({
  ...flowcontrol,
  kind: 'FlowSchema',
  plural: 'flowschemas',
  subresources: { status: true },
  columns: [
    nameColumn,
    column('PriorityLevel', (o) => str(rec(specOf(o)['priorityLevelConfiguration'])?.['name']), { description: '`name` is the name of the priority level configuration being referenced Required.' }),
    column('MatchingPrecedence', (o) => (typeof specOf(o)['matchingPrecedence'] === 'number' ? specOf(o)['matchingPrecedence'] : 0), { description: '`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default.' }),
    column('DistinguisherMethod', (o) => str(rec(specOf(o)['distinguisherMethod'])?.['type']) || NONE, { description: '`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string.' }),
    ageColumn,
    column('MissingPL', missingPriorityLevel, { description: 'references a broken or non-existent PriorityLevelConfiguration' }),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: true,
    defaults: (o) => {
      const s = child(o, 'spec');
      if (s['matchingPrecedence'] === 0) delete s['matchingPrecedence'];
      setDefault(s, 'matchingPrecedence', 1000);
    },
    validate: validateFlowSchema,
  }),
});

// ---- PriorityLevelConfigurations ----

function defaultPriorityLevel(o: KubeObject): void {
  const s = child(o, 'spec');
  const limited = rec(s['limited']);
  if (limited) {
    setDefault(limited, 'nominalConcurrencyShares', 30);
    setDefault(limited, 'lendablePercent', 0);
    const queuing = rec(rec(limited['limitResponse'])?.['queuing']);
    if (queuing) {
      for (const [key, value] of [['queues', 64], ['handSize', 8], ['queueLengthLimit', 50]] as const) {
        if (queuing[key] === 0) delete queuing[key];
        setDefault(queuing, key, value);
      }
    }
  }
  const exempt = rec(s['exempt']);
  if (exempt) {
    setDefault(exempt, 'nominalConcurrencyShares', 0);
    setDefault(exempt, 'lendablePercent', 0);
  }
}

function validateQueuing(q: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['queueLengthLimit', 'queues', 'handSize']) {
    const v = q[key];
    if (typeof v === 'number' && v <= 0) errs.push(fieldErrors.invalid(`${path}.${key}`, v, 'must be positive'));
  }
  const queues = q['queues'];
  const hand = q['handSize'];
  if (typeof queues === 'number' && typeof hand === 'number' && hand > queues && queues > 0) {
    errs.push(fieldErrors.invalid(`${path}.handSize`, hand, `should not be greater than queues (${queues})`));
  }
  return errs;
}

function validateLimited(limited: Obj, path: string): FieldError[] {
  const errs = [
    ...nonNegative(`${path}.nominalConcurrencyShares`, limited['nominalConcurrencyShares']),
    ...inRange(`${path}.lendablePercent`, limited['lendablePercent'], 0, 100),
    ...nonNegative(`${path}.borrowingLimitPercent`, limited['borrowingLimitPercent']),
  ];
  const response = rec(limited['limitResponse']) ?? {};
  const rpath = `${path}.limitResponse`;
  const type = str(response['type']);
  const queuing = rec(response['queuing']);
  if (type === '') errs.push(fieldErrors.required(`${rpath}.type`));
  else errs.push(...oneOf(`${rpath}.type`, type, LIMIT_RESPONSE_TYPES));
  if (type === 'Queue') {
    if (queuing === undefined) errs.push(fieldErrors.required(`${rpath}.queuing`, 'must not be empty if type is Queue'));
    else errs.push(...validateQueuing(queuing, `${rpath}.queuing`));
  } else if (type === 'Reject' && queuing !== undefined) {
    errs.push(fieldErrors.forbidden(`${rpath}.queuing`, 'must be nil if limited.limitResponse.type is not Limited'));
  }
  return errs;
}

function validatePriorityLevel(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const type = str(s['type']);
  const limited = rec(s['limited']);
  const exempt = rec(s['exempt']);
  const errs: FieldError[] = [];
  if (type === '') errs.push(fieldErrors.required('spec.type'));
  else errs.push(...oneOf('spec.type', type, PRIORITY_LEVEL_TYPES));
  if (type === 'Limited') {
    if (exempt !== undefined) errs.push(fieldErrors.forbidden('spec.exempt', 'must be nil if the type is Limited'));
    if (limited === undefined) errs.push(fieldErrors.required('spec.limited', 'must not be empty when type is Limited'));
    else errs.push(...validateLimited(limited, 'spec.limited'));
  } else if (type === 'Exempt') {
    if (limited !== undefined) errs.push(fieldErrors.forbidden('spec.limited', 'must be nil if the type is not Limited'));
    if (exempt) {
      errs.push(...nonNegative('spec.exempt.nominalConcurrencyShares', exempt['nominalConcurrencyShares']));
      errs.push(...inRange('spec.exempt.lendablePercent', exempt['lendablePercent'], 0, 100));
    }
  }
  return errs;
}

/** A limited level's number at `key` (of `limited` or its queuing), `<none>` otherwise, as upstream's printer. */
function limitedCell(o: KubeObject, key: string, queuing: boolean): unknown {
  const limited = rec(specOf(o)['limited']);
  if (limited === undefined) return NONE;
  const from = queuing ? rec(rec(limited['limitResponse'])?.['queuing']) : limited;
  if (from === undefined) return NONE;
  return typeof from[key] === 'number' ? from[key] : 0;
}

export const prioritylevelconfigurations: ResourceDefinition = define({
  ...flowcontrol,
  kind: 'PriorityLevelConfiguration',
  plural: 'prioritylevelconfigurations',
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Type', (o) => str(specOf(o)['type']), { description: '`type` indicates whether this priority level is subject to limitation on request execution.  A value of `"Exempt"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `"Limited"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server\'s limited capacity is made available exclusively to this priority level. Required.' }),
    column('NominalConcurrencyShares', (o) => limitedCell(o, 'nominalConcurrencyShares', false), { description: 'nominalConcurrencyShares (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level.' }),
    column('Queues', (o) => limitedCell(o, 'queues', true), { description: '`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64.' }),
    column('HandSize', (o) => limitedCell(o, 'handSize', true), { description: '`handSize` is a small positive number that configures the shuffle sharding of requests into queues.' }),
    column('QueueLengthLimit', (o) => limitedCell(o, 'queueLengthLimit', true), { description: '`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: true,
    defaults: defaultPriorityLevel,
    validate: validatePriorityLevel,
  }),
});

/** flowcontrol.apiserver.k8s.io/v1 in discovery order. */
export const flowcontrolResources: readonly ResourceDefinition[] = [flowschemas, prioritylevelconfigurations];
