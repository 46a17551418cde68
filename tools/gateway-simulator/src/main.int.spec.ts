import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/* The simulator as a process (`npm run simulator`): its log is the shared factory's, JSON lines when stdout is no terminal. */

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Started {
  lines: Record<string, unknown>[];
  status: number | null;
}

/** Runs main.ts; with `stop`, sends SIGTERM once its first stdout line is read, else lets it exit by itself. */
function runSimulator(args: string[], env: NodeJS.ProcessEnv, stop: boolean): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './tools/runtime/register.mjs', 'tools/gateway-simulator/src/main.ts', ...args],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stop && stdout.includes('\n')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({
        status,
        lines: stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    );
  });
}

it('logs its start as one JSON line naming where the gateway listens, and stops cleanly on SIGTERM', async () => {
  const { lines, status } = await runSimulator(['--port', '0', '--seed', '7'], {}, true);
  expect(lines[0]).toMatchObject({ name: 'simulator', level: 30, seed: 7 });
  expect(lines[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/init$/);
  expect(status).toBe(0);
});

it('logs a bad configuration as one fatal JSON line and exits 1', async () => {
  const { lines, status } = await runSimulator([], { SIMULATOR_SEED: 'abc' }, false);
  expect(status).toBe(1);
  expect(lines).toEqual([expect.objectContaining({ name: 'simulator', level: 60 })]);
  expect(lines[0]?.msg).toContain('SIMULATOR_SEED');
});
