/**
 * The review kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1: create-only and
 * never stored. A create is answered with the object and its computed status (server/handlers/
 * review.ts); the resources are here so discovery lists them as kubectl expects.
 */
import type { ResourceDefinition } from '../definition.js';
import { nameColumn } from '../columns.js';
import { makeStrategy } from '../strategy.js';

function review(group: string, kind: string, plural: string, namespaced = false): ResourceDefinition {
  return {
    group,
    version: 'v1',
    versions: ['v1'],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced,
    verbs: ['create'],
    subresources: {},
    columns: [nameColumn],
    strategy: makeStrategy(),
    action: 'review',
  };
}

export const reviewResources: readonly ResourceDefinition[] = [
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews'),
  review('authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews'),
  review('authentication.k8s.io', 'TokenReview', 'tokenreviews'),
];
