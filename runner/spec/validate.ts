/**
 * Schema validation of YAML documents with errors that point at the place:
 * `file:line:col: key.path: what is wrong (what is allowed)`. Used for specs
 * and the host inventory alike.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync, statSync } from 'node:fs';
import { compileSchemaCached } from './compiled-schema.ts';
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

export interface Problem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export class ValidationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ValidationError';
  }
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
  value: unknown;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${clip(e.message.split('\n')[0]!)}` };
  });
  if (problems.length > 0) throw new ValidationError(problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml package refuses aliases that expand without bound ("billion laughs").
    if (!(e instanceof ReferenceError)) throw e;
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lines.linePos(offset);
    throw new ValidationError([
      { file, line: pos.line, col: pos.col, path: '', message: `YAML: aliases expand too far (more than ${MAX_ALIAS_COUNT} copies); write the values out or use fewer aliases` },
    ]);
  }
  return { doc, lines, file, value };
}

/** Aliases may repeat a node this many times in all; beyond is an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Specs and inventories are small; a bigger file is a mistake (or an attack) and is not read. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;

/**
 * Read a spec or inventory file: a directory, a file too big or one that
 * cannot be read is a positioned problem (1:1) naming the fix.
 */
export function readYamlFile(path: string, what: string): string {
  const fail = (message: string): never => {
    throw new ValidationError([{ file: path, line: 1, col: 1, path: '', message }]);
  };
  try {
    const st = statSync(path);
    if (st.isDirectory()) fail(`is a directory; give the path of the ${what} file (YAML)`);
    if (st.size > MAX_YAML_FILE_BYTES) fail(`the file is ${(st.size / 1024 / 1024).toFixed(1)} MiB; a ${what} file may be at most 1 MiB`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    return fail(`cannot read ${what}: ${(e as Error).message}`);
  }
}

export function compileSchema(schema: object): ValidateFunction {
  return compileSchemaCached(schema);
}

/** Validate and turn ajv's errors into positioned problems, one per real problem. */
export function schemaProblems(validate: ValidateFunction, parsed: ParsedYaml): Problem[] {
  if (validate(parsed.value)) return [];
  const errors = validate.errors ?? [];
  // A failed oneOf reports every branch's complaint; keep one message for it.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath.replace(/\/oneOf$/, '/oneOf/'));
  // A bad key name is reported once, by propertyNames, not also by its inner pattern.
  const kept = errors.filter(
    (e) =>
      (e.keyword === 'oneOf' || !oneOfPaths.some((p) => e.schemaPath.startsWith(p))) &&
      !e.schemaPath.includes('/propertyNames/'),
  );
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const p = toProblem(e, parsed);
    const key = formatProblem(p);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function pathSegments(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function displayPath(segs: readonly (string | number)[]): string {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** Position of the value at segs, or of the key `key` inside it. */
export function locate(parsed: ParsedYaml, segs: readonly (string | number)[], key?: string): { line: number; col: number } {
  let node: unknown = parsed.doc.contents;
  let offset = 0;
  const rangeOf = (n: unknown) => (n as Node | null)?.range?.[0];
  offset = rangeOf(node) ?? 0;
  for (const s of segs) {
    const next = (node as { get?: (k: unknown, keepScalar: boolean) => unknown } | null)?.get?.(s, true);
    if (next === undefined) break;
    node = next;
    offset = rangeOf(node) ?? offset;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
    if (pair && isPair(pair) && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
  }
  const pos = parsed.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function describe(e: ErrorObject): string | undefined {
  const ps = e.parentSchema as { description?: string } | undefined;
  return ps?.description;
}

function toProblem(e: ErrorObject, parsed: ParsedYaml): Problem {
  const segs = pathSegments(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const hint = describe(e);
  let message: string;
  let at = locate(parsed, segs);
  let path = displayPath(segs);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {}).filter((k) => k !== '$schema');
      const near = closest(key, allowed);
      at = locate(parsed, segs, key);
      path = displayPath([...segs, key]);
      message = `unknown key${near ? ` (did you mean "${near}"?)` : ''}; allowed keys: ${allowed.join(', ')}`;
      break;
    }
    case 'required':
      message = `missing required key "${String(params.missingProperty)}"`;
      break;
    case 'type':
      message = `must be ${article(String(params.type))}, got ${typeName(e.data)}${hint ? ` (${hint})` : ''}`;
      break;
    case 'enum':
      message = `must be one of: ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${shown(e.data)}`;
      break;
    case 'pattern':
      message = `${shown(e.data)} is not allowed${hint ? ` (expected: ${hint})` : ` (must match ${String(params.pattern)})`}`;
      break;
    case 'oneOf':
      message = `${shown(e.data)} is not allowed${hint ? ` (expected: ${hint})` : ''}`;
      break;
    case 'propertyNames': {
      const key = String(params.propertyName);
      at = locate(parsed, segs, key);
      path = displayPath([...segs, key]);
      message = `invalid key name "${key}" (expected letters, digits and _, not starting with a digit)`;
      break;
    }
    default:
      message = `${e.message ?? 'is invalid'}${hint ? ` (${hint})` : ''}`;
  }
  return { file: parsed.file, line: at.line, col: at.col, path, message };
}

/** A value quoted for a message, cut short when long (a value may be megabytes). */
function shown(v: unknown): string {
  return clip(JSON.stringify(v) ?? String(v));
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 60)}… (${s.length} characters)` : s;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${shown(v)}`;
}

/** The allowed word nearest to a typo, if it is near enough to be a typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
