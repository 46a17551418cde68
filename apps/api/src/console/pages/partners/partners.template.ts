import { count, html, type Html, ntd, taipeiTime } from '../format';
import { layout, type PageContext } from '../layout';
import { adminActionsBlock, adminScript } from './admin-actions';
import type { MerchantKeyWarning, PartnerDetail, PartnerSummary } from './partners.reader';
import { partnersWords, type PartnersWords } from './words';

function notice(w: PartnersWords, warning: MerchantKeyWarning | null): Html {
  if (!warning) return html`-`;
  const urgent = warning.window <= 20 && !warning.has_successor;
  return html`<span class="key-notice${urgent ? ' urgent' : ''}" data-window="${warning.window}"
    >${w.window_notice.replace('{w}', String(warning.window))} ·
    ${w.days_left.replace('{n}', String(warning.days_left))} ·
    ${warning.has_successor ? w.successor_ready : w.no_successor}</span
  >`;
}

export function partnersListPage(ctx: PageContext, rows: PartnerSummary[]): string {
  const w = partnersWords[ctx.lang];
  return layout(
    ctx,
    w.title,
    rows.length === 0
      ? html`<p>${w.none}</p>`
      : html`<table class="partners admin-table">
          <thead>
            <tr>
              <th>${w.uid}</th>
              <th>${w.name}</th>
              <th>${w.mode}</th>
              <th>${w.issuer}</th>
              <th>${w.points}</th>
              <th>${w.api_keys_active}</th>
              <th>${w.next_expiry}</th>
              <th>${w.notice}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (p) =>
                html`<tr data-partner="${p.partner_uid}">
                  <td>
                    <a href="/console/partners/${encodeURIComponent(p.partner_uid)}">${p.partner_uid}</a>
                  </td>
                  <td>${p.name}</td>
                  <td>${p.mode === 'store' ? w.mode_store : w.mode_agent}</td>
                  <td>${p.issuer_id}</td>
                  <td data-figure="points">${count(p.points)}</td>
                  <td data-figure="api_keys">${count(p.active_api_keys)}</td>
                  <td>${p.next_key_expiry ? taipeiTime(p.next_key_expiry) : '-'}</td>
                  <td>${notice(w, p.key_warning)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
  );
}

export function partnerPage(ctx: PageContext, d: PartnerDetail, canAdmin: boolean): string {
  const { t } = ctx;
  const w = partnersWords[ctx.lang];
  const p = d.partner;
  const base = `/console/api/partners/${encodeURIComponent(p.partner_uid)}`;
  const keyState = { active: w.state_active, overlap: w.state_overlap, revoked: w.state_revoked };
  const merchantState = { upcoming: w.key_upcoming, valid: w.key_valid, expired: w.key_expired };
  const purpose = { inbound: w.purpose_inbound, upstream: w.purpose_upstream };
  const table = (head: Html, body: Html[]) =>
    body.length === 0
      ? html`<p>${w.none_rows}</p>`
      : html`<table class="admin-table">
          <thead>
            <tr>
              ${head}
            </tr>
          </thead>
          <tbody>
            ${body}
          </tbody>
        </table>`;
  return layout(
    ctx,
    `${w.title} ${p.partner_uid}`,
    html`${canAdmin ? adminActionsBlock(t, w.shown_once, w.reload) : html``}
      <p><a href="/console/partners">${w.back}</a></p>
      <dl class="facts">
        <div>
          <dt>${w.name}</dt>
          <dd>${p.name}</dd>
        </div>
        <div>
          <dt>${w.mode}</dt>
          <dd>${p.mode === 'store' ? w.mode_store : w.mode_agent}</dd>
        </div>
        <div>
          <dt>${w.issuer}</dt>
          <dd>${p.issuer_id}</dd>
        </div>
        <div>
          <dt>${w.upstream}</dt>
          <dd>${p.upstream_mode}:${p.upstream_uid}</dd>
        </div>
        <div>
          <dt>${w.notify_url}</dt>
          <dd>${p.notify_url ?? '-'} (${p.report_format})</dd>
        </div>
        <div>
          <dt>${w.created}</dt>
          <dd>${taipeiTime(p.created_at)}</dd>
        </div>
      </dl>

      <section aria-labelledby="points-title">
        <h2 id="points-title">${w.points}</h2>
        ${table(
          html`<th>${w.kind}</th>
            <th>${w.point_ref}</th>
            <th>${w.name}</th>
            <th>${w.payout_account}</th>`,
          d.points.map(
            (pt) =>
              html`<tr data-point="${pt.kind}:${pt.point_ref}">
                <td>${pt.kind === 'store' ? w.kind_store : w.kind_dealer}</td>
                <td><code>${pt.point_ref}</code></td>
                <td>${pt.name}</td>
                <td>${pt.payout_account ?? w.payout_none}</td>
              </tr>`,
          ),
        )}
      </section>

      <section aria-labelledby="fees-title">
        <h2 id="fees-title">${w.fee_schedules}</h2>
        ${table(
          html`<th>${w.effective_from}</th>
            <th>${w.effective_until}</th>
            <th>${w.escrow_rate}</th>
            <th>${w.gateway_rate}</th>
            <th>${w.issuance_fee}</th>
            <th>${w.issuance_layer}</th>`,
          d.fee_schedules.map(
            (f) =>
              html`<tr data-schedule="${f.effective_from}" class="${f.in_force ? 'in-force' : ''}">
                <td>${f.effective_from}${f.in_force ? html` <strong>(${w.in_force})</strong>` : html``}</td>
                <td>${f.effective_until ?? w.still}</td>
                <td>${f.escrow_rate}</td>
                <td>${f.gateway_rate}</td>
                <td>${ntd(f.issuance_fee)}</td>
                <td>${f.issuance_layer}</td>
              </tr>`,
          ),
        )}
      </section>

      <section aria-labelledby="api-keys-title">
        <h2 id="api-keys-title">${w.api_keys}</h2>
        ${
          canAdmin
            ? html`<form class="inline" data-call="${base}/api-keys" data-label="${w.issue}">
                <button type="submit">${w.issue}</button>
              </form>`
            : html``
        }
        ${table(
          html`<th>${w.prefix}</th>
            <th>${w.created}</th>
            <th>${w.state}</th>
            <th>${w.revoked_at}</th>
            ${canAdmin ? html`<th>${t.actions}</th>` : html``}`,
          d.api_keys.map(
            (k) =>
              html`<tr data-api-key="${k.id}" data-state="${k.state}">
                <td><code>${k.prefix}…</code></td>
                <td>${taipeiTime(k.created_at)}</td>
                <td>${keyState[k.state]}</td>
                <td>${k.revoked_at ? taipeiTime(k.revoked_at) : '-'}</td>
                ${
                  canAdmin
                    ? html`<td class="actions">
                        ${
                          k.state === 'active'
                            ? html`<form
                                class="inline"
                                data-call="${base}/api-keys/${k.id}/rotate"
                                data-label="${w.rotate} ${k.prefix}…"
                              >
                                <label
                                  >${w.overlap_hours}
                                  <input
                                    name="overlap_hours"
                                    type="number"
                                    min="0"
                                    max="168"
                                    value="24"
                                    required
                                /></label>
                                <button type="submit">${w.rotate}</button>
                              </form>`
                            : html``
                        }
                        ${
                          k.state !== 'revoked'
                            ? html`<form
                                class="inline"
                                data-call="${base}/api-keys/${k.id}/revoke"
                                data-label="${w.revoke} ${k.prefix}…"
                              >
                                <button type="submit">${w.revoke}</button>
                              </form>`
                            : html``
                        }
                      </td>`
                    : html``
                }
              </tr>`,
          ),
        )}
      </section>

      <section aria-labelledby="merchant-keys-title">
        <h2 id="merchant-keys-title">${w.merchant_keys}</h2>
        <p class="note">${w.merchant_keys_note}</p>
        ${table(
          html`<th>${w.purpose}</th>
            <th>${w.key_id}</th>
            <th>${w.valid_from}</th>
            <th>${w.valid_until}</th>
            <th>${w.rotation_from}</th>
            <th>${w.state}</th>
            <th>${w.notice}</th>`,
          d.merchant_keys.map(
            (k) =>
              html`<tr data-merchant-key="${k.purpose}:${k.key_id}">
                <td>${purpose[k.purpose]}</td>
                <td><code>${k.key_id}</code></td>
                <td>${taipeiTime(k.valid_from)}</td>
                <td>${taipeiTime(k.valid_until)}</td>
                <td>${taipeiTime(k.rotation_from)} – ${taipeiTime(k.valid_until)}</td>
                <td>${merchantState[k.state]}</td>
                <td>${notice(w, k.warning)}</td>
              </tr>`,
          ),
        )}
        ${
          canAdmin
            ? html`<form class="card" data-call="${base}/merchant-keys" data-label="${w.add_key}">
                <h3>${w.add_key}</h3>
                <label
                  >${w.purpose}
                  <select name="purpose">
                    <option value="inbound">${w.purpose_inbound}</option>
                    <option value="upstream">${w.purpose_upstream}</option>
                  </select></label
                >
                <label
                  >${w.key}
                  <input name="key" type="password" autocomplete="off" minlength="32" maxlength="32" required
                /></label>
                <button type="submit">${w.add}</button>
              </form>`
            : html``
        }
      </section>`,
    canAdmin ? adminScript : html``,
  );
}

/** An unknown partner uid: said plainly, with the way back. */
export function partnerNotFoundPage(ctx: PageContext): string {
  const w = partnersWords[ctx.lang];
  return layout(
    ctx,
    w.title,
    html`<p>${w.not_found}</p>
      <p><a href="/console/partners">${w.back}</a></p>`,
  );
}
