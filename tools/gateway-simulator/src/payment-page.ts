/*
 * The buyer's payment page (seed 000's `https://pay.usecase.cc/voucher/93.html`, seed 001's
 * `.../payment/81127.html`): a small HTML page with Pay and Cancel. Both buttons POST to the page itself, so a
 * script can pay with a bare `POST` (no body) and abandon with `action=cancel`; `action=fail` makes the payment
 * fail (300). Everything shown is escaped: names come from merchants' requests.
 */

export interface PageLine {
  readonly name: string;
  readonly amount: number;
  readonly total: number;
}

export interface PageModel {
  readonly title: string;
  readonly orderId: string;
  readonly uid: number;
  readonly cost: number;
  readonly currency: string;
  readonly lines: readonly PageLine[];
  /** The order's status code and message. */
  readonly code: string;
  readonly msg: string;
  /** Whether the buttons are offered (only while the order is open). */
  readonly open: boolean;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPaymentPage(model: PageModel): string {
  const rows = model.lines
    .map((line) => `<tr><td>${escapeHtml(line.name)}</td><td>${line.amount}</td><td>${line.total}</td></tr>`)
    .join('');
  const buttons = model.open
    ? `<form method="post"><input type="hidden" name="action" value="pay"><button type="submit">Pay</button></form>
  <form method="post"><input type="hidden" name="action" value="cancel"><button type="submit">Cancel</button></form>`
    : '';
  return `<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>${escapeHtml(model.title)}</title></head>
<body>
  <h1>${escapeHtml(model.title)}</h1>
  <p>order <code>${escapeHtml(model.orderId)}</code> (uid ${model.uid}): ${model.cost} ${escapeHtml(model.currency)}</p>
  <table><thead><tr><th>item</th><th>amount</th><th>total</th></tr></thead><tbody>${rows}</tbody></table>
  <p>status <b data-code="${escapeHtml(model.code)}">${escapeHtml(model.code)}</b> ${escapeHtml(model.msg)}</p>
  ${buttons}
</body></html>
`;
}
