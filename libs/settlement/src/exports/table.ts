/**
 * What both writers (CSV and XLSX) render, so the two formats cannot drift apart. A cell is text or whole TWD
 * (a safe integer); `''` is an empty cell. Rows arrive in their final order: the writers never sort.
 */
export type Cell = string | number;

export interface Column {
  name: string;
  /** Width of the XLSX column, in characters: fixed per column, since sheets are streamed (no measuring pass). */
  width: number;
}

export interface TableSpec {
  /** File stem (`journal` → `journal.csv`) and sheet name. */
  name: string;
  columns: readonly Column[];
}

/**
 * Orders text as PostgreSQL's `COLLATE "C"` does (UTF-8 bytes), so an order made here agrees with the SQL
 * `ORDER BY … COLLATE "C"` and with itself on every machine (no locale involved).
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
