import { toCsv, UTF8_BOM } from './csv';
import type { Cell, TableSpec } from './table';

const spec = (...names: string[]): TableSpec => ({
  name: 't',
  columns: names.map((name) => ({ name, width: 10 })),
});
const text = (table: TableSpec, rows: Cell[][]): string => toCsv(table, rows).subarray(3).toString('utf8');

describe('CSV', () => {
  it('starts with the UTF-8 BOM and keeps Chinese text as UTF-8', () => {
    const bytes = toCsv(spec('product'), [['電影票']]);
    expect(bytes.subarray(0, 3).equals(UTF8_BOM)).toBe(true);
    expect(bytes.subarray(3).toString('utf8')).toBe('product\n電影票\n');
  });

  it('quotes as COPY does (RFC 4180 quoting): quotes doubled, fields with commas, quotes, CR or LF quoted; LF line ends', () => {
    expect(
      text(spec('a', 'b,c'), [
        ['say "hi"', 'x,y'],
        ['line1\nline2', 'cr\r'],
        ['plain', ''],
      ]),
    ).toBe('a,"b,c"\n"say ""hi""","x,y"\n"line1\nline2","cr\r"\nplain,\n');
  });

  it('writes money as plain integers and refuses anything else', () => {
    expect(text(spec('n'), [[1234567], [-5], [-0]])).toBe('n\n1234567\n-5\n0\n');
    expect(() => toCsv(spec('n'), [[1.5]])).toThrow(RangeError);
  });

  it('defuses text Excel would run as a formula, and leaves numbers alone', () => {
    expect(text(spec('x'), [['=HYPERLINK("x")'], ['+1'], ['-a'], ['@b'], [-3]])).toBe(
      'x\n"\'=HYPERLINK(""x"")"\n\'+1\n\'-a\n\'@b\n-3\n',
    );
  });
});
