import type { Cell, TableSpec } from './table';

/** The UTF-8 byte order mark: without it Excel reads a CSV as the local ANSI code page and garbles Chinese. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * One CSV record as PostgreSQL's `COPY … (FORMAT csv)` writes it, so a table written here and one written by the
 * server (the large tables, `copy-out.ts`) are one format: a field is quoted when it holds a quote, a comma, CR
 * or LF, with quotes doubled inside; an empty cell is an empty field (the server's NULL: `sqlText` makes empty
 * text NULL); each record ends with LF (the server's line end on the wire, on every platform). Numbers are
 * plain integers (no grouping, no exponent), so the bytes depend on the values only. A file is the BOM, the
 * header record, then the rows.
 */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(field).join(',')}\n`;
}

export function csvHeader(spec: TableSpec): string {
  return csvLine(spec.columns.map((column) => column.name));
}

/** A whole (small) table as CSV bytes: BOM, header, rows. */
export function toCsv(spec: TableSpec, rows: ReadonlyArray<readonly Cell[]>): Buffer {
  return Buffer.concat([UTF8_BOM, Buffer.from(csvHeader(spec) + rows.map(csvLine).join(''), 'utf8')]);
}

function field(cell: Cell): string {
  if (typeof cell === 'number') return integer(cell);
  const text = neutraliseFormula(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function integer(value: number): string {
  // Money is whole TWD: anything else reaching a writer is a bug upstream, not something to round here.
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value === 0 ? 0 : value);
}

/**
 * Excel evaluates a CSV field that starts with `=`, `+`, `-` or `@` (or a tab or CR before one) as a formula, so
 * a partner's product name could run one on a finance desktop (CSV injection). Text starting so is prefixed
 * with `'`, which Excel shows as text; numbers are numbers and untouched. The XLSX holds typed strings and
 * needs no such guard.
 */
const FORMULA_LEADS = ['=', '+', '-', '@', '\t', '\r'] as const;

function neutraliseFormula(text: string): string {
  return (FORMULA_LEADS as readonly string[]).includes(text.charAt(0)) ? `'${text}` : text;
}

/**
 * The same text cell in SQL, for a table the server writes by COPY: the formula guard above (by the first
 * character's code: no string is built to test it), and empty text as NULL (COPY quotes an empty string as `""`
 * but writes NULL as an empty field, which is what `csvLine` writes for `''`). `expr` is a column or a simple
 * expression of type text; it is repeated, so keep it cheap.
 */
export function sqlText(expr: string): string {
  const leads = FORMULA_LEADS.map((lead) => lead.charCodeAt(0)).join(', ');
  return `CASE WHEN ascii(${expr}) IN (${leads}) THEN '''' || ${expr} ELSE NULLIF(${expr}, '') END`;
}
