/**
 * A boolean query parameter as kube-apiserver decodes one (apimachinery's string-slice-to-bool
 * conversion): absent is undefined; `0` and `false` in any letter case are false; anything else,
 * the empty string included, is true. Clients rely on it: the Python client sends `watch=True`.
 */
export function queryFlag(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}
