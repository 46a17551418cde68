import { count, Html, html, ntd } from '../format';
import { layout, type PageContext } from '../layout';
import type { TrialBalance, TrustCheck, TrustPoint } from '../ledgers/ledger-reads';
import { bookWords } from './words';

/** The books page: the trial balance (debits = credits shown), the trust liability over time and its check. */
export function booksPage(
  ctx: PageContext,
  until: string,
  trial: TrialBalance,
  series: TrustPoint[],
  check: TrustCheck,
): string {
  const w = bookWords[ctx.lang];
  const difference = BigInt(check.difference);
  const figure = (key: string, label: string, value: string, extra = html``) =>
    html`<div class="figure">
      <dt>${label}</dt>
      <dd data-figure="${key}">${value}</dd>
      ${extra}
    </div>`;
  return layout(
    ctx,
    w.title,
    html`<section aria-labelledby="tb-title">
        <h2 id="tb-title">${w.trial_balance}</h2>
        <p class="note" id="basis">
          ${trial.basis.postedThrough ? w.basis.replace('{day}', trial.basis.postedThrough) : w.basis_none}
        </p>
        <table class="trial-balance">
          <thead>
            <tr>
              <th scope="col">${w.code}</th>
              <th scope="col">${w.name}</th>
              <th scope="col">${w.account}</th>
              <th scope="col" class="num">${w.debit}</th>
              <th scope="col" class="num">${w.credit}</th>
            </tr>
          </thead>
          <tbody>
            ${trial.accounts.map(
              (a) =>
                html`<tr data-account="${a.account}" data-debit="${a.debit}" data-credit="${a.credit}">
                  <td>${a.code}</td>
                  <td>${a.name}</td>
                  <td><code>${a.account}</code></td>
                  <td class="num">${a.debit === '0' ? '' : ntd(a.debit)}</td>
                  <td class="num">${a.credit === '0' ? '' : ntd(a.credit)}</td>
                </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr id="tb-total" data-debit="${trial.debits}" data-credit="${trial.credits}">
              <th scope="row" colspan="3">${w.total}</th>
              <td class="num">${ntd(trial.debits)}</td>
              <td class="num">${ntd(trial.credits)}</td>
            </tr>
          </tfoot>
        </table>
        <p
          id="tb-check"
          class="${trial.balanced ? 'ok' : 'failed'}"
          data-balanced="${String(trial.balanced)}"
        >
          ${trial.balanced ? w.balanced : w.unbalanced}
        </p>
      </section>
      <section aria-labelledby="trust-title">
        <h2 id="trust-title">${w.trust_title}</h2>
        <form class="day-pick" method="get" action="/console/books">
          <label>${w.until} <input type="date" name="until" value="${until}" /></label>
          <button type="submit">${w.show}</button>
        </form>
        <dl class="figures">
          ${figure('liability', w.liability, ntd(check.liability))}
          ${figure('outstanding_value', w.outstanding, ntd(check.outstanding_value))}
          ${figure('outstanding_count', w.outstanding_count, count(check.outstanding_count))}
          ${figure('difference', w.difference, ntd(check.difference))}
        </dl>
        <p
          id="trust-check"
          class="${difference === 0n ? 'ok' : 'failed'}"
          data-difference="${check.difference}"
        >
          ${difference === 0n ? w.no_difference : w.difference_note}
        </p>
        <h3 id="trust-chart-title">${w.trust_chart}</h3>
        <div id="trust-chart" role="img" aria-labelledby="trust-chart-title"></div>
      </section>`,
    // JSON in a data block: `<` escaped so no value can close the script element.
    new Html(
      `<script type="application/json" id="trust-series">${JSON.stringify(series).replaceAll('<', '\\u003c')}</script>` +
        '<script src="/console/assets/uPlot.iife.min.js" defer></script>' +
        '<script src="/console/assets/books.js" defer></script>',
    ),
  );
}
