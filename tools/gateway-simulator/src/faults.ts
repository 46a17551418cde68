import { z } from 'zod';
import type { Random } from './ports';

/*
 * Fault injection. A plan is a list of rules, each naming a fault, optionally a command and a merchant it targets,
 * how many times it may fire (`times`, unlimited when absent) and a probability drawn from the seeded `faults`
 * stream (only rules with probability < 1 draw, so precise rules never disturb the sequence). Rules are looked at
 * in order; the first response-changing rule that fires wins, latencies add up.
 *
 * Phases, in the order a request meets them:
 *  - before processing: `latency`, then one of `http_429`, `http_status`, `system_error` (outer 400), `reset`
 *    (socket destroyed), `garbage` (a non-JSON page), `refuse` (a refusal, `code` default B500). The command is
 *    not applied. A `refuse` with `userId` waits until the request is read and fires on a pay-off creation
 *    whose items name that payee account (`forPayees`).
 *  - after processing: `commit_then_drop` (applied, then the socket is destroyed: the response is lost),
 *    `commit_then_error` (applied, then answered with the outer 400, as a gateway failing after its commit) and
 *    `commit_then_status` (applied, then an HTTP `status`, default 403, as a front end that forwarded the
 *    request and answers a 4xx or an unfollowed 3xx of its own: the client must treat it as maybe processed).
 *  - `reusedConnection` narrows a request or commit rule to requests arriving on a kept-alive connection that
 *    already carried one (true) or on a fresh one (false): a `reset` or `commit_then_drop` there is the reset of
 *    a reused socket, after the client had written its request.
 *  - on reports: `notify_duplicate` (delivered twice), `notify_out_of_order` (held until the next report to the
 *    same URL has gone out, or `ms`), `notify_suppress` (never sent: the merchant must query).
 *  - on the answer of a redemption or its query (applied, then the answer lies about its vouchers, see
 *    answer-faults.ts): `items_extra` names one more voucher (`serial`), `items_missing` leaves the last one out.
 * Pay-off item outcomes are not rules but rates (`payoffItemRates`), drawn from the seeded `payoff` stream: C2002
 * (rejected by the approver) at approval, C2001 (remittance failed) at remittance.
 */

export const REQUEST_FAULTS = [
  'latency',
  'http_429',
  'http_status',
  'system_error',
  'reset',
  'garbage',
  'refuse',
] as const;
export const COMMIT_FAULTS = ['commit_then_drop', 'commit_then_error', 'commit_then_status'] as const;
export const NOTIFY_FAULTS = ['notify_duplicate', 'notify_out_of_order', 'notify_suppress'] as const;
export const ANSWER_FAULTS = ['items_extra', 'items_missing'] as const;
export const FAULT_KINDS = [...REQUEST_FAULTS, ...COMMIT_FAULTS, ...NOTIFY_FAULTS, ...ANSWER_FAULTS] as const;

export type RequestFault = (typeof REQUEST_FAULTS)[number];
export type CommitFault = (typeof COMMIT_FAULTS)[number];
export type NotifyFault = (typeof NOTIFY_FAULTS)[number];
export type AnswerFault = (typeof ANSWER_FAULTS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultRuleSchema = z.strictObject({
  id: z.string().min(1).optional(),
  fault: z.enum(FAULT_KINDS),
  /** Command name (`vouchertransaction` or `api/vouchertransaction`), or several. All commands when absent. */
  command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Merchant uid (store or agent). All merchants when absent. */
  merchant: z.string().min(1).optional(),
  /** How many times it may fire; unlimited when absent. */
  times: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).default(1),
  /** `latency`: the delay; `notify_out_of_order`: the longest hold (default 2000). */
  ms: z.number().int().nonnegative().optional(),
  /** `http_status`: the status to answer (default 503); `commit_then_status` (default 403, no Location). */
  status: z.number().int().min(300).max(599).optional(),
  /** Only requests on a kept-alive connection that already carried one (true), or on a fresh one (false). */
  reusedConnection: z.boolean().optional(),
  /** `http_429`: the Retry-After header, in seconds (default 1). */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** `refuse`: the code answered (default B500). */
  code: z.string().min(1).max(10).optional(),
  /**
   * `refuse` only: a pay-off creation whose items name this payee account (`user_id`), decided once the request
   * is read (a gateway refusing a whole batch for one account, without naming the item).
   */
  userId: z.string().min(1).max(64).optional(),
  /** `items_extra`: the serial the added voucher is named by (default: one no voucher has). */
  serial: z.string().min(1).max(32).optional(),
});

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { readonly id: string };

