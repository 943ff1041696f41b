// Pieces of ticket display shared by the lists and the ticket page.
import { el } from './dom.js';
import { t, tColon, lang, fmtTime } from './i18n.js';
import { api, isAgent } from './api.js';

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];

export const badge = (status) => el('span', { class: 'badge st-' + status }, t('st_' + status));
export const prio = (p) => (p ? el('span', { class: 'badge' + (p <= 2 ? ' p' + p : '') }, 'P' + p) : t('none'));
export const fieldLabel = (f) => (f === 'group' ? t('group_f') : t(f));

// Impact and urgency levels as the form shows them: "3 · Low"; valueLabel
// gives any field's value that way (the others as they are).
const LEVELS = { 1: 'high', 2: 'medium', 3: 'low' };
export const levelLabel = (v) => (LEVELS[v] ? v + ' · ' + t(LEVELS[v]) : String(v));
export const valueLabel = (field, v) => (field === 'urgency' || field === 'impact' ? levelLabel(v) : v);

// The assignment groups, loaded once for agents (a short list, unlike users);
// the Users & groups page clears it after a change.
export const lookups = { groups: null };
export async function loadGroups() {
  if (!isAgent() || lookups.groups) return;
  lookups.groups = (await api('GET', '/groups')).items;
}

// When the SLA of a ticket falls due, flagged once it has passed while the
// ticket is still being worked.
export function isLate(tk) {
  const done = tk.status === 'resolved' || tk.status === 'closed';
  return !!tk.sla_due_at && !done && new Date(tk.sla_due_at) < new Date();
}

// The SLA due time of an open ticket, flagged once it has passed.
export function slaLine(tk) {
  if (!tk.sla_due_at) return null;
  const late = isLate(tk);
  return el('p', { class: 'small' + (late ? ' sla-late' : ''), id: 'sla-due' },
    tColon('sla_due_at'), el('b', {}, fmtTime(tk.sla_due_at)), late ? ' · ' + t('overdue') : '');
}

// A small "AI" mark beside a value the model set and nobody confirmed.
function aiMark(tk, field) {
  const p = tk.model_set && tk.model_set[field];
  if (p === undefined) return null;
  return el('span', { class: 'ai-mark', 'data-field': field, title: t('set_by_model') + ' · ' + Math.round(p * 100) + ' %' },
    lang === 'fr' ? 'IA' : 'AI');
}

function dueCell(tk) {
  if (!tk.sla_due_at) return el('td', { class: 'due muted', 'data-label': t('due') }, t('none'));
  const late = isLate(tk);
  return el('td', { class: 'due' + (late ? ' sla-late' : ''), 'data-late': String(late), 'data-due': tk.sla_due_at,
    'data-label': t('due') },
    fmtTime(tk.sla_due_at), late ? el('div', { class: 'small' }, t('overdue')) : null);
}

// One row of a ticket list; go opens the ticket. On a phone the row is a
// card: number and title, then the badges and the labelled fields (the
// data-label of a cell is its column's name, see app.css).
export function ticketRow(tk, go) {
  return el('tr', { class: 'ticket', 'data-id': tk.id, onclick: () => go('#/ticket/' + tk.id) },
    el('td', { class: 't-id' }, '#' + tk.id),
    el('td', { class: 't-title lead' }, el('a', { href: '#/ticket/' + tk.id, class: 'ticket-title' }, tk.title)),
    el('td', {}, badge(tk.status)),
    el('td', {}, prio(tk.priority)),
    el('td', { 'data-label': t('category') }, tk.category || t('none'), ' ', aiMark(tk, 'category')),
    isAgent() ? el('td', { 'data-label': t('group') }, tk.group_name || t('none'), ' ', aiMark(tk, 'group')) : null,
    isAgent() ? el('td', { 'data-label': t('assignee') }, tk.assignee_name || t('none')) : null,
    isAgent() ? dueCell(tk) : null,
    el('td', { class: 'muted', 'data-label': t('created') }, fmtTime(tk.created_at)));
}
