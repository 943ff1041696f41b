// Pieces of ticket display shared by the lists and the ticket page.
import { el } from './dom.js';
import { t, tColon, lang, fmtTime, fmtPct } from './i18n.js';
import { api, isAgent } from './api.js';
import { listLabel } from './catalog.js';

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];

export const badge = (status) => el('span', { class: 'badge st-' + status }, t('st_' + status));
export const prio = (p) => (p ? el('span', { class: 'badge' + (p <= 2 ? ' p' + p : '') }, 'P' + p) : t('none'));
// A priority that rests on the default urgency (nobody set one yet) says so.
export const prioOf = (tk) => [prio(tk.priority), tk.urgency_default
  ? el('span', { class: 'small muted prio-default', title: t('urgency_assumed').replace('{level}', levelLabel(tk.urgency_default)) },
    ' ' + t('by_default'))
  : null];
export const fieldLabel = (f) => (f === 'group' ? t('group_f') : t(f));

// Impact and urgency levels as the form shows them: "3 · Low"; valueLabel
// gives any field's value that way (the others as they are).
const LEVELS = { 1: 'high', 2: 'medium', 3: 'low' };
export const levelLabel = (v) => (LEVELS[v] ? v + ' · ' + t(LEVELS[v]) : String(v));
export const valueLabel = (field, v) => (field === 'urgency' || field === 'impact' ? levelLabel(v)
  : field === 'category' || field === 'service' || field === 'ci' ? listLabel(field, v) : v);

// What made triage raise a ticket's impact, in the reader's language: the
// server words it in English ('"tout le service" (a group affected)',
// '"15 users" (15 people affected)', 'critical service "VPN"', 'VIP
// requester'); the quoted words are the ticket's own and stay as written.
const CUES = [
  [/^"(.+)" \(everyone affected\)$/, (m) => t('cue_everyone').replace('{words}', m[1])],
  [/^"(.+)" \(a group affected\)$/, (m) => t('cue_group').replace('{words}', m[1])],
  [/^"(.+)" \((\d+) people affected\)$/, (m) => t('cue_people').replace('{words}', m[1]).replace('{n}', m[2])],
  [/^critical service "(.+)"$/, (m) => t('cue_critical').replace('{name}', m[1])],
  [/^VIP requester$/, () => t('cue_vip')],
];
export function cueLabel(cue) {
  for (const [re, say] of CUES) {
    const m = re.exec(cue || '');
    if (m) return say(m);
  }
  return cue;
}

// The assignment groups, loaded once for agents (a short list, unlike users);
// the Groups and user pages clear it after a change.
export const lookups = { groups: null };
export async function loadGroups() {
  if (!isAgent() || lookups.groups) return;
  lookups.groups = (await api('GET', '/groups')).items;
}

// Where a ticket stands against its service levels, as the server says
// (sla_state): a running target late or nearly so is flagged.
export const isLate = (tk) => tk.sla_state === 'breached';

// Working time as people say it: "45 min", "2 h 10", "3 d 4 h" (d: a day
// of 24 working hours is rare; the desk's days are shorter, so hours run
// up to 48 before days are used).
export function fmtSpan(secs) {
  const m = Math.round(Math.abs(secs) / 60);
  if (m < 60) return m + ' min';
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h' + (m % 60 ? ' ' + String(m % 60).padStart(2, '0') : '');
  return Math.floor(h / 24) + ' ' + t('days_short') + (h % 24 ? ' ' + (h % 24) + ' h' : '');
}

// The marker of a ticket's next target: "At risk · 25 min left",
// "Overdue · 1 h 10", "Paused", or for a done ticket "Met" / "Missed".
export function slaMark(tk) {
  const st = tk.sla_state;
  if (!st || st === 'none' || st === 'ok') return null;
  let text = t('sla_' + st);
  if (st === 'at_risk') text += ' · ' + t('sla_left').replace('{span}', fmtSpan(tk.sla_left));
  if (st === 'breached') text += ' · ' + t('sla_late_by').replace('{span}', fmtSpan(tk.sla_left));
  return el('span', { class: 'badge sla-' + st, 'data-sla': st }, text);
}

// The next target of an open ticket, or the resolution target of a done
// one, with its marker; a ticket waiting on its requester says so.
export function slaLine(tk) {
  if (tk.sla_state === 'paused') {
    return el('p', { class: 'small', id: 'sla-due' }, tColon('sla_due_at'), slaMark(tk));
  }
  if (!tk.sla_due_at) return null;
  const target = tk.sla_target ? ' (' + t('sla_target_' + tk.sla_target) + ')' : '';
  return el('p', { class: 'small' + (isLate(tk) ? ' sla-late' : ''), id: 'sla-due' },
    tColon('sla_due_at'), el('b', {}, fmtTime(tk.sla_due_at)), target, ' ', slaMark(tk));
}

