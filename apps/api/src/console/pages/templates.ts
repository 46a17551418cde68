import type { AuditLine } from '@tixclear/db';
import type { DayPoint, DayTotals } from './day-totals';
import { count, Html, html, ntd, taipeiTime } from './format';
import { confirmDialog, layout, type PageContext } from './layout';

export interface ExceptionRow {
  id: string;
  kind: string;
  reference: string;
  partner_uid: string | null;
  created_at: Date;
}

export function signInPage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.sign_in,
    html`<form id="sign-in" class="card">
      <label>${t.name} <input name="name" autocomplete="username" required maxlength="64" /></label>
      <label
        >${t.password}
        <input name="password" type="password" autocomplete="current-password" required maxlength="1024"
      /></label>
      <button type="submit">${t.sign_in}</button>
      <p id="sign-in-error" class="error" role="alert" hidden>${t.sign_in_failed}</p>
    </form>`,
  );
}

export function dayPage(ctx: PageContext, totals: DayTotals, series: DayPoint[]): string {
  const { t } = ctx;
  const figure = (key: string, label: string, value: string) =>
    html`<div class="figure">
      <dt>${label}</dt>
      <dd data-figure="${key}">${value}</dd>
    </div>`;
  return layout(
    ctx,
    `${t.nav_day} ${totals.date}`,
    html`<form class="day-pick" method="get" action="/console">
        <label>${t.day} <input type="date" name="date" value="${totals.date}" /></label>
        <button type="submit">${t.show}</button>
      </form>
      ${totals.vouchers_cleared === 0 ? html`<p class="note">${t.no_clearings}</p>` : html``}
      <dl class="figures">
        ${figure('vouchers_cleared', t.vouchers_cleared, count(totals.vouchers_cleared))}
        ${figure('gross', t.gross, ntd(totals.gross))}
        ${figure('escrow', t.fee_escrow, ntd(totals.fees.escrow))}
        ${figure('gateway', t.fee_gateway, ntd(totals.fees.gateway))}
        ${figure('issuance', t.fee_issuance, ntd(totals.fees.issuance))}
        ${figure('headquarters', t.share_headquarters, ntd(totals.shares.headquarters))}
        ${figure('sales', t.share_sales, ntd(totals.shares.sales))}
        ${figure('reimbursement', t.share_reimbursement, ntd(totals.shares.reimbursement))}
      </dl>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">${t.chart_title}</h2>
        <div id="chart"></div>
      </section>`,
    // JSON in a data block: `<` escaped so no value can close the script element.
    new Html(
      `<script type="application/json" id="series">${JSON.stringify(series).replaceAll('<', '\\u003c')}</script>` +
        '<script src="/console/assets/uPlot.iife.min.js" defer></script>',
    ),
  );
}

/** The actions a page offers on an item, by kind; only those the operator's role may run. */
export function exceptionsPage(ctx: PageContext, rows: ExceptionRow[], canMoney: boolean): string {
  const { t } = ctx;
  const actions = (row: ExceptionRow) => {
    if (!canMoney || row.kind !== 'settlement_hold') return html``;
    const base = `/console/api/holds/${encodeURIComponent(row.reference)}`;
    return html`<button type="button" data-action="${base}/reclear" data-label="${t.reclear}">
        ${t.reclear}
      </button>
      <button type="button" data-action="${base}/settle-outside" data-label="${t.settle_outside}">
        ${t.settle_outside}
      </button>`;
  };
  return layout(
    ctx,
    t.exceptions_title,
    rows.length === 0
      ? html`<p>${t.none_open}</p>`
      : html`<table>
            <thead>
              <tr>
                <th>${t.kind}</th>
                <th>${t.reference}</th>
                <th>${t.partner}</th>
                <th>${t.created}</th>
                <th>${t.actions}</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (row) =>
                  html`<tr data-item="${row.id}">
                    <td>${row.kind}</td>
                    <td><code>${row.reference}</code></td>
                    <td>${row.partner_uid ?? '-'}</td>
                    <td>${taipeiTime(row.created_at)}</td>
                    <td class="actions">${actions(row)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${confirmDialog(t)}`,
  );
}

export function auditPage(ctx: PageContext, lines: AuditLine[], next: string | null): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.audit_title,
    html`<table>
        <thead>
          <tr>
            <th>${t.at}</th>
            <th>${t.actor}</th>
            <th>${t.action}</th>
            <th>${t.target}</th>
            <th>${t.outcome}</th>
          </tr>
        </thead>
        <tbody>
          ${lines.map(
            (line) =>
              html`<tr>
                <td>${taipeiTime(line.at)}</td>
                <td>${line.actor}${line.actorRole ? ` (${line.actorRole})` : ''}</td>
                <td>${line.action}</td>
                <td><code>${line.target ?? '-'}</code></td>
                <td>${line.outcome}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${next ? html`<a href="/console/audit?before=${next}">${t.older}</a>` : html``}`,
  );
}
