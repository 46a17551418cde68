import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toCsv } from './csv';
import { OutputFile } from './output-file';
import type { Cell, TableSpec } from './table';
import { parseCsv, readXlsx, unzip } from './testing/read-back';
import { WorkbookWriter } from './workbook';
import { columnName, escapeText, sheetRow } from './xlsx';
import { writeZip } from './zip';

const ledger: TableSpec = {
  name: 'ledger-sales',
  columns: [
    { name: 'party', width: 20 },
    { name: 'product', width: 30 },
    { name: 'amount', width: 12 },
  ],
};
const rows: Cell[][] = [
  ['store:S1', '電影票 "豪華", 雙人 <VIP> & co', 1200],
  ['store:S2', '套票\r\n第二行\u0007', -5],
  ['', '', 0],
  [' padded ', '_x0041_', 7],
];

describe('the workbook', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tixclear-xlsx-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function workbook(tables: Array<[TableSpec, Cell[][]]>, maxSheetRows?: number): Promise<Buffer> {
    const writer = new WorkbookWriter((n) => path.join(dir, `sheet${n}.tmp`), maxSheetRows);
    for (const [spec, cells] of tables) {
      await writer.beginTable(spec);
      await writer.addRows(cells);
      await writer.endTable();
    }
    const target = path.join(dir, `${tables.length}-${maxSheetRows ?? 0}-${Math.random()}.xlsx`);
    const out = await OutputFile.create(target);
    await writer.finish(out);
    await out.close();
    return readFile(target);
  }

  it('is byte-identical for the same rows (no clock anywhere in the file), and leaves no scratch file', async () => {
    const first = await workbook([[ledger, rows]]);
    const second = await workbook([[ledger, structuredClone(rows)]]);
    expect(first.equals(second)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('is a ZIP of the SpreadsheetML parts, stored, every entry dated 1980-01-01 00:00', async () => {
    const xlsx = await workbook([[ledger, rows]]);
    expect([...unzip(xlsx).keys()]).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    expect([xlsx.readUInt16LE(10), xlsx.readUInt16LE(12)]).toEqual([0, 0x21]);
    expect(xlsx.toString('latin1')).not.toMatch(/dcterms|\d{4}-\d{2}-\d{2}T\d{2}/);
  });

  it('holds the same values as the CSV: strings as strings, money as numbers', async () => {
    const [sheet] = readXlsx(await workbook([[ledger, rows]]));
    expect(sheet?.name).toBe('ledger-sales');
    const csv = parseCsv(toCsv(ledger, rows).subarray(3).toString('utf8'));
    expect(sheet?.rows.map((row) => [...row, ...Array<string>(3 - row.length).fill('')])).toEqual(csv);
    expect(sheetRow(2, rows[0] ?? [])).toBe(
      '<row r="2"><c r="A2" t="inlineStr"><is><t>store:S1</t></is></c>' +
        '<c r="B2" t="inlineStr"><is><t>電影票 &quot;豪華&quot;, 雙人 &lt;VIP&gt; &amp; co</t></is></c>' +
        '<c r="C2" s="2"><v>1200</v></c></row>',
    );
  });

  it('continues a table too long for one sheet on numbered sheets, each with the header', async () => {
    const journal: TableSpec = { name: 'journal', columns: [{ name: 'n', width: 8 }] };
    const sheets = readXlsx(
      await workbook(
        [
          [journal, [[1], [2], [3], [4], [5]]],
          [ledger, []],
        ],
        3,
      ),
    );
    expect(sheets.map((sheet) => [sheet.name, sheet.rows])).toEqual([
      ['journal', [['n'], ['1'], ['2']]],
      ['journal (2)', [['n'], ['3'], ['4']]],
      ['journal (3)', [['n'], ['5']]],
      ['ledger-sales', [['party', 'product', 'amount']]],
    ]);
  });

  it('names columns like Excel and escapes what XML cannot carry', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
    expect(escapeText('a\u0001b\rc_x0041_d')).toBe('a_x0001_b&#13;c_x005F_x0041_d');
    expect(escapeText('plain text 中文')).toBe('plain text 中文');
  });

  it('writes ZIP64 records exactly when sizes or offsets need them', async () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('small') },
      { name: 'b.txt', data: Buffer.alloc(300, 'b') },
      { name: 'c.txt', data: Buffer.from('after the big one') },
    ];
    const write = async (zip64At?: number): Promise<Buffer> => {
      const target = path.join(dir, `z${zip64At ?? 0}.zip`);
      const out = await OutputFile.create(target);
      await writeZip(out, entries, zip64At);
      await out.close();
      return readFile(target);
    };
    const plain = await write();
    const zip64 = await write(200); // as if 200 bytes were 4 GiB: b.txt's size and c.txt's offset overflow
    expect(plain.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
    expect(zip64.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    for (const zip of [plain, zip64]) {
      expect([...unzip(zip)].map(([name, data]) => [name, data.toString()])).toEqual(
        entries.map((entry) => [entry.name, entry.data.toString()]),
      );
    }
  });
});
