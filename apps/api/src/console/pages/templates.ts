import type { AuditLine } from '@tixclear/db';
import { html, taipeiTime } from './format';
import { layout, type PageContext } from './layout';

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

/**
 * A one-time link's page: the link itself signs no one in (a mail scanner or a chat preview that fetches it
 * spends nothing); the button posts it from this origin, so the Strict session cookie holds on the way in.
 */
export function loginLinkPage(ctx: PageContext, token: string): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.link_sign_in,
    html`<form class="card" method="post" action="/console/login/${token}">
      <button type="submit" autofocus>${t.link_continue}</button>
    </form>`,
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
