import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { toCsv } from './csv';
import { OutputFile } from './output-file';
import type { Cell, TableSpec } from './table';
import { parseCsv, readXlsx, unzip } from './testing/read-back';
import { WorkbookWriter } from './workbook';
import { columnName, escapeText, packageParts, SHEET_END, sheetRow, sheetStart } from './xlsx';
import { deflate, DeflatedFile, writeZip } from './zip';

const REPO = path.resolve(import.meta.dirname, '../../../..');

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

  async function workbook(
    tables: Array<[TableSpec, Cell[][]]>,
    maxSheetRows?: number,
    batch = Infinity,
  ): Promise<Buffer> {
    const writer = new WorkbookWriter((n) => path.join(dir, `sheet${n}.tmp`), maxSheetRows);
    for (const [spec, cells] of tables) {
      await writer.beginTable(spec);
      for (let at = 0; at < cells.length; at += batch) await writer.addRows(cells.slice(at, at + batch));
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

  it('is the same bytes in a process with another time zone and locale', async () => {
    const target = path.join(dir, 'child.xlsx');
    // The child builds the workbook from the same rows through the same writer (TypeScript via the repo's hook).
    const script = `
      import { OutputFile } from ${JSON.stringify(path.join(REPO, 'libs/settlement/src/exports/output-file.ts'))};
      import { WorkbookWriter } from ${JSON.stringify(path.join(REPO, 'libs/settlement/src/exports/workbook.ts'))};
      const [target, tables] = [process.argv[1], JSON.parse(process.argv[2])];
      const writer = new WorkbookWriter((n) => target + '.sheet' + n + '.tmp');
      for (const [spec, cells] of tables) {
        await writer.beginTable(spec);
        await writer.addRows(cells);
        await writer.endTable();
      }
      const out = await OutputFile.create(target);
      await writer.finish(out);
      await out.close();
      console.log(Intl.DateTimeFormat().resolvedOptions().timeZone, new Date('2026-12-05T00:00:00Z').getTimezoneOffset());`;
    const tables = [[ledger, rows]];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        path.join(REPO, 'tools/runtime/register.mjs'),
        '--input-type=module',
        '-e',
        script,
        target,
        JSON.stringify(tables),
      ],
      {
        cwd: REPO,
        env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'zh_TW.UTF-8', LC_ALL: 'zh_TW.UTF-8' },
      },
    );
    // The child did run 14 hours ahead of UTC (a zone where the DOS date of 1980-01-01 00:00 UTC is another hour).
    expect(stdout.trim()).toBe('Pacific/Kiritimati -840');
    const child = await readFile(target);
    expect(child.equals(await workbook([[ledger, rows]]))).toBe(true);
  });

  it('does not depend on how the rows were batched, even with a cell longer than the staging buffer', async () => {
    const long: Cell[][] = [
      ...rows,
      ['store:S3', '長'.repeat(400_000), 1],
      ...Array.from({ length: 3000 }, (_, i): Cell[] => [`store:${i}`, `product ${i % 7}`, i]),
    ];
    const whole = await workbook([[ledger, long]]);
    expect((await workbook([[ledger, long]], undefined, 1)).equals(whole)).toBe(true);
    expect((await workbook([[ledger, long]], undefined, 977)).equals(whole)).toBe(true);
    expect(readXlsx(whole)[0]?.rows[5]?.[1] === '長'.repeat(400_000)).toBe(true);
  });

  it('has fixed bytes for fixed rows: the pinned fflate and level give them on every host', async () => {
    // A changed hash means the workbook's bytes changed (fflate's version or level, the XML, the container):
    // every regenerated export would then differ from the one its manifest was first written with.
    const xlsx = await workbook([[ledger, rows]]);
    expect(createHash('sha256').update(xlsx).digest('hex')).toBe(GOLDEN_SHA256);
  });

  it('is a ZIP of the SpreadsheetML parts, deflated, every entry dated 1980-01-01 00:00', async () => {
    const xlsx = await workbook([[ledger, rows]]);
    const names = [
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
    ];
    expect([...unzip(xlsx).keys()]).toEqual(names);
    // The first local header: method 8 (deflate), DOS time 0 and date 0x21 (1980-01-01).
    expect([xlsx.readUInt16LE(8), xlsx.readUInt16LE(10), xlsx.readUInt16LE(12)]).toEqual([8, 0, 0x21]);
    expect(xlsx.toString('latin1')).not.toMatch(/dcterms|\d{4}-\d{2}-\d{2}T\d{2}/);

    // Read back by fflate's own unzip: the entries inflate to exactly the XML the stored workbook held.
    const entries = unzipSync(xlsx);
    expect(Object.keys(entries)).toEqual(names);
    const sheet =
      sheetStart(ledger.columns) + rows.map((cells, i) => sheetRow(i + 2, cells)).join('') + SHEET_END;
    const expected = [
      ...packageParts(['ledger-sales']).map((part) => ('data' in part ? part.data.toString('utf8') : '')),
      sheet,
    ];
    expect(names.map((name) => Buffer.from(entries[name] ?? []).toString('utf8'))).toEqual(expected);
    // Deflated for real: smaller than the XML it holds.
    expect(xlsx.length).toBeLessThan(expected.join('').length);
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
    // b.txt does not deflate (its compressed size overflows too); d.txt deflates to a few bytes (only its
    // uncompressed size overflows); c.txt's offset overflows.
    let noise = Buffer.alloc(0);
    for (let seed = Buffer.from('b'); noise.length < 300; noise = Buffer.concat([noise, seed]))
      seed = createHash('sha256').update(seed).digest();
    const entries = [
      { name: 'a.txt', data: Buffer.from('small') },
      { name: 'b.txt', data: noise },
      { name: 'c.txt', data: Buffer.from('after the big one') },
      { name: 'd.txt', data: Buffer.alloc(400, 'd') },
    ];
    const write = async (zip64At?: number): Promise<Buffer> => {
      const target = path.join(dir, `z${zip64At ?? 0}.zip`);
      const out = await OutputFile.create(target);
      await writeZip(out, entries, zip64At);
      await out.close();
      return readFile(target);
    };
    const plain = await write();
    const zip64 = await write(200); // as if 200 bytes were 4 GiB
    expect(plain.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
    expect(zip64.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const expected = entries.map((entry) => [entry.name, entry.data.toString('hex')]);
    for (const zip of [plain, zip64]) {
      expect([...unzip(zip)].map(([name, data]) => [name, data.toString('hex')])).toEqual(expected);
      expect(
        Object.entries(unzipSync(zip)).map(([name, data]) => [name, Buffer.from(data).toString('hex')]),
      ).toEqual(expected);
    }
  });

  it('deflates a file as it deflates the same bytes in memory, and discards a file', async () => {
    // Two blocks of 64 KiB exactly: the file's last block is empty, as the in-memory stream's must be.
    const text = 'voucher,'.repeat(1 << 14);
    const file = await DeflatedFile.create(path.join(dir, 'x.deflate'));
    for (let at = 0; at < text.length; at += 1000) file.put(text.slice(at, at + 1000));
    const digest = await file.close();
    const written = await readFile(digest.path);
    expect(written.equals(deflate(Buffer.from(text)))).toBe(true);
    expect(inflateRawSync(written).toString()).toBe(text);
    expect([digest.size, digest.compressedSize, digest.crc32]).toEqual([
      text.length,
      written.length,
      crc32(Buffer.from(text)),
    ]);

    // Streamed: what is deflated reaches the disk at each flush, not at the end.
    const streamed = await DeflatedFile.create(path.join(dir, 's.deflate'));
    let noise = '';
    for (let i = 0; noise.length < 1 << 20; i++) noise += `${(i * 2654435761) % 1000003},`;
    for (let round = 1; round <= 2; round++) {
      streamed.put(noise);
      await streamed.flush();
      expect((await stat(streamed.path)).size).toBeGreaterThan(round * 100_000);
    }
    await streamed.discard();

    const dropped = await DeflatedFile.create(path.join(dir, 'y.deflate'));
    dropped.put('abc'.repeat(100_000));
    await dropped.flush();
    await dropped.discard();
    expect(await readdir(dir)).toEqual(['x.deflate']);
  });
});

/** SHA-256 of the workbook of `rows` in the ledger table (see the test that pins it). */
const GOLDEN_SHA256 = '747143fb979f036ed4d8367d185818b9442d3c1dc598b8be7a5dcee3d0ec1348';
