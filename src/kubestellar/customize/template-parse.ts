/**
 * The parser of Go's text/template (text/template/parse/parse.go) for the implemented subset, and
 * the parse tree it builds. Go constructs this implementation does not execute are refused here,
 * with a message naming them.
 */
import { Buffer } from 'node:buffer';
import { goQuote, unsupportedVerb, unsupportedVerbMessage, type Value } from './go-fmt.js';
import { itemString, lex, lineOf, type Item, type ItemType } from './template-lex.js';

/** The builtins this implementation executes (Go's other builtins are rejected when parsing). */
export const SUPPORTED_FUNCTIONS: readonly string[] = ['and', 'eq', 'ge', 'gt', 'html', 'index', 'le', 'len', 'lt', 'ne', 'not', 'or', 'print', 'printf', 'println', 'urlquery'];
const UNSUPPORTED_GO_FUNCTIONS = new Set(['call', 'js', 'slice']);
/** Deeper nesting (parentheses or control structures) is refused rather than risk the JS stack. */
export const MAX_DEPTH = 1000;

export type Operand =
  | { readonly type: 'field'; readonly pos: number; readonly idents: readonly string[] }
  | { readonly type: 'variable'; readonly pos: number; readonly idents: readonly string[] }
  | { readonly type: 'dot'; readonly pos: number }
  | { readonly type: 'nil'; readonly pos: number }
  | { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly type: 'number'; readonly pos: number; readonly text: string; readonly value: Value }
  | { readonly type: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }
  | { readonly type: 'identifier'; readonly pos: number; readonly name: string }
  | { readonly type: 'pipe'; readonly pos: number; readonly pipe: Pipe }
  | { readonly type: 'chain'; readonly pos: number; readonly node: Operand; readonly fields: readonly string[] };

export interface Command {
  readonly pos: number;
  readonly args: readonly Operand[];
}
export interface Pipe {
  readonly pos: number;
  readonly cmds: readonly Command[];
}

export type TreeNode =
  | { readonly type: 'text'; readonly pos: number; readonly text: string }
  | { readonly type: 'action'; readonly pos: number; readonly pipe: Pipe }
  | { readonly type: 'if' | 'with'; readonly pos: number; readonly pipe: Pipe; readonly list: readonly TreeNode[]; readonly elseList?: readonly TreeNode[] };

type Marker = { readonly type: 'end'; readonly pos: number } | { readonly type: 'else'; readonly pos: number };

export function operandString(n: Operand): string {
  switch (n.type) {
    case 'field':
      return `.${n.idents.join('.')}`;
    case 'variable':
      return n.idents.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'identifier':
      return n.name;
    case 'pipe':
      return pipeString(n.pipe);
    case 'chain':
      return (n.node.type === 'pipe' ? `(${pipeString(n.node.pipe)})` : operandString(n.node)) + n.fields.map((f) => `.${f}`).join('');
  }
}
export const commandString = (c: Command): string => c.args.map((a) => (a.type === 'pipe' ? `(${pipeString(a.pipe)})` : operandString(a))).join(' ');
export const pipeString = (p: Pipe): string => p.cmds.map(commandString).join(' | ');

export class ParseFailure {
  readonly reason: string;
  readonly pos: number;
  constructor(reason: string, pos: number) {
    this.reason = reason;
    this.pos = pos;
  }
}

export class Parser {
  readonly #items: Item[];
  readonly #src: string;
  readonly #name: string;
  #i = 0;
  #depth = 0;
  #actionPos = -1;

  constructor(src: string, name: string) {
    this.#src = src;
    this.#name = name;
    this.#items = lex(src);
  }

