/**
 * Fee-split throughput on one core (this process, one thread).
 *
 *   npm run bench:fees                       # 5,000,000 splits
 *   npm run bench:fees -- --n=20000000 --reference-n=100000
 *   FEE_BENCH_N=1000000 npm run bench:fees
 *
 * Three paths over the same varied vouchers (a realistic schedule, four sharings, 50–20,000 TWD, 5 % gifts):
 *   compiled    FeeRule.split: rates and sharing validated and parsed once, integer arithmetic per voucher
 *   computeFees the one-shot API: validation (cached string parsing) on every call
 *   reference   computeFeesReference: decimal.js all the way (for comparison)
 * Each path is warmed up first; checksums keep the work observable and prove the paths agree.
 */
import { cpus } from 'node:os';

import {
  compileFeeRule,
  computeFees,
  computeFeesReference,
  type FeeInput,
  type FeeObject,
  FeeScheduleBook,
  type Sharing,
} from '@tixclear/fee-engine';
import { cliArgs, positiveNumber } from '../runtime/cli-args';

const { values: args, positionals } = cliArgs('bench:fees', {
  options: { n: { type: 'string' }, 'one-shot-n': { type: 'string' }, 'reference-n': { type: 'string' } },
  allowPositionals: true,
});
const option = (text: string | undefined, name: string, envName: string, fallback: number) =>
  positiveNumber('bench:fees', text ?? process.env[envName], name, fallback, true);

const N = option(args.n ?? positionals[0], 'n', 'FEE_BENCH_N', 5_000_000);
const N_ONE_SHOT = option(
  args['one-shot-n'],
  'one-shot-n',
  'FEE_BENCH_ONE_SHOT_N',
  Math.max(1, Math.floor(N / 5)),
);
const N_REFERENCE = option(
  args['reference-n'],
  'reference-n',
  'FEE_BENCH_REFERENCE_N',
  Math.max(1, Math.floor(N / 100)),
);

// A realistic schedule: 1.5 % trust fee, 2.8 % payment fee, 2 TWD issuance fee collected by the dealer.
const book = new FeeScheduleBook([
  {
    issuerId: 'H0001',
    effectiveFrom: '2025-01-01',
    escrowRate: '0.015',
    gatewayRate: '0.028',
    issuanceFee: 2,
    issuanceLayer: 1,
  },
]);
const schedule = book.scheduleFor('H0001', '2025-06-30');
const sharings: Sharing[] = [
  { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
  { headquarters: '0.34', sales: '0.33', reimbursement: '0.33' },
  { headquarters: '0', sales: '0.5', reimbursement: '0.5' },
  { headquarters: '0.2', sales: '0.3', reimbursement: '0.5' },
];
const rules = sharings.map((sharing) => compileFeeRule(schedule, sharing));

// Varied vouchers from a fixed-seed xorshift32: face values 50–20,000 (often round), 1 in 20 a gift.
const VOUCHERS = 1 << 16;
const MASK = VOUCHERS - 1;
const costs = new Float64Array(VOUCHERS);
const paid = new Uint8Array(VOUCHERS); // 1 paid, 0 gift
let seed = 0x2545f491;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}
for (let i = 0; i < VOUCHERS; i++) {
  const roll = random();
  const cost = 50 + Math.floor(random() * 19_951);
  costs[i] =
    roll < 0.5
      ? cost
      : roll < 0.8
        ? Math.max(50, Math.round(cost / 100) * 100)
        : 50 + Math.floor(random() * 951);
  paid[i] = random() >= 0.05 ? 1 : 0;
}
const inputs: FeeInput[] = Array.from({ length: VOUCHERS }, (_, i) => ({
  ...schedule,
  cost: costs[i] ?? 50,
  isPaid: paid[i] === 1,
  sharing: sharings[i & 3] ?? sharings[0]!,
}));

function mix(checksum: number, split: FeeObject): number {
  // weighted sum, folded into 32 bits
  const value =
    split.escrow_fee * 3 +
    split.gateway_fee * 5 +
    split.headquarters * 7 +
    split.sales * 11 +
    split.reimbursement * 13;
  return (Math.imul(checksum, 31) + value) | 0;
}

function compiled(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    const j = i & MASK;
    checksum = mix(checksum, rules[i & 3]!.split(costs[j]!, paid[j] === 1));
  }
  return checksum;
}

function oneShot(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum = mix(checksum, computeFees(inputs[i & MASK]!));
  return checksum;
}

function reference(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum = mix(checksum, computeFeesReference(inputs[i & MASK]!));
  return checksum;
}

function measure(
  name: string,
  run: (count: number) => number,
  count: number,
): { rate: number; checksum: number } {
  run(Math.min(count, 200_000)); // warm-up: let the JIT optimise the path
  const start = process.hrtime.bigint();
  const checksum = run(count);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = count / seconds;
  console.log(
    `${name.padEnd(12)} ${count.toLocaleString('en-US').padStart(12)} splits in ${seconds.toFixed(3)} s = ` +
      `${Math.round(rate).toLocaleString('en-US').padStart(12)} splits/s   checksum ${checksum}`,
  );
  return { rate, checksum };
}

console.log(
  `fee-splits: ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one thread; ` +
    `schedule escrow ${schedule.escrowRate}, gateway ${schedule.gatewayRate}, issuance ${schedule.issuanceFee}`,
);
const fast = measure('compiled', compiled, N);
const single = measure('computeFees', oneShot, N_ONE_SHOT);
const slow = measure('reference', reference, N_REFERENCE);

// The same vouchers in the same order give the same splits on every path.
const agree = compiled(N_REFERENCE) === slow.checksum && oneShot(N_REFERENCE) === slow.checksum;
console.log(
  `compiled is ${(fast.rate / slow.rate).toFixed(0)}× the decimal.js reference, computeFees ` +
    `${(single.rate / slow.rate).toFixed(0)}×; paths agree on the first ${N_REFERENCE.toLocaleString('en-US')} splits: ${agree}`,
);
if (!agree) process.exitCode = 1;
