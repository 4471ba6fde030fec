/**
 * Label and field selectors in one import. The code lives in label-selector.ts (requirements,
 * matching, metav1.LabelSelector), label-selector-parse.ts (the string syntax) and
 * field-selector.ts.
 */
export * from './label-selector.js';
export * from './label-selector-parse.js';
export * from './field-selector.js';
