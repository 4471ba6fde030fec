/**
 * Execution of a parsed template (Go's text/template/exec.go and funcs.go) with the option
 * missingkey=error, on one cluster's property map.
 */
import { Buffer } from 'node:buffer';
import { evalArgs, goQuote, htmlEscape, printValue, queryEscape, sprint, sprintf, sprintln, str, typeName, unsupportedVerb, unsupportedVerbMessage, type Value } from './go-fmt.js';
import { lineOf } from './template-lex.js';
import { commandString, MAX_DEPTH, operandString, pipeString, type Command, type Operand, type Pipe, type TreeNode } from './template-parse.js';
import type { Template, TemplateData, TemplateError } from './template.js';

export class ExecFailure {
  readonly reason: string;
  readonly node: Positioned | undefined;
  constructor(reason: string, node: Positioned | undefined) {
    this.reason = reason;
    this.node = node;
  }
}

/** Thrown by builtins; reported as "error calling NAME: ...". */
class FuncError {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

const MISSING = Symbol('missing');
type Final = Value | typeof MISSING;
/** Parameter kinds of Go's builtins: reflect.Value (no nil), any (nil allowed), string. */
type Param = 'value' | 'any' | 'string';

interface Builtin {
  readonly params: readonly Param[];
  /** The last parameter repeats. */
  readonly variadic: boolean;
  readonly call: (args: Value[]) => Value;
}

const bool = (v: boolean): Value => ({ k: 'bool', v });

const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['and', { params: ['value', 'value'], variadic: true, call: () => bool(false) }], // short-circuited in evalCall
  ['or', { params: ['value', 'value'], variadic: true, call: () => bool(false) }],
  ['not', { params: ['value'], variadic: false, call: ([a]) => bool(!truth(a!)) }],
  ['len', { params: ['value'], variadic: false, call: ([a]) => ({ k: 'int', v: length(a!) }) }],
  ['index', { params: ['value', 'value'], variadic: true, call: ([item, ...idx]) => index(item!, idx) }],
  ['print', { params: ['any'], variadic: true, call: (args) => str(sprint(args)) }],
  ['println', { params: ['any'], variadic: true, call: (args) => str(sprintln(args)) }],
  ['printf', { params: ['string', 'any'], variadic: true, call: ([f, ...args]) => str(sprintf((f as { v: string }).v, args)) }],
  ['html', { params: ['any'], variadic: true, call: (args) => str(htmlEscape(evalArgs(args))) }],
  ['urlquery', { params: ['any'], variadic: true, call: (args) => str(queryEscape(evalArgs(args))) }],
  ['eq', { params: ['value', 'value'], variadic: true, call: ([a, ...rest]) => bool(eq(a!, rest)) }],
  ['ne', { params: ['value', 'value'], variadic: false, call: ([a, b]) => bool(!eq(a!, [b!])) }],
  ['lt', { params: ['value', 'value'], variadic: false, call: ([a, b]) => bool(lt(a!, b!)) }],
  ['le', { params: ['value', 'value'], variadic: false, call: ([a, b]) => bool(lt(a!, b!) || eq(a!, [b!])) }],
  ['gt', { params: ['value', 'value'], variadic: false, call: ([a, b]) => bool(!(lt(a!, b!) || eq(a!, [b!]))) }],
  ['ge', { params: ['value', 'value'], variadic: false, call: ([a, b]) => bool(!lt(a!, b!)) }],
]);

type Positioned = { readonly pos: number; readonly text: string };
const at = (n: Operand): Positioned => ({ pos: n.pos, text: operandString(n) });

export class ExecState {
  out = '';
  readonly #template: Template;
  readonly #root: Value;
  #node: Positioned | undefined;
  #depth = 0;

  constructor(template: Template, data: TemplateData) {
    this.#template = template;
    this.#root = { k: 'map', v: data };
  }

  error(f: ExecFailure): TemplateError {
    const { name, source } = this.#template;
    if (f.node === undefined) return { phase: 'exec', message: `template: ${name}: ${f.reason}`, reason: f.reason, line: 1 };
    const line = lineOf(source, f.node.pos);
    const lineStart = source.lastIndexOf('\n', f.node.pos - 1) + 1;
    const column = Buffer.byteLength(source.slice(lineStart, f.node.pos));
    return {
      phase: 'exec',
      message: `template: ${name}:${line}:${column}: executing ${goQuote(name)} at <${f.node.text}>: ${f.reason}`,
      reason: f.reason,
      line,
      column,
      context: f.node.text,
    };
  }

  #errorf(reason: string): never {
    throw new ExecFailure(reason, this.#node);
  }

  walkList(dot: Value, list: readonly TreeNode[]): void {
    for (const node of list) this.#walk(dot, node);
  }

