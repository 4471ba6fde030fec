/**
 * The lexer of Go's text/template (text/template/parse/lex.go), as one loop over the input that
 * stops at the first error item, as Go's parser would: delimiters with trim markers, comments,
 * and the tokens inside actions.
 */
import { Buffer } from 'node:buffer';
import { formatU, goQuote } from './go-fmt.js';

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'eof' | 'field' | 'identifier'
  | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim' | 'rightParen' | 'space' | 'string'
  | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

export interface Item {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: string;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['block', 'block'], ['break', 'break'], ['continue', 'continue'], ['define', 'define'], ['else', 'else'],
  ['end', 'end'], ['if', 'if'], ['nil', 'nil'], ['range', 'range'], ['template', 'template'], ['with', 'with'],
]);
const KEYWORD_TYPES: ReadonlySet<ItemType> = new Set<ItemType>([...KEYWORDS.values(), 'dot']);
const SPACE_CHARS = ' \t\r\n';

const isSpace = (c: string | undefined): boolean => c !== undefined && c.length === 1 && SPACE_CHARS.includes(c);
const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && ALNUM.test(c);

export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  const runeAt = (p: number): string | undefined => {
    const cp = input.codePointAt(p);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  };
  const emit = (typ: ItemType): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  const fail = (message: string): Item[] => {
    items.push({ typ: 'error', pos: start, val: message });
    return items;
  };
  const accept = (valid: string): boolean => {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
    return input.startsWith('}}', pos);
  };
  // A right delimiter, possibly preceded by the trim marker " -".
  const atRightDelim = (): [delim: boolean, trim: boolean] => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) return [true, true];
    return [input.startsWith('}}', pos), false];
  };
  const leadingSpace = (p: number): number => {
    let n = 0;
    while (isSpace(input[p + n])) n++;
    return n;
  };
  const badCharacter = (): Item[] => fail(`bad character ${formatU(input.codePointAt(pos) ?? 0)}`);
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    const next = runeAt(pos);
    if (isAlphaNumeric(next)) {
      pos += next!.length;
      return false;
    }
    return true;
  };
  // Scans up to the closing quote; false when the constant is unterminated.
  const scanQuoted = (quote: string): boolean => {
    for (;;) {
      const c = input[pos];
      if (c === undefined || c === '\n') return false;
      pos++;
      if (c === '\\') {
        const r = input[pos];
        if (r === undefined || r === '\n') return false;
        pos++;
      } else if (c === quote) {
        return true;
      }
    }
  };
  // After '.' or '$': a lone one, or a name that must end at a terminator.
  const fieldOrVariable = (typ: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(typ === 'variable' ? 'variable' : 'dot');
      return true;
    }
    for (let r = runeAt(pos); isAlphaNumeric(r); r = runeAt(pos)) pos += r!.length;
    if (!atTerminator()) {
      badCharacter();
      return false;
    }
    emit(typ);
    return true;
  };

  for (;;) {
    // Text up to the next "{{", trimmed when the action starts with "{{- ".
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('eof');
      return items;
    }
    const leftTrim = input[x + 2] === '-' && isSpace(input[x + 3]);
    pos = x;
    if (leftTrim) while (pos > start && isSpace(input[pos - 1])) pos--;
    if (pos > start) emit('text');
    pos = x;
    start = x;
    pos += 2;
    const afterMarker = leftTrim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      const end = input.indexOf('*/', pos + 2);
      if (end < 0) return fail('unclosed comment');
      pos = end + 2;
      const [delim, trim] = atRightDelim();
      if (!delim) return fail('comment ends before closing delimiter');
      pos += (trim ? 2 : 0) + 2;
      if (trim) pos += leadingSpace(pos);
      start = pos;
      continue;
    }
    emit('leftDelim');
    pos += afterMarker;
    start = pos;
    let parenDepth = 0;
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        if (trim) {
          pos += 2;
          start = pos;
        }
        pos += 2;
        emit('rightDelim');
        if (trim) {
          pos += leadingSpace(pos);
          start = pos;
        }
        break;
      }
      const c = runeAt(pos);
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        let n = 0;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        // Leave the last space to a following " -}}".
        if (input[pos] === '-' && input.startsWith('}}', pos + 1)) {
          pos--;
          if (n === 1) continue;
        }
        emit('space');
        continue;
      }
      if (c === '=') {
        pos++;
        emit('assign');
      } else if (c === ':') {
        pos++;
        if (input[pos] !== '=') return fail('expected :=');
        pos++;
        emit('declare');
      } else if (c === '|') {
        pos++;
        emit('pipe');
      } else if (c === '"') {
        pos++;
        if (!scanQuoted('"')) return fail('unterminated quoted string');
        emit('string');
      } else if (c === '`') {
        const end = input.indexOf('`', pos + 1);
        if (end < 0) return fail('unterminated raw quoted string');
        pos = end + 1;
        emit('rawString');
      } else if (c === '$') {
        pos++;
        if (!fieldOrVariable('variable')) return items;
      } else if (c === "'") {
        pos++;
        if (!scanQuoted("'")) return fail('unterminated character constant');
        emit('charConstant');
      } else if (c === '.' && input[pos + 1] !== undefined && !(input[pos + 1]! >= '0' && input[pos + 1]! <= '9')) {
        pos++;
        if (!fieldOrVariable('field')) return items;
      } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        if (!scanNumber()) return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        if (input[pos] === '+' || input[pos] === '-') {
          // A complex constant such as 1+2i: no spaces, must end in 'i'.
          if (!scanNumber() || input[pos - 1] !== 'i') return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
          emit('complex');
        } else {
          emit('number');
        }
      } else if (isAlphaNumeric(c)) {
        for (let r = runeAt(pos); isAlphaNumeric(r); r = runeAt(pos)) pos += r!.length;
        if (!atTerminator()) return badCharacter();
        const word = input.slice(start, pos);
        const keyword = KEYWORDS.get(word);
        emit(keyword ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'));
      } else if (c === '(') {
        pos++;
        emit('leftParen');
        parenDepth++;
      } else if (c === ')') {
        pos++;
        if (--parenDepth < 0) return fail('unexpected right paren');
        emit('rightParen');
      } else if (c >= ' ' && c <= '~') {
        pos++;
        emit('char');
      } else {
        return fail(`unrecognized character in action: ${formatU(c.codePointAt(0)!)}`);
      }
    }
  }
}

/** Go's `item.String()`, used in "unexpected ..." messages. */
export function itemString(item: Item): string {
  if (item.typ === 'eof') return 'EOF';
  if (item.typ === 'error') return item.val;
  if (KEYWORD_TYPES.has(item.typ)) return `<${item.val}>`;
  if (Buffer.byteLength(item.val) > 10) return `${goQuote([...item.val].slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

/** 1-based line of a position, as Go counts lines in its messages. */
export const lineOf = (source: string, pos: number): number => {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < pos; i = source.indexOf('\n', i + 1)) line++;
  return line;
};
