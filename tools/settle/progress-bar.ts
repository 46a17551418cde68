import type { Progress } from '@tixclear/settlement';

/**
 * A one-line progress bar on standard error when it is a terminal, redrawn at most ten times a second; a log
 * line on standard output per step otherwise, so that CI and cron logs stay readable (and a test can follow
 * the run's progress line by line).
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress & { end(): void } {
  let last = 0;
  let open = false;
  return {
    step(name, done, total) {
      if (!stream.isTTY) {
        process.stdout.write(total === undefined ? `${name}…\n` : `${name} ${done ?? 0}/${total}\n`);
        return;
      }
      const now = Date.now();
      if (done !== undefined && total !== undefined && done < total && now - last < 100) return;
      last = now;
      const width = 30;
      const ratio = total ? Math.min(1, (done ?? 0) / total) : 0;
      const bar = total
        ? `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${Math.round(ratio * 100)}% `
        : '';
      const count = total ? `${(done ?? 0).toLocaleString()}/${total.toLocaleString()}` : '';
      stream.write(`\r\x1b[K${bar}${name} ${count}`);
      open = true;
    },
    end() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
