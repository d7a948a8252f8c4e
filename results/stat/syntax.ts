// The query language shared by -filter and the projection flags (-table,
// -row, -col, -ignore): tokens, the filter expression tree and the list of
// projection fields, with benchstat's error messages and offsets.
import { isSpaceCode } from '../benchfmt/scan.ts';
import { compileGoRegexp, type GoRegexp } from './goregexp.ts';

export class SyntaxError extends Error {
  constructor(
    readonly query: string,
    /** Offset (UTF-16) of the error in the query. */
    readonly off: number,
    readonly msg: string,
  ) {
    super(msg);
  }

  /** "syntax error: MSG", the query, and a caret under the offset. */
  describe(): string {
    let pos = 0;
    let i = 0;
    for (const r of this.query) {
      if (i >= this.off) break;
      if (/[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u.test(r)) pos++;
      i += r.length;
    }
    return `syntax error: ${this.msg}\n\t${this.query}\n\t${' '.repeat(pos)}^`;
  }
}

/** Token kinds: w word, q quoted word, r regexp, A AND, O OR, an operator character, or '' at the end. */
export interface Tok {
  kind: string;
  off: number;
  text: string;
  re?: GoRegexp;
}

const isOp = (c: string) => c === '(' || c === ')' || c === ':' || c === '@' || c === ',';
const isStartOp = (c: string) => isOp(c) || c === '-' || c === '*';

/** Go's strconv.Quote for the texts that appear in messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const r of s) {
    const c = r.codePointAt(0)!;
    if (r === '"' || r === '\\') out += `\\${r}`;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 32 || c === 127) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += r;
  }
  return `${out}"`;
}

/** strconv.Unquote for a double-quoted Go string; undefined when it is not valid. */
function unquote(q: string): string | undefined {
  let out = '';
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i]!;
    if (c === '\n') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = q[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e === undefined) return undefined;
    if (simple[e] !== undefined) {
      out += simple[e];
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const h = q.slice(i + 1, i + 1 + hexLen);
      if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
      const v = parseInt(h, 16);
      if (e === 'x') out += String.fromCharCode(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
        out += String.fromCodePoint(v);
      }
      i += hexLen;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = q.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) return undefined;
      const v = parseInt(o, 8);
      if (v > 255) return undefined;
      out += String.fromCharCode(v);
      i += 2;
      continue;
    }
    return undefined;
  }
  return out;
}

/** The tokenizer; every position-taking method first skips spaces, like benchstat's. */
export class Tokens {
  constructor(readonly q: string) {}

  fail(off: number, msg: string): never {
    throw new SyntaxError(this.q, off, msg);
  }

  /** Position of the next token (spaces skipped). */
  skip(pos: number): number {
    const q = this.q;
    while (pos < q.length && !isStartOp(q[pos]!)) {
      const c = q.codePointAt(pos)!;
      if (c === 32 || (c < 0x10000 && isSpaceCode(c))) pos++;
      else break;
    }
    return pos;
  }

  /** The token at pos and the position after it. */
  next(pos: number, allowRegexp: boolean): [Tok, number] {
    const q = this.q;
    pos = this.skip(pos);
    if (pos >= q.length) return [{ kind: '', off: q.length, text: '' }, q.length];
    const c = q[pos]!;
    if (isStartOp(c)) return [{ kind: c, off: pos, text: c }, pos + 1];
    if (allowRegexp && c === '/') return this.regexp(pos);
    if (c === '"') {
      let p = pos + 1;
      while (p < q.length && (q[p] !== '"' || q[p - 1] === '\\')) p++;
      if (p === q.length) this.fail(pos, 'missing end quote');
      const word = unquote(q.slice(pos, p + 1));
      if (word === undefined) this.fail(pos, 'bad escape sequence');
      return [{ kind: 'q', off: pos, text: word }, p + 1];
    }
    let end = pos;
    while (end < q.length) {
      const r = q.codePointAt(end)!;
      if ((r < 0x10000 && isSpaceCode(r)) || isOp(q[end]!)) break;
      end += r > 0xffff ? 2 : 1;
    }
    const word = q.slice(pos, end);
    const kind = word === 'AND' ? 'A' : word === 'OR' ? 'O' : 'w';
    return [{ kind, off: pos, text: word }, end];
  }

  private regexp(pos: number): [Tok, number] {
    const q = this.q;
    const str = q.slice(pos + 1);
    let cs = 0;
    let cp = 0;
    let close = -1;
    for (let i = 0; i < str.length; ) {
      if (cs === 0 && cp === 0 && str[i] === '/') {
        close = i;
        break;
      }
      switch (str[i]) {
        case '[':
          cs++;
          break;
        case ']':
          if (--cs < 0) cs = 0;
          break;
        case '(':
          if (cs === 0) cp++;
          break;
        case ')':
          if (cs === 0) cp--;
          break;
        case '\\':
          i++;
          break;
      }
      i++;
    }
    if (close < 0) this.fail(pos, 'missing close "/"');
    const expr = str.slice(0, close);
    let re: GoRegexp;
    try {
      re = compileGoRegexp(expr);
    } catch (e) {
      return this.fail(pos, (e as Error).message);
    }
    const after = pos + 1 + close + 1;
    if (after < q.length) {
      const c = q.codePointAt(after)!;
      if (!((c < 0x10000 && isSpaceCode(c)) || isStartOp(q[after]!))) {
        this.fail(after, 'regexp must be followed by space or an operator (unescaped "/"?)');
      }
    }
    return [{ kind: 'r', off: pos, text: expr, re }, after];
  }

