// The ticket list behind "My tickets" (a requester's own) and the agent
// queue (its views, filters, full-text search, sort, bulk actions), 50
// tickets a page. The queue refreshes itself every 30 s without losing the
// agent's place: the rows shown are brought up to date where they are,
// tickets that left the view are marked so, and new ones wait behind
// "N new tickets — Show"; the pages loaded, the scroll position, the
// search being typed and the rows ticked all stay.
import { el } from './dom.js';
import { t, fmtNum } from './i18n.js';
import { api, isAgent, errText } from './api.js';
import { STATUSES, lookups, loadGroups, ticketRow } from './tickets.js';
import { QUEUE_KEYS, viewsPanel } from './views.js';
import { bulkBar } from './bulk.js';
import { every, REFRESH_MS } from './poll.js';
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
    if (filters.elements.sla.checked) p.set('sla', 'breached');
    if (filters.elements.awaiting.checked) p.set('awaiting', 'true');
    // the filters the form has no field for (a saved view's) stay
    for (const k of ['category', 'requester_id', 'created_from', 'created_to']) if (params.get(k)) p.set(k, params.get(k));
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
        opt('mine', t('my_groups'), params.get('group_id')),
        lookups.groups.map((g) => opt(String(g.id), g.name, params.get('group_id'))))),
    el('div', {}, el('label', { for: 'f-assignee' }, t('assignee')),
      el('select', { id: 'f-assignee', name: 'assignee_id' }, opt('', t('any'), params.get('assignee_id') || ''),
        opt('me', t('me'), params.get('assignee_id')), opt('none', t('unassigned'), params.get('assignee_id')))),
    el('div', {}, el('label', { for: 'f-priority' }, t('priority')),
      el('select', { id: 'f-priority', name: 'priority' }, opt('', t('any'), params.get('priority') || ''),
        [1, 2, 3, 4].map((p) => opt(String(p), 'P' + p, params.get('priority'))))),
    el('div', {}, el('label', { for: 'f-sort' }, t('sort')), sort),
    el('div', { class: 'checks' },
      el('label', { class: 'check', for: 'f-sla' }, el('input', { type: 'checkbox', id: 'f-sla', name: 'sla',
        checked: params.get('sla') === 'breached' }), t('f_overdue')),
      el('label', { class: 'check', for: 'f-awaiting' }, el('input', { type: 'checkbox', id: 'f-awaiting', name: 'awaiting',
        checked: params.get('awaiting') === 'true' }), t('f_awaiting'))),
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

// The requester's own tickets, newest first (or by relevance to their
// search), a page at a time.
async function renderMine({ query: params, go, page }) {
  const body = el('tbody', { id: 'ticket-rows' });
  const more = el('div', { class: 'more' });
  const head = el('tr', {}, el('th', {}, '#'), el('th', {}, t('title')), el('th', {}, t('status')),
    el('th', {}, t('priority')), el('th', {}, t('category')),
    isAgent() ? el('th', {}, t('group')) : null, isAgent() ? el('th', {}, t('assignee')) : null,
    isAgent() ? el('th', {}, t('due')) : null, el('th', {}, t('created')));
  const q = new URLSearchParams();
  const st = MINE_STATUS[params.get('status') || 'open'];
  if (st) q.set('status', st);
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
  page(el('h1', {}, t('mytickets')), mineForm(params, go),
    el('table', { class: 'stack flow tickets' }, el('thead', {}, head), body), more);
}

// The queue's filters from the address, as the API and a view take them.
function queueFilters(params) {
  const f = {};
  for (const k of QUEUE_KEYS) if (params.get(k)) f[k] = k === 'q' ? ftsQuery(params.get(k)) : params.get(k);
  return f;
}

// Draws the list; mine: the requester's portal list, else the queue with
// the filters of the hash's query. ctx: the router's (query, go, page).
export async function renderList(mine, ctx) {
  await Promise.all([loadGroups(), loadLists()]);
  if (mine) return renderMine(ctx);
  return renderQueue(ctx);
}

