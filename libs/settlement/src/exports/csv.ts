import type { Cell, TableSpec } from './table';

/** The UTF-8 byte order mark: without it Excel reads a CSV as the local ANSI code page and garbles Chinese. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * One CSV record per RFC 4180, CRLF included: a field is quoted when it holds a quote, a comma, CR or LF, with
 * quotes doubled inside. Numbers are written as plain integers (no grouping, no exponent), so the bytes depend
 * on the values only. A file is the BOM, the header record, then the rows.
 */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(field).join(',')}\r\n`;
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
 * Excel evaluates a CSV field that starts with `=`, `+`, `-` or `@` as a formula, so a partner's product name
 * could run one on a finance desktop (CSV injection). Text starting so is prefixed with `'`, which Excel shows as
 * text; numbers are numbers and untouched. The XLSX holds typed strings and needs no such guard.
 */
function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
