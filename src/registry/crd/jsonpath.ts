/**
 * Printer-column JSONPath as kube evaluates it for custom resources: `.spec.replicas` or
 * `.status.conditions[?(@.type=='Ready')].status`, the first result wins, no result is an empty
 * cell. Filters run in jsonpath-plus's safe evaluator (no code execution).
 */
import { JSONPath } from 'jsonpath-plus';

export function firstMatch(path: string, obj: unknown): unknown {
  const expr = path.startsWith('$') ? path : `$${path.startsWith('.') || path.startsWith('[') ? '' : '.'}${path}`;
  try {
    const results = JSONPath({ path: expr, json: obj as object, wrap: true, eval: 'safe' }) as unknown[];
    return results.length === 0 ? undefined : results[0];
  } catch {
    return undefined;
  }
}

/** Whether a column path parses; a CRD with a broken one is refused. */
export function isValidJsonPath(path: string): boolean {
  try {
    JSONPath.toPathArray(path.startsWith('$') ? path : `$${path}`);
    return path.trim() !== '';
  } catch {
    return false;
  }
}