// The agent's view of both targets: the first response (answered when,
// within it or not) and the resolution (stopped since when while pending,
// met or missed once resolved).
export function slaCard(tk) {
  if (!tk.resolve_due_at) return null;
  const line = (label, due, doneAt, id) => {
    const met = doneAt ? new Date(doneAt) <= new Date(due) : null;
    return el('p', { class: 'small', id },
      el('b', {}, label), t('colon'), fmtTime(due),
      doneAt ? [' · ', t(met ? 'sla_done_in_time' : 'sla_done_late').replace('{time}', fmtTime(doneAt))] : null);
  };
  const done = tk.status === 'resolved' || tk.status === 'closed';
  return el('div', { class: 'sla-card', id: 'sla-card' },
    tk.sla_paused_at ? null : slaLine(tk),
    tk.response_due_at ? line(t('sla_target_response'), tk.response_due_at, tk.first_response_at, 'sla-response') : null,
    line(t('sla_target_resolution'), tk.resolve_due_at, done ? tk.resolved_at : null, 'sla-resolution'),
    tk.sla_paused_at ? el('p', { class: 'small', id: 'sla-paused' }, el('span', { class: 'sla-paused', 'data-sla': 'paused' },
      t('sla_paused_since').replace('{time}', fmtTime(tk.sla_paused_at)))) : null);
}

// A small "AI" mark beside a value the model set and nobody confirmed.
function aiMark(tk, field) {
  const p = tk.model_set && tk.model_set[field];
  if (p === undefined) return null;
  return el('span', { class: 'ai-mark', 'data-field': field, title: t('set_by_model') + ' · ' + fmtPct(p) },
    lang === 'fr' ? 'IA' : 'AI');
}

function dueCell(tk) {
  if (!tk.sla_due_at) {
    return el('td', { class: 'due muted', 'data-label': t('due'), 'data-sla': tk.sla_state || 'none' },
      tk.sla_state === 'paused' ? slaMark(tk) : t('none'));
  }
  const late = isLate(tk);
  return el('td', { class: 'due' + (late ? ' sla-late' : ''), 'data-late': String(late), 'data-due': tk.sla_due_at,
    'data-sla': tk.sla_state, 'data-label': t('due') },
    fmtTime(tk.sla_due_at),
    tk.sla_target ? el('div', { class: 'small muted' }, t('sla_target_' + tk.sla_target)) : null,
    slaMark(tk) ? el('div', {}, slaMark(tk)) : null);
}

// One row of a ticket list; go opens the ticket. On a phone the row is a
// card: number and title, then the badges and the labelled fields (the
// data-label of a cell is its column's name, see app.css). sel (the
// queue's): { has(id), toggle(id, on) } puts a checkbox first.
export function ticketRow(tk, go, sel) {
  return el('tr', { class: 'ticket', 'data-id': tk.id, onclick: () => go('#/ticket/' + tk.id) },
    sel ? el('td', { class: 't-sel', onclick: (ev) => ev.stopPropagation() },
      el('input', { type: 'checkbox', class: 'sel', 'data-id': tk.id, checked: sel.has(tk.id),
        'aria-label': t('select_ticket').replace('{id}', '#' + tk.id), onchange: (ev) => sel.toggle(tk.id, ev.target.checked) })) : null,
    el('td', { class: 't-id' }, '#' + tk.id),
    el('td', { class: 't-title lead' }, el('a', { href: '#/ticket/' + tk.id, class: 'ticket-title' }, tk.title),
      tk.unread ? [' ', el('span', { class: 'badge unread', title: t('unread_title') }, t('unread'))] : null),
    el('td', {}, badge(tk.status)),
    el('td', {}, prioOf(tk)),
    el('td', { 'data-label': t('category') }, listLabel('category', tk.category), ' ', aiMark(tk, 'category')),
    isAgent() ? el('td', { 'data-label': t('group') }, tk.group_name || t('none'), ' ', aiMark(tk, 'group')) : null,
    isAgent() ? el('td', { 'data-label': t('assignee') }, tk.assignee_name || t('none')) : null,
    isAgent() ? dueCell(tk) : null,
    el('td', { class: 'muted', 'data-label': t('created') }, fmtTime(tk.created_at)));
}
