import { count, type Html, html, taipeiTime } from '../format';
import { confirmDialog, layout, type PageContext } from '../layout';
import type { Page, QueueItem, QueueKind, UnknownOperation } from './exceptions.reader';
import { queueKinds, UNKNOWN_OUTCOME } from './exceptions.reader';
import { exceptionsWords } from './words';

/** What the signed-in operator may do here (roles.ts): money exceptions, operational ones. */
export interface Grants {
  money: boolean;
  operations: boolean;
}

type Words = (typeof exceptionsWords)['en'];

const button = (action: string, label: string) =>
  html`<button type="button" data-action="${action}" data-label="${label}">${label}</button>`;

/** The actions an item offers, by kind: only those the operator's role may run (the guard decides anyway). */
function itemActions(row: QueueItem, grants: Grants, ctx: PageContext, w: Words): Html[] {
  const ref = encodeURIComponent(row.reference);
  switch (row.kind) {
    case 'settlement_hold':
      return grants.money
        ? [
            button(`/console/api/holds/${ref}/reclear`, ctx.t.reclear),
            button(`/console/api/holds/${ref}/settle-outside`, ctx.t.settle_outside),
          ]
        : [];
    case 'payout_item_refused':
      return grants.money
        ? [
            button(`/console/api/payout-exceptions/${ref}/reinclude`, w.reinclude),
            button(`/console/api/payout-exceptions/${ref}/settle-outside`, w.settle_outside_payout),
          ]
        : [];
    case 'paid_mismatch':
      return grants.money
        ? [
            button(`/console/api/paid-mismatches/${ref}/accept`, w.accept),
            button(`/console/api/paid-mismatches/${ref}/refund`, w.refund),
          ]
        : [];
    case 'redemption_mismatch': {
      if (!grants.operations) return [];
      // The vouchers the answer left out wait for a verdict each; the item closes when none is left.
      const waiting = heldNotNamed(row.details).map((serial) => {
        const base = `/console/api/redemption-mismatches/${ref}/vouchers/${encodeURIComponent(serial)}`;
        return html`${button(`${base}/redeemed`, `${w.redeemed} ${serial}`)}
        ${button(`${base}/not_redeemed`, `${w.not_redeemed} ${serial}`)}`;
      });
      return [...waiting, button(`/console/api/redemption-mismatches/${ref}/acknowledge`, w.acknowledge)];
    }
    case 'partner_report_flagged':
      return grants.operations ? [button(`/console/api/partner-reports/${ref}/resend`, w.resend)] : [];
    default:
      return [];
  }
}

/** The serials a redemption mismatch's item says the answer left out (`details.heldNotNamed`), if any. */
function heldNotNamed(details: unknown): string[] {
  const listed = (details as { heldNotNamed?: unknown } | null)?.heldNotNamed;
  return Array.isArray(listed) ? listed.filter((s): s is string => typeof s === 'string').slice(0, 20) : [];
}

/** An age in whole units: `3d 4h`, `5h 2m`, `40s`. */
export function age(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${Math.max(0, seconds)}s`;
}

function filterNav(
  ctx: PageContext,
  w: Words,
  kind: QueueKind | undefined,
  counts: Record<string, number>,
): Html {
  const link = (to: QueueKind | undefined, label: string, n: number | undefined) =>
    html`<a
      href="/console/exceptions${to ? `?kind=${to}` : ''}"
      ${to === kind ? html` aria-current="true"` : html``}
      >${label}${n ? html` <span class="count">${count(n)}</span>` : html``}</a
    >`;
  return html`<nav class="kinds" aria-label="${w.filter}">
    ${link(undefined, w.all_items, undefined)} ${queueKinds.map((k) => link(k, w.kinds[k] ?? k, counts[k]))}
  </nav>`;
}

function pager(w: Words, kind: QueueKind | undefined, next: string | null, paged: boolean): Html {
  const base = `/console/exceptions?${kind ? `kind=${kind}&` : ''}`;
  return html`<p class="pager">
    ${paged ? html`<a href="${base.slice(0, -1)}">${w.first_page}</a>` : html``}
    ${next ? html`<a href="${base}after=${next}" rel="next">${w.next_page}</a>` : html``}
  </p>`;
}

/** The exception queue: operator items (or operations of unknown outcome), a kind filter, keyset pages. */
export function exceptionsPage(
  ctx: PageContext,
  view: {
    kind: QueueKind | undefined;
    paged: boolean;
    counts: Record<string, number>;
    items?: Page<QueueItem>;
    unknown?: Page<UnknownOperation>;
  },
  grants: Grants,
): string {
  const { t } = ctx;
  const w = exceptionsWords[ctx.lang];
  const title = view.kind ? `${t.exceptions_title} · ${w.kinds[view.kind] ?? view.kind}` : t.exceptions_title;
  let table: Html;
  let next: string | null = null;
  if (view.kind === UNKNOWN_OUTCOME && view.unknown) {
    next = view.unknown.next;
    table =
      view.unknown.rows.length === 0
        ? html`<p>${w.none}</p>`
        : html`<p class="note">${w.unknown_note}</p>
            <table>
              <thead>
                <tr>
                  <th>${w.operation}</th>
                  <th>${w.command}</th>
                  <th>${t.partner}</th>
                  <th>${w.order}</th>
                  <th>${t.created}</th>
                  <th>${w.age}</th>
                  <th>${t.actions}</th>
                </tr>
              </thead>
              <tbody>
                ${view.unknown.rows.map(
                  (op) =>
                    html`<tr data-operation="${op.id}">
                      <td><code>${op.id}</code></td>
                      <td>${op.command}</td>
                      <td>${op.partner_uid ?? '-'}</td>
                      <td>${op.order_id}</td>
                      <td>${taipeiTime(op.created_at)}</td>
                      <td data-age="${op.age_seconds}">${age(op.age_seconds)}</td>
                      <td class="actions">
                        ${
                          grants.operations
                            ? button(`/console/api/operations/${op.id}/query`, w.query_now)
                            : html``
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`;
  } else {
    const rows = view.items?.rows ?? [];
    next = view.items?.next ?? null;
    table =
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
                  html`<tr data-item="${row.id}" data-kind="${row.kind}">
                    <td>${w.kinds[row.kind] ?? row.kind}</td>
                    <td>
                      <code>${row.reference}</code
                      >${row.order_id ? html` <small>${row.order_id}</small>` : html``}
                    </td>
                    <td>${row.partner_uid ?? '-'}</td>
                    <td>${taipeiTime(row.created_at)}</td>
                    <td class="actions">${itemActions(row, grants, ctx, w)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`;
  }
  return layout(
    ctx,
    title,
    html`${filterNav(ctx, w, view.kind, view.counts)} ${table} ${pager(w, view.kind, next, view.paged)}
    ${confirmDialog(t)}`,
  );
}
