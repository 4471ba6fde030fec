/**
 * Regular expressions from users (CRD `pattern`s, CEL `matches`/`find`/`findAll`) run on RE2
 * (re2js), as kube-apiserver runs them on Go's regexp: time linear in the input, whatever the
 * pattern. JavaScript's backtracking RegExp would let one object like `aaaa…b` against
 * `^(a+)+$` hold the event loop for minutes, i.e. stop the server for everyone.
 */
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS | Error>();
const MAX_CACHED = 1000;

/** The pattern compiled, or the error that says why it is not RE2 syntax. Cached. */
function compile(pattern: string): RE2JS | Error {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Why `pattern` is not a valid RE2 expression, or undefined when it is. */
export function re2SyntaxError(pattern: string): string | undefined {
  const re = compile(pattern);
  return re instanceof Error ? re.message : undefined;
}

function compiledOrThrow(pattern: string): RE2JS {
  const re = compile(pattern);
  if (re instanceof Error) throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${re.message}`);
  return re;
}

/** Whether `pattern` matches anywhere in `s` (Go's MatchString). Throws on an invalid pattern. */
export function re2Test(pattern: string, s: string): boolean {
  return compiledOrThrow(pattern).matcher(s).find();
}

/** The leftmost match, or '' (CEL's `find`). */
export function re2Find(pattern: string, s: string): string {
  const m = compiledOrThrow(pattern).matcher(s);
  return m.find() ? (m.group() ?? '') : '';
}

/** Every non-overlapping match, at most `limit` of them when limit ≥ 0 (CEL's `findAll`). */
export function re2FindAll(pattern: string, s: string, limit = -1): string[] {
  const m = compiledOrThrow(pattern).matcher(s);
  const out: string[] = [];
  while ((limit < 0 || out.length < limit) && m.find()) out.push(m.group() ?? '');
  return out;
}
