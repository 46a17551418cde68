import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { DomainError } from '@tixclear/domain';
import { computeFees, FEE_OBJECT_KEYS, feeInputFromWire } from '@tixclear/fee-engine';

/** The error reply of one input line. `field` is the snake_case wire field, or `null`. */
export interface FeeCalcErrorLine {
  error: { code: string; field: string | null; message: string };
}

/** Code of a line that is not JSON at all. */
export const INVALID_JSON = 'INVALID_JSON';
/** Code of a failure that is a bug, not bad input (reported, and the run carries on). */
export const INTERNAL_ERROR = 'INTERNAL_ERROR';

/** Exit statuses of {@link runFeeCalc}: bad input lines never fail the run, only I/O does. */
export const FeeCalcExit = { Ok: 0, ReadFailed: 1, WriteFailed: 2 } as const;
export type FeeCalcExit = (typeof FeeCalcExit)[keyof typeof FeeCalcExit];

const FEE_KEYS: string[] = [...FEE_OBJECT_KEYS];

function errorLine(code: string, field: string | null, message: string): string {
  const reply: FeeCalcErrorLine = { error: { code, field, message } };
  return JSON.stringify(reply);
}

/**
 * One input line (a JSON object shaped like the fixtures' `input`, snake_case) → one output line (without the
 * newline): the fee object with its keys in the seed's order, or `{"error":{code, field, message}}`.
 * `undefined` for a blank line (to be skipped).
 */
export function processFeeLine(line: string): string | undefined {
  const text = line.trim(); // also drops a byte-order mark and a stray CR
  if (text === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error: unknown) {
    return errorLine(
      INVALID_JSON,
      null,
      error instanceof Error ? error.message : 'the line is not valid JSON',
    );
  }
  try {
    return JSON.stringify(computeFees(feeInputFromWire(raw)), FEE_KEYS);
  } catch (error: unknown) {
    if (error instanceof DomainError) return errorLine(error.code, error.field ?? null, error.message);
    return errorLine(INTERNAL_ERROR, null, error instanceof Error ? error.message : String(error));
  }
}

function settled(output: Writable, event: 'drain' | 'flush'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      output.off('drain', done);
      output.off('error', done);
      output.off('close', done);
      resolve();
    };
    output.once('error', done);
    output.once('close', done);
    if (event === 'drain') output.once('drain', done);
    else output.write('', done);
  });
}

/**
 * Reads JSON Lines from `input` and writes one reply line per non-blank input line to `output`, in order, with
 * backpressure. Returns the exit status: `Ok` even when lines were invalid; `ReadFailed` when `input` fails;
 * `WriteFailed` when `output` fails (EPIPE included: the reader went away, so reading stops quietly). Other I/O
 * failures are described on `diagnostics`.
 */
export async function runFeeCalc(
  input: Readable,
  output: Writable,
  diagnostics?: Writable,
): Promise<FeeCalcExit> {
  let writeError: Error | undefined;
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  // Stays attached: a late error (EPIPE after the last write) must not become an uncaught exception.
  output.on('error', (error: Error) => {
    writeError ??= error;
    lines.close();
  });
  let status: FeeCalcExit = FeeCalcExit.Ok;
  try {
    for await (const line of lines) {
      if (writeError !== undefined) break;
      const reply = processFeeLine(line);
      if (reply === undefined) continue;
      if (!output.write(`${reply}\n`)) await settled(output, 'drain');
    }
    if (writeError === undefined) await settled(output, 'flush');
    await new Promise<void>((resolve) => setImmediate(resolve)); // let a pending 'error' event arrive
  } catch (error: unknown) {
    status = FeeCalcExit.ReadFailed;
    diagnostics?.write(`fee-calc: cannot read the input: ${describe(error)}\n`);
  } finally {
    lines.close();
  }
  if (writeError !== undefined) {
    if ((writeError as NodeJS.ErrnoException).code !== 'EPIPE') {
      diagnostics?.write(`fee-calc: cannot write the output: ${describe(writeError)}\n`);
    }
    return FeeCalcExit.WriteFailed;
  }
  return status;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
