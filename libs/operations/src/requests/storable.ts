/**
 * The deepest nesting any request or report may have (ours are 4 deep at most). Checked iteratively before
 * anything recursive (zod, canonical hashing, JSON.stringify) walks a body, so no input overflows the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** The field where `value` nests deeper than `maxDepth`, or `undefined`; iterative, text not looked at. */
export function tooDeepField(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  return unstorableField(value, maxDepth, { text: false })?.field;
}

/**
 * Where a JSON value holds something PostgreSQL cannot store in `text` or `jsonb`: the NUL character and lone
 * UTF-16 surrogates (halves of a character: JSON.parse accepts `"\ud800"`, PostgreSQL refuses it), in keys or
 * in strings; or nesting deeper than `maxDepth` (jsonb and our recursive canonical hashing have limits far
 * below what a 1 MB body can nest). Partner requests and gateway reports are stored as they came, so such a
 * value must be refused as bad input naming the field, not fail later as a database error (a `400` system
 * error, or a 500 on the report endpoint). Iterative, so that the check itself cannot overflow the stack.
 */
export function unstorableField(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  checks: { text: boolean } = { text: true },
): { field: string; reason: 'text' | 'depth' } | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: node, path, depth } = next;
    if (typeof node === 'string') {
      if (checks.text && !storableText(node)) return { field: path, reason: 'text' };
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return { field: path, reason: 'depth' };
    if (Array.isArray(node)) {
      node.forEach((entry, i) => pending.push({ value: entry, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, entry] of Object.entries(node as Record<string, unknown>)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (checks.text && !storableText(key)) return { field, reason: 'text' };
      pending.push({ value: entry, path: field, depth: depth + 1 });
    }
  }
  return undefined;
}

const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function storableText(text: string): boolean {
  return !NUL.test(text) && !LONE_SURROGATE.test(text);
}
