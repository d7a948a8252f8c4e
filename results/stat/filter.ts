// benchstat's -filter language: key:value, key:(a OR b), /regexp/, AND/OR,
// "-" negation, parentheses, "*".

/** What a filter term can look at for one result. */
export interface FilterSubject {
  get(key: string): string;
}

/** Result of a match: whole result, or (for .unit terms) a mask of the units kept. */
export type Pred = (s: FilterSubject, unit: string, origUnit: string) => boolean;

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

type Tok = { kind: 'word' | 'quoted' | 'regexp' | 'op'; text: string; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if ('()-*:,@'.includes(c)) {
      out.push({ kind: 'op', text: c, pos: i });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new FilterSyntaxError(`missing end quote`, i);
      out.push({ kind: 'quoted', text: s, pos: i });
      i = j + 1;
    } else if (c === '/' && out.length > 0 && out[out.length - 1]!.text === ':') {
      const j = src.indexOf('/', i + 1);
      if (j < 0) throw new FilterSyntaxError(`missing close "/"`, i);
      out.push({ kind: 'regexp', text: src.slice(i + 1, j), pos: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !' \t\n():@,'.includes(src[j]!)) j++;
      out.push({ kind: 'word', text: src.slice(i, j), pos: i });
      i = j;
    }
  }
  return out;
}

export function parseFilter(src: string): Pred {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const fail = (msg: string): never => {
    throw new FilterSyntaxError(msg, toks[p]?.pos ?? src.length);
  };
  const value = (): ((v: string) => boolean) => {
    const t = toks[p] ?? fail('expected value');
    p++;
    if (t.kind === 'regexp') {
      let re: RegExp;
      try {
        re = new RegExp(t.text);
      } catch {
        return fail(`bad regexp /${t.text}/`);
      }
      return (v) => re.test(v);
    }
    if (t.kind === 'word' || t.kind === 'quoted') return (v) => v === t.text;
    p--;
    return fail('expected value');
  };
  const match = (): Pred => {
    const t = peek() ?? fail('expected key:value');
    if (t.kind === 'op' && t.text === ':') fail('expected key:value');
    if (t.kind === 'op' && t.text === '(') {
      p++;
      const e = expr();
      if (peek()?.text !== ')') fail('missing ")"');
      p++;
      return e;
    }
    if (t.kind === 'op' && t.text === '-') {
      p++;
      const m = match();
      return (s, u, o) => !m(s, u, o);
    }
    if (t.kind === 'op' && t.text === '*') {
      p++;
      return () => true;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted') fail('expected key:value');
    p++;
    const key = t.text;
    if (peek()?.text !== ':') {
      p--;
      fail('expected key:value');
    }
    p++;
    let test: (v: string) => boolean;
    if (peek()?.kind === 'op' && peek()!.text === '(') {
      p++;
      const alts = [value()];
      while (peek()?.kind === 'word' && peek()!.text === 'OR') {
        p++;
        alts.push(value());
      }
      if (peek()?.text !== ')') fail('missing ")"');
      p++;
      test = (v) => alts.some((a) => a(v));
    } else test = value();
    if (key === '.unit') return (_s, u, o) => test(u) || test(o);
    return (s) => test(s.get(key));
  };
  const andExpr = (): Pred => {
    const parts = [match()];
    for (;;) {
      const t = peek();
      if (!t || t.text === ')' || (t.kind === 'word' && t.text === 'OR')) break;
      if (t.kind === 'word' && t.text === 'AND') p++;
      parts.push(match());
    }
    return (s, u, o) => parts.every((m) => m(s, u, o));
  };
  const expr = (): Pred => {
    const parts = [andExpr()];
    while (peek()?.kind === 'word' && peek()!.text === 'OR') {
      p++;
      parts.push(andExpr());
    }
    return (s, u, o) => parts.some((m) => m(s, u, o));
  };
  const e = expr();
  if (p < toks.length) fail('unexpected token');
  return e;
}
