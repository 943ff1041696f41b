// The Audit log page (admin): every administrative action, newest first,
// with who did it and from where, what it was done to and what changed.
// Filters by kind of action, by person (or the console) and by dates;
// "Show more" fetches the next page of the same filters.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, has, fmtTime } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { userSelect } from '../lib/userpicker.js';
import { fieldName } from '../lib/errors.js';
import { fieldLabel } from '../lib/tickets.js';

const PAGE = 50;
const FAMILIES = ['user.', 'group.', 'settings.', 'model.', 'token.', 'job.', 'account.', 'tickets.', 'catalog.', 'view.'];

// A triage field (a model's) in words: "urgency" reads "Urgence".
const triageField = (f) => (typeof f === 'string' && (f === 'group' || has(f)) ? fieldLabel(f) : f);

// "role: agent → admin"; a value alone when the row records no before.
// Times (epoch seconds, keys in _at) read as dates, a setting by its label,
// roles and triage fields in the reader's words.
function change(key, v) {
  const show = (x) => (x === null || x === undefined || x === '' ? '∅' : typeof x === 'boolean' ? t(x ? 'audit_yes' : 'audit_no')
    : typeof x === 'number' && /_at$/.test(key) ? fmtTime(new Date(x * 1000).toISOString())
      : key === 'field' ? triageField(x) : key === 'role' && has('r_' + x) ? t('r_' + x) : String(x));
  const label = has('audit_key_' + key) ? t('audit_key_' + key) : key.includes('.') ? fieldName(key) : key;
  const text = Array.isArray(v) && v.length === 2 ? `${show(v[0])} → ${show(v[1])}` : show(v);
  return el('li', {}, el('span', { class: 'muted' }, label + t('colon')), text);
}

function details(d) {
  const keys = Object.keys(d || {});
  if (!keys.length) return el('span', { class: 'muted' }, '—');
  return el('ul', { class: 'audit-detail' }, keys.map((k) => (k === 'fields' && Array.isArray(d[k])
    ? d[k].map((f) => change(triageField(f.field), f.activated ? t('audit_activated').replace('{v}', f.version)
      : f.trained ? t('audit_trained').replace('{v}', f.version) : t('audit_not_trained')))
    : change(k, typeof d[k] === 'object' && d[k] !== null && !Array.isArray(d[k]) ? JSON.stringify(d[k]) : d[k]))));
}

function actionLabel(a) {
  return has('audit_act_' + a.replace('.', '_')) ? t('audit_act_' + a.replace('.', '_')) : a;
}

function row(r) {
  const who = !r.actor_id && has('audit_actor_' + r.actor) ? t('audit_actor_' + r.actor) : r.actor;
  return el('tr', { 'data-audit': r.id },
    el('td', { class: 'lead audit-when', 'data-label': t('audit_when') }, fmtTime(r.at)),
    el('td', { 'data-label': t('audit_who') }, el('strong', {}, who),
      r.client ? el('div', { class: 'muted small' }, r.client) : null),
    el('td', { class: 'audit-action', 'data-label': t('audit_action') }, actionLabel(r.action),
      el('div', {}, el('code', { class: 'small muted' }, r.action))),
    el('td', { class: 'audit-target', 'data-label': t('audit_target') },
      r.target_type === 'model' ? triageField(r.target) : r.target || (r.target_id ? '#' + r.target_id : '—')),
    el('td', { class: 'audit-changes', 'data-label': t('audit_changes') }, details(r.detail)));
}

function query(f, cursor) {
  const p = new URLSearchParams({ limit: String(PAGE) });
  if (f.action) p.set('action', f.action);
  if (f.actor !== '') p.set('actor_id', f.actor);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to); // the day after the chosen one: the whole day counts
  if (cursor) p.set('cursor', cursor);
  return '/audit?' + p.toString();
}

function nextDay(date) {
  if (!date) return '';
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export default async function viewAudit({ page }) {
  const body = el('tbody', { id: 'audit-body' });
  const empty = el('p', { class: 'muted', id: 'audit-empty', hidden: true }, t('audit_empty'));
  const more = el('button', { type: 'button', class: 'secondary', id: 'audit-more', hidden: true }, t('audit_more'));
  const action = el('select', { id: 'audit-action' }, el('option', { value: '' }, t('audit_all')),
    FAMILIES.map((f) => el('option', { value: f }, t('audit_fam_' + f.slice(0, -1)))));
  const people = await userSelect({ attrs: { id: 'audit-actor' }, roles: 'agent,admin', none: t('audit_anyone') });
  people.select.insertBefore(el('option', { value: '0' }, t('audit_console')), people.select.options[1] || null);
  const from = el('input', { type: 'date', id: 'audit-from' });
  const to = el('input', { type: 'date', id: 'audit-to' });
  let cursor = null;
  const load = async (reset) => {
    const f = { action: action.value, actor: people.select.value, from: from.value, to: nextDay(to.value) };
    try {
      const r = await api('GET', query(f, reset ? null : cursor));
      const rows = r.items.map(row);
      if (reset) body.replaceChildren(...rows);
      else body.append(...rows);
      cursor = r.next_cursor;
      more.hidden = !cursor;
      empty.hidden = body.children.length > 0;
    } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  for (const c of [action, people.select, from, to]) c.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  const label = (key, control) => el('label', {}, tColon(key), ' ', control);
  const table = el('table', { class: 'audit stack', id: 'audit-table' },
    el('thead', {}, el('tr', {}, ['audit_when', 'audit_who', 'audit_action', 'audit_target', 'audit_changes']
      .map((k) => el('th', {}, t(k))))), body);
  await load(true);
  page(el('h1', {}, t('audit')), el('p', { class: 'muted' }, t('audit_intro')),
    el('div', { class: 'card filters row audit-filters' }, label('audit_action', action), label('audit_who', people.node),
      label('audit_from', from), label('audit_to', to)),
    el('div', { class: 'card scroll' }, table, empty), more);
}
