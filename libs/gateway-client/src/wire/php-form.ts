/*
 * PHP's form encoding, both ways: the one module for it. The gateway is PHP: its sample client posts
 * `http_build_query($fields)`, it most plausibly posts its reports the same way, and partners written for it read
 * our reports from `$_POST`. Nested values are bracketed keys (`items[0][sharing][sales]=0.1`).
 *
 * PHP's semantics, which every writer here follows: `null` is left out, `true`/`false` are `1`/`0`, numbers are
 * their decimal text, and names and values are urlencode()d (space as `+`, everything but `[A-Za-z0-9_.-]`
 * percent-encoded, brackets included). The reader rebuilds the nesting as PHP's own parser does, so a form and a
 * JSON body of the same report decode to the same object (values as strings).
 */

type Node = Record<string, unknown>;

/**
 * The deepest bracket nesting a key may have (reports nest 3 deep; PHP's own max_input_nesting_level is 64).
 * Bounding it bounds the recursion below, so no key nested thousands deep can overflow the stack.
 */
export const MAX_FORM_DEPTH = 32;

/** A key nested deeper than {@link MAX_FORM_DEPTH}: the body is refused, not read in part. */
export class FormNestingError extends Error {
  constructor() {
    super(`A form key nests deeper than ${MAX_FORM_DEPTH} levels.`);
    this.name = 'FormNestingError';
  }
}

/** Keys that would reach Object.prototype through a nested assignment. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** `items[0][id]` → `['items', '0', 'id']`; `tags[]` → `['tags', '']`. `undefined` for a malformed key. */
function splitKey(key: string): string[] | undefined {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(rest)) !== null) {
    parts.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  // PHP keeps a malformed key (`a[b`) as a flat name; so do we.
  return consumed === rest.length ? parts : [key];
}

/** Turns objects whose keys are 0..n-1 into arrays, recursively (at most MAX_FORM_DEPTH deep). */
function arrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Node;
  const keys = Object.keys(node);
  const dense = keys.length > 0 && keys.every((k, i) => k === String(i));
  if (dense) return keys.map((k) => arrays(node[k]));
  for (const k of keys) node[k] = arrays(node[k]);
  return node;
}

/** Reads a form body; throws FormNestingError for a key nested past MAX_FORM_DEPTH. */
export function parseFormBody(body: string): Record<string, unknown> {
  const root: Node = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = splitKey(key);
    if (parts === undefined || parts.some((p) => FORBIDDEN.has(p))) continue;
    if (parts.length > MAX_FORM_DEPTH) throw new FormNestingError();
    let node = root;
    parts.forEach((part, i) => {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (i === parts.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next !== 'object' || next === null) node[name] = {};
      node = node[name] as Node;
    });
  }
  return arrays(root) as Record<string, unknown>;
}

/** PHP's urlencode(): encodeURIComponent, and also `!'()*~` percent-encoded, space as `+`. */
export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined; // null, undefined (and functions, symbols): left out, as PHP leaves out null
}

function pairsOf(value: unknown, name: string, out: string[]): void {
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, entry] of Object.entries(value))
      pairsOf(entry, name === '' ? key : `${name}[${key}]`, out);
    return;
  }
  const text = scalarText(value);
  if (text !== undefined) out.push(`${phpUrlencode(name)}=${phpUrlencode(text)}`);
}

/** The body `http_build_query($fields)` writes for a PHP array shaped like `fields`. */
export function httpBuildQuery(fields: Readonly<Record<string, unknown>>): string {
  const out: string[] = [];
  pairsOf(fields, '', out);
  return out.join('&');
}
