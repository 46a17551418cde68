/**
 * fee-calc: splits vouchers by the clearing rules (docs/protocol.md §5).
 *
 *   jq -c '.[].input' fixtures/fee-examples.json | npm run --silent fee-calc
 *
 * Reads JSON Lines on stdin (objects shaped like the fee fixtures' `input`), writes one JSON line per input line
 * on stdout: the fee object, or {"error":{"code","field","message"}}. Blank lines are skipped. Exits 0 unless
 * stdin cannot be read (1) or stdout cannot be written (2, silently on EPIPE).
 */
import { cliArgs } from '../runtime/cli-args';
import { FeeCalcExit, runFeeCalc } from './fee-calc';

cliArgs('fee-calc', { options: {} });

const status = await runFeeCalc(process.stdin, process.stdout, process.stderr);
if (status !== FeeCalcExit.Ok) {
  process.stdin.destroy();
  process.exit(status);
}
