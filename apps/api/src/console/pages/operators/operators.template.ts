import { operatorRoles, type OperatorRole, type OperatorView } from '@tixclear/db';
import { html, type Html, taipeiTime } from '../format';
import { layout, type PageContext } from '../layout';
import { adminActionsBlock, adminScript } from '../partners/admin-actions';
import { operatorsWords, type OperatorsWords } from './words';

const roleWord = (w: OperatorsWords, role: OperatorRole) => w[`role_${role}`];

function roleSelect(w: OperatorsWords, current: OperatorRole, id: string): Html {
  return html`<select name="role" id="${id}">
    ${operatorRoles.map(
      (role) =>
        html`<option value="${role}" ${role === current ? html`selected` : html``}>
          ${roleWord(w, role)}
        </option>`,
    )}
  </select>`;
}

/**
 * The operators page: everyone sets their own password here; an admin also sees every account, adds one (no
 * password: a one-time link is made), changes roles, disables and enables, and makes sign-in links.
 */
export function operatorsPage(ctx: PageContext, me: OperatorView, all: OperatorView[] | null): string {
  const { t } = ctx;
  const w = operatorsWords[ctx.lang];
  const api = '/console/api/operators';
  const own = html`<section aria-labelledby="you-title">
    <h2 id="you-title">${w.you}</h2>
    <p>${me.name} · ${roleWord(w, me.role)}</p>
    <form
      class="card"
      data-call="/console/api/me/password"
      data-method="PUT"
      data-then="sign-in"
      data-label="${me.hasPassword ? w.change_password : w.set_password}"
    >
      ${
        me.hasPassword
          ? html`<label
              >${w.current_password}
              <input
                name="current_password"
                type="password"
                autocomplete="current-password"
                required
                maxlength="1024"
            /></label>`
          : html``
      }
      <label
        >${w.new_password}
        <input
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength="12"
          maxlength="256"
      /></label>
      <p class="note">${w.password_note}</p>
      <button type="submit">${me.hasPassword ? w.change_password : w.set_password}</button>
    </form>
  </section>`;
  const admin = all
    ? html`<section aria-labelledby="add-title">
          <h2 id="add-title">${w.add_title}</h2>
          <p class="note">${w.add_note}</p>
          <form class="card" data-call="${api}" data-label="${w.add_title}">
            <label
              >${w.name}
              <input name="name" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}"
            /></label>
            <label>${w.role} ${roleSelect(w, 'viewer', 'add-role')}</label>
            <button type="submit">${w.add}</button>
          </form>
        </section>
        <section aria-labelledby="all-title">
          <h2 id="all-title">${w.title}</h2>
          <p class="note">${w.last_admin_note}</p>
          <table class="operators admin-table">
            <thead>
              <tr>
                <th>${w.name}</th>
                <th>${w.role}</th>
                <th>${w.has_password}</th>
                <th>${w.created}</th>
                <th>${w.state}</th>
                <th>${t.actions}</th>
              </tr>
            </thead>
            <tbody>
              ${all.map((op) => {
                const at = `${api}/${encodeURIComponent(op.name)}`;
                return html`<tr
                  data-operator="${op.name}"
                  data-role="${op.role}"
                  data-state="${op.disabledAt ? 'disabled' : 'enabled'}"
                >
                  <td><code>${op.name}</code></td>
                  <td>${roleWord(w, op.role)}</td>
                  <td>${op.hasPassword ? w.yes : w.no}</td>
                  <td>${taipeiTime(op.createdAt)}</td>
                  <td>${op.disabledAt ? `${w.disabled} ${taipeiTime(op.disabledAt)}` : w.enabled}</td>
                  <td class="actions">
                    <form
                      class="inline"
                      data-call="${at}"
                      data-method="PATCH"
                      data-label="${w.change_role}: ${op.name}"
                    >
                      <label>${w.role} ${roleSelect(w, op.role, `role-${op.id}`)}</label>
                      <button type="submit">${w.change_role}</button>
                    </form>
                    ${
                      op.disabledAt
                        ? html`<form
                            class="inline"
                            data-call="${at}"
                            data-method="PATCH"
                            data-body='{"disabled":false}'
                            data-label="${w.enable}: ${op.name}"
                          >
                            <button type="submit">${w.enable}</button>
                          </form>`
                        : html`<form
                              class="inline"
                              data-call="${at}"
                              data-method="PATCH"
                              data-body='{"disabled":true}'
                              data-label="${w.disable}: ${op.name}"
                            >
                              <button type="submit">${w.disable}</button>
                            </form>
                            <form
                              class="inline"
                              data-call="${at}/login-link"
                              data-label="${w.login_link}: ${op.name}"
                            >
                              <button type="submit">${w.login_link}</button>
                            </form>`
                    }
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>
        </section>`
    : html``;
  return layout(
    ctx,
    w.title,
    html`${adminActionsBlock(t, w.shown_once, w.reload)}${own}${admin}`,
    adminScript,
  );
}
