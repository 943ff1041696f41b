// The ticket list behind "My tickets" (a requester's own) and the agent
// queue (filters, full-text search, sort), 50 tickets a page.
import { el } from './dom.js';
import { t } from './i18n.js';
import { api, isAgent, errText } from './api.js';
import { STATUSES, lookups, loadGroups, ticketRow } from './tickets.js';
import { loadLists } from './catalog.js';

// Plain words become quoted terms so that "can't" or "l'imprimante" never trip
// the full-text syntax; a query with quotes or operators is sent as written.
export function ftsQuery(text) {
  const s = text.trim();
  if (!s) return '';
  if (/["*]|\b(AND|OR|NOT|NEAR)\b/.test(s)) return s;
  return s.split(/\s+/).map((w) => '"' + w.replace(/"/g, '""') + '"').join(' ');
}

// The sort choices: with a search the server's default order is relevance
// (sort=rank), so the default option says so and "Newest" is asked for by
// name; without one the default is the newest first.
function sortOptions(searching, cur) {
  const opt = (v, label) => el('option', { value: v, selected: v === cur }, label);
  return [searching ? opt('', t('sort_rank')) : opt('', t('sort_created')),
    searching ? opt('-created_at', t('sort_created')) : null,
    opt('sla_due_at', t('sort_due')), opt('priority', t('sort_priority')), opt('-updated_at', t('sort_updated'))];
}

function filtersForm(params, go) {
  const opt = (v, label, cur) => el('option', { value: v, selected: v === cur }, label);
  const searching = !!(params.get('q') || '').trim();
  let cur = params.get('sort') || '';
  if (!searching && cur === '-created_at') cur = '';
  const sort = el('select', { id: 'f-sort', name: 'sort' }, sortOptions(searching, cur));
  // typing a search (or clearing it) changes what the default order means
  const retitle = () => {
    const now = !!q.value.trim();
    if (now === (sort.querySelector('option[value="-created_at"]') !== null)) return;
    const keep = !now && sort.value === '-created_at' ? '' : sort.value;
    sort.replaceChildren(...sortOptions(now, keep).filter(Boolean));
    sort.value = keep;
  };
  const q = el('input', { type: 'search', id: 'q', name: 'q', value: params.get('q') || '', oninput: retitle });
  const filters = el('form', { class: 'card filters row', id: 'filters', onsubmit: async (ev) => {
    ev.preventDefault();
    // a ticket number ("2449" or "#2449") opens that ticket when it exists
    const num = q.value.trim().match(/^#?([1-9][0-9]{0,17})$/);
    if (num) {
      try {
        await api('GET', '/tickets/' + num[1]);
        go('#/ticket/' + num[1]);
        return;
      } catch (e) { /* no such ticket for this user: search the words instead */ }
    }
    const p = new URLSearchParams();
    for (const k of ['q', 'status', 'group_id', 'assignee_id', 'priority', 'sort']) {
      const v = filters.elements[k].value;
      if (v) p.set(k, v);
    }
    // the rows on screen answer the old filters: gone until the new ones come
    const rows = document.getElementById('ticket-rows');
    if (rows) rows.replaceChildren();
    go('#/queue?' + p.toString());
  } },
    el('div', { class: 'grow' }, el('label', { for: 'q' }, t('search')), q),
    el('div', {}, el('label', { for: 'f-status' }, t('status')),
      el('select', { id: 'f-status', name: 'status' }, opt('', t('any'), params.get('status') || ''),
        opt('new,open,pending', t('st_new') + ' + ' + t('st_open') + ' + ' + t('st_pending'), params.get('status')),
        STATUSES.map((s) => opt(s, t('st_' + s), params.get('status'))))),
    el('div', {}, el('label', { for: 'f-group' }, t('group')),
      el('select', { id: 'f-group', name: 'group_id' }, opt('', t('any'), params.get('group_id') || ''),
        lookups.groups.map((g) => opt(String(g.id), g.name, params.get('group_id'))))),
    el('div', {}, el('label', { for: 'f-assignee' }, t('assignee')),
      el('select', { id: 'f-assignee', name: 'assignee_id' }, opt('', t('any'), params.get('assignee_id') || ''),
        opt('me', t('me'), params.get('assignee_id')), opt('none', t('unassigned'), params.get('assignee_id')))),
    el('div', {}, el('label', { for: 'f-priority' }, t('priority')),
      el('select', { id: 'f-priority', name: 'priority' }, opt('', t('any'), params.get('priority') || ''),
        [1, 2, 3, 4].map((p) => opt(String(p), 'P' + p, params.get('priority'))))),
    el('div', {}, el('label', { for: 'f-sort' }, t('sort')), sort),
    el('div', { class: 'act' }, el('button', { type: 'submit', id: 'filter-apply' }, t('apply'))));
  return filters;
}

// The requester's filters on "My tickets": open (everything not closed,
// the resolved ones waiting for their word included) or closed, and a
// search of their own tickets.
const MINE_STATUS = { open: 'new,open,pending,resolved', closed: 'closed', all: '' };
function mineForm(params, go) {
  const cur = params.get('status') || 'open';
  const form = el('form', { class: 'card filters row', id: 'mine-filters', onsubmit: (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (form.q.value.trim()) p.set('q', form.q.value.trim());
    p.set('status', form.status.value);
    go('#/mine?' + p.toString());
  } },
    el('div', { class: 'grow' }, el('label', { for: 'mine-q' }, t('mine_search')),
      el('input', { type: 'search', id: 'mine-q', name: 'q', value: params.get('q') || '' })),
    el('div', {}, el('label', { for: 'mine-status' }, t('status')),
      el('select', { id: 'mine-status', name: 'status' },
        Object.keys(MINE_STATUS).map((k) => el('option', { value: k, selected: k === cur }, t('mine_' + k))))),
    el('div', { class: 'act' }, el('button', { type: 'submit', id: 'mine-apply' }, t('apply'))));
  return form;
}

// Draws the list; mine: the requester's portal list, else the queue with
// the filters of the hash's query. ctx: the router's (query, go, page).
export async function renderList(mine, { query: params, go, page }) {
  await Promise.all([loadGroups(), loadLists()]);
  const body = el('tbody', { id: 'ticket-rows' });
  const more = el('div', { class: 'more' });
  const head = el('tr', {}, el('th', {}, '#'), el('th', {}, t('title')), el('th', {}, t('status')),
    el('th', {}, t('priority')), el('th', {}, t('category')),
    isAgent() ? el('th', {}, t('group')) : null, isAgent() ? el('th', {}, t('assignee')) : null,
    isAgent() ? el('th', {}, t('due')) : null, el('th', {}, t('created')));
  const q = new URLSearchParams();
  if (!mine) {
    for (const k of ['status', 'group_id', 'assignee_id', 'priority', 'sort']) if (params.get(k)) q.set(k, params.get(k));
  } else {
    const st = MINE_STATUS[params.get('status') || 'open'];
    if (st) q.set('status', st);
  }
  if (params.get('q')) q.set('q', ftsQuery(params.get('q')));
  q.set('limit', '50');
  const load = async (cursor) => {
    if (cursor) q.set('cursor', cursor);
    try {
      const r = await api('GET', '/tickets?' + q.toString());
      body.append(...r.items.map((tk) => ticketRow(tk, go)));
      if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, t('noresult'))));
      more.replaceChildren(r.next_cursor
        ? el('button', { class: 'secondary', id: 'load-more', onclick: () => load(r.next_cursor) }, t('loadmore')) : '');
    } catch (e) { more.replaceChildren(el('div', { class: 'error', role: 'alert' }, errText(e))); }
  };
  // the first page is in before the list replaces the screen: a redraw (a
  // language change) never shows an empty table in between
  await load(null);
  page(el('h1', {}, mine ? t('mytickets') : t('queue')), mine ? mineForm(params, go) : filtersForm(params, go),
    el('table', { class: 'stack flow tickets' }, el('thead', {}, head), body), more);
}
