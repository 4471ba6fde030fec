/**
 * The parser for CustomTransform `spec.remove[]` paths: a small JSONPath dialect (RFC 9535 words)
 * that names what to delete from a workload object. Upstream accepts only `$` followed by
 * `.name` and `["name"]` segments; we also accept what the API's own documentation shows
 * (docs/customtransform.md):
 *
 *   path     = "$" *segment
 *   segment  = "." name | ".*" | "[" selector "]"
 *   selector = string | "*" | index | "?(" filter ")" | "?" filter
 *   filter   = "@" *step [sp] ("==" | "!=") [sp] literal
 *   step     = "." name | "[" string "]" | "[" index "]"
 *   string   = '"' … '"' | "'" … "'"      (JSON-style escapes)
 *   index    = ["-"] digits                (negative counts from the end)
 *   literal  = string | number | true | false | null
 *
 * Whitespace is accepted only around a filter's comparison operator; anything else the grammar
 * does not cover (recursive descent, slices, unions, scripts, logical operators) is an error
 * naming the offending position, never a silently different path.
 */

export type Literal = string | number | boolean | null;

/** One step of a filter's relative path (`@.a["b"][0]`). */
export type Step = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

export interface Filter {
  readonly path: readonly Step[];
  readonly op: '==' | '!=';
  readonly value: Literal;
}

export type Selector =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'filter'; readonly filter: Filter };

/** A syntax error; `position` is the 0-based index in the path text where it was noticed. */
export class PathSyntaxError extends Error {
  readonly position: number;
  constructor(position: number, detail: string) {
    super(`syntax error at position ${position}: ${detail}`);
    this.name = 'PathSyntaxError';
    this.position = position;
  }
}

