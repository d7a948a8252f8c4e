/**
 * Where in a spec a host selection went wrong: `file:line:col` of the first
 * named host or tag at fault inside `hosts:`, else of `hosts:` itself. The
 * inventory is only known when a run starts, so this runs after the spec
 * was validated, from its file; any trouble reading it gives just the path.
 */
import { isCollection, isScalar, visit, type Node } from 'yaml';
import { parseYaml, readYamlFile } from './validate.ts';

export function hostsPlace(specPath: string, terms: readonly string[]): string {
  try {
    const parsed = parseYaml(readYamlFile(specPath, 'spec'), specPath);
    const contents = parsed.doc.contents;
    const hosts = isCollection(contents) ? (contents.get('hosts', true) as Node | undefined) : undefined;
    if (!hosts) return specPath;
    let offset = hosts.range?.[0] ?? 0;
    const wanted = new Set(terms);
    const check = (n: unknown) => {
      if (isScalar(n) && typeof n.value === 'string' && wanted.has(n.value) && n.range) {
        offset = n.range[0];
        return true;
      }
      return false;
    };
    if (!check(hosts) && isCollection(hosts)) {
      visit(hosts, {
        Scalar(key, node) {
          // Keys (all/any/not) are not host or tag names.
          if (key !== 'key' && check(node)) return visit.BREAK;
          return undefined;
        },
      });
    }
    const pos = parsed.lines.linePos(offset);
    return `${specPath}:${pos.line}:${pos.col}`;
  } catch {
    return specPath;
  }
}
