/** Server-side apply: schema model, field sets, structured merge and managedFields bookkeeping. */
export * from './schema.js';
export * from './path.js';
export * from './fieldset.js';
export * from './typed.js';
export * from './merge.js';
export * from './entries.js';
export * from './managed-fields.js';
export * from './last-applied.js';
