// The console's progressive enhancement: sign-in and sign-out, the exception actions (confirm dialog, CSRF
// header, result shown), the 90-day chart. Every call goes to the operator API, which decides who may act.
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const result = document.getElementById('result');
  const show = (text, ok) => {
    result.textContent = text;
    result.className = ok ? 'ok' : 'failed';
  };
  const call = (method, url, body) =>
    fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const signIn = document.getElementById('sign-in');
  signIn?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(signIn);
    const answer = await fetch('/console/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: form.get('name'), password: form.get('password') }),
    });
    if (answer.status === 201) location.assign('/console');
    else document.getElementById('sign-in-error').hidden = false;
  });

  document.getElementById('sign-out')?.addEventListener('click', async () => {
    const answer = await call('DELETE', '/console/api/session');
    // 401: the session had already ended; either way this browser is signed out.
    if (answer.ok || answer.status === 401) location.assign('/console/sign-in');
    else show(`${answer.status}`, false);
  });

  const dialog = document.getElementById('confirm');
  const words = document.getElementById('words');
  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', () => {
      const row = button.closest('tr');
      document.getElementById('confirm-what').textContent =
        `${button.dataset.label}: ${row?.querySelector('code')?.textContent ?? ''}`;
      dialog.querySelector('textarea').value = '';
      dialog.onclose = async () => {
        if (dialog.returnValue !== 'confirm') return;
        const note = dialog.querySelector('textarea').value;
        const answer = await call('POST', button.dataset.action, { note });
        const body = await answer.json().catch(() => ({}));
        if (answer.ok) {
          show(`${words.dataset.ok}: ${button.dataset.label}`, true);
          for (const b of row.querySelectorAll('button')) b.disabled = true;
          row.classList.add('done');
        } else
          show(
            `${words.dataset.failed}: ${body?.error?.code ?? answer.status} ${body?.error?.message ?? ''}`,
            false,
          );
      };
      dialog.showModal();
    });
  }

  const data = document.getElementById('series');
  const chart = document.getElementById('chart');
  if (data && chart && window.uPlot) {
    const series = JSON.parse(data.textContent);
    const xs = series.map((p) => Date.parse(`${p.date}T00:00:00+08:00`) / 1000);
    // Whole TWD from decimal strings: a day's gross fits a double exactly far beyond any real day.
    const ys = series.map((p) => Number(p.gross));
    const width = () => Math.max(320, chart.clientWidth);
    const plot = new window.uPlot(
      {
        width: width(),
        height: 240,
        tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Asia/Taipei'),
        series: [{}, { label: 'NT$', stroke: '#1f5fa8', fill: 'rgba(31,95,168,0.12)' }],
        axes: [{}, { size: 80 }],
      },
      [xs, ys],
      chart,
    );
    addEventListener('resize', () => plot.setSize({ width: width(), height: 240 }));
  }
})();
