import { Html, html } from './format';
import type { Dictionary, Lang } from './i18n';

export interface PageContext {
  lang: Lang;
  t: Dictionary;
  /** Absent on the sign-in page. */
  operator?: { name: string; role: string; csrfToken: string };
  path: string;
}

/** The console's pages in navigation order; a page is current when the request's path starts with its own. */
const NAV: ReadonlyArray<{ path: string; label: keyof Dictionary }> = [
  { path: '/console', label: 'nav_day' },
  { path: '/console/runs', label: 'nav_runs' },
  { path: '/console/ledgers', label: 'nav_ledgers' },
  { path: '/console/books', label: 'nav_books' },
  { path: '/console/payoffs', label: 'nav_payoffs' },
  { path: '/console/payments', label: 'nav_payments' },
  { path: '/console/exceptions', label: 'nav_exceptions' },
  { path: '/console/partners', label: 'nav_partners' },
  { path: '/console/operators', label: 'nav_operators' },
  { path: '/console/audit', label: 'nav_audit' },
];

function current(at: string, path: string): boolean {
  return path === '/console' ? at === path : at === path || at.startsWith(`${path}/`);
}

/** A whole page: header with navigation and the language switch, the body, then scripts (console.js last). */
export function layout(ctx: PageContext, title: string, body: Html, scripts: Html = html``): string {
  const { t, operator } = ctx;
  const other = ctx.lang === 'en' ? 'zh-TW' : 'en';
  const nav = operator
    ? html`<nav aria-label="main">
          ${NAV.map(
            (item) =>
              html`<a
                href="${item.path}"
                ${current(ctx.path, item.path) ? html` aria-current="page"` : html``}
                >${t[item.label]}</a
              >`,
          )}
        </nav>
        <div class="who">
          ${t.signed_in_as} <strong id="who">${operator.name}</strong> (<span id="role">${operator.role}</span
          >) <button type="button" id="sign-out">${t.sign_out}</button>
        </div>`
    : html``;
  return `<!doctype html>${
    html`<html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${operator ? html`<meta name="csrf-token" content="${operator.csrfToken}" />` : html``}
        <title>${title} · tixclear</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="stylesheet" href="/console/assets/uPlot.min.css" />
      </head>
      <body>
        <header>
          <span class="brand">${t.title}</span>${nav}<a class="lang" href="?lang=${other}">${t.language}</a>
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${body}
        </main>
        <div id="result" role="status" aria-live="polite"></div>
        ${scripts}
        <script src="/console/assets/console.js" defer></script>
      </body>
    </html>`.value
  }`;
}

/** The confirm dialog every action button opens (console.js): a required note, then the call. */
export function confirmDialog(t: Dictionary): Html {
  return html`<dialog id="confirm">
      <form method="dialog">
        <p id="confirm-what"></p>
        <label>${t.note} <textarea name="note" required maxlength="500"></textarea></label>
        <div class="buttons">
          <button value="cancel" formnovalidate>${t.cancel}</button
          ><button value="confirm" id="confirm-ok">${t.confirm}</button>
        </div>
      </form>
    </dialog>
    <template id="words" data-ok="${t.result_ok}" data-failed="${t.result_failed}"></template>`;
}
