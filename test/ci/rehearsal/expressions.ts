/**
 * A small evaluator of GitHub Actions `${{ }}` expressions: what the generated workflows use.
 *
 * Semantics follow GitHub's "Evaluate expressions in workflows and actions" reference
 * (github/docs: content/actions/reference/workflows-and-actions/expressions.md):
 * - literals: null, booleans, numbers, strings in single quotes ('' escapes a quote);
 * - operators ( ) [ ] . ! < <= > >= == != && || and the object filter `*` (needs.*.result);
 * - `==`/`!=` compare strings case-insensitively and coerce mismatched types to numbers;
 * - `&&`/`||` return an operand (not a boolean), so `a && 'x' || 'y'` picks a value;
 * - falsy: false, 0, -0, '', null, NaN;
 * - functions: contains, startsWith, endsWith, format, join, toJSON, fromJSON, hashFiles,
 *   success, always, failure, cancelled.
 *
 * Reads of outputs that were never set are NOT silently '' as on GitHub: contexts may carry a
 * `STRICT` lookup that explains why a key is missing, and the evaluator throws UnsetValueError.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** Placed on a context object to make reads of missing keys an error: returns why the key is missing. */
export const STRICT = Symbol('strict-lookup');
export type StrictObject = { [STRICT]: (key: string) => string | undefined } & Record<string, unknown>;

export class ExpressionError extends Error {}
/** A read of an output that was never set (GitHub would substitute '' and carry on). */
export class UnsetValueError extends ExpressionError {}

