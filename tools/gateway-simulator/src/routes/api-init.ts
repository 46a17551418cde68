import type { IncomingMessage, ServerResponse } from 'node:http';
import { CryptoError, NoValidKeyError } from '@tixclear/crypto';
import { invalidData, MSG, systemError, withDetail } from '../answers';
import { type Faults, type RequestFault } from '../faults';
import { runCommand, type Services } from '../flows/index';
import { alterItems } from '../answer-faults';
import { BodyTooLargeError, base64Field, parseFields, readBody } from '../http/body';
import { dropConnection, sendGatewayJson, sendHtml, sendText } from '../http/respond';
import type { Merchant, MerchantMode } from '../merchants';
import type { RequestLogEntry } from '../state/types';
import {
  isSimulatedCommand,
  modesOf,
  SIMULATED_COMMANDS,
  validateRequest,
  type SimulatedCommand,
} from '../validation';

/*
 * POST /api/init: the envelope endpoint (docs/protocol.md §1). In order:
 *   1. read the body (form or JSON) and find the merchant by `store_uid` or `agent_uid`;
 *   2. open `service` with the merchant's key ring (any key valid now) and resolve the command;
 *   3. request faults (latency, 429, HTTP errors, outer 400, reset, garbage) — the command is not applied;
 *   4. open `encry_data`, validate it with the client's own schema, check mode and store_uid;
 *   5. run the command's flow (state changes happen here, synchronously);
 *   6. answer faults (the answer names a voucher more or fewer than the flow redeemed, see answer-faults.ts);
 *   7. commit faults (drop the response, answer 400 after all, or an HTTP status) — else the flow's answer.
 * Every envelope failure gives the same `100` (one answer whatever failed: no padding oracle).
 */

export interface CommandNames {
  /** The `cmd` of pay-off batch creation and query (docs/protocol.md §3: configuration). */
  readonly payoffremittance: string;
  readonly payoffquery: string;
}

export const DEFAULT_COMMAND_NAMES: CommandNames = {
  payoffremittance: 'api/payoffremittance',
  payoffquery: 'api/payoffquery',
};

export interface ApiInitDeps {
  readonly services: Services;
  readonly faults: Faults;
  readonly commandNames: CommandNames;
  readonly log: (line: string) => void;
}

const ENVELOPE = 'service/encry_data (cannot be opened)';

/** Built once per configuration: the table is asked on every request. */
const tables = new WeakMap<CommandNames, ReadonlyMap<string, SimulatedCommand>>();

export function commandTable(names: CommandNames): ReadonlyMap<string, SimulatedCommand> {
  const built = tables.get(names);
  if (built) return built;
  const table = new Map<string, SimulatedCommand>();
  for (const command of SIMULATED_COMMANDS) {
    if (command !== 'payoffremittance' && command !== 'payoffquery') table.set(`api/${command}`, command);
  }
  table.set(names.payoffremittance, 'payoffremittance');
  table.set(names.payoffquery, 'payoffquery');
  tables.set(names, table);
  return table;
}

