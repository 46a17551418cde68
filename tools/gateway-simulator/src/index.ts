import { resolveSettings, type SimulatorOptions } from './config';
import { Control } from './control';
import { createSimulatorServer, listen, stop } from './server';
import { Simulator } from './simulator';
import type { SimulatorState } from './state/store';

/*
 * The public API of the gateway simulator: start one in-process (tests) or from the command line (main.ts).
 *
 *   const sim = await startSimulator({ notifyUrl: receiver.url, payoff: { approval: 'manual', remitDelayMs: 0 } });
 *   const client = new GatewayClient({ baseUrl: sim.baseUrl, merchant, ... });
 *   sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 });
 *   ...
 *   await sim.close();
 */

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The gateway endpoint, `<url>/api/init`: what GatewayClientConfig.baseUrl and GATEWAY_URL take. */
  readonly baseUrl: string;
  readonly control: Control;
  /** The live state (orders, vouchers, redemptions, batches, request log), for assertions. */
  readonly state: SimulatorState;
  readonly simulator: Simulator;
  /**
   * The gateway down: stops listening and cuts every open connection, so that each new attempt is a refused
   * connection (a request that certainly never left). State, clock and reports carry on. In-process only.
   */
  offline(): Promise<void>;
  /** Listening again, on the same port. */
  online(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = new Simulator(resolveSettings(options));
  const control = new Control(simulator);
  const server = createSimulatorServer(simulator, control);
  const host = options.host ?? '127.0.0.1';
  const listening = await listen(server, options.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
  simulator.setPublicUrl(options.publicUrl ?? url);
  let closed: Promise<void> | undefined;
  return {
    url,
    port: listening.port,
    baseUrl: `${url}/api/init`,
    control,
    state: simulator.state,
    simulator,
    offline: () => stop(server),
    online: () => listen(server, listening.port, host).then(() => undefined),
    close: () =>
      (closed ??= Promise.all([server.listening ? stop(server) : undefined, simulator.close()]).then(
        () => undefined,
      )),
  };
}

export { Control, ControlError } from './control';
export {
  DEFAULT_NOTIFY_URL,
  DEFAULT_PORT,
  optionsFromEnv,
  resolveSettings,
  SimulatorConfigError,
  type SimulatorOptions,
} from './config';
export {
  COMMIT_FAULTS,
  FAULT_KINDS,
  NOTIFY_FAULTS,
  REQUEST_FAULTS,
  type FaultKind,
  type FaultPlanInput,
  type FaultRule,
  type FaultRuleInput,
} from './faults';
export {
  PAYPAGE_STORE_KEY,
  PAYPAGE_STORE_UID,
  paypageSampleMerchant,
  SAMPLE_PAY_MODES,
  SAMPLE_STORE_KEY,
  SAMPLE_STORE_UID,
  sampleMerchant,
  type MerchantConfig,
  type MerchantView,
} from './merchants';
export type { NotificationRecord } from './notifier';
export { ManualClock, mulberry32, type Clock, type IdGenerator } from './ports';
export { DEFAULT_COMMAND_NAMES, type CommandNames } from './routes/api-init';
export { Simulator } from './simulator';
export { SimulatorState } from './state/store';
export {
  HOLDING_KINDS,
  type HoldingKind,
  type HoldingMovement,
  type HoldingsBalance,
} from './state/holdings';
export { SIMULATED_COMMANDS, type SimulatedCommand } from './validation';
export { shapeDifferences } from './testing/sample-shape';
