import { type Html, html, ntd, taipeiTime } from '../format';
import { layout, type PageContext } from '../layout';
import type { BalanceBasis, EntryDetail, Ledger, PartyEntries, PartyPage } from './ledger-reads';
import { LEDGERS } from './ledger-reads';
import { ledgerWords, type LedgerWords } from './words';

/** The ledgers' pages: parties with balances, a party's entries, an entry with its voucher and split. */

const ledgerName = (w: LedgerWords, ledger: Ledger) => w[`ledger_${ledger}`];

export const partyPath = (ledger: Ledger, party: string) =>
  `/console/ledgers/${ledger}/parties/${encodeURIComponent(party)}`;
export const entryPath = (id: string) => `/console/ledgers/entries/${encodeURIComponent(id)}`;

/** A signed journal amount as its debit and its credit cell (one of them blank). */
function debitCredit(amount: string): Html {
  const value = BigInt(amount);
  return html`<td class="num">${value > 0n ? ntd(value) : ''}</td>
    <td class="num">${value < 0n ? ntd(-value) : ''}</td>`;
}

/** A party's balance: what we owe it is a credit balance (negative in the journal). */
function balanceCell(w: LedgerWords, balance: string): Html {
  const value = BigInt(balance);
  const side = value < 0n ? w.we_owe : value > 0n ? w.owed_to_us : '';
  return html`<td class="num" data-balance="${balance}">
    ${ntd(value < 0n ? -value : value)}${side ? html` <small>${side}</small>` : html``}
  </td>`;
}

function basisNote(w: LedgerWords, basis: BalanceBasis): Html {
  return html`<p class="note" id="basis">
    ${basis.postedThrough ? w.basis.replace('{day}', basis.postedThrough) : w.basis_none}
  </p>`;
}

function ledgerTabs(ctx: PageContext, w: LedgerWords, current: Ledger): Html {
  return html`<nav class="tabs" aria-label="${w.ledgers}">
    ${LEDGERS.map(
      (ledger) =>
        html`<a
          href="/console/ledgers?ledger=${ledger}"
          ${ledger === current ? html`aria-current="page"` : html``}
          >${ledgerName(w, ledger)}</a
        >`,
    )}
  </nav>`;
}

