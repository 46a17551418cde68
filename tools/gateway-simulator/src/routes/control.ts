import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ControlError, type Control } from '../control';
import { BodyTooLargeError, readBody } from '../http/body';
import { sendJson } from '../http/respond';
import type { MerchantConfig } from '../merchants';

/*
 * /_control/*: the Control API over HTTP, for tests in other processes and for people with curl. JSON in,
 * JSON out; errors as `{ error: { code, message } }` with 400/404/409. See the README for the list.
 */

const resetBody = z.strictObject({ seed: z.number().int().optional() }).default({});
const settleBody = z.strictObject({ pfn: z.string().optional() }).default({});
const batchBody = z
  .strictObject({ store_uid: z.string().optional(), hold: z.boolean().optional() })
  .default({});
const outcomesBody = z.strictObject({
  store_uid: z.string().optional(),
  items: z.record(z.string(), z.enum(['C1001', 'C2001', 'C2002'])),
});
const ratesBody = z.strictObject({ C2001: z.number().optional(), C2002: z.number().optional() });

type Route = (ctx: { readonly match: RegExpExecArray; readonly body: unknown; readonly url: URL }) => unknown;

export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  control: Control,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const method = request.method ?? 'GET';
  const routes: readonly [string, RegExp, Route][] = [
    ['GET', /^\/_control\/state$/, () => control.snapshot()],
    ['POST', /^\/_control\/reset$/, ({ body }) => (control.reset(resetBody.parse(body)), { reset: true })],
    ['GET', /^\/_control\/faults$/, () => control.faults()],
    ['PUT', /^\/_control\/faults$/, ({ body }) => (control.setFaults(body as never), control.faults())],
    ['POST', /^\/_control\/faults$/, ({ body }) => ({ added: control.addFaults(body as never) })],
    ['DELETE', /^\/_control\/faults$/, () => (control.clearFaults(), control.faults())],
    [
      'PUT',
      /^\/_control\/faults\/payoff-item-rates$/,
      ({ body }) => (control.setPayoffItemRates(ratesBody.parse(body)), control.faults()),
    ],
    [
      'DELETE',
      /^\/_control\/faults\/([^/]+)$/,
      ({ match }) => (control.removeFault(part(match, 1)), control.faults()),
    ],
    ['GET', /^\/_control\/merchants$/, () => control.merchants()],
    ['POST', /^\/_control\/merchants$/, ({ body }) => control.addMerchant(body as MerchantConfig)],
    [
      'POST',
      /^\/_control\/orders\/(\d+)\/(pay|cancel|fail)$/,
      ({ match, body }) =>
        control.settle(
          Number(part(match, 1)),
          part(match, 2) as 'pay' | 'cancel' | 'fail',
          settleBody.parse(body),
        ),
    ],
    [
      'POST',
      /^\/_control\/orders\/(\d+)\/(expire|mismatch)$/,
      ({ match }) => control.endDeferred(Number(part(match, 1)), part(match, 2) as 'expire' | 'mismatch'),
    ],
    ['POST', /^\/_control\/orders\/(\d+)\/charge$/, ({ match }) => control.charge(Number(part(match, 1)))],
    ['POST', /^\/_control\/recurring\/charge-due$/, () => ({ charged: control.chargeDue() })],
    [
      'POST',
      /^\/_control\/ewallet\/(\d+)\/(bind|fail)$/,
      ({ match }) => control.bindEwallet(Number(part(match, 1)), part(match, 2) as 'bind' | 'fail'),
    ],
    [
      'GET',
      /^\/_control\/holdings\/([^/]+)$/,
      ({ match, url: u }) => {
        const date = u.searchParams.get('date') ?? undefined;
        const balance = control.holdings(part(match, 1), date);
        return u.searchParams.has('movements')
          ? { ...balance, list: control.holdingMovements(part(match, 1)) }
          : balance;
      },
    ],
    [
      'GET',
      /^\/_control\/payoff\/([^/]+)$/,
      ({ match, url: u }) =>
        control.batch(part(match, 1), { storeUid: u.searchParams.get('store_uid') ?? undefined }),
    ],
    [
      'POST',
      /^\/_control\/payoff\/([^/]+)\/approve$/,
      ({ match, body }) => {
        const b = batchBody.parse(body);
        return control.approveBatch(part(match, 1), { storeUid: b.store_uid, hold: b.hold });
      },
    ],
    [
      'POST',
      /^\/_control\/payoff\/([^/]+)\/complete$/,
      ({ match, body }) =>
        control.completeBatch(part(match, 1), { storeUid: batchBody.parse(body).store_uid }),
    ],
    [
      'POST',
      /^\/_control\/payoff\/([^/]+)\/outcomes$/,
      ({ match, body }) => {
        const b = outcomesBody.parse(body);
        return control.setItemOutcomes(part(match, 1), b.items, { storeUid: b.store_uid });
      },
    ],
    [
      'GET',
      /^\/_control\/notifications$/,
      ({ url: u }) =>
        u.searchParams.has('settled') ? control.notificationsSettled() : control.notifications(),
    ],
    ['GET', /^\/_control\/requests$/, () => control.requests()],
  ];

  const found = routes.flatMap(([m, pattern, route]) => {
    const match = pattern.exec(url.pathname);
    return match === null ? [] : [{ m, match, route }];
  });
  if (found.length === 0)
    return sendJson(response, error('NOT_FOUND', `No control endpoint ${url.pathname}.`), 404);
  const chosen = found.find((r) => r.m === method);
  if (chosen === undefined)
    return sendJson(response, error('METHOD_NOT_ALLOWED', `${method} is not allowed here.`), 405);
  try {
    const text = await readBody(request);
    const body: unknown = text.trim() === '' ? undefined : JSON.parse(text);
    const result = await chosen.route({ match: chosen.match, body, url });
    sendJson(response, result ?? {});
  } catch (failure) {
    if (failure instanceof ControlError)
      return sendJson(response, error(failure.code, failure.message), failure.status);
    if (failure instanceof z.ZodError)
      return sendJson(response, error('INVALID_INPUT', z.prettifyError(failure)), 400);
    if (failure instanceof SyntaxError)
      return sendJson(response, error('INVALID_JSON', failure.message), 400);
    if (failure instanceof BodyTooLargeError)
      return sendJson(response, error('TOO_LARGE', failure.message), 413);
    throw failure;
  }
}

function part(match: RegExpExecArray, index: number): string {
  return decodeURIComponent(match[index] ?? '');
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