  /** Fails unless only spaces remain from pos. */
  end(pos: number): void {
    const [t] = this.next(pos, false);
    if (t.kind !== '') this.fail(t.off, `unexpected ${goQuote(t.text)}`);
  }
}

export type FilterNode =
  | { op: 'and' | 'or' | 'not'; exprs: FilterNode[] }
  | { op: 'match'; key: string; off: number; value?: string; re?: GoRegexp };

/** Parses a -filter query; throws SyntaxError. */
export function parseFilterQuery(q: string): FilterNode {
  const t = new Tokens(q);
  const expr = (pos: number): [FilterNode, number] => {
    const terms: FilterNode[] = [];
    for (;;) {
      const [a, p] = andExpr(pos);
      terms.push(a);
      pos = p;
      const [op, p2] = t.next(pos, false);
      if (op.kind !== 'O') break;
      pos = p2;
    }
    return [terms.length === 1 ? terms[0]! : { op: 'or', exprs: terms }, pos];
  };
  const andExpr = (pos: number): [FilterNode, number] => {
    const [first, p0] = match(pos);
    pos = p0;
    const terms = [first];
    for (;;) {
      const [op, p2] = t.next(pos, false);
      if (op.kind === 'A') {
        pos = p2;
        continue;
      }
      if (op.kind === '(' || op.kind === '-' || op.kind === '*' || op.kind === 'w' || op.kind === 'q') {
        const [m, p3] = match(pos);
        terms.push(m);
        pos = p3;
        continue;
      }
      if (op.kind === ')' || op.kind === 'O' || op.kind === '') break;
      t.fail(op.off, `unexpected ${goQuote(op.text)}`);
    }
    return [terms.length === 1 ? terms[0]! : { op: 'and', exprs: terms }, pos];
  };
  const mk = (key: string, off: number, val: Tok): FilterNode =>
    val.kind === 'r' ? { op: 'match', key, off, re: val.re! } : { op: 'match', key, off, value: val.text };
  const match = (pos: number): [FilterNode, number] => {
    const start = t.skip(pos);
    const [tok, rest] = t.next(pos, false);
    switch (tok.kind) {
      case '(': {
        const [e, p] = expr(rest);
        const [close, p2] = t.next(p, false);
        if (close.kind !== ')') t.fail(close.off, 'missing ")"');
        return [e, p2];
      }
      case '-': {
        const [e, p] = match(rest);
        return [{ op: 'not', exprs: [e] }, p];
      }
      case '*':
        return [{ op: 'and', exprs: [] }, rest];
      case 'w':
      case 'q': {
        const [colon, p1] = t.next(rest, false);
        if (colon.kind !== ':') t.fail(start, 'expected key:value');
        const [val, p2] = t.next(p1, true);
        if (val.kind === 'w' || val.kind === 'q' || val.kind === 'r') return [mk(tok.text, tok.off, val), p2];
        if (val.kind !== '(') t.fail(start, 'expected key:value');
        const terms: FilterNode[] = [];
        let p = p2;
        for (;;) {
          const [v, p3] = t.next(p, true);
          if (!(v.kind === 'w' || v.kind === 'q' || v.kind === 'r')) t.fail(v.off, 'expected value');
          terms.push(mk(tok.text, tok.off, v));
          p = p3;
          const [sep, p4] = t.next(p, true);
          if (sep.kind === ')') return [{ op: 'or', exprs: terms }, p4];
          if (sep.kind !== 'O') t.fail(sep.off, 'value list must be separated by OR');
          p = p4;
        }
      }
    }
    return t.fail(start, 'expected key:value or subexpression');
  };
  const [e, p] = expr(0);
  t.end(p);
  return e;
}

export interface ProjField {
  key: string;
  /** "first", "fixed", or a named order. */
  order: string;
  fixed: string[];
  keyOff: number;
  orderOff: number;
}

/** Parses a projection list such as ".name,/size@num goos"; throws SyntaxError. */
export function parseProjectionQuery(q: string): ProjField[] {
  const t = new Tokens(q);
  const fields: ProjField[] = [];
  let pos = 0;
  for (;;) {
    const [tok, p] = t.next(pos, false);
    if (tok.kind === '') break;
    if (tok.kind === ',' && fields.length > 0) pos = p;
    const [key, p1] = t.next(pos, false);
    if (key.kind !== 'w' && key.kind !== 'q') t.fail(key.off, 'expected key');
    const f: ProjField = { key: key.text, order: 'first', fixed: [], keyOff: key.off, orderOff: key.off + key.text.length };
    pos = p1;
    const [sep, p2] = t.next(pos, false);
    if (sep.kind === '@') {
      pos = p2;
      const [order, p3] = t.next(pos, false);
      f.orderOff = order.off;
      if (order.kind === 'w' || order.kind === 'q') {
        f.order = order.text;
        pos = p3;
      } else if (order.kind === '(') {
        f.order = 'fixed';
        pos = p3;
        for (;;) {
          const [w, p4] = t.next(pos, false);
          if (w.kind === 'w' || w.kind === 'q') {
            f.fixed.push(w.text);
            pos = p4;
          } else if (w.kind === ')') {
            if (f.fixed.length === 0) t.fail(w.off, 'nothing to match');
            pos = p4;
            break;
          } else t.fail(w.off, 'missing )');
        }
      } else t.fail(order.off, 'expected named sort order or parenthesized list');
    }
    fields.push(f);
  }
  t.end(pos);
  return fields;
}
