/**
 * The `fieldValidation` query parameter of POST, PUT and PATCH, decided as upstream does:
 * unknown and duplicate fields are warnings by default (`Warn`), a 400 BadRequest under
 * `Strict`, and silently dropped under `Ignore`. A value outside the three (or empty) is refused
 * before decoding, like upstream's ValidateCreateOptions: a 422 on the verb's options kind.
 */
import { badRequest, fieldErrors, invalid, type StatusError } from '../../api/errors.js';
import { goQuote } from './paths.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export type WriteVerb = 'create' | 'update' | 'patch';

export interface FieldValidationDecision {
  /** Warning texts to send (`unknown field "spec.foo"`); empty unless the mode is Warn. */
  readonly warnings: string[];
  /** Set when the request must fail: an invalid mode, or problems under Strict. */
  readonly error?: StatusError;
}

const OPTIONS_KIND: Readonly<Record<WriteVerb, string>> = {
  create: 'CreateOptions',
  update: 'UpdateOptions',
  patch: 'PatchOptions',
};

/** Upstream's allowed set, sorted as its message lists it. */
const ALLOWED = ['', 'Ignore', 'Strict', 'Warn'] as const;

/** Upstream caps strict decoding errors at 100 per request. */
const MAX_PROBLEMS = 100;

/** The effective mode (absent or empty is `Warn`), or the 422 for anything else. */
export function parseFieldValidation(value: string | undefined, verb: WriteVerb = 'create'): FieldValidationMode | StatusError {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  return invalid({ group: 'meta.k8s.io', kind: OPTIONS_KIND[verb] }, '', [
    fieldErrors.notSupported('fieldValidation', value, ALLOWED),
  ]);
}

/** `unknown field "<path>"` and `duplicate field "<path>"`, deduplicated, at most 100. */
export function strictProblems(unknown: readonly string[], duplicates: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of unknown) out.add(`unknown field ${goQuote(p)}`);
  for (const p of duplicates) out.add(`duplicate field ${goQuote(p)}`);
  return [...out].slice(0, MAX_PROBLEMS);
}

/** Upstream's words for a body that does not decode into its kind: `<Kind> in version "<v>" cannot be handled as a <Kind>: <detail>`. */
export function cannotBeHandled(gvk: { readonly version: string; readonly kind: string }, detail: string): string {
  return `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ${detail}`;
}

/**
 * What to do with the unknown and duplicate fields of one write. Strict answers
 * `strict decoding error: unknown field "spec.foo", duplicate field "x"` (all problems); create
 * and update, which decode the body into the kind (`decodedAs`), say so first, as upstream's
 * create and update handlers do, while its patch handler reports the bare error.
 */
export function decideFieldValidation(
  mode: string | undefined,
  unknown: readonly string[],
  duplicates: readonly string[],
  verb: WriteVerb = 'create',
  decodedAs?: { readonly version: string; readonly kind: string },
): FieldValidationDecision {
  const parsed = parseFieldValidation(mode, verb);
  if (typeof parsed !== 'string') return { warnings: [], error: parsed };
  if (parsed === 'Ignore' || (unknown.length === 0 && duplicates.length === 0)) return { warnings: [] };
  const problems = strictProblems(unknown, duplicates);
  if (parsed === 'Warn') return { warnings: problems };
  const detail = `strict decoding error: ${problems.join(', ')}`;
  return { warnings: [], error: badRequest(decodedAs === undefined || verb === 'patch' ? detail : cannotBeHandled(decodedAs, detail)) };
}
