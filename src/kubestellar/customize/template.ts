/**
 * The part of Go's `text/template` that KubeStellar's template expansion needs (spec §5), with
 * the option `missingkey=error`: text, `{{pipeline}}` actions with trim markers and comments,
 * `if`/`else if`/`else`/`with`/`else with`/`end`, the root variable `$`, constants, fields and map
 * keys, parenthesised pipelines, and the builtins `and or not len index print printf println eq
 * ne lt le gt ge html urlquery`. Lexing, parsing and execution follow Go's own structure so that
 * output and error messages keep Go's shape (`template: NAME:LINE: ...` when parsing,
 * `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...` when executing).
 *
 * Everything else Go accepts (`range`, `define`, `template`, `block`, variable declarations,
 * `call`, `js`, `slice`, printf flags and other verbs, complex and hex-float constants) is a
 * parse error naming the construct, so a template never silently renders differently from Go.
 * Errors are returned as data; nothing here throws.
 */
import { ExecFailure, ExecState } from './template-exec.js';
import { lineOf } from './template-lex.js';
import { ParseFailure, Parser, type TreeNode } from './template-parse.js';

export { SUPPORTED_FUNCTIONS } from './template-parse.js';

/** A parse or execution error, in Go's words. */
export interface TemplateError {
  readonly phase: 'parse' | 'exec';
  /** The whole message as Go formats it (`template: name:1:9: executing "name" at <.x>: ...`). */
  readonly message: string;
  /** The message without Go's location prefix (`map has no entry for key "x"`). */
  readonly reason: string;
  /** 1-based line of the offending token or node. */
  readonly line: number;
  /** Execution errors: Go's column, the byte offset of the node within its line (0-based). */
  readonly column?: number;
  /** Execution errors: the text of the node being evaluated (`.x`, `eq .a 1`). */
  readonly context?: string;
}

/** The data a template runs on: the property map of one cluster. */
export type TemplateData = ReadonlyMap<string, string>;

export interface Template {
  readonly name: string;
  readonly source: string;
  readonly root: readonly TreeNode[];
}

export type ParseResult = { readonly ok: true; readonly template: Template } | { readonly ok: false; readonly error: TemplateError };

/** On an execution error, `output` is what Go would have written before stopping. */
export interface ExecResult {
  readonly output: string;
  readonly error?: TemplateError;
}

/** Parses `source`; `name` only appears in error messages, as Go's template name does. */
export function parseTemplate(source: string, name = ''): ParseResult {
  try {
    const root = new Parser(source, name).parse();
    return { ok: true, template: { name, source, root } };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: parseError(source, name, e.reason, e.pos) };
    return { ok: false, error: internalError('parse', name, e) };
  }
}

export function executeTemplate(template: Template, data: TemplateData): ExecResult {
  const state = new ExecState(template, data);
  try {
    state.walkList({ k: 'map', v: data }, template.root);
    return { output: state.out };
  } catch (e) {
    if (e instanceof ExecFailure) return { output: state.out, error: state.error(e) };
    return { output: state.out, error: internalError('exec', template.name, e) };
  }
}

/** Parse and execute in one go; a parse error yields empty output. */
export function renderTemplate(source: string, data: TemplateData, name = ''): ExecResult {
  const parsed = parseTemplate(source, name);
  return parsed.ok ? executeTemplate(parsed.template, data) : { output: '', error: parsed.error };
}

function parseError(source: string, name: string, reason: string, pos: number): TemplateError {
  const line = lineOf(source, pos);
  return { phase: 'parse', message: `template: ${name}:${line}: ${reason}`, reason, line };
}

function internalError(phase: 'parse' | 'exec', name: string, e: unknown): TemplateError {
  // A stack overflow on pathological input, for instance: still reported, never thrown.
  const reason = `internal error: ${e instanceof Error ? e.message : String(e)}`;
  return { phase, message: `template: ${name}: ${reason}`, reason, line: 1 };
}
