import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface FeeExample {
  name: string;
  input: unknown;
  expected: Record<string, number>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const examples = JSON.parse(
  readFileSync(new URL('../../fixtures/fee-examples.json', import.meta.url), 'utf8'),
) as FeeExample[];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command (as `npm run fee-calc` does) with `stdin`; `stopAfter` closes its stdout early. */
function feeCalc(stdin: string, stopAfter?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './tools/runtime/register.mjs', 'tools/fee-calc/main.ts'],
      {
        cwd: root,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stopAfter !== undefined && stdout.length >= stopAfter) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined); // the child may stop reading first
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('tools/fee-calc/main.ts (spawned)', () => {
  it('answers every fixture input with its expected fee object, in order and key order', async () => {
    const stdin = examples.map((example) => JSON.stringify(example.input)).join('\n') + '\n';
    const { status, stdout, stderr } = await feeCalc(stdin);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toBe(examples.map((example) => `${JSON.stringify(example.expected)}\n`).join(''));
  });

  it('answers invalid lines with errors, skips blank ones, carries on and exits 0', async () => {
    const valid = JSON.stringify(examples[0]?.input);
    const { status, stdout } = await feeCalc(`not json\n\n   \n{"cost":50}\n${valid}`);
    expect(status).toBe(0);
    const replies = stdout
      .trimEnd()
      .split('\n')
      .map((reply) => JSON.parse(reply) as unknown);
    expect(replies).toEqual([
      { error: { code: 'INVALID_JSON', field: null, message: expect.any(String) } },
      { error: { code: 'FEE_MISSING_FIELD', field: 'escrow_rate', message: expect.any(String) } },
      examples[0]?.expected,
    ]);
  });

  it('stops quietly, without a stack trace, when its reader goes away (EPIPE)', async () => {
    const valid = JSON.stringify(examples[0]?.input);
    const { status, stderr } = await feeCalc(`${valid}\n`.repeat(200_000), 1);
    expect(stderr).toBe('');
    expect(status).toBe(2);
  });
});