export async function handleApiInit(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ApiInitDeps,
): Promise<void> {
  if (request.method !== 'POST') return sendText(response, 'Only POST is accepted.', 405, { allow: 'POST' });
  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendText(response, error.message, 413);
    throw error;
  }
  const { services, faults } = deps;
  const now = services.clock.now();
  const fields = parseFields(request.headers['content-type'], body) ?? {};
  const sender = senderOf(fields);
  const merchant = sender === undefined ? undefined : services.merchants.find(sender.mode, sender.uid);
  const opened =
    merchant === undefined ? undefined : openService(merchant, fields.service, now, deps.commandNames);
  const command = opened?.ok === true ? opened.command : undefined;
  const entry = services.state.logRequest({
    at: now.toISOString(),
    command,
    mode: sender?.mode,
    merchant: sender?.uid,
  });
  const answer = (payload: Record<string, unknown>, extra: Partial<RequestLogEntry> = {}): void => {
    Object.assign(entry, { httpStatus: 200, code: codeOf(payload), ...extra });
    sendGatewayJson(response, payload);
  };

  const target = { command, merchant: sender?.uid, reusedConnection: servedBefore(request) };
  const before = faults.beforeRequest(target);
  if (before.latencyMs > 0) await sleep(before.latencyMs);
  if (before.fault !== undefined) {
    entry.fault = before.fault.fault;
    return applyRequestFault(response, before.fault, entry);
  }

  if (sender === undefined) return answer(invalidData('store_uid or agent_uid (exactly one)'));
  if (merchant === undefined) return answer(invalidData(`${sender.mode}_uid (unknown merchant)`));
  if (opened === undefined || !opened.ok) return answer(invalidData(opened?.detail ?? ENVELOPE));
  const data = openData(merchant, fields.encry_data, now);
  if (!data.ok) return answer(invalidData(data.detail));

  const resolved = opened.command;
  const validation = validateRequest(resolved, data.value);
  if (!validation.ok) {
    const issues = validation.issues.map((i) => ({ field: i.field, code: i.code }));
    return answer(invalidData(issues.map((i) => i.field || '(request)').join(', ')), { issues });
  }
  if (!modesOf(resolved).includes(merchant.mode))
    return answer(invalidData('agent_uid (not available in dealer mode)'));
  const innerStore = (validation.value as { store_uid?: unknown }).store_uid;
  // In store mode the merchant speaks for itself; a dealer names the store it acts for.
  if (merchant.mode === 'store' && innerStore !== undefined && innerStore !== merchant.uid) {
    return answer(invalidData('store_uid (does not match the sender)'));
  }

  const refusal = faults.forPayees({ ...target, userIds: payeesOf(validation.value) });
  if (refusal !== undefined) {
    entry.fault = refusal.fault;
    return applyRequestFault(response, refusal, entry);
  }

  let result;
  try {
    result = runCommand(resolved, services, merchant, validation.value);
  } catch (error) {
    deps.log(
      `[simulator] ${resolved} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return answer(systemError());
  }
  entry.committed = result.committed;
  const lie = faults.forAnswer(target);
  if (lie !== undefined) result = { ...result, answer: alterItems(resolved, result.answer, lie) };
  const after = faults.afterCommit(target);
  if (after?.fault === 'commit_then_drop') {
    entry.fault = after.fault;
    entry.code = codeOf(result.answer);
    return dropConnection(response);
  }
  if (after?.fault === 'commit_then_error') return answer(systemError(), { fault: after.fault });
  if (after?.fault === 'commit_then_status') {
    Object.assign(entry, {
      fault: after.fault,
      httpStatus: after.status ?? 403,
      code: codeOf(result.answer),
    });
    return sendHtml(response, `<html><body><h1>${entry.httpStatus}</h1></body></html>`, entry.httpStatus);
  }
  answer(result.answer);
}

/** The payee accounts (`items[].user_id`) a read request names: a pay-off creation's, none for others. */
function payeesOf(request: unknown): string[] {
  if (typeof request !== 'object' || request === null) return [];
  const items = (request as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    const userId = (item as { user_id?: unknown } | null)?.user_id;
    return typeof userId === 'string' ? [userId] : [];
  });
}

/** Requests served per connection, to tell a kept-alive connection's later requests from its first. */
const served = new WeakMap<object, number>();

/** Whether this request's connection carried another before it (counts this one). */
function servedBefore(request: IncomingMessage): boolean {
  const count = served.get(request.socket) ?? 0;
  served.set(request.socket, count + 1);
  return count > 0;
}

function senderOf(fields: Record<string, string>): { mode: MerchantMode; uid: string } | undefined {
  const store = fields.store_uid?.trim();
  const agent = fields.agent_uid?.trim();
  if (store && !agent) return { mode: 'store', uid: store };
  if (agent && !store) return { mode: 'agent', uid: agent };
  return undefined;
}

type Opened<T> = { readonly ok: true } & T;
type Failed = { readonly ok: false; readonly detail: string };

function openService(
  merchant: Merchant,
  envelope: string | undefined,
  now: Date,
  names: CommandNames,
): Opened<{ command: SimulatedCommand }> | Failed {
  const opened = openData(merchant, envelope, now);
  if (!opened.ok) return opened;
  const service = opened.value as { service_name?: unknown; cmd?: unknown } | null;
  if (
    typeof service !== 'object' ||
    service === null ||
    service.service_name !== 'api' ||
    typeof service.cmd !== 'string'
  ) {
    return { ok: false, detail: 'service (expected {"service_name":"api","cmd":"api/<command>"})' };
  }
  const command = commandTable(names).get(service.cmd);
  if (command === undefined || !isSimulatedCommand(command)) {
    return { ok: false, detail: `service (${service.cmd} is not a command the simulator plays)` };
  }
  return { ok: true, command };
}

function openData(
  merchant: Merchant,
  envelope: string | undefined,
  now: Date,
): Opened<{ value: unknown }> | Failed {
  const text = base64Field(envelope);
  if (text === undefined || text === '') return { ok: false, detail: ENVELOPE };
  try {
    return { ok: true, value: merchant.keyRing.decryptJson(text, now).value };
  } catch (error) {
    if (error instanceof NoValidKeyError)
      return { ok: false, detail: 'the merchant has no key valid now (expired)' };
    if (error instanceof CryptoError) return { ok: false, detail: ENVELOPE };
    throw error;
  }
}

function applyRequestFault(
  response: ServerResponse,
  rule: {
    readonly fault: Exclude<RequestFault, 'latency'>;
    readonly status?: number | undefined;
    readonly retryAfterSeconds?: number | undefined;
    readonly code?: string | undefined;
  },
  entry: RequestLogEntry,
): void {
  switch (rule.fault) {
    case 'refuse':
      entry.httpStatus = 200;
      entry.code = rule.code ?? 'B500';
      return sendGatewayJson(response, { code: entry.code, msg: withDetail(MSG.failed, 'fault') });
    case 'http_429':
      entry.httpStatus = 429;
      return sendText(response, 'Too Many Requests', 429, {
        'retry-after': String(rule.retryAfterSeconds ?? 1),
      });
    case 'http_status':
      entry.httpStatus = rule.status ?? 503;
      return sendHtml(response, `<html><body><h1>${entry.httpStatus}</h1></body></html>`, entry.httpStatus);
    case 'system_error':
      entry.httpStatus = 200;
      entry.code = '400';
      return sendGatewayJson(response, systemError());
    case 'reset':
      return dropConnection(response);
    case 'garbage':
      // What a PHP front end shows when the application dies: an HTML page with status 200.
      entry.httpStatus = 200;
      return sendHtml(
        response,
        '<br />\n<b>Fatal error</b>: Allowed memory size exhausted in <b>index.php</b><br />',
      );
  }
}

function codeOf(payload: Record<string, unknown>): string | undefined {
  const code = payload.code ?? payload.prc;
  return typeof code === 'string' ? code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
