import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { faultPlanSchema, faultRuleSchema, type FaultPlanInput } from './faults';
import type { PayoffSettings } from './flows/index';
import { merchantListSchema, paypageSampleMerchant, sampleMerchant, type MerchantConfig } from './merchants';
import { systemClock, type Clock, type IdGenerator, type Random } from './ports';
import { DEFAULT_COMMAND_NAMES, type CommandNames } from './routes/api-init';
import { defaultIds, type NotificationSettings, type SimulatorSettings } from './simulator';

/*
 * Configuration: programmatic options (startSimulator) and their environment/command-line form (npm run
 * simulator). Both end in one SimulatorSettings; a bad variable stops the start naming every bad variable.
 */

export const DEFAULT_NOTIFY_URL = 'http://127.0.0.1:3000/gateway/notify';
export const DEFAULT_PORT = 4010;

export interface SimulatorOptions {
  /** 0 (the default here) picks a free port; the command line defaults to 4010. */
  readonly port?: number;
  readonly host?: string;
  /** Base of the payment URLs handed out, when buyers reach the simulator by another address. */
  readonly publicUrl?: string;
  /** Seed of every random choice (faults, keys, tokens, pay-off outcomes). Default 1. */
  readonly seed?: number;
  /** Notification URL of the sample merchants (`null`: no reports). */
  readonly notifyUrl?: string | null;
  /** Register the sample merchants of seeds 000 (289151880142) and 001 (289151880002) (default true). */
  readonly sampleMerchant?: boolean;
  /** More merchants; one with a sample's uid and mode replaces it. */
  readonly merchants?: readonly MerchantConfig[];
  readonly faults?: FaultPlanInput;
  readonly clock?: Clock;
  readonly ids?: (random: Random, firstUid: number) => IdGenerator;
  /** First transaction uid handed out (default 100). */
  readonly firstUid?: number;
  readonly notifications?: Partial<NotificationSettings>;
  readonly payoff?: Partial<PayoffSettings>;
  /** `cmd` of pay-off creation and query (docs/protocol.md §3). */
  readonly commandNames?: Partial<CommandNames>;
  readonly log?: (line: string) => void;
}

export const DEFAULT_NOTIFICATIONS: NotificationSettings = {
  attempts: 5,
  backoffMs: [1_000, 5_000, 15_000, 60_000],
  timeoutMs: 10_000,
};

export const DEFAULT_PAYOFF: PayoffSettings = {
  approval: 'auto',
  approvalDelayMs: 2_000,
  remitDelayMs: 1_000,
};

export function resolveSettings(options: SimulatorOptions): SimulatorSettings {
  const notifyUrl = options.notifyUrl === undefined ? DEFAULT_NOTIFY_URL : options.notifyUrl;
  const sample =
    options.sampleMerchant === false ? [] : [sampleMerchant(notifyUrl), paypageSampleMerchant(notifyUrl)];
  const extra = options.merchants ?? [];
  const merchants = [
    ...sample.filter(
      (s) => !extra.some((m) => m.uid === s.uid && (m.mode ?? 'store') === (s.mode ?? 'store')),
    ),
    ...extra,
  ];
  return {
    seed: options.seed ?? 1,
    merchants,
    faults: options.faults ?? {},
    clock: options.clock ?? systemClock,
    ids: options.ids ?? defaultIds,
    firstUid: options.firstUid ?? 100,
    notifications: { ...DEFAULT_NOTIFICATIONS, ...options.notifications },
    payoff: { ...DEFAULT_PAYOFF, ...options.payoff },
    commandNames: { ...DEFAULT_COMMAND_NAMES, ...options.commandNames },
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

export class SimulatorConfigError extends Error {
  constructor(readonly issues: string) {
    super(`invalid simulator configuration:\n${issues}`);
    this.name = 'SimulatorConfigError';
  }
}

const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of milliseconds')
  .transform((text) => text.split(',').map(Number));

const envSchema = z.object({
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  SIMULATOR_SEED: z.coerce.number().int().default(1),
  SIMULATOR_NOTIFY_URL: z.union([z.url(), z.literal('none')]).default(DEFAULT_NOTIFY_URL),
  SIMULATOR_NOTIFY_FORMAT: z.enum(['form', 'json']).default('form'),
  SIMULATOR_NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DEFAULT_NOTIFICATIONS.attempts),
  SIMULATOR_NOTIFY_BACKOFF_MS: msList.optional(),
  SIMULATOR_NOTIFY_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_NOTIFICATIONS.timeoutMs),
  /** Path of a JSON file: an array of merchants (see README). */
  SIMULATOR_MERCHANTS: z.string().min(1).optional(),
  /** A fault plan or an array of rules, as JSON, or `@path` of a file holding it. */
  SIMULATOR_FAULTS: z.string().min(1).optional(),
  SIMULATOR_PAYOFF_APPROVAL: z.enum(['auto', 'manual']).default(DEFAULT_PAYOFF.approval),
  SIMULATOR_PAYOFF_APPROVAL_DELAY_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(DEFAULT_PAYOFF.approvalDelayMs),
  SIMULATOR_PAYOFF_REMIT_DELAY_MS: z.coerce.number().int().nonnegative().default(DEFAULT_PAYOFF.remitDelayMs),
  SIMULATOR_PAYOFF_CREATE_CMD: z
    .string()
    .regex(/^api\/\w+$/)
    .default(DEFAULT_COMMAND_NAMES.payoffremittance),
  SIMULATOR_PAYOFF_QUERY_CMD: z
    .string()
    .regex(/^api\/\w+$/)
    .default(DEFAULT_COMMAND_NAMES.payoffquery),
  SIMULATOR_FIRST_UID: z.coerce.number().int().positive().default(100),
});

