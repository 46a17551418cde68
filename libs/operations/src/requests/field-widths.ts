/**
 * Request fields kept in a column of ours or used as a lookup key, with that column's width (characters, as
 * PostgreSQL's varchar counts them). A longer value can name nothing we hold, so it is refused as bad input
 * naming the field before it reaches a query, a cache or an INSERT (which would fail after the fact).
 */
export const PARTNER_UID_WIDTH = 32; // partners.partner_uid
const POINT_REF_WIDTH = 64; // partner_points.point_ref
const ITEM_NAME_WIDTH = 200; // vouchers.item_name, redemption_lines.item_name

const TOP_LEVEL: Readonly<Record<string, number>> = {
  store_uid: PARTNER_UID_WIDTH,
  reimbursement_store_uid: PARTNER_UID_WIDTH,
  issuance_uid: PARTNER_UID_WIDTH,
  reimbursement_dealer_no: POINT_REF_WIDTH,
};
const PER_ENTRY: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  items: { name: ITEM_NAME_WIDTH },
  declarations: { name: ITEM_NAME_WIDTH },
};

/** The first field (wire notation) longer than its column, with the width; `undefined` when all fit. */
export function tooWideField(wire: unknown): { field: string; width: number } | undefined {
  if (wire === null || typeof wire !== 'object' || Array.isArray(wire)) return undefined;
  const record = wire as Record<string, unknown>;
  for (const [field, width] of Object.entries(TOP_LEVEL)) {
    if (wider(record[field], width)) return { field, width };
  }
  for (const [list, fields] of Object.entries(PER_ENTRY)) {
    const entries = record[list];
    if (!Array.isArray(entries)) continue;
    for (const [index, entry] of entries.entries()) {
      if (entry === null || typeof entry !== 'object') continue;
      for (const [field, width] of Object.entries(fields)) {
        if (wider((entry as Record<string, unknown>)[field], width))
          return { field: `${list}[${index}].${field}`, width };
      }
    }
  }
  return undefined;
}

/** Whether `value` is text of more than `width` characters (code points, as PostgreSQL counts them). */
export function wider(value: unknown, width: number): boolean {
  if (typeof value !== 'string') return false;
  // Cheap bounds first: UTF-16 units are at least the code points and at most twice as many.
  if (value.length <= width) return false;
  if (value.length > 2 * width) return true;
  return [...value].length > width;
}

/**
 * The most entries any list of a request may hold, as read by its schema (`items`, a purchase item's serials, an
 * offline pay token's serials): the same bound as a purchase's vouchers. Statements bind lists as one array
 * parameter or as one parameter per entry; at this bound the latter stays far within PostgreSQL's 65,535, whatever
 * `BODY_LIMIT_BYTES` admits.
 */
export const MAX_LIST_ENTRIES = 10_000;

/** The first list (wire notation) longer than `max`; iterative (the value is already depth-checked). */
export function tooLongList(value: unknown, max = MAX_LIST_ENTRIES): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: node, path } = next;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      if (node.length > max) return path;
      node.forEach((entry, i) => pending.push({ value: entry, path: `${path}[${i}]` }));
      continue;
    }
    for (const [key, entry] of Object.entries(node as Record<string, unknown>))
      pending.push({ value: entry, path: path === '' ? key : `${path}.${key}` });
  }
  return undefined;
}