/** The segments after `$` (none for `$` itself). Throws PathSyntaxError. */
export function parseRemovalPath(source: string): Selector[] {
  return new Parser(source).path();
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const INDEX = /-?[0-9]+/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** RFC 9535 name-first: ALPHA / "_" / non-ASCII (minus surrogates). */
function isNameFirst(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f || (cp >= 0x80 && cp <= 0xd7ff) || cp >= 0xe000;
}

function isNameChar(cp: number): boolean {
  return isNameFirst(cp) || (cp >= 0x30 && cp <= 0x39);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

class Parser {
  readonly #src: string;
  #pos = 0;

  constructor(src: string) {
    this.#src = src;
  }

  path(): Selector[] {
    if (this.#src === '') throw new PathSyntaxError(0, 'the path is empty; it must start with $');
    if (this.#peek() !== '$') this.#fail(`a path must start with $, not ${this.#describe()}`);
    this.#pos++;
    const out: Selector[] = [];
    while (!this.#atEnd()) out.push(this.#segment());
    return out;
  }

  #segment(): Selector {
    const c = this.#peek();
    if (c === '.') {
      if (this.#src[this.#pos + 1] === '.') this.#fail('recursive descent (..) is not supported');
      this.#pos++;
      if (this.#peek() === '*') {
        this.#pos++;
        return { kind: 'wildcard' };
      }
      return { kind: 'name', name: this.#name('after "."') };
    }
    if (c === '[') return this.#bracket();
    this.#fail(`expected "." or "[" but found ${this.#describe()}`);
  }

  /** A member-name shorthand; names with other characters must be bracketed strings. */
  #name(context: string): string {
    const start = this.#pos;
    const first = this.#src.codePointAt(start);
    if (first === undefined) this.#fail(`expected a member name ${context} but the path ends`);
    if (!isNameFirst(first)) {
      this.#fail(`expected a member name ${context} but found ${this.#describe()} (names with other characters are written ["..."])`);
    }
    let end = start;
    for (let cp: number | undefined = first; cp !== undefined && isNameChar(cp); cp = this.#src.codePointAt(end)) end += cp > 0xffff ? 2 : 1;
    this.#pos = end;
    return this.#src.slice(start, end);
  }

  #bracket(): Selector {
    const open = this.#pos++;
    const c = this.#peek();
    let sel: Selector;
    if (c === '"' || c === "'") sel = { kind: 'name', name: this.#string() };
    else if (c === '*') {
      this.#pos++;
      sel = { kind: 'wildcard' };
    } else if (c === '?') sel = { kind: 'filter', filter: this.#filter() };
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) sel = { kind: 'index', index: this.#index() };
    else if (c === ':') this.#fail('array slices are not supported');
    else if (c === '(') this.#fail('script expressions are not supported');
    else if (c === undefined) this.#fail(`unterminated bracket opened at position ${open}`);
    else this.#fail(`expected a quoted name, *, an index or a ?(filter) after "[" but found ${this.#describe()}`);
    this.#close(']', open);
    return sel;
  }

  #close(want: ']' | ')', open: number): void {
    const c = this.#peek();
    if (c === want) {
      this.#pos++;
      return;
    }
    if (c === undefined) this.#fail(`unterminated ${want === ']' ? 'bracket' : 'parenthesis'} opened at position ${open}`);
    if (c === ',') this.#fail('several selectors in one bracket (unions) are not supported');
    if (c === ':') this.#fail('array slices are not supported');
    this.#fail(`expected "${want}" to close the ${want === ']' ? 'bracket' : 'parenthesis'} opened at position ${open} but found ${this.#describe()}`);
  }

  #index(): number {
    const start = this.#pos;
    const text = this.#match(INDEX);
    if (text === undefined) this.#fail(`expected an index but found ${this.#describe()}`);
    if (/^-?0[0-9]/.test(text) || text === '-0') throw new PathSyntaxError(start, `invalid index ${text} (no leading zeros or -0)`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new PathSyntaxError(start, `index ${text} is out of range`);
    return n;
  }

  #string(): string {
    const open = this.#pos;
    const quote = this.#src[this.#pos++]!;
    let out = '';
    for (;;) {
      const c = this.#peek();
      if (c === undefined) throw new PathSyntaxError(open, 'unterminated string');
      this.#pos++;
      if (c === quote) return out;
      if (c < ' ') throw new PathSyntaxError(this.#pos - 1, 'control characters must be escaped in a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.#peek();
      if (e === undefined) throw new PathSyntaxError(open, 'unterminated string');
      this.#pos++;
      if (e === 'u') {
        const hex = this.#src.slice(this.#pos, this.#pos + 4);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new PathSyntaxError(this.#pos - 2, 'invalid \\u escape (four hex digits expected)');
        out += String.fromCharCode(parseInt(hex, 16));
        this.#pos += 4;
      } else if (Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
      } else {
        throw new PathSyntaxError(this.#pos - 2, `invalid escape \\${e}`);
      }
    }
  }

  #filter(): Filter {
    this.#pos++; // "?"
    const open = this.#pos;
    const parenthesized = this.#peek() === '(';
    if (parenthesized) this.#pos++;
    const at = this.#peek();
    if (at === '$') this.#fail('filters may only test the current item (@), not the root ($)');
    if (at !== '@') this.#fail(`a filter must start with @ but found ${this.#describe()}`);
    this.#pos++;
    const path = this.#steps();
    this.#skipSpaces();
    const op = this.#operator();
    this.#skipSpaces();
    const value = this.#literal();
    if (parenthesized) this.#close(')', open);
    return { path, op, value };
  }

  #steps(): Step[] {
    const out: Step[] = [];
    for (;;) {
      const c = this.#peek();
      if (c === '.') {
        if (this.#src[this.#pos + 1] === '.') this.#fail('recursive descent (..) is not supported');
        this.#pos++;
        if (this.#peek() === '*') this.#fail('wildcards are not supported inside a filter');
        out.push({ kind: 'name', name: this.#name('after "." in a filter') });
      } else if (c === '[') {
        const open = this.#pos++;
        const d = this.#peek();
        if (d === '"' || d === "'") out.push({ kind: 'name', name: this.#string() });
        else if (d === '-' || (d !== undefined && d >= '0' && d <= '9')) out.push({ kind: 'index', index: this.#index() });
        else if (d === undefined) this.#fail(`unterminated bracket opened at position ${open}`);
        else this.#fail(`only quoted names and indexes are supported inside a filter's path, not ${this.#describe()}`);
        this.#close(']', open);
      } else {
        return out;
      }
    }
  }

  #operator(): '==' | '!=' {
    const two = this.#src.slice(this.#pos, this.#pos + 2);
    if (two === '==' || two === '!=') {
      this.#pos += 2;
      return two;
    }
    if (two === '&&' || two === '||') this.#fail('combining conditions (&&, ||) is not supported');
    const c = this.#peek();
    if (c === '<' || c === '>') this.#fail('only == and != comparisons are supported');
    if (c === '=') this.#fail('use == to compare');
    if (c === ')' || c === ']' || c === undefined) this.#fail('a filter must compare the item: @.field == value (existence tests are not supported)');
    this.#fail(`expected == or != but found ${this.#describe()}`);
  }

  #literal(): Literal {
    const c = this.#peek();
    if (c === '"' || c === "'") return this.#string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const start = this.#pos;
      const text = this.#match(NUMBER);
      if (text === undefined) this.#fail(`expected a number but found ${this.#describe()}`);
      const next = this.#peek();
      if (next !== undefined && /[0-9.eE]/.test(next)) throw new PathSyntaxError(start, `invalid number ${text}${next}`);
      return Number(text);
    }
    if (c === '@' || c === '$') this.#fail('comparing with another path is not supported; compare with a string, number, true, false or null');
    const start = this.#pos;
    const word = this.#match(WORD);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word !== undefined) throw new PathSyntaxError(start, `unknown literal ${word}; strings must be quoted`);
    this.#fail(`expected a string, number, true, false or null but found ${this.#describe()}`);
  }

  /** Around a filter's operator only; the one place where spacing is customary. */
  #skipSpaces(): void {
    while (this.#peek() === ' ' || this.#peek() === '\t') this.#pos++;
  }

  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#pos;
    const m = re.exec(this.#src);
    if (m === null) return undefined;
    this.#pos += m[0].length;
    return m[0];
  }

  #peek(): string | undefined {
    return this.#src[this.#pos];
  }

  #atEnd(): boolean {
    return this.#pos >= this.#src.length;
  }

  #describe(): string {
    const c = this.#peek();
    if (c === undefined) return 'the end of the path';
    if (isSpace(c)) return 'whitespace (not allowed here)';
    return JSON.stringify(String.fromCodePoint(this.#src.codePointAt(this.#pos)!));
  }

  #fail(detail: string): never {
    throw new PathSyntaxError(this.#pos, detail);
  }
}
