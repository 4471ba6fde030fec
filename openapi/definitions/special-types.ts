/**
 * Definitions for types that have no model class in the client library (it maps them to
 * `string`, `Date` or `any`), written by hand in the v2 dialect. They are the leaves the facts
 * table points at, so clients see Quantity, IntOrString and friends by their upstream names.
 */
import type { Schema } from '../types.js';

export const SPECIAL_TYPES: Readonly<Record<string, Schema>> = {
  'resource.Quantity': {
    description:
      'Quantity is a fixed-point representation of a number, serialized as a string such as "100m", "2Gi" or "1.5".',
    type: 'string',
  },
  'intstr.IntOrString': {
    description: 'IntOrString is a type that can hold an int32 or a string; JSON carries the inner type.',
    type: 'string',
    format: 'int-or-string',
  },
  'runtime.RawExtension': {
    description: 'RawExtension holds an embedded object of any kind, serialized as that object.',
    type: 'object',
  },
  'meta.v1.Time': {
    description: 'Time is an RFC 3339 timestamp with second precision, in UTC.',
    type: 'string',
    format: 'date-time',
  },
  'meta.v1.MicroTime': {
    description: 'MicroTime is an RFC 3339 timestamp with microsecond precision, in UTC.',
    type: 'string',
    format: 'date-time',
  },
  'meta.v1.FieldsV1': {
    description: 'FieldsV1 stores a set of fields as a trie of JSON objects (see structured-merge-diff).',
    type: 'object',
  },
  'meta.v1.Patch': {
    description: 'Patch is the body of a PATCH request; its format depends on the Content-Type.',
    type: 'object',
  },
  'apiextensions.v1.JSON': {
    description: 'JSON represents any valid JSON value: bool, number, string, array, object or null.',
  },
  'apiextensions.v1.JSONSchemaPropsOrArray': {
    description: 'JSONSchemaPropsOrArray is either a JSONSchemaProps or an array of JSONSchemaProps.',
  },
  'apiextensions.v1.JSONSchemaPropsOrBool': {
    description: 'JSONSchemaPropsOrBool is either a JSONSchemaProps or a boolean; it defaults to true.',
  },
  'apiextensions.v1.JSONSchemaPropsOrStringArray': {
    description: 'JSONSchemaPropsOrStringArray is either a JSONSchemaProps or an array of strings.',
  },
  'apiextensions.v1.CustomResourceSubresourceStatus': {
    description:
      'CustomResourceSubresourceStatus enables the status subresource; it has no fields of its own.',
    type: 'object',
  },
};

/** Leaves the model converter recognises by the library's type name and format. */
export const DATE_LEAVES: Readonly<Record<string, string>> = {
  'date-time': 'meta.v1.Time',
  'date-time-micro': 'meta.v1.MicroTime',
};
export const INT_OR_STRING_LEAF = 'intstr.IntOrString';
