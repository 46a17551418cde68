import { html, type Html } from '../format';
import type { Dictionary } from '../i18n';

/**
 * What assets/admin.js needs on an admin page (partners, operators): its confirm dialog (no note: the audit
 * line says who did what) and the place a secret shown once is revealed. Forms with `data-call` are its actions.
 */
export function adminActionsBlock(t: Dictionary, shownOnce: string, reload: string): Html {
  return html`<dialog id="admin-confirm">
      <form method="dialog">
        <p id="admin-confirm-what"></p>
        <div class="buttons">
          <button value="cancel" formnovalidate>${t.cancel}</button
          ><button value="confirm" id="admin-confirm-ok">${t.confirm}</button>
        </div>
      </form>
    </dialog>
    <section id="revealed" class="card revealed" tabindex="-1" hidden>
      <p>${shownOnce}</p>
      <output id="revealed-value"></output>
      <a href="">${reload}</a>
    </section>
    <template id="admin-words" data-ok="${t.result_ok}" data-failed="${t.result_failed}"></template>`;
}

/** The page's script tag for assets/admin.js. */
export const adminScript = html`<script src="/console/assets/admin.js" defer></script>`;
