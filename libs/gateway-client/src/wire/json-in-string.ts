/*
 * Some fields carry JSON inside a JSON string: `serial_numbers: "[\"A00049\",\"A00050\"]"`, the physical
 * `pay_token` list, `invoice_order_detail`. PHP's `\/` escapes are plain JSON and JSON.parse reads them.
 */

/** The string array a JSON-in-string field holds; `""` counts as empty. `undefined` when it is anything else. */
export function parseJsonStringArray(text: string): string[] | undefined {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') return undefined;
    out.push(item);
  }
  return out;
}

/** The parsed JSON of a JSON-in-string field, `null` for `""`, `undefined` when it is not JSON. */
export function parseJsonText(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return { value: null };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