  #walk(dot: Value, node: TreeNode): void {
    switch (node.type) {
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        this.out += printValue(this.#evalPipeline(dot, node.pipe));
        return;
      }
      case 'if':
      case 'with': {
        const value = this.#evalPipeline(dot, node.pipe);
        if (truth(value)) this.walkList(node.type === 'with' ? value : dot, node.list);
        else if (node.elseList !== undefined) this.walkList(dot, node.elseList);
        return;
      }
    }
  }

  /** The parser guarantees at least one command, so a pipeline always has a value. */
  #evalPipeline(dot: Value, pipe: Pipe): Value {
    if (++this.#depth > MAX_DEPTH) this.#errorf('max expression depth exceeded');
    this.#node = { pos: pipe.pos, text: pipeString(pipe) };
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.#evalCommand(dot, cmd, value);
    this.#depth--;
    return value as Value;
  }

  #evalCommand(dot: Value, cmd: Command, final: Final): Value {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.#evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.#evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.#evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.#notAFunction(cmd.args, final);
        return this.#evalPipeline(dot, first.pipe);
      case 'variable':
        return this.#evalVariableNode(dot, first, cmd.args, final);
    }
    this.#node = at(first);
    this.#notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return bool(first.value);
      case 'dot':
        return dot;
      case 'nil':
        return this.#errorf('nil is not a command');
      case 'number':
        return first.value;
      case 'string':
        return str(first.text);
    }
  }

  #notAFunction(args: readonly Operand[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.#errorf(`can't give argument to non-function ${operandString(args[0]!)}`);
  }

  #evalFieldNode(dot: Value, field: Extract<Operand, { type: 'field' }>, args: readonly Operand[], final: Final): Value {
    this.#node = at(field);
    return this.#evalFieldChain(dot, field.idents, args, final);
  }

  #evalChainNode(dot: Value, chain: Extract<Operand, { type: 'chain' }>, args: readonly Operand[], final: Final): Value {
    this.#node = at(chain);
    if (chain.node.type === 'nil') this.#errorf(`indirection through explicit nil in ${operandString(chain)}`);
    const receiver = this.#evalArg(dot, 'value', chain.node);
    return this.#evalFieldChain(receiver, chain.fields, args, final);
  }

  #evalVariableNode(dot: Value, variable: Extract<Operand, { type: 'variable' }>, args: readonly Operand[], final: Final): Value {
    this.#node = at(variable);
    if (variable.idents.length === 1) {
      this.#notAFunction(args, final);
      return this.#root;
    }
    return this.#evalFieldChain(this.#root, variable.idents.slice(1), args, final);
  }

  #evalFieldChain(receiver: Value, idents: readonly string[], args: readonly Operand[], final: Final): Value {
    let value = receiver;
    idents.forEach((name, i) => {
      const last = i === idents.length - 1;
      value = this.#evalField(name, last ? args : [], last ? final : MISSING, value);
    });
    return value;
  }

  #evalField(name: string, args: readonly Operand[], final: Final, receiver: Value): Value {
    if (receiver.k === 'nil') this.#errorf(`nil data; no entry for key ${goQuote(name)}`);
    if (receiver.k === 'map') {
      if (args.length > 1 || final !== MISSING) this.#errorf(`${name} is not a method but has arguments`);
      const value = receiver.v.get(name);
      if (value === undefined) this.#errorf(`map has no entry for key ${goQuote(name)}`);
      return str(value);
    }
    return this.#errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  #evalFunction(dot: Value, ident: Extract<Operand, { type: 'identifier' }>, cmd: Command | Operand, args: readonly Operand[], final: Final): Value {
    this.#node = at(ident);
    const fn = BUILTINS.get(ident.name);
    if (fn === undefined) return this.#errorf(`${goQuote(ident.name)} is not a defined function`);
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    const numFixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
    if (fn.variadic) {
      if (numIn < numFixed) this.#errorf(`wrong number of args for ${ident.name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== fn.params.length) {
      this.#errorf(`wrong number of args for ${ident.name}: want ${fn.params.length} got ${numIn}`);
    }
    const paramOf = (i: number): Param => (i < numFixed ? fn.params[i]! : fn.params[fn.params.length - 1]!);
    if (ident.name === 'and' || ident.name === 'or') {
      // Go 1.18+: stop at the first argument that decides the result.
      let v: Value | undefined;
      for (const arg of argNodes) {
        v = this.#evalArg(dot, 'value', arg);
        if (truth(v) === (ident.name === 'or')) return v;
      }
      return final === MISSING ? v! : final;
    }
    const values = argNodes.map((arg, i) => this.#evalArg(dot, paramOf(i), arg));
    if (final !== MISSING) values.push(this.#validateType(final, paramOf(numIn - 1)));
    try {
      return fn.call(values);
    } catch (e) {
      if (!(e instanceof FuncError)) throw e;
      this.#node = 'args' in cmd ? { pos: cmd.pos, text: commandString(cmd) } : at(cmd);
      return this.#errorf(`error calling ${ident.name}: ${e.reason}`);
    }
  }

  #evalArg(dot: Value, param: Param, n: Operand): Value {
    this.#node = at(n);
    switch (n.type) {
      case 'dot':
        return this.#validateType(dot, param);
      case 'nil':
        if (param === 'any') return { k: 'nil' };
        return this.#errorf(`cannot assign nil to ${param === 'string' ? 'string' : 'reflect.Value'}`);
      case 'field':
        return this.#validateType(this.#evalFieldNode(dot, n, [n], MISSING), param);
      case 'variable':
        return this.#validateType(this.#evalVariableNode(dot, n, [], MISSING), param);
      case 'pipe':
        return this.#validateType(this.#evalPipeline(dot, n.pipe), param);
      case 'identifier':
        return this.#validateType(this.#evalFunction(dot, n, n, [], MISSING), param);
      case 'chain':
        return this.#validateType(this.#evalChainNode(dot, n, [], MISSING), param);
    }
    if (param === 'string') {
      if (n.type === 'string') return str(n.text);
      return this.#errorf(`expected string; found ${operandString(n)}`);
    }
    switch (n.type) {
      case 'bool':
        return bool(n.value);
      case 'number':
        return n.value;
      case 'string':
        return str(n.text);
    }
  }

  #validateType(value: Value, param: Param): Value {
    if (param !== 'string') return value;
    if (value.k !== 'string') return this.#errorf(`wrong type for value; expected string; got ${typeName(value)}`);
    // The only string parameter is printf's format: one computed at run time is checked here.
    const bad = unsupportedVerb(value.v);
    if (bad !== undefined) this.#errorf(unsupportedVerbMessage(bad));
    return value;
  }
}