  #next(): Item {
    const item = this.#items[Math.min(this.#i, this.#items.length - 1)]!;
    this.#i++;
    return item;
  }
  #backup(): void {
    this.#i--;
  }
  #peek(): Item {
    const item = this.#next();
    this.#backup();
    return item;
  }
  #nextNonSpace(): Item {
    let item = this.#next();
    while (item.typ === 'space') item = this.#next();
    return item;
  }
  #peekNonSpace(): Item {
    const item = this.#nextNonSpace();
    this.#backup();
    return item;
  }
  #fail(reason: string, pos: number): never {
    throw new ParseFailure(reason, pos);
  }
  #unexpected(item: Item, context: string): never {
    if (item.typ === 'error') {
      // Go names the action's first line when the error shows up on a later one.
      let extra = '';
      if (this.#actionPos >= 0) {
        const started = lineOf(this.#src, this.#actionPos);
        if (started !== lineOf(this.#src, item.pos)) {
          extra = item.val.endsWith(' action') ? ` started at ${this.#name}:${started}` : ` in action started at ${this.#name}:${started}`;
        }
      }
      this.#fail(`${item.val}${extra}`, item.pos);
    }
    this.#fail(`unexpected ${itemString(item)} in ${context}`, item.pos);
  }
  #expect(typ: ItemType, context: string): Item {
    const item = this.#nextNonSpace();
    if (item.typ !== typ) this.#unexpected(item, context);
    return item;
  }
  #enter(pos: number): void {
    if (++this.#depth > MAX_DEPTH) this.#fail('max expression depth exceeded', pos);
  }

  parse(): TreeNode[] {
    const root: TreeNode[] = [];
    while (this.#peek().typ !== 'eof') {
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') this.#fail(`unexpected ${markerString(n)}`, n.pos);
      root.push(n);
    }
    return root;
  }

  #itemList(): [TreeNode[], Marker] {
    const list: TreeNode[] = [];
    while (this.#peekNonSpace().typ !== 'eof') {
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.push(n);
    }
    this.#fail('unexpected EOF', this.#peek().pos);
  }

  #textOrAction(): TreeNode | Marker {
    const item = this.#nextNonSpace();
    if (item.typ === 'text') return { type: 'text', pos: item.pos, text: item.val };
    if (item.typ !== 'leftDelim') this.#unexpected(item, 'input');
    this.#actionPos = item.pos;
    try {
      return this.#action();
    } finally {
      // As Go's clearActionLine: forgotten, not restored, once the action is parsed.
      this.#actionPos = -1;
    }
  }

  #action(): TreeNode | Marker {
    const item = this.#nextNonSpace();
    switch (item.typ) {
      case 'block':
      case 'define':
      case 'range':
      case 'template':
        return this.#fail(`unsupported action {{${item.val}}}: only if, else, with and end are implemented`, item.pos);
      case 'break':
      case 'continue': {
        const end = this.#nextNonSpace();
        if (end.typ !== 'rightDelim') this.#unexpected(end, `{{${item.val}}}`);
        return this.#fail(`{{${item.val}}} outside {{range}}`, end.pos);
      }
      case 'else':
        return this.#elseControl();
      case 'end':
        return { type: 'end', pos: this.#expect('rightDelim', 'end').pos };
      case 'if':
      case 'with':
        return this.#control(item.typ, item.pos);
    }
    this.#backup();
    const first = this.#peek();
    return { type: 'action', pos: first.pos, pipe: this.#pipeline('command', 'rightDelim') };
  }

  #elseControl(): Marker {
    // "{{else if ...}}" / "{{else with ...}}" act as "{{else}}{{if ...}}"; the keyword stays pending.
    const peek = this.#peekNonSpace();
    if (peek.typ === 'if' || peek.typ === 'with') return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.#expect('rightDelim', 'else').pos };
  }

  #control(context: 'if' | 'with', pos: number): TreeNode {
    this.#enter(pos);
    const pipe = this.#pipeline(context, 'rightDelim');
    const [list, next] = this.#itemList();
    let elseList: TreeNode[] | undefined;
    if (next.type === 'else') {
      if (this.#peek().typ === context) {
        const keyword = this.#next();
        elseList = [this.#control(context, keyword.pos)];
      } else {
        const [rest, end] = this.#itemList();
        if (end.type !== 'end') this.#fail(`expected end; found ${markerString(end)}`, end.pos);
        elseList = rest;
      }
    }
    this.#depth--;
    return elseList === undefined ? { type: context, pos: pipe.pos, pipe, list } : { type: context, pos: pipe.pos, pipe, list, elseList };
  }

  #pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const first = this.#peekNonSpace();
    const cmds: Command[] = [];
    if (first.typ === 'variable') {
      // Only "$" itself is implemented; "$x := ..." / "$x = ..." / "$x, $y := ..." are declarations.
      const save = this.#i;
      this.#next();
      const after = this.#peekNonSpace();
      if (after.typ === 'assign' || after.typ === 'declare' || (after.typ === 'char' && after.val === ',')) {
        this.#fail(`unsupported variable declaration: variables other than $ are not implemented`, first.pos);
      }
      this.#i = save;
    }
    for (;;) {
      const item = this.#nextNonSpace();
      if (item.typ === end) {
        if (cmds.length === 0) this.#fail(`missing value for ${context}`, item.pos);
        // Only the first command of a pipeline may start with a non-executable operand.
        cmds.forEach((c, i) => {
          const t = c.args[0]!.type;
          if (i > 0 && (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string')) {
            this.#fail(`non executable command in pipeline stage ${i + 1}`, item.pos);
          }
        });
        return { pos: first.pos, cmds };
      }
      switch (item.typ) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.#backup();
          cmds.push(this.#command());
          break;
        default:
          this.#unexpected(item, context);
      }
    }
  }

  #command(): Command {
    const pos = this.#peekNonSpace().pos;
    const args: Operand[] = [];
    for (;;) {
      this.#peekNonSpace();
      const operand = this.#operand();
      if (operand !== undefined) args.push(operand);
      const item = this.#next();
      if (item.typ === 'space') continue;
      if (item.typ === 'rightDelim' || item.typ === 'rightParen') this.#backup();
      else if (item.typ !== 'pipe') this.#unexpected(item, 'operand');
      break;
    }
    if (args.length === 0) this.#fail('empty command', pos);
    // A literal printf format is checked now, so an unimplemented verb never reaches execution.
    const fn = args[0]!;
    const format = args[1];
    if (fn.type === 'identifier' && fn.name === 'printf' && format?.type === 'string') {
      const bad = unsupportedVerb(format.text);
      if (bad !== undefined) this.#fail(unsupportedVerbMessage(bad), format.pos);
    }
    return { pos, args };
  }

  #operand(): Operand | undefined {
    const node = this.#term();
    if (node === undefined) return undefined;
    if (this.#peek().typ !== 'field') return node;
    const fields: string[] = [];
    const chainPos = this.#peek().pos;
    while (this.#peek().typ === 'field') fields.push(this.#next().val.slice(1));
    switch (node.type) {
      case 'field':
      case 'variable':
        return { type: node.type, pos: node.pos, idents: [...node.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.#fail(`unexpected . after term ${goQuote(operandString(node))}`, chainPos);
      default:
        return { type: 'chain', pos: chainPos, node, fields };
    }
  }

  #term(): Operand | undefined {
    const item = this.#nextNonSpace();
    switch (item.typ) {
      case 'identifier':
        if (!SUPPORTED_FUNCTIONS.includes(item.val)) {
          if (UNSUPPORTED_GO_FUNCTIONS.has(item.val)) {
            this.#fail(`unsupported function ${goQuote(item.val)}: implemented functions are ${SUPPORTED_FUNCTIONS.join(', ')}`, item.pos);
          }
          this.#fail(`function ${goQuote(item.val)} not defined`, item.pos);
        }
        return { type: 'identifier', pos: item.pos, name: item.val };
      case 'dot':
        return { type: 'dot', pos: item.pos };
      case 'nil':
        return { type: 'nil', pos: item.pos };
      case 'variable': {
        if (item.val !== '$') this.#fail(`undefined variable ${goQuote(item.val)}`, item.pos);
        return { type: 'variable', pos: item.pos, idents: ['$'] };
      }
      case 'field':
        return { type: 'field', pos: item.pos, idents: [item.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: item.pos, value: item.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number': {
        const value = numberValue(item);
        if (typeof value === 'string') this.#fail(value, item.pos);
        return { type: 'number', pos: item.pos, text: item.val, value };
      }
      case 'leftParen': {
        this.#enter(item.pos);
        const pipe = this.#pipeline('parenthesized pipeline', 'rightParen');
        this.#depth--;
        return { type: 'pipe', pos: item.pos, pipe };
      }
      case 'string':
      case 'rawString': {
        const text = item.typ === 'string' ? unquote(item.val.slice(1, -1), '"') : item.val.slice(1, -1).replaceAll('\r', '');
        if (text === undefined) this.#fail('invalid syntax', item.pos);
        return { type: 'string', pos: item.pos, quoted: item.val, text };
      }
    }
    this.#backup();
    return undefined;
  }
}

const markerString = (m: Marker): string => `{{${m.type}}}`;

/** The value of a numeric or character constant as Go's execution sees it, or an error message. */
function numberValue(item: Item): Value | string {
  const text = item.val;
  if (item.typ === 'charConstant') {
    const body = unquoteChar(text.slice(1), "'");
    if (body === undefined) return 'invalid syntax';
    if (body.rest !== "'") return `malformed character constant: ${text}`;
    return { k: 'int', v: body.rune };
  }
  // Go takes a trailing i as imaginary only when the rest is a number ("0xi" is just illegal).
  const imaginary = text.endsWith('i') && (parseGoInt(text.slice(0, -1)) !== undefined || parseGoFloat(text.slice(0, -1)) !== undefined);
  if (item.typ === 'complex' || imaginary) return `unsupported number ${goQuote(text)}: complex constants are not implemented`;
  if (/^[+-]?0[xX]/.test(text) && /[pP.]/.test(text)) return `unsupported number ${goQuote(text)}: hexadecimal floating-point constants are not implemented`;
  const int = parseGoInt(text);
  if (int !== undefined) {
    if (!Number.isSafeInteger(Number(int))) return `unsupported number ${goQuote(text)}: integers beyond ±2^53 are not implemented`;
    return { k: 'int', v: Number(int) };
  }
  // Go executes a constant written with a fraction or an exponent as float64, even a whole one.
  const float = parseGoFloat(text);
  if (float === undefined) return `illegal number syntax: ${goQuote(text)}`;
  if (!/[.eE]/.test(text)) return `integer overflow: ${goQuote(text)}`;
  return { k: 'float', v: float };
}

/** strconv.ParseInt(text, 0, 64): sign, base prefix (a lone leading 0 means octal), Go's underscores. */
function parseGoInt(text: string): bigint | undefined {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const body = text.slice(sign.length);
  const prefix = body.slice(0, 2).toLowerCase();
  const [radix, set, digits] =
    prefix === '0x' ? [16, '[0-9a-fA-F]', body.slice(2)]
    : prefix === '0o' ? [8, '[0-7]', body.slice(2)]
    : prefix === '0b' ? [2, '[01]', body.slice(2)]
    : body.length > 1 && body[0] === '0' ? [8, '[0-7]', body.slice(1)]
    : [10, '[0-9]', body];
  // An underscore may follow a base prefix and must otherwise sit between digits.
  const prefixed = digits !== body;
  if (!new RegExp(`^${prefixed ? '_?' : ''}${set}+(_${set}+)*$`).test(digits)) return undefined;
  let value = 0n;
  for (const d of digits.replaceAll('_', '')) value = value * BigInt(radix) + BigInt(parseInt(d, radix));
  const signed = sign === '-' ? -value : value;
  return signed > 2n ** 63n - 1n || signed < -(2n ** 63n) ? undefined : signed;
}

/** strconv.ParseFloat for decimal text, with Go's underscore rule. */
function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(\d+(_\d+)*)?(\.(\d+(_\d+)*)?)?([eE][+-]?\d+(_\d+)*)?$/.test(text) || !/\d/.test(text.split(/[eE]/)[0]!)) return undefined;
  const value = Number(text.replaceAll('_', ''));
  return Number.isFinite(value) ? value : undefined;
}

