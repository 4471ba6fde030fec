/**
 * The `?labelSelector=` / `kubectl -l` string syntax, parsed as apimachinery's labels.Parse does
 * (same tokens, same corner cases, same messages), because clients send whatever their users
 * typed and kube answers garbage with 400 BadRequest rather than a silently wrong list:
 *
 *   selector    ::= requirement ("," requirement)*
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * Whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored; `in ()` is the set
 * holding the empty string; keywords `in`/`notin` are plain identifiers where a value is expected.
 */
import { badRequest, type StatusError } from './errors.js';
import { aggregateMessage, requirementErrors, sortRequirements, type LabelOperator, type LabelRequirement } from './label-selector.js';
import { isQualifiedName } from './names.js';

type Tok = 'end' | 'id' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';

interface Token {
  readonly tok: Tok;
  readonly lit: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
/** Upstream's lexer reads a NUL byte as end of input; so do we. */
const END = '\0';

/** Splits the selector into tokens; the last one is always `end`. */
function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const at = (j: number): string => (j < s.length ? (s[j] ?? END) : END);
  for (;;) {
    while (isSpace(at(i))) i++;
    const c = at(i);
    if (c === END) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (SPECIAL.has(c)) {
      // Every special is a token alone; `==` and `!=` are the only two-character ones.
      const two = c + at(i + 1);
      const lit = two === '==' || two === '!=' ? two : c;
      out.push({ tok: lit as Tok, lit });
      i += lit.length;
      continue;
    }
    let j = i;
    while (at(j) !== END && !SPECIAL.has(at(j)) && !isSpace(at(j))) j++;
    const lit = s.slice(i, j);
    out.push({ tok: lit === 'in' || lit === 'notin' ? lit : 'id', lit });
    i = j;
  }
}

const OPERATORS: Partial<Record<Tok, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
const EXPECTED_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** Parser state: tokens and a cursor. `values` context reads `in`/`notin` as identifiers. */
class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  peek(values = true): Token {
    const t = this.#tokens[this.#pos] ?? { tok: 'end', lit: '' };
    return values && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }

  next(values = true): Token {
    const t = this.peek(values);
    if (this.#pos < this.#tokens.length - 1) this.#pos++;
    return t;
  }
}

/** A failure inside one requirement: upstream prefixes these with `unable to parse requirement: `. */
class RequirementError extends Error {}

/**
 * Parses a label selector string into requirements sorted by key (`""` gives `[]`, which
 * matches everything). Set values come back sorted and de-duplicated. Throws 400 BadRequest.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const p = new Parser(lex(selector));
  const reqs: LabelRequirement[] = [];
  for (;;) {
    const { tok, lit } = p.peek();
    if (tok === 'end') return sortRequirements(reqs);
    if (tok !== 'id' && tok !== '!') throw fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    try {
      reqs.push(parseRequirement(p));
    } catch (err) {
      if (err instanceof RequirementError) throw fail(`unable to parse requirement: ${err.message}`);
      throw err;
    }
    const after = p.next();
    if (after.tok === 'end') return sortRequirements(reqs);
    if (after.tok !== ',') throw fail(`found '${after.lit}', expected: ',' or 'end of string'`);
    const t2 = p.peek();
    if (t2.tok !== 'id' && t2.tok !== '!') throw fail(`found '${t2.lit}', expected: identifier after ','`);
  }
}

const fail = (message: string): StatusError => badRequest(message);

function parseRequirement(p: Parser): LabelRequirement {
  let t = p.next();
  const negated = t.tok === '!';
  if (negated) t = p.next();
  if (t.tok !== 'id') throw new RequirementError(`found '${t.lit}', expected: identifier`);
  const key = t.lit;
  const keyMsgs = isQualifiedName(key);
  // Upstream validates the key with a nil field path, hence the literal `<nil>`.
  if (keyMsgs.length > 0) throw new RequirementError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyMsgs.join('; ')}`);
  const ahead = p.peek().tok;
  if (negated) return make(key, '!', []);
  if (ahead === 'end' || ahead === ',') return make(key, 'exists', []);

  const opTok = p.next(false);
  const op = OPERATORS[opTok.tok];
  if (op === undefined) throw new RequirementError(`found '${opTok.lit}', expected: ${EXPECTED_OPERATORS}`);
  const values = op === 'in' || op === 'notin' ? parseSet(p) : parseExactValue(p);
  return make(key, op, [...values].sort());
}

function make(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw new RequirementError(aggregateMessage(errs));
  return { key, operator, values };
}

/** `( a, b, ,c )`: empty elements stand for the empty value; `()` is `{""}`. */
function parseSet(p: Parser): Set<string> {
  const open = p.next();
  if (open.tok !== '(') throw new RequirementError(`found '${open.lit}' expected: '('`);
  const first = p.peek();
  if (first.tok === ')') {
    p.next();
    return new Set(['']);
  }
  if (first.tok !== 'id' && first.tok !== ',') {
    throw new RequirementError(`found '${first.lit}', expected: ',', ')' or identifier`);
  }
  const set = new Set<string>();
  for (;;) {
    const t = p.next();
    if (t.tok === 'id') {
      set.add(t.lit);
      const t2 = p.peek();
      if (t2.tok === ',') continue;
      if (t2.tok === ')') break;
      throw new RequirementError(`found '${t2.lit}', expected: ',' or ')'`);
    } else if (t.tok === ',') {
      if (set.size === 0) set.add('');
      const t2 = p.peek().tok;
      if (t2 === ',' || t2 === ')') set.add('');
      if (t2 === ')') break;
    } else {
      throw new RequirementError(`found '${t.lit}', expected: ',', or identifier`);
    }
  }
  p.next(); // the ')' seen above
  return set;
}

/** The single value after `=`, `==`, `!=`, `>`, `<`; nothing before `,` or the end means `""`. */
function parseExactValue(p: Parser): Set<string> {
  const ahead = p.peek().tok;
  if (ahead === 'end' || ahead === ',') return new Set(['']);
  const t = p.next();
  if (t.tok !== 'id') throw new RequirementError(`found '${t.lit}', expected: identifier`);
  return new Set([t.lit]);
}
