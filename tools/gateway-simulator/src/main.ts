/**
 * `npm run simulator [-- --port 4011 --seed 7 ...]`: the gateway simulator as a process. Configuration from the
 * environment (SIMULATOR_*; flags override, see README); a bad value stops the start naming every bad variable.
 * SIGINT/SIGTERM close it cleanly (npm start's lifeline sends SIGTERM when its parent dies). Logs through the shared
 * factory on stdout: JSON lines, pretty on a terminal.
 */
import { createLogger } from '@tixclear/logging';
import { optionsFromEnv, SimulatorConfigError, startSimulator } from './index';

const log = createLogger({ name: 'simulator' });

let options;
try {
  options = optionsFromEnv(process.env, process.argv.slice(2));
} catch (error) {
  if (error instanceof SimulatorConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, 'start failed');
  process.exit(1);
}

// Stopping is wired before the start is logged: whoever reads that line may signal at once.
let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (sim?.close() ?? Promise.resolve()).then(() => process.exit(0));
  });
}

// The simulator's own failure lines (a handler that threw) go to the same log.
try {
  sim = await startSimulator({ ...options, log: (line) => log.error(line) });
} catch (error) {
  log.fatal({ err: error }, 'start failed'); // the port taken, most often
  process.exit(1);
}
// What the gateway does on its own clock: recurring agreements charged each period (checked every minute).
const running = sim;
const charging = setInterval(() => {
  const charged = running.control.chargeDue();
  if (charged.length > 0) log.info({ charged }, `recurring charges made: ${charged.length}`);
}, 60_000);
charging.unref();
process.on('exit', () => clearInterval(charging));
const merchants = sim.control
  .merchants()
  .map((m) => `${m.mode}:${m.uid}${m.notifyUrl === null ? '' : ` → ${m.notifyUrl}`}`)
  .join(', ');
log.info(
  { url: sim.baseUrl, seed: sim.simulator.seed, control: `${sim.url}/_control/state` },
  `gateway on ${sim.baseUrl} (seed ${sim.simulator.seed}); merchants ${merchants}`,
);
