import { count, type Html, html, ntd, taipeiTime } from '../format';
import { confirmDialog, layout, type PageContext } from '../layout';
import type { RunFile } from './run-files';
import type { RunDetail, RunRow } from './runs-reader';
import { type RunWords, runWords } from './words';

/** Seconds as `1h 02m 03s` (whole seconds; no unit words, so both languages read it). */
export function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : m > 0 ? `${m}m ${pad(s % 60)}s` : `${s % 60}s`;
}

function period(row: { period_start: string; period_end: string }): string {
  return row.period_start === row.period_end ? row.period_start : `${row.period_start} – ${row.period_end}`;
}

function stateLabel(w: RunWords, state: string): string {
  return (w as Record<string, string>)[`state_${state}`] ?? state;
}

function counts(map: Record<string, number>): Html {
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0
    ? html`-`
    : html`${entries.map(([k, n]) => html`<span class="pill" data-count="${k}">${k} ${count(n)}</span> `)}`;
}

function progress(w: RunWords, row: RunRow): Html {
  return html`<progress max="${row.steps_total}" value="${row.steps_done}"></progress>
    <span data-steps>${row.steps_done}/${row.steps_total}</span> ${w.steps}`;
}

export interface StartForm {
  start: string;
  end: string;
  /** The period as the start route names it, when the form was filled. */
  prepared: string | null;
  /** Why the dates given make no period to start. */
  problem: string | null;
  canStart: boolean;
}

export function runsPage(ctx: PageContext, runs: RunRow[], next: string | null, form: StartForm): string {
  const w = runWords[ctx.lang];
  const start = form.canStart
    ? html`<section class="card run-start" aria-labelledby="start-title">
        <h2 id="start-title">${w.start_title}</h2>
        <form method="get" action="/console/runs">
          <label>${w.start_from} <input type="date" name="start" value="${form.start}" required /></label>
          <label>${w.start_to} <input type="date" name="end" value="${form.end}" required /></label>
          <button type="submit">${w.prepare}</button>
        </form>
        ${
          form.prepared
            ? html`<table>
                <tbody>
                  <tr>
                    <td><code>${form.prepared}</code></td>
                    <td class="actions">
                      <button
                        type="button"
                        data-action="/console/api/runs/${form.prepared}/start"
                        data-label="${w.start}"
                      >
                        ${w.start}
                      </button>
                    </td>
                  </tr>
                </tbody>
              </table>`
            : html``
        }
        ${form.problem ? html`<p class="error" role="alert">${form.problem}</p>` : html``}
        <p class="note">${w.start_hint}</p>
      </section>`
    : html``;
  return layout(
    ctx,
    w.title,
    html`${start}
    ${
      runs.length === 0
        ? html`<p>${w.none}</p>`
        : html`<div class="scroll">
            <table class="runs">
              <thead>
                <tr>
                  <th>${w.period}</th>
                  <th>${w.state}</th>
                  <th>${w.progress}</th>
                  <th>${w.started}</th>
                  <th>${w.duration}</th>
                  <th>${w.paid_cleared}</th>
                  <th>${w.held}</th>
                  <th>${w.batches}</th>
                  <th>${w.items}</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (row) =>
                    html`<tr data-run="${row.id}">
                      <td><a href="/console/runs/${row.id}">${period(row)}</a></td>
                      <td data-state="${row.state}">
                        ${stateLabel(w, row.state)}${row.job ? html` <span class="pill">${row.job.state}</span>` : html``}
                      </td>
                      <td>${progress(w, row)}</td>
                      <td>${taipeiTime(row.created_at)}</td>
                      <td>
                        ${duration(row.duration_seconds)}${
                          row.current_step_seconds !== null
                            ? html` (${duration(row.current_step_seconds)})`
                            : html``
                        }
                      </td>
                      <td data-paid-cleared>${count(row.paid_vouchers_cleared)}</td>
                      <td data-held>${count(row.vouchers_held)}</td>
                      <td>${counts(row.batches)}</td>
                      <td>${counts(row.items)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${next ? html`<a href="/console/runs?before=${next}">${w.older}</a>` : html``}
    ${form.canStart ? confirmDialog(ctx.t) : html``}`,
  );
}

export function runPage(ctx: PageContext, run: RunDetail, files: RunFile[] | null): string {
  const w = runWords[ctx.lang];
  const figure = (key: string, label: string, value: string | Html) =>
    html`<div class="figure">
      <dt>${label}</dt>
      <dd data-figure="${key}">${value}</dd>
    </div>`;
  const base = `/console/api/runs/${run.id}/files`;
  return layout(
    ctx,
    `${w.run_title} ${period(run)}`,
    html`<p><a href="/console/runs">${w.back}</a></p>
      <dl class="figures">
        ${figure('state', w.state, stateLabel(w, run.state))}
        ${figure('progress', w.progress, progress(w, run))}
        ${figure('started', w.started, taipeiTime(run.created_at))}
        ${figure('last_move', w.last_move, taipeiTime(run.updated_at))}
        ${figure('duration', w.duration, duration(run.duration_seconds))}
        ${figure('vouchers_cleared', w.cleared, count(run.vouchers_cleared))}
        ${figure('paid_vouchers_cleared', w.paid_cleared, count(run.paid_vouchers_cleared))}
        ${figure('cleared_value', w.cleared_value, ntd(run.cleared_value))}
        ${figure('vouchers_held', w.held, count(run.vouchers_held))}
        ${figure('batches', w.batches, counts(run.batches))} ${figure('items', w.items, counts(run.items))}
      </dl>
      ${
        Object.keys(run.hold_reasons).length > 0
          ? html`<h2>${w.hold_reasons}</h2>
              <p>${counts(run.hold_reasons)}</p>`
          : html``
      }
      <section aria-labelledby="files-title">
        <h2 id="files-title">${w.files}</h2>
        ${
          files === null
            ? html`<p>${w.no_files}</p>`
            : html`<table class="files">
                <thead>
                  <tr>
                    <th>${w.file}</th>
                    <th>${w.bytes}</th>
                    <th>SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...files, { name: 'manifest.json', bytes: -1, sha256: '' }].map(
                    (file) =>
                      html`<tr>
                        <td>
                          <a href="${base}/${file.name}" download data-file="${file.name}">${file.name}</a>
                        </td>
                        <td>${file.bytes >= 0 ? count(file.bytes) : '-'}</td>
                        <td><code>${file.sha256}</code></td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`,
  );
}
