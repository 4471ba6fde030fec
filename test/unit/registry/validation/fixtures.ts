/** Shared inputs for the validation tests and their timing checks. */
import type { JSONSchemaProps } from '../../../../src/registry/validation/index.js';

/** A Deployment-like object of about 110 KiB: many containers with env lists and labels. */
export function bigObject(): Record<string, unknown> {
  const containers = Array.from({ length: 100 }, (_, i) => ({
    name: `c${i}`,
    image: `registry.example.com/team/app-${i}:1.2.3`,
    env: Array.from({ length: 12 }, (_, j) => ({ name: `VAR_${j}`, value: `value "${j}" with \\ escapes and ünïcode` })),
    ports: [{ containerPort: 8000 + i, protocol: 'TCP', name: `p${i}` }],
    resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 1, memory: '64Mi' } },
  }));
  const labels = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`example.com/label-${i}`, `v${i}`]));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'big', namespace: 'default', labels, annotations: labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'big' } },
      template: { metadata: { labels: { app: 'big' } }, spec: { containers } },
    },
  };
}

/** A Widget CRD schema touching every construct the structural code reads. */
export const WIDGET_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10 },
        color: { type: 'string', enum: ['red', 'green'] },
        name: { type: 'string', pattern: '^[a-z]+$', minLength: 2, maxLength: 8 },
        email: { type: 'string', format: 'email' },
        port: { 'x-kubernetes-int-or-string': true },
        ratio: { type: 'number', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 }, extra: { type: 'string' } },
          },
        },
        limits: { type: 'object', additionalProperties: { type: 'object', properties: { max: { type: 'integer' } } } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } },
        },
        anything: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, type: 'object' },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string', default: 'Pending' } } },
  },
};