/** Each variable's flag: SIMULATOR_NOTIFY_URL is `--notify-url`. */
const FLAGS = Object.fromEntries(
  Object.keys(envSchema.shape).map((name) => [
    name.slice('SIMULATOR_'.length).toLowerCase().replace(/_/g, '-'),
    { type: 'string' as const },
  ]),
);

/** `--port 4011` / `--port=4011` → SIMULATOR_PORT, and so on for every variable; any other argument is refused. */
export function argvToEnv(argv: readonly string[]): Record<string, string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new SimulatorConfigError((error as Error).message);
  }
  return Object.fromEntries(
    Object.entries(values).map(([flag, value]) => [
      `SIMULATOR_${flag.toUpperCase().replace(/-/g, '_')}`,
      String(value),
    ]),
  );
}

/** Options from the environment (and command-line flags, which win). Throws SimulatorConfigError naming every bad variable. */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv,
  argv: readonly string[] = [],
): SimulatorOptions & { port: number; host: string } {
  const parsed = envSchema.safeParse({ ...env, ...argvToEnv(argv) });
  if (!parsed.success) throw new SimulatorConfigError(z.prettifyError(parsed.error));
  const e = parsed.data;
  const problems: string[] = [];
  const merchants = e.SIMULATOR_MERCHANTS === undefined ? [] : readMerchants(e.SIMULATOR_MERCHANTS, problems);
  const faults = e.SIMULATOR_FAULTS === undefined ? {} : readFaults(e.SIMULATOR_FAULTS, problems);
  if (problems.length > 0) throw new SimulatorConfigError(problems.join('\n'));
  const notifyUrl = e.SIMULATOR_NOTIFY_URL === 'none' ? null : e.SIMULATOR_NOTIFY_URL;
  return {
    port: e.SIMULATOR_PORT,
    host: e.SIMULATOR_HOST,
    ...(e.SIMULATOR_PUBLIC_URL === undefined ? {} : { publicUrl: e.SIMULATOR_PUBLIC_URL }),
    seed: e.SIMULATOR_SEED,
    notifyUrl,
    merchants: [
      // The sample merchants take the notification format from the environment too.
      { ...sampleMerchant(notifyUrl), notifyFormat: e.SIMULATOR_NOTIFY_FORMAT },
      { ...paypageSampleMerchant(notifyUrl), notifyFormat: e.SIMULATOR_NOTIFY_FORMAT },
      ...merchants,
    ],
    faults,
    firstUid: e.SIMULATOR_FIRST_UID,
    notifications: {
      attempts: e.SIMULATOR_NOTIFY_ATTEMPTS,
      backoffMs: e.SIMULATOR_NOTIFY_BACKOFF_MS ?? DEFAULT_NOTIFICATIONS.backoffMs,
      timeoutMs: e.SIMULATOR_NOTIFY_TIMEOUT_MS,
    },
    payoff: {
      approval: e.SIMULATOR_PAYOFF_APPROVAL,
      approvalDelayMs: e.SIMULATOR_PAYOFF_APPROVAL_DELAY_MS,
      remitDelayMs: e.SIMULATOR_PAYOFF_REMIT_DELAY_MS,
    },
    commandNames: {
      payoffremittance: e.SIMULATOR_PAYOFF_CREATE_CMD,
      payoffquery: e.SIMULATOR_PAYOFF_QUERY_CMD,
    },
  };
}

function readMerchants(path: string, problems: string[]): MerchantConfig[] {
  const json = readJson(path, 'SIMULATOR_MERCHANTS', problems);
  if (json === undefined) return [];
  const parsed = merchantListSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(`SIMULATOR_MERCHANTS (${path}):\n${z.prettifyError(parsed.error)}`);
    return [];
  }
  return json as MerchantConfig[];
}

function readFaults(text: string, problems: string[]): FaultPlanInput {
  const json = text.startsWith('@')
    ? readJson(text.slice(1), 'SIMULATOR_FAULTS', problems)
    : parseJson(text, 'SIMULATOR_FAULTS', problems);
  if (json === undefined) return {};
  const plan = Array.isArray(json)
    ? z
        .array(faultRuleSchema)
        .transform((rules) => ({ rules }))
        .safeParse(json)
    : faultPlanSchema.safeParse(json);
  if (!plan.success) {
    problems.push(`SIMULATOR_FAULTS:\n${z.prettifyError(plan.error)}`);
    return {};
  }
  return (Array.isArray(json) ? { rules: json } : json) as FaultPlanInput;
}

function readJson(path: string, variable: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(
      `${variable}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
  return parseJson(text, variable, problems);
}

function parseJson(text: string, variable: string, problems: string[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.push(`${variable}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}
