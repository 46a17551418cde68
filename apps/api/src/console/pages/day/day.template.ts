import { count, Html, html, ntd } from '../format';
import { layout, type PageContext } from '../layout';
import type { DayPoint, DayTotals } from './day-totals';
import { dayWords } from './words';

/** One figure, its key in `data-figure` (what the browser spec compares with the exports). */
const figure = (key: string, label: string, value: string) =>
  html`<div class="figure">
    <dt>${label}</dt>
    <dd data-figure="${key}">${value}</dd>
  </div>`;

/** The day page: the day's vouchers (sold, redeemed online and offline, refunded), its money, the 90-day chart. */
export function dayPage(ctx: PageContext, totals: DayTotals, series: DayPoint[]): string {
  const { t } = ctx;
  const w = dayWords[ctx.lang];
  return layout(
    ctx,
    `${t.nav_day} ${totals.date}`,
    html`<form class="day-pick" method="get" action="/console">
        <label>${t.day} <input type="date" name="date" value="${totals.date}" /></label>
        <button type="submit">${t.show}</button>
      </form>
      ${totals.vouchers_cleared === '0' ? html`<p class="note">${t.no_clearings}</p>` : html``}
      <h2>${w.movements}</h2>
      <dl class="figures">
        ${figure('vouchers_sold', w.vouchers_sold, count(totals.vouchers_sold))}
        ${figure('redeemed_online', w.redeemed_online, count(totals.redeemed_online))}
        ${figure('redeemed_offline', w.redeemed_offline, count(totals.redeemed_offline))}
        ${figure('vouchers_refunded', w.vouchers_refunded, count(totals.vouchers_refunded))}
      </dl>
      <h2>${w.money}</h2>
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
      <p class="note">${w.figures_note}</p>
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
