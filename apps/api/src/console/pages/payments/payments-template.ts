import { html, ntd, taipeiTime } from '../format';
import { layout, type PageContext } from '../layout';
import type { PaymentRow, PaymentsDay } from './payments-reader';
import { paymentWords } from './words';

export function paymentsPage(
  ctx: PageContext,
  day: PaymentsDay,
  payments: PaymentRow[],
  next: string | null,
): string {
  const w = paymentWords[ctx.lang];
  const label = (kind: string) => (w as Record<string, string>)[`ledger_${kind}`] ?? kind;
  return layout(
    ctx,
    `${w.title} ${day.date}`,
    html`<form class="day-pick" method="get" action="/console/payments">
        <label>${w.day} <input type="date" name="date" value="${day.date}" /></label>
        <button type="submit">${w.show}</button>
      </form>
      <section aria-labelledby="ledger-title">
        <h2 id="ledger-title">${w.ledger_title}</h2>
        <table class="ledger-totals">
          <thead>
            <tr>
              <th>${w.kind}</th>
              <th>${w.entries}</th>
              <th>${w.amount}</th>
            </tr>
          </thead>
          <tbody>
            ${day.totals.map(
              (t) =>
                html`<tr data-kind="${t.kind}">
                  <td>${label(t.kind)}</td>
                  <td data-entries>${t.entries}</td>
                  <td data-amount>${ntd(t.amount)}</td>
                </tr>`,
            )}
            <tr data-kind="net">
              <th scope="row">${w.net}</th>
              <td></td>
              <td data-amount>${ntd(day.net)}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title">${w.list_title}</h2>
        ${
          payments.length === 0
            ? html`<p>${w.none}</p>`
            : html`<div class="scroll">
                <table class="payments">
                  <thead>
                    <tr>
                      <th>${w.created}</th>
                      <th>${w.command}</th>
                      <th>${w.partner}</th>
                      <th>${w.order_id}</th>
                      <th>${w.state}</th>
                      <th>${w.code}</th>
                      <th>${w.amount}</th>
                      <th>${w.paid}</th>
                      <th>${w.completed}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${payments.map(
                      (p) =>
                        html`<tr data-operation="${p.id}">
                          <td>${taipeiTime(p.created_at)}</td>
                          <td>${p.command}</td>
                          <td>${p.partner ?? '-'}</td>
                          <td><code>${p.order_id}</code></td>
                          <td data-state="${p.state}">${p.state}</td>
                          <td data-code="${p.gateway_code ?? ''}">
                            ${p.gateway_code ?? '-'}${p.gateway_code === '290' ? html` <span class="pill">${w.mismatch}</span>` : html``}
                          </td>
                          <td data-amount>${p.amount === null ? '-' : ntd(p.amount)}</td>
                          <td>${p.paid !== null && /^\d{1,15}$/.test(p.paid) ? ntd(p.paid) : '-'}</td>
                          <td>${p.completed_at ? taipeiTime(p.completed_at) : '-'}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        ${next ? html`<a href="/console/payments?date=${day.date}&after=${next}">${w.more}</a>` : html``}
      </section>`,
  );
}