/** strconv.Unquote of a double-quoted body; escapes may produce raw bytes, decoded as UTF-8 at the end. */
function unquote(body: string, quote: '"' | "'"): string | undefined {
  const bytes: number[] = [];
  let rest = body;
  while (rest.length > 0) {
    const c = unquoteChar(rest, quote);
    if (c === undefined) return undefined;
    if (c.byte) bytes.push(c.rune);
    else bytes.push(...Buffer.from(String.fromCodePoint(c.rune), 'utf8'));
    rest = c.rest;
  }
  return Buffer.from(bytes).toString('utf8');
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** strconv.UnquoteChar: the first (possibly escaped) character of `s`; `byte` marks \x and octal escapes. */
function unquoteChar(s: string, quote: '"' | "'"): { rune: number; byte: boolean; rest: string } | undefined {
  const first = s.codePointAt(0);
  if (first === undefined) return undefined;
  const ch = String.fromCodePoint(first);
  if (ch === quote && quote === "'") return undefined;
  if (ch !== '\\') return { rune: first, byte: false, rest: s.slice(ch.length) };
  const e = s[1];
  if (e === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { rune: simple, byte: false, rest: s.slice(2) };
  if (e === quote) return { rune: e.charCodeAt(0), byte: false, rest: s.slice(2) };
  const hex = (n: number): number | undefined => (new RegExp(`^[0-9a-fA-F]{${n}}`).test(s.slice(2)) ? parseInt(s.slice(2, 2 + n), 16) : undefined);
  if (e === 'x') {
    const v = hex(2);
    return v === undefined ? undefined : { rune: v, byte: true, rest: s.slice(4) };
  }
  if (e === 'u' || e === 'U') {
    const n = e === 'u' ? 4 : 8;
    const v = hex(n);
    if (v === undefined || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
    return { rune: v, byte: false, rest: s.slice(2 + n) };
  }
  if (e >= '0' && e <= '7') {
    if (!/^[0-7]{3}/.test(s.slice(1))) return undefined;
    const v = parseInt(s.slice(1, 4), 8);
    return v > 255 ? undefined : { rune: v, byte: true, rest: s.slice(4) };
  }
  return undefined;
}
