import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ACCOUNTS } from '../accounts';

/** Where the chart is read from: `TIXCLEAR_CHART_OF_ACCOUNTS`, else the repository's sample. */
export const CHART_ENV = 'TIXCLEAR_CHART_OF_ACCOUNTS';
export const DEFAULT_CHART_PATH = path.resolve(
  import.meta.dirname,
  '../../../../config/chart-of-accounts.json',
);

const accountSchema = z.strictObject({
  /** The operator's account code, as its accounting software imports it. */
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore'),
  name: z.string().trim().min(1).max(100),
});

const chartSchema = z.strictObject({
  operator: z.string().trim().min(1).max(100),
  accounts: z.record(z.string(), accountSchema),
});

/** The operator's chart: our account → its code and name. Every account the engine posts to is mapped. */
export interface ChartOfAccounts {
  operator: string;
  source: string;
  accounts: ReadonlyMap<string, { code: string; name: string }>;
  /** `[account, code]` pairs, for the exports. */
  codes: ReadonlyArray<readonly [string, string]>;
}

export class ChartError extends Error {
  readonly code = 'CHART_INVALID';
}

/**
 * Reads and checks a chart of accounts: the JSON's shape (zod), every engine account mapped (none missing,
 * none unknown: a typo would leave an account without its code), and no code used twice. A bad chart is a
 * `ChartError` naming the file and every problem, thrown at start, before anything is posted or exported.
 */
export function loadChartOfAccounts(
  file: string = process.env[CHART_ENV] || DEFAULT_CHART_PATH,
): ChartOfAccounts {
  const source = path.resolve(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new ChartError(`chart of accounts ${source}: ${(error as Error).message}`);
  }
  const parsed = chartSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ChartError(`chart of accounts ${source}: ${problems.join('; ')}`);
  }
  const mapped = parsed.data.accounts;
  const problems = [
    ...ACCOUNTS.filter((account) => !(account in mapped)).map((account) => `accounts.${account}: missing`),
    ...Object.keys(mapped)
      .filter((account) => !ACCOUNTS.includes(account))
      .map((account) => `accounts.${account}: not an account of the engine (${ACCOUNTS.join(', ')})`),
  ];
  const byCode = new Map<string, string>();
  for (const [account, { code }] of Object.entries(mapped)) {
    const other = byCode.get(code);
    if (other !== undefined) problems.push(`accounts.${account}.code: ${code} is ${other}'s code too`);
    byCode.set(code, account);
  }
  if (problems.length > 0) throw new ChartError(`chart of accounts ${source}: ${problems.join('; ')}`);
  const accounts = new Map(ACCOUNTS.map((account) => [account, mapped[account]!]));
  return {
    operator: parsed.data.operator,
    source,
    accounts,
    codes: [...accounts].map(([account, { code }]) => [account, code] as const),
  };
}

let current: ChartOfAccounts | undefined;

/**
 * The chart the exports use: the one {@link useChartOfAccounts} set at start (createSettlement does), else the
 * configured file, read and checked on first use.
 */
export function currentChart(): ChartOfAccounts {
  current ??= loadChartOfAccounts();
  return current;
}

export function useChartOfAccounts(chart: ChartOfAccounts): void {
  current = chart;
}