export interface Functions {
  /** Job status so far, for success()/failure()/always()/cancelled(). */
  status(): 'success' | 'failure' | 'cancelled' | 'skipped';
  /** hashFiles(patterns…): '' when nothing matches, else a digest. */
  hashFiles(patterns: string[]): string;
}

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionError(`unterminated string in: ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('()[].,!<>*'.includes(c)) {
      // A '.' followed by a digit after an operator is part of a number (.5); GitHub has none here.
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num && (out.length === 0 || out[out.length - 1].t === 'op') && !(out.length > 0 && out[out.length - 1].v === '.')) {
      out.push({ t: 'num', v: Number(num[1]) });
      i += num[1].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    // Property names after '.' may start with a digit or contain '-' (steps.app-token.outputs.app-slug).
    const prop = /^[A-Za-z0-9_-]+/.exec(src.slice(i));
    if (prop && out.length > 0 && out[out.length - 1].v === '.') {
      out.push({ t: 'id', v: prop[0] });
      i += prop[0].length;
      continue;
    }
    throw new ExpressionError(`unexpected "${c}" at ${i} in: ${src}`);
  }
  return out;
}

type Node =
  | { k: 'lit'; v: Value }
  | { k: 'ctx'; name: string }
  | { k: 'member'; obj: Node; key: Node | '*'; path: string }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'not'; e: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly src: string) {}

  parse(): Node {
    const n = this.or();
    if (this.i < this.toks.length) throw new ExpressionError(`unexpected "${this.toks[this.i].v}" in: ${this.src}`);
    return n;
  }
  private peek(v: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && t.t === 'op' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.peek(v)) throw new ExpressionError(`expected "${v}" in: ${this.src}`);
    this.i++;
  }
  private or(): Node {
    let l = this.and();
    while (this.peek('||')) {
      this.i++;
      l = { k: 'bin', op: '||', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.eq();
    while (this.peek('&&')) {
      this.i++;
      l = { k: 'bin', op: '&&', l, r: this.eq() };
    }
    return l;
  }
  private eq(): Node {
    let l = this.cmp();
    while (this.peek('==') || this.peek('!=')) {
      const op = String(this.toks[this.i++].v);
      l = { k: 'bin', op, l, r: this.cmp() };
    }
    return l;
  }
  private cmp(): Node {
    let l = this.unary();
    while (['<', '<=', '>', '>='].some((o) => this.peek(o))) {
      const op = String(this.toks[this.i++].v);
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    if (this.peek('!')) {
      this.i++;
      return { k: 'not', e: this.unary() };
    }
    return this.postfix();
  }
  private postfix(): Node {
    let n = this.primary();
    let path = n.k === 'ctx' ? n.name : '(value)';
    for (;;) {
      if (this.peek('.')) {
        this.i++;
        const t = this.toks[this.i++];
        if (t?.t === 'op' && t.v === '*') {
          path += '.*';
          n = { k: 'member', obj: n, key: '*', path };
        } else if (t && (t.t === 'id' || t.t === 'num')) {
          path += `.${t.v}`;
          n = { k: 'member', obj: n, key: { k: 'lit', v: String(t.v) }, path };
        } else {
          throw new ExpressionError(`expected a property name after "." in: ${this.src}`);
        }
      } else if (this.peek('[')) {
        this.i++;
        if (this.peek('*')) {
          this.i++;
          this.expect(']');
          path += '[*]';
          n = { k: 'member', obj: n, key: '*', path };
        } else {
          const key = this.or();
          this.expect(']');
          path += '[…]';
          n = { k: 'member', obj: n, key, path };
        }
      } else {
        return n;
      }
    }
  }
  private primary(): Node {
    const t = this.toks[this.i++];
    if (!t) throw new ExpressionError(`unexpected end of: ${this.src}`);
    if (t.t === 'num') return { k: 'lit', v: t.v };
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'op' && t.v === '(') {
      const n = this.or();
      this.expect(')');
      return n;
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
      if (t.v === 'null') return { k: 'lit', v: null };
      if (this.peek('(')) {
        this.i++;
        const args: Node[] = [];
        if (!this.peek(')')) {
          args.push(this.or());
          while (this.peek(',')) {
            this.i++;
            args.push(this.or());
          }
        }
        this.expect(')');
        return { k: 'call', name: t.v.toLowerCase(), args };
      }
      return { k: 'ctx', name: t.v };
    }
    throw new ExpressionError(`unexpected "${t.v}" in: ${this.src}`);
  }
}

export function truthy(v: Value): boolean {
  if (v === null || v === false || v === '' || v === 0) return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** GitHub's loose equality. */
export function looseEquals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && (a === null || typeof a !== 'object')) return a === b;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return a === b;
  return toNumber(a) === toNumber(b);
}

/** String conversion as in `${{ }}` interpolation. */
export function toText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

function get(obj: unknown, key: string, path: string): Value {
  if (obj === null || typeof obj !== 'object') return null;
  const rec = obj as Record<string | symbol, unknown>;
  // Context keys are case-insensitive on GitHub; outputs are written with the case used here.
  let found: string | undefined = Object.prototype.hasOwnProperty.call(rec, key) ? key : undefined;
  if (found === undefined && !Array.isArray(obj)) found = Object.keys(rec).find((k) => k.toLowerCase() === key.toLowerCase());
  if (found !== undefined) return (rec[found] ?? null) as Value;
  const strict = rec[STRICT] as ((k: string) => string | undefined) | undefined;
  if (strict) {
    const why = strict(key);
    if (why) throw new UnsetValueError(`\${{ ${path} }} is never set: ${why}`);
  }
  return null;
}

export function evaluate(src: string, ctx: Record<string, unknown>, fns: Functions): Value {
  const node = new Parser(tokenize(src), src).parse();
  const ev = (n: Node): Value => {
    switch (n.k) {
      case 'lit':
        return n.v;
      case 'ctx':
        if (!(n.name in ctx)) throw new ExpressionError(`unknown context "${n.name}" in: ${src}`);
        return (ctx[n.name] ?? null) as Value;
      case 'not':
        return !truthy(ev(n.e));
      case 'member': {
        const obj = ev(n.obj);
        if (n.key === '*') {
          if (obj === null || typeof obj !== 'object') return [];
          return Object.values(obj);
        }
        const key = ev(n.key);
        if (Array.isArray(obj) && !(n.obj.k === 'member' && n.obj.key === '*')) {
          return typeof key === 'number' ? (obj[key] ?? null) : null;
        }
        // After a filter (`a.*.b`) the property applies to every element.
        if (Array.isArray(obj)) return obj.map((o) => get(o, toText(key), n.path));
        return get(obj, toText(key), n.path);
      }
      case 'bin': {
        if (n.op === '&&') {
          const l = ev(n.l);
          return truthy(l) ? ev(n.r) : l;
        }
        if (n.op === '||') {
          const l = ev(n.l);
          return truthy(l) ? l : ev(n.r);
        }
        const l = ev(n.l);
        const r = ev(n.r);
        switch (n.op) {
          case '==':
            return looseEquals(l, r);
          case '!=':
            return !looseEquals(l, r);
          case '<':
            return toNumber(l) < toNumber(r);
          case '<=':
            return toNumber(l) <= toNumber(r);
          case '>':
            return toNumber(l) > toNumber(r);
          default:
            return toNumber(l) >= toNumber(r);
        }
      }
      case 'call':
        return call(n.name, n.args.map(ev), fns, src);
    }
  };
  return ev(node);
}

function call(name: string, args: Value[], fns: Functions, src: string): Value {
  const str = (v: Value) => toText(v);
  switch (name) {
    case 'success':
      return fns.status() === 'success';
    case 'failure':
      return fns.status() === 'failure';
    case 'cancelled':
      return fns.status() === 'cancelled';
    case 'always':
      return true;
    case 'contains': {
      const [hay, needle] = args;
      if (Array.isArray(hay)) return hay.some((x) => looseEquals(x, needle));
      return str(hay).toLowerCase().includes(str(needle).toLowerCase());
    }
    case 'startswith':
      return str(args[0]).toLowerCase().startsWith(str(args[1]).toLowerCase());
    case 'endswith':
      return str(args[0]).toLowerCase().endsWith(str(args[1]).toLowerCase());
    case 'format': {
      const [fmt, ...rest] = args;
      return str(fmt).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i?: string) => {
        if (m === '{{') return '{';
        if (m === '}}') return '}';
        const idx = Number(i);
        if (idx >= rest.length) throw new ExpressionError(`format: no argument {${idx}} in: ${src}`);
        return str(rest[idx]);
      });
    }
    case 'join': {
      const [arr, sep] = args;
      if (!Array.isArray(arr)) return str(arr);
      return arr.map(str).join(sep === undefined ? ',' : str(sep));
    }
    case 'tojson':
      return JSON.stringify(args[0] ?? null, null, 2);
    case 'fromjson':
      try {
        return JSON.parse(str(args[0])) as Value;
      } catch (err) {
        throw new ExpressionError(`fromJSON: ${(err as Error).message} in: ${src}`);
      }
    case 'hashfiles':
      return fns.hashFiles(args.map(str));
    default:
      throw new ExpressionError(`unknown function ${name}() in: ${src}`);
  }
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** Replaces every `${{ expr }}` in a string (a field value or a run script). */
export function interpolate(text: string, ctx: Record<string, unknown>, fns: Functions): string {
  return text.replace(TEMPLATE, (_m, expr: string) => toText(evaluate(expr.trim(), ctx, fns)));
}

/**
 * An `if:` condition: a bare expression, or one wrapped in `${{ }}`. A condition without a status
 * function is implicitly `success() && (…)` (GitHub's docs: "jobs.<job_id>.steps[*].if").
 */
export function condition(text: string | boolean | undefined, ctx: Record<string, unknown>, fns: Functions): boolean {
  if (text === undefined) return fns.status() === 'success';
  if (typeof text === 'boolean') return text && fns.status() === 'success';
  let expr = text.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (wrapped) expr = wrapped[1].trim();
  if (!/\b(success|failure|always|cancelled)\s*\(/i.test(expr)) expr = `success() && (${expr})`;
  return truthy(evaluate(expr, ctx, fns));
}