export const payoffItemRatesSchema = z.strictObject({
  /** Share of approved items whose remittance fails (撥款失敗). */
  C2001: z.number().min(0).max(1).default(0),
  /** Share of items the approver rejects (放行人退件). */
  C2002: z.number().min(0).max(1).default(0),
});
export type PayoffItemRates = z.output<typeof payoffItemRatesSchema>;

export const faultPlanSchema = z.strictObject({
  rules: z.array(faultRuleSchema).default([]),
  payoffItemRates: payoffItemRatesSchema.default({ C2001: 0, C2002: 0 }),
});
export type FaultPlanInput = z.input<typeof faultPlanSchema>;

export interface FaultTarget {
  /** Without the `api/` prefix; undefined when the request could not be read that far. */
  readonly command: string | undefined;
  readonly merchant: string | undefined;
  /** Whether the request came on a connection that had already carried one; undefined for reports. */
  readonly reusedConnection?: boolean | undefined;
  /** The payee accounts a pay-off creation names; undefined before the request is read. */
  readonly userIds?: readonly string[] | undefined;
}

/** What the request phase decided. */
export interface RequestFaultDecision {
  readonly latencyMs: number;
  readonly fault?: FaultRule & { readonly fault: Exclude<RequestFault, 'latency'> };
}

export interface NotifyFaultDecision {
  readonly duplicate: boolean;
  readonly suppress: boolean;
  /** Hold until the next report to the same URL went out, at most this long. */
  readonly holdMs: number | undefined;
}

/** One firing, for inspection (`GET /_control/faults`). */
export interface FaultFiring {
  readonly ruleId: string;
  readonly fault: FaultKind;
  readonly command: string | undefined;
  readonly merchant: string | undefined;
  readonly at: string;
}

export class Faults {
  #rules: (FaultRule & { remaining: number | undefined })[] = [];
  #rates: PayoffItemRates = { C2001: 0, C2002: 0 };
  #fired: FaultFiring[] = [];
  #nextId = 1;
  readonly #random: () => Random;
  readonly #now: () => Date;

  /** `random` is read at each draw, so that a reset of the streams takes effect here too. */
  constructor(random: () => Random, now: () => Date) {
    this.#random = random;
    this.#now = now;
  }

  /** Replaces the whole plan. */
  setPlan(input: FaultPlanInput): void {
    const plan = faultPlanSchema.parse(input);
    this.#rules = [];
    this.#rates = plan.payoffItemRates;
    this.addRules(plan.rules);
  }

