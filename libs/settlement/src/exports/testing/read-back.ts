import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Readers for the specs: a CSV parser (RFC 4180 quoting, LF line ends, as PostgreSQL's COPY writes) and a ZIP/SpreadsheetML reader, written small and independent
 * of the writers so that a writer bug cannot hide behind a matching reader bug.
 */

/** Parses CSV text (BOM already removed) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with LF');
  return rows;
}

/**
 * The entries of a ZIP of stored or deflated entries (inflated by node:zlib, not by the writer's fflate), by name,
 * in archive order; checks each CRC and size and that the local and central headers agree. Reads ZIP64 records and extra fields where the 32-bit fields say 0xFFFFFFFF.
 */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.length - 22;
  if (zip.readUInt32LE(end) !== 0x06054b50) throw new Error('no end of central directory');
  let count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (at === 0xffffffff || count === 0xffff) {
    const locator = end - 20;
    if (zip.readUInt32LE(locator) !== 0x07064b50) throw new Error('no zip64 locator');
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(record) !== 0x06064b50) throw new Error('no zip64 end record');
    count = Number(zip.readBigUInt64LE(record + 32));
    at = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central header');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    let compressed = zip.readUInt32LE(at + 20);
    let size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    let offset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const extra = zip.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    if (size === 0xffffffff || compressed === 0xffffffff || offset === 0xffffffff) {
      if (extra.readUInt16LE(0) !== 1) throw new Error(`${name}: no zip64 extra`);
      // Each value too large for its field, in this order: uncompressed, compressed, offset.
      let field = 4;
      const next = (): number => Number(extra.readBigUInt64LE((field += 8) - 8));
      if (size === 0xffffffff) size = next();
      if (compressed === 0xffffffff) compressed = next();
      if (offset === 0xffffffff) offset = next();
    }
    if (method !== 0 && method !== 8) throw new Error(`${name}: method ${method}`);
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    if (zip.readUInt32LE(offset + 14) !== crc) throw new Error(`${name}: local CRC differs`);
    const localName = zip.readUInt16LE(offset + 26);
    const localExtra = zip.readUInt16LE(offset + 28);
    if (zip.toString('utf8', offset + 30, offset + 30 + localName) !== name)
      throw new Error(`${name}: local name`);
    if (zip.readUInt16LE(offset + 8) !== method) throw new Error(`${name}: local method differs`);
    const start = offset + 30 + localName + localExtra;
    const raw = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (data.length !== size) throw new Error(`${name}: size mismatch`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.set(name, data);
    at += 46 + nameLength + extraLength + comment;
  }
  return entries;
}

export interface Sheet {
  name: string;
  /** Cell values as text (numbers as their digits), empty cells as `''`. */
  rows: string[][];
}

/** The sheets of a workbook written by toXlsx (inline strings and numbers), in workbook order. */
export function readXlsx(xlsx: Buffer): Sheet[] {
  const entries = unzip(xlsx);
  const text = (name: string): string => {
    const data = entries.get(name);
    if (!data) throw new Error(`missing ${name}`);
    return data.toString('utf8');
  };
  const names = [...text('xl/workbook.xml').matchAll(/<sheet name="([^"]*)" sheetId="(\d+)"/g)];
  return names.map(([, name = '', id = '']) => ({
    name: unescape(name),
    rows: [...text(`xl/worksheets/sheet${id}.xml`).matchAll(/<row r="\d+">(.*?)<\/row>/gs)].map(
      ([, cells = '']) => {
        const row: string[] = [];
        for (const [, ref = '', body = ''] of cells.matchAll(/<c r="([A-Z]+)\d+"[^>]*>(.*?)<\/c>/gs)) {
          const column = columnIndex(ref);
          while (row.length < column) row.push('');
          const value = /<v>(.*?)<\/v>/.exec(body)?.[1] ?? /<t[^>]*>(.*?)<\/t>/s.exec(body)?.[1] ?? '';
          row.push(unescape(value));
        }
        return row;
      },
    ),
  }));
}

function columnIndex(letters: string): number {
  let index = 0;
  for (const char of letters) index = index * 26 + (char.charCodeAt(0) - 64);
  return index - 1;
}

function unescape(text: string): string {
  return text
    .replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replaceAll('&#13;', '\r')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');
}
