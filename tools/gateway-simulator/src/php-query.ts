/*
 * PHP's http_build_query, which the PHP sample client uses for its request body and which a PHP gateway most
 * plausibly uses for its background reports: nested arrays become `items[0][sharing][sales]=0.1`, `null` is
 * left out, `true`/`false` become `1`/`0`, and values are urlencode()d (space as `+`, everything but
 * `[A-Za-z0-9_.-]` percent-encoded, brackets included).
 */

export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function pairs(value: unknown, prefix: string, out: [string, string][]): void {
  if (Array.isArray(value)) {
    value.forEach((entry, i) => pairs(entry, `${prefix}[${i}]`, out));
    return;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, entry] of Object.entries(value)) pairs(entry, `${prefix}[${key}]`, out);
    return;
  }
  const text = value instanceof Date ? value.toISOString() : scalar(value);
  if (text !== undefined) out.push([prefix, text]);
}

/** The body `http_build_query($fields)` produces for a PHP array shaped like `fields`. */
export function httpBuildQuery(fields: Readonly<Record<string, unknown>>): string {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value) || (typeof value === 'object' && value !== null)) pairs(value, key, out);
    else {
      const text = scalar(value);
      if (text !== undefined) out.push([key, text]);
    }
  }
  return out.map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(v)}`).join('&');
}

/**
 * Reads a PHP-style form body back into nested values (`a[0][b]=1` → `{ a: [{ b: '1' }] }`): what `$_POST`
 * gives a PHP receiver. Numeric keys make arrays when they run 0..n-1, objects otherwise. Used by the specs and by
 * anyone who wants to read the simulator's reports as a PHP merchant would.
 */
export function parsePhpQuery(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    const head = match?.[1] ?? rawKey;
    const path = [...(match?.[2] ?? '').matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
    let node: Record<string, unknown> = root;
    let key = head;
    for (const part of path) {
      const next = node[key];
      const child: Record<string, unknown> =
        typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
      node[key] = child;
      node = child;
      key = part === '' ? String(Object.keys(child).length) : part;
    }
    node[key] = value;
  }
  return arraysFromIndexes(root) as Record<string, unknown>;
}

function arraysFromIndexes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const converted = Object.fromEntries(keys.map((k) => [k, arraysFromIndexes(record[k])]));
  const isList = keys.length > 0 && keys.every((k, i) => k === String(i));
  return isList ? keys.map((k) => converted[k]) : converted;
}
