import { integer } from './csv';
import type { Cell, Column } from './table';
import type { ZipEntry } from './zip';

/**
 * The SpreadsheetML parts of the workbook, written by hand rather than through a spreadsheet library so that
 * nothing puts a clock or an insertion order in the file: no docProps (created/modified dates), inline strings
 * (no shared-string table), numbers as plain integers, fixed column widths. Same rows in, same bytes out.
 * workbook.ts streams the sheets; this module only makes text.
 */
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Excel's rows per sheet; a longer table continues on `name (2)`, `name (3)`… each with the header again. */
export const MAX_SHEET_ROWS = 1_048_576;

/** Cell styles of styles.xml, by index. */
const STYLE_HEADER = 1;
const STYLE_MONEY = 2;

/** The start of a sheet, up to its header row: frozen header, fixed column widths. */
export function sheetStart(columns: readonly Column[]): string {
  const cols = columns
    .map((column, i) => `<col min="${i + 1}" max="${i + 1}" width="${column.width}" customWidth="1"/>`)
    .join('');
  return (
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols === '' ? '' : `<cols>${cols}</cols>`) +
    '<sheetData>' +
    sheetRow(
      1,
      columns.map((column) => column.name),
      STYLE_HEADER,
    )
  );
}

export const SHEET_END = '</sheetData></worksheet>';

/** Names of the first columns, computed once (every cell of millions of rows names its column). */
const COLUMN_NAMES = Array.from({ length: 64 }, (_, i) => columnName(i));

/** One row; `r` is its 1-based number in the sheet. Empty cells are left out. */
export function sheetRow(r: number, cells: readonly Cell[], style?: number): string {
  let body = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === undefined || cell === '') continue;
    const ref = `${COLUMN_NAMES[i] ?? columnName(i)}${r}`;
    if (typeof cell === 'number') {
      body += `<c r="${ref}" s="${style ?? STYLE_MONEY}"><v>${integer(cell)}</v></c>`;
    } else {
      // Inline strings: a typed string cell, never read as a number, date or formula (serials keep their zeros).
      const styled = style === undefined ? '' : ` s="${style}"`;
      const preserve = /^\s|\s$|[\t\n\r]/.test(cell) ? ' xml:space="preserve"' : '';
      body += `<c r="${ref}"${styled} t="inlineStr"><is><t${preserve}>${escapeText(cell)}</t></is></c>`;
    }
  }
  return `<row r="${r}">${body}</row>`;
}

/** The package parts around the sheets (content types, relationships, workbook, styles). */
export function packageParts(sheetNames: readonly string[]): ZipEntry[] {
  const part = (name: string, body: string): ZipEntry => ({
    name,
    data: Buffer.from(XML_HEAD + body, 'utf8'),
  });
  const count = sheetNames.length;
  const each = (make: (i: number) => string): string =>
    Array.from({ length: count }, (_, i) => make(i + 1)).join('');
  return [
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        each(
          (i) =>
            `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
        ) +
        '</Types>',
    ),
    part(
      '_rels/.rels',
      `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
        each(
          (i) =>
            `<sheet name="${escapeText(sheetName(sheetNames[i - 1] ?? ''))}" sheetId="${i}" r:id="rId${i}"/>`,
        ) +
        '</sheets></workbook>',
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="${PKG_REL_NS}">` +
        each(
          (i) => `<Relationship Id="rId${i}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i}.xml"/>`,
        ) +
        `<Relationship Id="rId${count + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
    ),
    part('xl/styles.xml', STYLES),
  ];
}

/** Default font; bold for the header row; `#,##0` (built-in format 3) for money. */
const STYLES =
  `<styleSheet xmlns="${MAIN_NS}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/** `A`, …, `Z`, `AA`, … for a 0-based column. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Sheet names: at most 31 characters, none of `[]:*?/\`. */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
}

const NEEDS_ESCAPE = /[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x/;

/**
 * Cell text, XML-escaped. CR is written as `&#13;`, which every XML parser keeps (a raw CR would be normalised
 * to LF). Characters XML 1.0 cannot carry at all (other control characters, lone surrogates) become OOXML's
 * `_xHHHH_` escapes, which Excel turns back into the character; a literal `_xHHHH_` in the text gets its
 * underscore escaped (`_x005F_`) so it is not decoded by mistake.
 */
export function escapeText(text: string): string {
  // Most cells (dates, ids, accounts) need nothing: one test instead of seven passes over millions of cells.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(
      /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (char) => `_x${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
    )
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\r', '&#13;');
}