export function ledgersPage(ctx: PageContext, page: PartyPage): string {
  const w = ledgerWords[ctx.lang];
  return layout(
    ctx,
    `${w.title}: ${ledgerName(w, page.ledger)}`,
    html`${ledgerTabs(ctx, w, page.ledger)} ${basisNote(w, page.basis)}
    ${
      page.parties.length === 0
        ? html`<p>${w.no_parties}</p>`
        : html`<table class="ledger-parties">
            <thead>
              <tr>
                <th scope="col">${w.party}</th>
                <th scope="col" class="num">${w.balance}</th>
              </tr>
            </thead>
            <tbody>
              ${page.parties.map(
                (p) =>
                  html`<tr data-party="${p.party}">
                    <td>
                      <a href="${partyPath(page.ledger, p.party)}"><code>${p.party}</code></a>
                    </td>
                    ${balanceCell(w, p.balance)}
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${
      page.next
        ? html`<a
            class="more"
            href="/console/ledgers?ledger=${page.ledger}&after=${encodeURIComponent(page.next)}"
            >${w.next_page}</a
          >`
        : html``
    }`,
  );
}

export function partyPage(ctx: PageContext, page: PartyEntries): string {
  const w = ledgerWords[ctx.lang];
  return layout(
    ctx,
    `${w.entries_of}${page.party}`,
    html`${ledgerTabs(ctx, w, page.ledger)}
      <dl class="figures">
        <div class="figure">
          <dt>${ledgerName(w, page.ledger)} · ${w.balance}</dt>
          <dd id="party-balance" data-balance="${page.balance}">
            ${ntd(BigInt(page.balance) < 0n ? -BigInt(page.balance) : BigInt(page.balance))}
            <small
              >${BigInt(page.balance) < 0n ? w.we_owe : BigInt(page.balance) > 0n ? w.owed_to_us : ''}</small
            >
          </dd>
        </div>
      </dl>
      ${
        page.entries.length === 0
          ? html`<p>${w.no_entries}</p>`
          : html`<table class="party-entries">
              <thead>
                <tr>
                  <th scope="col">${w.entry}</th>
                  <th scope="col">${w.posted_on}</th>
                  <th scope="col">${w.business_date}</th>
                  <th scope="col">${w.kind}</th>
                  <th scope="col">${w.serial}</th>
                  <th scope="col" class="num">${w.debit}</th>
                  <th scope="col" class="num">${w.credit}</th>
                </tr>
              </thead>
              <tbody>
                ${page.entries.map(
                  (e) =>
                    html`<tr data-entry="${e.entry_id}" data-amount="${e.amount}">
                      <td><a href="${entryPath(e.entry_id)}">#${e.entry_id}</a></td>
                      <td>${e.posted_on}</td>
                      <td>${e.business_date}</td>
                      <td>${e.kind}</td>
                      <td><code>${e.serial_number ?? ''}</code></td>
                      ${debitCredit(e.amount)}
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      ${
        page.next
          ? html`<a
              class="more"
              href="${partyPath(page.ledger, page.party)}?before=${encodeURIComponent(page.next)}"
              >${w.older}</a
            >`
          : html``
      }`,
  );
}

function pairs(rows: ReadonlyArray<readonly [string, Html | string, string?]>): Html {
  return html`<dl class="pairs">
    ${rows.map(
      ([label, value, key]) =>
        html`<div>
          <dt>${label}</dt>
          <dd ${key ? html`data-field="${key}"` : html``}>${value}</dd>
        </div>`,
    )}
  </dl>`;
}

export function entryPage(ctx: PageContext, entry: EntryDetail): string {
  const w = ledgerWords[ctx.lang];
  const c = entry.clearing;
  const party = (ledger: Ledger, name: string) =>
    html`<a href="${partyPath(ledger, name)}"><code>${name}</code></a>`;
  return layout(
    ctx,
    `${w.entry} #${entry.id}`,
    html`${pairs([
        [w.kind, entry.kind, 'kind'],
        [w.reference, html`<code>${entry.reference}</code>`, 'reference'],
        [w.business_date, entry.business_date],
        [w.posted_on, entry.posted_on],
        [w.description, entry.description],
        ...(entry.corrects_entry_id
          ? [
              [
                w.corrects,
                html`<a href="${entryPath(entry.corrects_entry_id)}">#${entry.corrects_entry_id}</a>`,
              ] as const,
            ]
          : []),
      ])}
      <section aria-labelledby="lines-title">
        <h2 id="lines-title">${w.lines}</h2>
        <table class="entry-lines">
          <thead>
            <tr>
              <th scope="col">${w.code}</th>
              <th scope="col">${w.account}</th>
              <th scope="col">${w.ledger}</th>
              <th scope="col">${w.party}</th>
              <th scope="col">${w.serial}</th>
              <th scope="col" class="num">${w.debit}</th>
              <th scope="col" class="num">${w.credit}</th>
            </tr>
          </thead>
          <tbody>
            ${entry.lines.map(
              (l) =>
                html`<tr data-account="${l.account}" data-amount="${l.amount}">
                  <td>${l.code}</td>
                  <td>${l.account}</td>
                  <td>${l.ledger ?? ''}</td>
                  <td>
                    ${
                      l.ledger && l.party
                        ? party(l.ledger as Ledger, l.party)
                        : html`<code>${l.party ?? ''}</code>`
                    }
                  </td>
                  <td><code>${l.serial_number ?? ''}</code></td>
                  ${debitCredit(l.amount)}
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      ${
        c
          ? html`<section aria-labelledby="split-title" id="split">
              <h2 id="split-title">${w.split}</h2>
              ${pairs([
                [w.run, c.run_period],
                [w.serial, html`<code>${c.serial_number}</code>`, 'serial_number'],
                [w.cost, ntd(c.cost), 'cost'],
                [w.fee_escrow, ntd(c.escrow_fee), 'escrow_fee'],
                [w.fee_gateway, ntd(c.gateway_fee), 'gateway_fee'],
                [
                  w.fee_issuance,
                  `${ntd(c.issuance_fee)} (${w.issuance_layer} ${c.issuance_layer})`,
                  'issuance_fee',
                ],
                [
                  w.share_headquarters,
                  html`${ntd(c.headquarters)} → ${party('headquarters', c.headquarters_party)}`,
                  'headquarters',
                ],
                [w.share_sales, html`${ntd(c.sales)} → ${party('sales', c.sales_party)}`, 'sales'],
                [
                  w.share_reimbursement,
                  html`${ntd(c.reimbursement)} → ${party('reimbursement', c.reimbursement_party)}`,
                  'reimbursement',
                ],
                [w.split_from, c.split_from === 'gateway' ? w.split_gateway : w.split_ours, 'split_from'],
                [
                  w.sharing,
                  [c.sharing.headquarters, c.sharing.sales, c.sharing.reimbursement]
                    .map((s) => s ?? '-')
                    .join(' / '),
                ],
                [
                  w.schedule,
                  c.schedule
                    ? `${w.issuer} ${c.schedule.issuer_id} · ${w.effective_from} ${c.schedule.effective_from} · ${w.escrow_rate} ${c.schedule.escrow_rate} · ${w.gateway_rate} ${c.schedule.gateway_rate} · ${w.fee_issuance} ${ntd(c.schedule.issuance_fee)} (${w.issuance_layer} ${c.schedule.issuance_layer})`
                    : '-',
                  'schedule',
                ],
              ])}
            </section>`
          : html``
      }
      ${
        entry.redemption
          ? html`<section aria-labelledby="redemption-title">
              <h2 id="redemption-title">${w.redemption}</h2>
              ${pairs([
                [w.redeemed_at, taipeiTime(entry.redemption.redeemed_at)],
                [w.business_date, entry.redemption.business_date],
                [w.redemption_point, entry.redemption.redemption_point],
                [w.sales_point, entry.redemption.sales_point],
                [w.order_id, html`<code>${entry.redemption.redemption_order_id ?? '-'}</code>`],
              ])}
            </section>`
          : html``
      }
      ${
        entry.voucher
          ? html`<section aria-labelledby="voucher-title">
              <h2 id="voucher-title">${w.voucher}</h2>
              ${pairs([
                [w.serial, html`<code>${entry.voucher.serial_number}</code>`],
                [w.state, entry.voucher.state, 'voucher_state'],
                [w.paid, entry.voucher.is_paid ? w.paid : w.gift],
                [w.price, ntd(entry.voucher.price)],
                [w.cost, ntd(entry.voucher.cost)],
                [w.sales_point, entry.voucher.sales_point],
                [w.trust_end, entry.voucher.trust_end_date ?? '-'],
                [w.sale_order, html`<code>${entry.voucher.sale_order_id ?? '-'}</code>`, 'sale_order_id'],
                [w.gateway_uid, html`<code>${entry.voucher.sale_gateway_uid ?? '-'}</code>`],
                [w.sold_at, entry.voucher.sold_at ? taipeiTime(entry.voucher.sold_at) : '-'],
              ])}
            </section>`
          : html``
      }`,
  );
}

/** A page's 404: the ledgers' navigation, and what was not found. */
export function notFoundPage(ctx: PageContext, what: 'no_entry' | 'no_party'): string {
  const w = ledgerWords[ctx.lang];
  return layout(ctx, w[what], html`<p><a href="/console/ledgers">${w.back}</a></p>`);
}
