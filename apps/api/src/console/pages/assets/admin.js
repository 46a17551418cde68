// The admin pages' actions (partners, operators): each `form[data-call]` is confirmed in #admin-confirm, then
// sent to the operator API as JSON with the CSRF header. A secret in the answer (a new API key, a one-time
// sign-in link) is shown once in #revealed and kept nowhere; any other success reloads the page to show the
// new state. The operator API's guard, not this script, decides who may act.
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const result = document.getElementById('result');
  const dialog = document.getElementById('admin-confirm');
  const words = document.getElementById('admin-words');
  const revealed = document.getElementById('revealed');
  if (!dialog || !words) return;

  const show = (text, ok) => {
    result.textContent = text;
    result.className = ok ? 'ok' : 'failed';
  };
  /** The form's named fields as JSON: numbers for number inputs, booleans from `data-value`, blanks left out. */
  const bodyOf = (form) => {
    const body = {};
    for (const field of form.elements) {
      if (!field.name) continue;
      if (field.type === 'number') body[field.name] = Number(field.value);
      else if (field.value !== '') body[field.name] = field.value;
    }
    if (form.dataset.body) Object.assign(body, JSON.parse(form.dataset.body));
    return body;
  };
  /** What an answer reveals once: an API key's secret, or a sign-in link. */
  const secretOf = (data) => data?.secret ?? data?.issued?.secret ?? data?.url ?? undefined;

  for (const form of document.querySelectorAll('form[data-call]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      document.getElementById('admin-confirm-what').textContent = form.dataset.label ?? '';
      dialog.onclose = async () => {
        if (dialog.returnValue !== 'confirm') return;
        const answer = await fetch(form.dataset.call, {
          method: form.dataset.method ?? 'POST',
          credentials: 'same-origin',
          headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
          body: JSON.stringify(bodyOf(form)),
        });
        const body = await answer.json().catch(() => ({}));
        if (!answer.ok) {
          show(
            `${words.dataset.failed}: ${body?.error?.code ?? answer.status} ${body?.error?.message ?? ''}`,
            false,
          );
          return;
        }
        if (form.dataset.then === 'sign-in') return location.assign('/console/sign-in');
        const secret = secretOf(body.data) ?? body.login_link?.url;
        show(`${words.dataset.ok}: ${form.dataset.label ?? ''}`, true);
        if (secret && revealed) {
          for (const input of form.querySelectorAll('input[type="password"]')) input.value = '';
          document.getElementById('revealed-value').textContent = secret;
          revealed.hidden = false;
          revealed.focus();
          for (const button of document.querySelectorAll('form[data-call] button')) button.disabled = true;
        } else location.reload();
      };
      dialog.returnValue = '';
      dialog.showModal();
    });
  }
})();
