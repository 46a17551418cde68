import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { csvLine, sqlText } from './csv';
import type { Cell } from './table';
import { copiedRows } from './testing/copy-rows';
import { copyCsv } from './copy-out';
import { OutputFile } from './output-file';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PoolClient } from 'pg';

/** Cells a partner's names and the gateway's texts may hold: one row each, a text beside a number. */
const TEXTS = [
  'plain',
  '電影票 "豪華", 雙人',
  '套票\n第二行',
  'cr\r',
  'crlf\r\nline',
  '',
  ' padded ',
  '=HYPERLINK("x")',
  '+1',
  '-a',
  '@b',
  '\tlead',
  '\rlead',
  "it's",
  'back\\slash',
  '\\.',
];
const NUMBERS = [0, -5, 1234567, 9007199254740991, -9007199254740991];

describe('COPY and csv.ts write one CSV format', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'tixclear-copy-out-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same bytes for the same cells, text through sqlText, numbers as bigint', async () => {
    const rows: Cell[][] = TEXTS.map((text, i) => [text, NUMBERS[i % NUMBERS.length]!, i]);
    const file = await OutputFile.create(path.join(dir, 'server.csv'));
    const array = (values: string[], type: string): string => `ARRAY[${values.join(', ')}]::${type}[]`;
    const copied = await db.dataSource.transaction(async (tx) =>
      copyCsv(
        (await tx.queryRunner!.connect()) as PoolClient,
        `SELECT ${sqlText('t.text')}, t.number, t.i
           FROM unnest(${array(TEXTS.map(literal), 'text')},
                       ${array(
                         rows.map((row) => String(row[1])),
                         'bigint',
                       )},
                       ${array(
                         rows.map((row) => String(row[2])),
                         'int',
                       )}) AS t(text, number, i)
          ORDER BY t.i`,
        file,
      ),
    );
    await file.close();
    expect(copied).toBe(rows.length);
    const server = await readFile(path.join(dir, 'server.csv'));
    expect(server.toString('utf8')).toBe(rows.map(csvLine).join(''));
  });

  it('reads back what it wrote, NULL as an empty field', async () => {
    const rows = await db.dataSource.transaction((tx) =>
      copiedRows(tx, `SELECT 'a', NULL::text, ${sqlText(`''`)}, 1::bigint`),
    );
    expect(rows).toEqual([['a', '', '', '1']]);
  });
});

/** A text as a SQL literal (E'' with backslashes and quotes escaped): the spec's own, not the writer's. */
function literal(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
