import { count, type Html, html, ntd, taipeiTime } from '../format';
import { layout, type PageContext } from '../layout';
import type { BatchRow, ItemRow } from './payoffs-reader';
import { codeText, payoffWords } from './words';

/** Items a covering remittance was (or would be) sent for: the batch's count of coverings applies to them. */
const COVERED = new Set(['failed', 'rejected', 'covering', 'exception', 'reincluded', 'settled_outside']);

function period(b: BatchRow): string {
  return b.period_start === b.period_end ? b.period_start : `${b.period_start} – ${b.period_end}`;
}

function counts(map: Record<string, number>): Html {
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0
    ? html`-`
    : html`${entries.map(([k, n]) => html`<span class="pill" data-count="${k}">${k} ${count(n)}</span> `)}`;
}

export function payoffsPage(
  ctx: PageContext,
  batches: BatchRow[],
  next: string | null,
  filter: { state?: string },
  states: readonly string[],
): string {
  const w = payoffWords[ctx.lang];
  const query = filter.state ? `&state=${encodeURIComponent(filter.state)}` : '';
  return layout(
    ctx,
    w.title,
    html`<form method="get" action="/console/payoffs" class="day-pick">
        <label
          >${w.state}
          <select name="state">
            <option value="">${w.all}</option>
            ${states.map(
              (s) => html`<option value="${s}" ${s === filter.state ? html`selected` : html``}>${s}</option>`,
            )}
          </select></label
        >
        <button type="submit">${w.filter}</button>
      </form>
      ${
        batches.length === 0
          ? html`<p>${w.none}</p>`
          : html`<div class="scroll">
              <table class="payoffs">
                <thead>
                  <tr>
                    <th>${w.group_id}</th>
                    <th>${w.period}</th>
                    <th>${w.merchant}</th>
                    <th>${w.state}</th>
                    <th>${w.covering}</th>
                    <th>${w.items}</th>
                    <th>${w.amount}</th>
                  </tr>
                </thead>
                <tbody>
                  ${batches.map(
                    (b) =>
                      html`<tr data-batch="${b.group_id}">
                        <td>
                          <a href="/console/payoffs/${b.id}"><code>${b.group_id}</code></a>
                        </td>
                        <td>${period(b)}</td>
                        <td>${b.paying_merchant}</td>
                        <td data-state="${b.state}">
                          ${b.state}${b.gateway_code ? ` (${b.gateway_code})` : ''}
                        </td>
                        <td data-covering>${count(b.covering_attempts)}</td>
                        <td>${counts(b.items)}</td>
                        <td data-amount>${ntd(b.amount)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${next ? html`<a href="/console/payoffs?before=${next}${query}">${w.older}</a>` : html``}`,
  );
}

export function payoffPage(ctx: PageContext, batch: BatchRow, items: ItemRow[], next: string | null): string {
  const w = payoffWords[ctx.lang];
  const figure = (key: string, label: string, value: string | Html) =>
    html`<div class="figure">
      <dt>${label}</dt>
      <dd data-figure="${key}">${value}</dd>
    </div>`;
  return layout(
    ctx,
    `${w.batch_title} ${batch.group_id}`,
    html`<p><a href="/console/payoffs">${w.back}</a></p>
      <dl class="figures">
        ${figure('period', w.period, period(batch))} ${figure('merchant', w.merchant, batch.paying_merchant)}
        ${figure('state', w.state, `${batch.state}${batch.gateway_code ? ` (${batch.gateway_code})` : ''}`)}
        ${figure('covering', w.covering, count(batch.covering_attempts))}
        ${figure('revision', w.revision, count(batch.revision))}
        ${figure('amount', w.amount, ntd(batch.amount))} ${figure('items', w.items, counts(batch.items))}
        ${figure('updated', w.updated, taipeiTime(batch.updated_at))}
      </dl>
      <div class="scroll">
        <table class="items">
          <thead>
            <tr>
              <th>${w.item_id}</th>
              <th>${w.party}</th>
              <th>${w.payee_account}</th>
              <th>${w.amount}</th>
              <th>${w.state}</th>
              <th>${w.code}</th>
              <th>${w.covering}</th>
              <th>${w.message}</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (i) =>
                html`<tr data-item="${i.item_id}">
                  <td><code>${i.item_id}</code></td>
                  <td>${i.party}</td>
                  <td>${i.payee_account}</td>
                  <td data-amount>${ntd(i.amount)}</td>
                  <td data-state="${i.state}">${i.state}</td>
                  <td data-code="${i.gateway_code ?? ''}">${codeText(w, i.gateway_code)}</td>
                  <td data-covering>${COVERED.has(i.state) ? count(batch.covering_attempts) : '-'}</td>
                  <td>${i.gateway_message ?? ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${next ? html`<a href="/console/payoffs/${batch.id}?after=${next}">${w.more}</a>` : html``}`,
  );
}
