import assert from 'node:assert/strict';
import { resourcequotas } from '../../../../src/registry/builtin/core.js';
import { create, type Causes } from './support.js';

type Body = Record<string, unknown>;
const quota = (hard: Record<string, unknown>, extra: Body = {}): Body => ({ spec: { hard, ...extra } });
const selector = (scopeName: string, operator: string, values?: string[]): Body => ({
  scopeSelector: { matchExpressions: [{ scopeName, operator, ...(values && { values }) }] },
});

describe('ResourceQuota validation', () => {
  const accepted: [string, Body][] = [
    ['standard resources', quota({ cpu: '1', 'requests.memory': '1Gi', pods: '10', 'services.loadbalancers': '2', 'requests.storage': '5Gi' })],
    ['object counts and extended resources', quota({ 'count/deployments.apps': '3', 'requests.nvidia.com/gpu': '2', 'requests.hugepages-2Mi': '1Gi' })],
    ['pod scopes over pods and their compute', quota({ pods: '2', 'limits.cpu': '2', memory: '1G' }, { scopes: ['NotTerminating', 'NotBestEffort'] })],
    ['BestEffort over pods alone', quota({ pods: '2' }, { scopes: ['BestEffort'] })],
    ['a scope over a non-standard resource', quota({ 'count/jobs.batch': '2' }, { scopes: ['Terminating'] })],
    ['a PriorityClass selector with values', quota({ pods: '2', cpu: '1' }, selector('PriorityClass', 'In', ['high']))],
    ['an Exists selector on a pod scope', quota({ pods: '2' }, selector('BestEffort', 'Exists'))],
  ];
  for (const [what, body] of accepted) {
    it(`accepts ${what}`, () => assert.deepEqual(create(resourcequotas, body).errors, []));
  }

  const rejected: [string, Body, Causes][] = [
    ['an unknown unqualified resource', quota({ foo: '1' }), [['FieldValueInvalid', 'spec.hard[foo]'], ['FieldValueInvalid', 'spec.hard[foo]']]],
    ['a resource that is no quota resource', quota({ storage: '1Gi' }), [['FieldValueInvalid', 'spec.hard[storage]']]],
    ['a negative quantity', quota({ cpu: '-1' }), [['FieldValueInvalid', 'spec.hard[cpu]']]],
    ['a fractional count', quota({ pods: '1500m', 'count/secrets': '0.5' }), [['FieldValueInvalid', 'spec.hard[count/secrets]'], ['FieldValueInvalid', 'spec.hard[pods]']]],
    ['BestEffort over compute', quota({ cpu: '1', pods: '2' }, { scopes: ['BestEffort'] }), [['FieldValueInvalid', 'spec.scopes']]],
    ['Terminating over services', quota({ pods: '1', services: '2' }, { scopes: ['Terminating'] }), [['FieldValueInvalid', 'spec.scopes']]],
    ['conflicting scopes', quota({ pods: '1' }, { scopes: ['BestEffort', 'NotBestEffort'] }), [['FieldValueInvalid', 'spec.scopes']]],
    ['an unknown scope', quota({ pods: '1' }, { scopes: ['Sometimes'] }), [['FieldValueNotSupported', 'spec.scopes[0]']]],
    ['a selected scope over secrets', quota({ secrets: '1' }, selector('PriorityClass', 'Exists')), [['FieldValueInvalid', 'spec.scopeSelector.matchExpressions']]],
    ['In without values', quota({ pods: '1' }, selector('PriorityClass', 'In')), [['FieldValueRequired', 'spec.scopeSelector.matchExpressions.values']]],
    ['a pod scope selected with DoesNotExist', quota({ pods: '1' }, selector('Terminating', 'DoesNotExist')), [['FieldValueInvalid', 'spec.scopeSelector.matchExpressions.operator']]],
    ['values with Exists', quota({ pods: '1' }, selector('PriorityClass', 'Exists', ['a'])), [['FieldValueInvalid', 'spec.scopeSelector.matchExpressions.values']]],
    ['an unknown operator', quota({ pods: '1' }, selector('PriorityClass', 'Near')), [['FieldValueInvalid', 'spec.scopeSelector.matchExpressions.operator']]],
  ];
  for (const [what, body, want] of rejected) {
    it(`rejects ${what}`, () => assert.deepEqual(create(resourcequotas, body).errors, want));
  }
});
