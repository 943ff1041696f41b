// The Jobs page (admin): each background job of the server with its
// schedule, its last run (when, how long, what came of it), its next run,
// how often it ran and failed, and a button to run it now. The table is
// read again every few seconds while the page is open, so a run started
// here is seen to start and finish.
import { el, toast, toastError } from '../lib/dom.js';
import { t, has, fmtNum, fmtTime } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';

const REFRESH_MS = 4000;

// "every minute", "every 5 min", "every 2 h" (one unit reads as a word)
function every(seconds) {
  if (seconds === 3600) return t('jobs_every_1h');
  if (seconds === 60) return t('jobs_every_1min');
  if (seconds === 1) return t('jobs_every_1s');
  if (seconds % 3600 === 0) return t('jobs_every_h').replace('{n}', seconds / 3600);
  if (seconds % 60 === 0) return t('jobs_every_min').replace('{n}', seconds / 60);
  return t('jobs_every_s').replace('{n}', seconds);
}

function duration(ms) {
  if (ms === null || ms === undefined) return t('none');
  return ms < 1000 ? ms + ' ms' : fmtNum(ms / 1000, 1) + ' s';
}

// The state a person needs first: running, or the last result.
function state(j) {
  if (j.running) return el('span', { class: 'badge job-running' }, t('jobs_running'));
  if (!j.last_result) return el('span', { class: 'muted' }, t('jobs_never'));
  return el('span', { class: 'badge job-' + j.last_result }, t('jobs_res_' + j.last_result));
}

function row(j, redraw) {
  const run = el('button', { type: 'button', class: 'secondary job-run', disabled: j.running,
    onclick: async (ev) => {
      ev.target.disabled = true;
      try { await api('POST', `/jobs/${encodeURIComponent(j.name)}/run`, {}); toast(t('jobs_started')); } catch (e) { toastError(errText(e), t('dismiss')); }
      redraw();
    } }, t('jobs_run_now'));
  const failing = j.consecutive_failures > 0;
  return el('tr', { 'data-job': j.name, class: failing ? 'job-failing' : null },
    // the job's title in the reader's language, its name (as in /metrics) beside it
    el('td', { class: 'lead' }, el('strong', { class: 'job-title' }, has('jobs_title_' + j.name) ? t('jobs_title_' + j.name) : j.name),
      has('jobs_title_' + j.name) ? [' ', el('code', { class: 'small muted job-name' }, j.name)] : null,
      el('div', { class: 'muted' }, has('jobs_desc_' + j.name) ? t('jobs_desc_' + j.name) : j.description)),
    el('td', { class: 'job-every', 'data-label': t('jobs_schedule') }, every(j.schedule_seconds)),
    el('td', { class: 'job-state', 'data-label': t('jobs_state') }, state(j),
      j.last_message ? el('div', { class: 'muted job-message' }, j.last_message) : null,
      failing ? el('div', { class: 'error' }, t('jobs_failing').replace('{n}', j.consecutive_failures)) : null),
    el('td', { 'data-label': t('jobs_last') }, fmtTime(j.last_started_at), el('div', { class: 'muted' }, duration(j.last_duration_ms))),
    el('td', { class: 'job-next', 'data-label': t('jobs_next') }, j.running ? t('jobs_running') : fmtTime(j.next_run_at)),
    el('td', { class: 'job-counts', 'data-label': t('jobs_counts') }, `${j.runs} / ${j.failures}`),
    el('td', {}, run));
}

export default async function viewJobs({ page }) {
  const body = el('tbody', { id: 'jobs-body' });
  const table = el('table', { class: 'jobs stack', id: 'jobs-table' },
    el('thead', {}, el('tr', {}, [t('jobs_job'), t('jobs_schedule'), t('jobs_state'), t('jobs_last'),
      t('jobs_next'), t('jobs_counts'), ''].map((h) => el('th', {}, h)))),
    body);
  const redraw = async () => {
    if (!body.isConnected && body.dataset.drawn) return false; // the user left the page
    try {
      const r = await api('GET', '/jobs');
      body.replaceChildren(...r.items.map((j) => row(j, redraw)));
      body.dataset.drawn = '1';
    } catch (e) { toastError(errText(e), t('dismiss')); }
    return true;
  };
  await redraw();
  page(el('h1', {}, t('jobs')), el('p', { class: 'muted' }, t('jobs_intro')),
    el('div', { class: 'card scroll' }, table));
  const timer = setInterval(async () => { if (!(await redraw())) clearInterval(timer); }, REFRESH_MS);
}
