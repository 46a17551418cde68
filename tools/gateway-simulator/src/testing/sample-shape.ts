/*
 * How an answer is compared with a document's sample answer (seed 001's 回傳 JSON 結構如下): every field the sample
 * has, with the same JSON type (string, number, array, object, null), recursively; values are the specs' to check.
 */

type Json = unknown;

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The fields of `expected` missing from `actual` or of another JSON type, as `path: expected≠actual`. */
export function shapeDifferences(actual: Json, expected: Json, path = ''): string[] {
  const want = typeOf(expected);
  const got = typeOf(actual);
  if (want !== got) return [`${path || '(answer)'}: ${want}≠${got}`];
  if (want === 'array') {
    const [a, e] = [actual as Json[], expected as Json[]];
    return a.length > 0 && e.length > 0 ? shapeDifferences(a[0], e[0], `${path}[0]`) : [];
  }
  if (want !== 'object') return [];
  const a = actual as Record<string, Json>;
  return Object.entries(expected as Record<string, Json>).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    return key in a ? shapeDifferences(a[key], value, at) : [`${at}: missing`];
  });
}