/** Go's truth: false, 0, and empty strings and maps are false. */
function truth(v: Value): boolean {
  switch (v.k) {
    case 'string':
      return v.v.length > 0;
    case 'int':
    case 'uint8':
    case 'float':
      return v.v !== 0;
    case 'bool':
      return v.v;
    case 'map':
      return v.v.size > 0;
    case 'nil':
      return false;
  }
}

function length(v: Value): number {
  if (v.k === 'string') return Buffer.byteLength(v.v);
  if (v.k === 'map') return v.v.size;
  throw new FuncError(`len of type ${typeName(v)}`);
}

function index(item: Value, indexes: readonly Value[]): Value {
  let current = item;
  for (const i of indexes) {
    if (current.k === 'string') {
      if (i.k !== 'int' && i.k !== 'uint8') throw new FuncError(`cannot index slice/array with type ${typeName(i)}`);
      const bytes = Buffer.from(current.v, 'utf8');
      if (i.v < 0 || i.v >= bytes.length) throw new FuncError(`index out of range: ${i.v}`);
      current = { k: 'uint8', v: bytes[i.v]! };
    } else if (current.k === 'map') {
      if (i.k !== 'string') throw new FuncError(`value has type ${typeName(i)}; should be string`);
      // A missing key gives the zero value, even with missingkey=error.
      current = str(current.v.get(i.v) ?? '');
    } else {
      throw new FuncError(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
}

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';
const basicKind = (v: Value): BasicKind => (v.k === 'uint8' ? 'uint' : v.k === 'map' || v.k === 'nil' ? 'invalid' : v.k);
const numeric = (v: Value): number => (v as { v: number }).v;

function eq(a: Value, others: readonly Value[]): boolean {
  if (others.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of others) {
    const k2 = basicKind(b);
    let result: boolean;
    if (k1 !== k2) {
      // Integers compare across signedness; anything else of different kinds is an error.
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) result = numeric(a) === numeric(b);
      else throw new FuncError('incompatible types for comparison');
    } else if (k1 === 'invalid') {
      throw new FuncError(`non-comparable type ${printValue(b)}: ${typeName(b)}`);
    } else {
      result = (a as { v: unknown }).v === (b as { v: unknown }).v;
    }
    if (result) return true;
  }
  return false;
}

function lt(a: Value, b: Value): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return numeric(a) < numeric(b);
    throw new FuncError('incompatible types for comparison');
  }
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  if (k1 === 'string') return Buffer.compare(Buffer.from((a as { v: string }).v), Buffer.from((b as { v: string }).v)) < 0;
  return numeric(a) < numeric(b);
}
