import { commands, type MerchantMode, type RequestOf } from '@tixclear/gateway-client';
import type { z } from 'zod';

/*
 * Request validation, and only here: the simulator reads every request with the very schemas the client writes
 * them with (`commands` of @tixclear/gateway-client, business rules included as refinements), so the two cannot
 * drift apart. A request the client would refuse to send, the simulator refuses with `100`, naming the fields.
 */

/** The commands the simulator plays: every command of seeds 000-004 (the Client mode api/open is not). */
export const SIMULATED_COMMANDS = [
  'voucherservicepurchase',
  'voucherservicequery',
  'vouchertransaction',
  'voucherquery',
  'voucherrefund',
  'voucherrefundquery',
  'voucheroffline',
  'esvcrefund',
  'payoffremittance',
  'payoffquery',
  'payoffcoveringremittance',
  'orders',
  'queryorder',
  'refund',
  'refundcancel',
  'cancelauthorization',
  'authorizedrequestpayment',
  'disabledirectdebit',
  'ewalletbind',
  'issueinvoice',
  'invoice',
  'paymentsupportpaymode',
] as const;

export type SimulatedCommand = (typeof SIMULATED_COMMANDS)[number];

/** The normalised (decoded) request of a command: JSON-in-string serials as arrays, amounts as numbers, ... */
export type RequestFor<C extends SimulatedCommand> = RequestOf<C>;

export interface ValidationIssue {
  /** Dotted path with indexes, e.g. `items[0].trust_end_date`; empty for the request as a whole. */
  readonly field: string;
  /** The business rule's code (e.g. `SERIAL_DUPLICATE`), or zod's issue code for a shape problem. */
  readonly code: string;
  readonly message: string;
}

export type Validation<C extends SimulatedCommand> =
  | { readonly ok: true; readonly value: RequestFor<C> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

export function isSimulatedCommand(name: string): name is SimulatedCommand {
  return (SIMULATED_COMMANDS as readonly string[]).includes(name);
}

/** The merchant modes a command is documented for (seed 000/001: store only; seeds 002-004: store and dealer). */
export function modesOf(command: SimulatedCommand): readonly MerchantMode[] {
  return commands[command].modes;
}

export function validateRequest<C extends SimulatedCommand>(command: C, payload: unknown): Validation<C> {
  const schema: z.ZodType = commands[command].request;
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data as RequestFor<C> };
  return { ok: false, issues: parsed.error.issues.map(toIssue) };
}

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  const params = 'params' in issue ? (issue.params as { rule?: unknown } | undefined) : undefined;
  const rule = typeof params?.rule === 'string' ? params.rule : undefined;
  return { field: fieldName(issue.path), code: rule ?? issue.code, message: issue.message };
}

export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    const name = String(part);
    return acc === '' ? name : `${acc}.${name}`;
  }, '');
}
