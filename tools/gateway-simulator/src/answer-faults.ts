import type { AnswerFault } from './faults';

/*
 * A gateway that lies about the vouchers of a redemption: the state is what the command did, only the answer
 * (of `vouchertransaction`, of `voucherquery`'s content, of `voucheroffline`'s content) names one voucher more
 * (`items_extra`, a copy of the last one under another serial) or one fewer (`items_missing`, the last one).
 * An answer that names no voucher (a refusal) is left as it is.
 */

type Json = Record<string, unknown>;

const DEFAULT_EXTRA_SERIAL = 'NOTHELD0000000001';

export function alterItems(
  command: string | undefined,
  answer: Json,
  fault: { fault: AnswerFault; serial?: string | undefined },
): Json {
  const serial = fault.serial ?? DEFAULT_EXTRA_SERIAL;
  switch (command) {
    case 'vouchertransaction':
      return { ...answer, items: alterOnline(answer.items, fault.fault, serial) };
    case 'voucherquery':
      return isJson(answer.content)
        ? {
            ...answer,
            content: { ...answer.content, items: alterOnline(answer.content.items, fault.fault, serial) },
          }
        : answer;
    case 'voucheroffline':
      return isJson(answer.content)
        ? {
            ...answer,
            content: { ...answer.content, items: alterOffline(answer.content.items, fault.fault, serial) },
          }
        : answer;
    default:
      return answer;
  }
}

function alterOnline(answerItems: unknown, fault: AnswerFault, serial: string): unknown {
  if (!Array.isArray(answerItems) || answerItems.length === 0) return answerItems;
  const items = answerItems as Json[];
  if (fault === 'items_missing') return items.slice(0, -1);
  const last = items[items.length - 1]!;
  return [...items, { ...last, serial_number: serial }];
}

function alterOffline(answerItems: unknown, fault: AnswerFault, serial: string): unknown {
  if (!Array.isArray(answerItems) || answerItems.length === 0) return answerItems;
  const items = answerItems as Json[];
  const last = items[items.length - 1]!;
  const vouchers = Array.isArray(last.vouchers) ? (last.vouchers as Json[]) : [];
  if (vouchers.length === 0) return answerItems;
  const head = items.slice(0, -1);
  if (fault === 'items_missing') {
    const fewer = vouchers.slice(0, -1);
    return fewer.length === 0 ? head : [...head, { ...last, vouchers: fewer }];
  }
  const copy = { ...vouchers[vouchers.length - 1], serial_no: serial, custom_serial_no: serial };
  return [...head, { ...last, vouchers: [...vouchers, copy] }];
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
