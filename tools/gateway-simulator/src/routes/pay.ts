import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  settleBinding,
  settleOrder,
  settlePurchase,
  type PaymentAction,
  type Services,
} from '../flows/index';
import { BodyTooLargeError, parseFields, readBody } from '../http/body';
import { sendHtml, sendJson, sendText } from '../http/respond';
import { escapeHtml, renderPaymentPage, type PageModel } from '../payment-page';
import type { PayPageOrder, VoucherPurchase } from '../state/types';

/*
 * GET/POST /voucher/<uid>.html (voucher purchases) and /payment/<uid>.html (PayPage orders). POST with no body
 * or `action=pay` pays, `action=cancel` abandons, `action=fail` fails; `pfn` picks the payment tool when the
 * order let the buyer choose. A second decision on a settled order answers 409 and changes nothing. With
 * `Accept: application/json` the answer is `{ uid, code, moved }` instead of the page.
 */

export const PAYMENT_PATH = /^\/(voucher|payment)\/(\d+)\.html$/;
/** The e-wallet binding page of api/ewalletbind: POST (or `action=bind`) binds a card, `action=fail` fails. */
export const EWALLET_PATH = /^\/ewallet\/(\d+)\.html$/;

export async function handlePaymentPage(
  request: IncomingMessage,
  response: ServerResponse,
  services: Services,
  kind: 'voucher' | 'payment',
  uid: number,
): Promise<void> {
  const order = kind === 'voucher' ? services.state.purchases.get(uid) : services.state.orders.get(uid);
  if (order === undefined) return sendText(response, 'No such order.', 404);
  if (request.method === 'GET' || request.method === 'HEAD')
    return sendHtml(response, renderPaymentPage(modelOf(order)));
  if (request.method !== 'POST') return sendText(response, 'GET or POST only.', 405, { allow: 'GET, POST' });

  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendText(response, error.message, 413);
    throw error;
  }
  const fields = body.trim() === '' ? {} : (parseFields(request.headers['content-type'], body) ?? {});
  const action = fields.action === undefined || fields.action === '' ? 'pay' : fields.action;
  if (!isAction(action)) return sendText(response, 'action must be pay, cancel or fail.', 400);
  const { moved } =
    order.kind === 'voucher_purchase'
      ? settlePurchase(services, order, action, fields.pfn)
      : settleOrder(services, order, action, fields.pfn);
  const status = moved ? 200 : 409;
  const model = modelOf(order);
  if ((request.headers.accept ?? '').includes('application/json')) {
    return sendJson(response, { uid: order.uid, code: model.code, moved }, status);
  }
  sendHtml(response, renderPaymentPage(model), status);
}

function isAction(text: string): text is PaymentAction {
  return text === 'pay' || text === 'cancel' || text === 'fail';
}

function modelOf(order: VoucherPurchase | PayPageOrder): PageModel {
  const code = order.kind === 'voucher_purchase' ? order.code : order.prc;
  const waiting = order.deferred !== null && code === order.deferred.code;
  if (order.kind === 'voucher_purchase') {
    return {
      title: 'MYTIX 票券付款 (simulator)',
      orderId: order.orderId,
      uid: order.uid,
      cost: order.cost,
      currency: order.currency,
      lines: order.items.map((item) => ({
        name: item.name,
        amount: item.amount,
        total: item.cost * item.amount,
      })),
      code: order.code,
      msg:
        order.code === '200'
          ? 'awaiting payment'
          : order.code === '250'
            ? 'paid'
            : waiting
              ? 'awaiting the money'
              : 'closed',
      // A deferred payment's codes were handed out: Pay is the money arriving.
      open: order.code === '200' || waiting,
    };
  }
  return {
    title: 'MYPAY LINK PayPage (simulator)',
    orderId: order.orderId,
    uid: order.uid,
    cost: order.cost,
    currency: order.currency,
    lines: order.items.map((item) => ({ name: item.name, amount: item.amount, total: item.total })),
    code: order.prc,
    msg: order.retmsg,
    open: order.prc === '200' || waiting,
  };
}

export async function handleEwalletPage(
  request: IncomingMessage,
  response: ServerResponse,
  services: Services,
  uid: number,
): Promise<void> {
  const binding = services.state.bindings.get(uid);
  if (binding === undefined) return sendText(response, 'No such binding.', 404);
  const page = () =>
    `<!doctype html>\n<html lang="zh-Hant"><head><meta charset="utf-8"><title>MYPAY 電子錢包綁定 (simulator)</title></head>` +
    `<body><h1>MYPAY 電子錢包綁定 (simulator)</h1><p>user <code>${escapeHtml(binding.userId)}</code>: ` +
    `<b data-status="${binding.status}">${binding.status}</b></p>` +
    (binding.status === 'open' ? '<form method="post"><button type="submit">Bind</button></form>' : '') +
    '</body></html>\n';
  if (request.method === 'GET' || request.method === 'HEAD') return sendHtml(response, page());
  if (request.method !== 'POST') return sendText(response, 'GET or POST only.', 405, { allow: 'GET, POST' });
  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendText(response, error.message, 413);
    throw error;
  }
  const fields = body.trim() === '' ? {} : (parseFields(request.headers['content-type'], body) ?? {});
  const action = fields.action === undefined || fields.action === '' ? 'bind' : fields.action;
  if (action !== 'bind' && action !== 'fail') return sendText(response, 'action must be bind or fail.', 400);
  const { moved } = settleBinding(services, binding, action);
  const status = moved ? 200 : 409;
  if ((request.headers.accept ?? '').includes('application/json'))
    return sendJson(response, { uid, status: binding.status, moved }, status);
  sendHtml(response, page(), status);
}
