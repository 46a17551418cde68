import { PassThrough, Readable, Writable } from 'node:stream';

import { FeeCalcExit, INVALID_JSON, processFeeLine, runFeeCalc } from './fee-calc';

const line = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    cost: 50,
    escrow_rate: '0.02',
    gateway_rate: '0.01',
    issuance_fee: 1,
    issuance_layer: 2,
    is_paid: 1,
    sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    ...overrides,
  });
const SPLIT =
  '{"cost":50,"gateway_fee":1,"escrow_fee":1,"issuance_layer":2,"issuance_fee":1,"headquarters":7,"sales":5,"reimbursement":35}';

function parsed(reply: string | undefined): unknown {
  expect(reply).toBeDefined();
  return JSON.parse(reply ?? '');
}

describe('processFeeLine', () => {
  it('answers a valid line with the fee object, keys in the seed order', () => {
    expect(processFeeLine(line())).toBe(SPLIT);
    // key order of the input does not matter
    expect(
      processFeeLine(
        JSON.stringify(
          Object.fromEntries(Object.entries(JSON.parse(line()) as Record<string, unknown>).reverse()),
        ),
      ),
    ).toBe(SPLIT);
  });

  it('skips blank lines and tolerates surrounding whitespace, CR and a byte-order mark', () => {
    expect(processFeeLine('')).toBeUndefined();
    expect(processFeeLine('   \t ')).toBeUndefined();
    expect(processFeeLine(`\uFEFF  ${line()}\r`)).toBe(SPLIT);
  });

  it('answers an unparseable line with INVALID_JSON and a null field', () => {
    expect(parsed(processFeeLine('{"cost": 50'))).toEqual({
      error: { code: INVALID_JSON, field: null, message: expect.any(String) },
    });
  });

  it.each<[string, string, string | null]>([
    ['42', 'FEE_INVALID_TYPE', null],
    ['null', 'FEE_INVALID_TYPE', null],
    [line({ cost: 49 }), 'FEE_BELOW_MINIMUM', 'cost'],
    [line({ cost: undefined }), 'FEE_MISSING_FIELD', 'cost'],
    [
      line({ sharing: { headquarters: '0.5', sales: '0.5', reimbursement: '0.5' } }),
      'FEE_INVALID_SHARING',
      'sharing',
    ],
    [line({ escrow_rate: '-0.02' }), 'FEE_INVALID_RATE', 'escrow_rate'],
    [line({ issuance_layer: 4 }), 'FEE_INVALID_LAYER', 'issuance_layer'],
    [line({ issuance_fee: 60 }), 'FEE_EXCEEDS_VALUE', 'cost'],
    [line({ cost: 50.5 }), 'FEE_NOT_INTEGER', 'cost'],
  ])('answers an invalid line %s with its code and field', (input, code, field) => {
    expect(parsed(processFeeLine(input))).toEqual({ error: { code, field, message: expect.any(String) } });
  });
});

function collect(): { output: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const output = new Writable({
    highWaterMark: 64, // small, to exercise backpressure
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      setImmediate(callback);
    },
  });
  return { output, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('runFeeCalc', () => {
  it('answers every non-blank line in order and carries on past invalid ones', async () => {
    const input = Readable.from([`${line()}\n\n{bad\n`, `${line({ cost: 10 })}\r\n`, line({ is_paid: 0 })]);
    const { output, text } = collect();
    await expect(runFeeCalc(input, output)).resolves.toBe(FeeCalcExit.Ok);
    const replies = text().split('\n');
    expect(replies).toHaveLength(5); // four replies and the final newline
    expect(replies[0]).toBe(SPLIT);
    expect(JSON.parse(replies[1] ?? '')).toMatchObject({ error: { code: INVALID_JSON } });
    expect(JSON.parse(replies[2] ?? '')).toMatchObject({
      error: { code: 'FEE_BELOW_MINIMUM', field: 'cost' },
    });
    expect(JSON.parse(replies[3] ?? '')).toMatchObject({ sales: 0, gateway_fee: 0, cost: 50 });
    expect(replies[4]).toBe('');
  });

  it('keeps up with many lines under backpressure', async () => {
    const input = Readable.from([Array.from({ length: 2_000 }, (_, i) => line({ cost: 50 + i })).join('\n')]);
    const { output, text } = collect();
    await expect(runFeeCalc(input, output)).resolves.toBe(FeeCalcExit.Ok);
    const replies = text().trimEnd().split('\n');
    expect(replies).toHaveLength(2_000);
    expect(JSON.parse(replies[1_999] ?? '')).toMatchObject({ cost: 2_049 });
  });

  it('fails with ReadFailed when the input cannot be read', async () => {
    const input = new PassThrough();
    input.write(`${line()}\n`);
    setImmediate(() => input.destroy(Object.assign(new Error('disk gone'), { code: 'EIO' })));
    const { output, text } = collect();
    const diagnostics = collect();
    await expect(runFeeCalc(input, output, diagnostics.output)).resolves.toBe(FeeCalcExit.ReadFailed);
    expect(text()).toBe(`${SPLIT}\n`);
    expect(diagnostics.text()).toContain('disk gone');
  });

  it('stops quietly with WriteFailed when the reader goes away (EPIPE)', async () => {
    const input = new PassThrough();
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const diagnostics = collect();
    const run = runFeeCalc(input, output, diagnostics.output);
    input.write(`${line()}\n${line()}\n`); // the input never ends: the run must stop by itself
    await expect(run).resolves.toBe(FeeCalcExit.WriteFailed);
    expect(diagnostics.text()).toBe('');
  });

  it('reports other write failures', async () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
      },
    });
    const diagnostics = collect();
    await expect(runFeeCalc(Readable.from([line()]), output, diagnostics.output)).resolves.toBe(
      FeeCalcExit.WriteFailed,
    );
    expect(diagnostics.text()).toContain('no space left');
  });
});