async function renderQueue({ query: params, go, page }) {
  const filters = queueFilters(params);
  const selection = new Set();
  const shown = new Map(); // id -> the ticket its row shows
  let order = [];          // the ids shown, in order
  let cursor = null;       // where "Load more" goes on
  let pending = null;      // the list as the last refresh found it, with new tickets
  const body = el('tbody', { id: 'ticket-rows' });
  const more = el('div', { class: 'more' });
  const news = el('div', { class: 'queue-news', id: 'queue-news', role: 'status' });
  // "every row of this page": in the table's head, and above the cards on
  // a phone (where the head is hidden)
  const pick = (on) => { for (const id of order) on ? selection.add(id) : selection.delete(id); sync(); };
  const all = el('input', { type: 'checkbox', id: 'select-page', 'aria-label': t('select_page'),
    onchange: () => pick(all.checked) });
  const allPhone = el('input', { type: 'checkbox', id: 'select-page-phone', onchange: () => pick(allPhone.checked) });
  const sel = { has: (id) => selection.has(id), toggle: (id, on) => { on ? selection.add(id) : selection.delete(id); sync(); } };
  const views = await viewsPanel(filters, go);
  const apiQuery = () => new URLSearchParams(filters);

  // the ticks, the page's box and the bar follow the selection
  const sync = () => {
    for (const box of body.querySelectorAll('input.sel')) box.checked = selection.has(Number(box.dataset.id));
    const n = order.filter((id) => selection.has(id)).length;
    for (const box of [all, allPhone]) {
      box.checked = n > 0 && n === order.length;
      box.indeterminate = n > 0 && n < order.length;
    }
    bar.update();
  };
  const rowOf = (id) => body.querySelector(`tr.ticket[data-id="${id}"]`);
  const empty = () => { if (!order.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 10, class: 'muted' }, t('noresult')))); };
  const append = (items) => {
    if (!order.length) body.replaceChildren();
    for (const tk of items) {
      if (shown.has(tk.id)) continue;
      shown.set(tk.id, tk);
      order.push(tk.id);
      body.append(ticketRow(tk, go, sel));
    }
    empty();
  };
  const moreButton = () => more.replaceChildren(cursor
    ? el('button', { class: 'secondary', id: 'load-more', onclick: () => load(cursor) }, t('loadmore')) : '');
  const load = async (from) => {
    const q = apiQuery();
    q.set('limit', '50');
    if (from) q.set('cursor', from);
    try {
      const r = await api('GET', '/tickets?' + q.toString());
      append(r.items);
      cursor = r.next_cursor;
      moreButton();
      sync();
    } catch (e) { more.replaceChildren(el('div', { class: 'error', role: 'alert' }, errText(e))); }
  };

  // A row brought up to date where it stands; the focus stays on it.
  const replaceRow = (tk) => {
    const old = rowOf(tk.id);
    if (!old) return;
    const focus = old.contains(document.activeElement) ? (document.activeElement.matches('input.sel') ? 'input.sel' : 'a') : null;
    const row = ticketRow(tk, go, sel);
    if (old.classList.contains('gone')) markGone(row, true);
    old.replaceWith(row);
    if (focus) row.querySelector(focus)?.focus();
  };
  const markGone = (row, on) => {
    row.classList.toggle('gone', on);
    row.querySelector('.gone-note')?.remove();
    if (on) row.querySelector('td.t-title')?.append(el('div', { class: 'gone-note small' }, t('gone')));
  };

  // The list as it is now, as far as the agent has loaded it (and a page
  // more, to tell new tickets from those merely further down).
  const refresh = async () => {
    const want = Math.min(1000, order.length + 50);
    const items = [];
    let next = null;
    do {
      const q = apiQuery();
      q.set('limit', String(Math.min(200, want - items.length)));
      if (next) q.set('cursor', next);
      const r = await api('GET', '/tickets?' + q.toString());
      items.push(...r.items);
      next = r.next_cursor;
    } while (next && items.length < want);
    if (!body.isConnected) return;
    const at = new Map(items.map((tk, i) => [tk.id, i]));
    const last = Math.max(-1, ...order.map((id) => (at.has(id) ? at.get(id) : -1)));
    const added = items.filter((tk, i) => !shown.has(tk.id) && (last < 0 || i < last));
    const whole = !next || added.length < 50; // every row shown that is still in the view was read
    for (const id of order) {
      const tk = items[at.get(id)];
      const row = rowOf(id);
      if (!row) continue;
      if (tk) {
        if (JSON.stringify(tk) !== JSON.stringify(shown.get(id))) { shown.set(id, tk); replaceRow(tk); }
        if (row.isConnected && row.classList.contains('gone')) markGone(rowOf(id), false);
      } else if (whole && !row.classList.contains('gone')) markGone(row, true);
    }
    pending = { items, next };
    news.replaceChildren(...(added.length ? [
      added.length === 1 ? t('news_one') : t('news_many').replace('{n}', fmtNum(added.length)), ' ',
      el('button', { type: 'button', class: 'secondary small', id: 'news-show', onclick: show }, t('news_show'))] : []));
    sync();
    await views.refresh();
  };

  // The list as the last refresh found it, new tickets in their place
  // (marked a moment); the ticks stay.
  const show = () => {
    if (!pending) return;
    const before = new Set(order);
    shown.clear();
    order = [];
    body.replaceChildren();
    append(pending.items);
    cursor = pending.next;
    pending = null;
    news.replaceChildren();
    moreButton();
    sync();
    const first = order.find((id) => !before.has(id));
    for (const id of order) if (!before.has(id)) rowOf(id)?.classList.add('fresh');
    if (first) rowOf(first).scrollIntoView({ block: 'center' });
  };

  // after a change the rows catch up at once; a refused ticket is marked
  const bar = bulkBar(selection, (id) => shown.get(id)?.version, async (ids, ok) => {
    sync();
    await now();
    if (!ok) for (const id of ids) rowOf(id)?.classList.add('refused');
  });
  const head = el('tr', {}, el('th', { class: 't-sel' }, all), el('th', {}, '#'), el('th', {}, t('title')),
    el('th', {}, t('status')), el('th', {}, t('priority')), el('th', {}, t('category')), el('th', {}, t('group')),
    el('th', {}, t('assignee')), el('th', {}, t('due')), el('th', {}, t('created')));
  // the first page is in before the list replaces the screen: a redraw (a
  // language change) never shows an empty table in between
  await load(null);
  const now = every(REFRESH_MS, refresh, () => body.isConnected);
  page(el('h1', {}, t('queue')),
    el('div', { class: 'queue-layout' }, views.node,
      el('div', { class: 'queue-main' }, filtersForm(params, go),
        el('div', { class: 'queue-tools' }, news, bar.node),
        el('label', { class: 'check select-page-phone', for: 'select-page-phone' }, allPhone, t('select_page')),
        el('table', { class: 'stack flow tickets queue' }, el('thead', {}, head), body), more)));
}