  addRules(inputs: readonly FaultRuleInput[]): FaultRule[] {
    const added = inputs.map((input) => {
      const rule = faultRuleSchema.parse(input);
      const id = rule.id ?? `f${this.#nextId++}`;
      if (this.#rules.some((r) => r.id === id)) throw new Error(`A fault rule with id ${id} exists already.`);
      const entry = { ...rule, id, remaining: rule.times };
      this.#rules.push(entry);
      return entry;
    });
    return added.map(publicRule);
  }

  removeRule(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length !== before;
  }

  setPayoffItemRates(input: z.input<typeof payoffItemRatesSchema>): void {
    this.#rates = payoffItemRatesSchema.parse(input);
  }

  get payoffItemRates(): PayoffItemRates {
    return { ...this.#rates };
  }

  clear(): void {
    this.#rules = [];
    this.#rates = { C2001: 0, C2002: 0 };
    this.#fired = [];
    this.#nextId = 1;
  }

  snapshot(): {
    rules: (FaultRule & { remaining: number | undefined })[];
    payoffItemRates: PayoffItemRates;
    fired: FaultFiring[];
  } {
    return {
      rules: this.#rules.map((r) => ({ ...publicRule(r), remaining: r.remaining })),
      payoffItemRates: { ...this.#rates },
      fired: [...this.#fired],
    };
  }

  beforeRequest(target: FaultTarget): RequestFaultDecision {
    let latencyMs = 0;
    for (const rule of this.#matching(target, ['latency'])) {
      if (this.#fire(rule, target)) latencyMs += rule.ms ?? 0;
    }
    const others = ['http_429', 'http_status', 'system_error', 'reset', 'garbage', 'refuse'] as const;
    for (const rule of this.#matching(target, others)) {
      if (this.#fire(rule, target)) {
        return { latencyMs, fault: publicRule(rule) as RequestFaultDecision['fault'] };
      }
    }
    return { latencyMs };
  }

  /** A `refuse` rule with a `userId` the read request names, if one fires (before the command is applied). */
  forPayees(target: FaultTarget): (FaultRule & { readonly fault: 'refuse' }) | undefined {
    const rule = this.#matching(target, ['refuse']).find(
      (r) => r.userId !== undefined && this.#fire(r, target),
    );
    return rule === undefined ? undefined : (publicRule(rule) as FaultRule & { readonly fault: 'refuse' });
  }

  afterCommit(target: FaultTarget): (FaultRule & { readonly fault: CommitFault }) | undefined {
    const rule = this.#matching(target, COMMIT_FAULTS).find((r) => this.#fire(r, target));
    return rule === undefined ? undefined : (publicRule(rule) as FaultRule & { readonly fault: CommitFault });
  }

  /** The first answer fault that fires, if any. */
  forAnswer(target: FaultTarget): (FaultRule & { readonly fault: AnswerFault }) | undefined {
    const rule = this.#matching(target, ANSWER_FAULTS).find((r) => this.#fire(r, target));
    return rule === undefined ? undefined : (publicRule(rule) as FaultRule & { readonly fault: AnswerFault });
  }

  forReport(target: FaultTarget): NotifyFaultDecision {
    const fires = (kind: NotifyFault): FaultRule | undefined =>
      this.#matching(target, [kind]).find((rule) => this.#fire(rule, target));
    const suppress = fires('notify_suppress') !== undefined;
    if (suppress) return { duplicate: false, suppress, holdMs: undefined };
    const hold = fires('notify_out_of_order');
    return {
      suppress,
      duplicate: fires('notify_duplicate') !== undefined,
      holdMs: hold === undefined ? undefined : (hold.ms ?? 2000),
    };
  }

  #matching(target: FaultTarget, kinds: readonly FaultKind[]) {
    return this.#rules.filter(
      (rule) =>
        kinds.includes(rule.fault) &&
        (rule.remaining === undefined || rule.remaining > 0) &&
        matchesCommand(rule.command, target.command) &&
        (rule.merchant === undefined || rule.merchant === target.merchant) &&
        (rule.reusedConnection === undefined || rule.reusedConnection === target.reusedConnection) &&
        (rule.userId === undefined || (target.userIds?.includes(rule.userId) ?? false)),
    );
  }

  #fire(rule: FaultRule & { remaining: number | undefined }, target: FaultTarget): boolean {
    if (rule.remaining !== undefined && rule.remaining <= 0) return false;
    if (rule.probability < 1 && !(this.#random()() < rule.probability)) return false;
    if (rule.remaining !== undefined) rule.remaining -= 1;
    this.#fired.push({
      ruleId: rule.id,
      fault: rule.fault,
      command: target.command,
      merchant: target.merchant,
      at: this.#now().toISOString(),
    });
    return true;
  }
}

function publicRule(rule: FaultRule & { remaining?: number | undefined }): FaultRule {
  const { remaining: _remaining, ...rest } = rule;
  return rest;
}

export function commandKey(cmd: string): string {
  return cmd.startsWith('api/') ? cmd.slice(4) : cmd;
}

function matchesCommand(filter: string | string[] | undefined, command: string | undefined): boolean {
  if (filter === undefined) return true;
  if (command === undefined) return false;
  const list = Array.isArray(filter) ? filter : [filter];
  return list.some((entry) => commandKey(entry) === command);
}
