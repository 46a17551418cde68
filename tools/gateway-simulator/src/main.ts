/**
 * `npm run simulator [-- --port 4011 --seed 7 ...]`: the gateway simulator as a process. Configuration from the
 * environment (SIMULATOR_*; flags override, see README); a bad value stops the start naming every bad variable.
 * SIGINT/SIGTERM close it cleanly (npm start's lifeline sends SIGTERM when its parent dies).
 */
import { optionsFromEnv, SimulatorConfigError, startSimulator } from './index';

let options;
try {
  options = optionsFromEnv(process.env, process.argv.slice(2));
} catch (error) {
  if (error instanceof SimulatorConfigError) {
    console.error(`[simulator] ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const sim = await startSimulator(options);
const merchants = sim.control
  .merchants()
  .map((m) => `${m.mode}:${m.uid}${m.notifyUrl === null ? '' : ` → ${m.notifyUrl}`}`)
  .join(', ');
console.log(
  `[simulator] gateway on ${sim.baseUrl} (seed ${sim.simulator.seed}); merchants ${merchants}; control on ${sim.url}/_control/state`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sim.close().then(() => process.exit(0));
  });
}
