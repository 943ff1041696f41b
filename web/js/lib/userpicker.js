// Pickers of users that search the server instead of downloading every
// user: GET /api/v1/users with q, role and active, one page at a time.
import { el, debounce } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

const PAGE = 100; // options a select receives per request

function usersUrl(q, roles, cursor, limit) {
  const p = new URLSearchParams({ active: 'true', limit: String(limit) });
  if (roles) p.set('role', roles);
  if (q) p.set('q', q);
  if (cursor) p.set('cursor', cursor);
  return '/users?' + p.toString();
}

// A <select> of active users with the given roles. opts: attrs (of the
// select), roles ('agent,admin'), none (label of an empty first option, or
// null), current ({ id, name } kept as an option whatever the search),
// exclude (a Set of ids left out). When the users fill more than one page, a
// search box and a "more" button appear beside it. Resolves once the first
// page is in: { node, select, count } (count: options besides none).
export async function userSelect(opts) {
  const select = el('select', opts.attrs || {});
  const exclude = opts.exclude || new Set();
  let cursor = null;
  let q = '';
  const keep = () => { // the none option, the current user and the chosen one stay through a search
    const kept = [...select.options].filter((o) => o.value === '' || o.selected ||
      (opts.current && o.value === String(opts.current.id)));
    select.replaceChildren(...kept);
  };
  const add = (items) => {
    const have = new Set([...select.options].map((o) => o.value));
    for (const u of items) {
      if (exclude.has(u.id) || have.has(String(u.id))) continue;
      select.append(el('option', { value: String(u.id) }, u.name));
    }
  };
  if (opts.none !== null && opts.none !== undefined) select.append(el('option', { value: '' }, opts.none));
  if (opts.current && opts.current.id) {
    select.append(el('option', { value: String(opts.current.id), selected: true }, opts.current.name || '#' + opts.current.id));
  }
  const more = el('button', { type: 'button', class: 'secondary small picker-more', hidden: true,
    onclick: () => load(true) }, t('more_users'));
  const load = async (next) => {
    const r = await api('GET', usersUrl(q, opts.roles, next ? cursor : null, PAGE));
    if (!next) keep();
    add(r.items);
    cursor = r.next_cursor;
    more.hidden = !cursor;
  };
  await load(false);
  const search = el('input', { type: 'search', class: 'picker-q', placeholder: t('search_users'),
    'aria-label': t('search_users'),
    oninput: debounce(() => { q = search.value.trim(); load(false).catch(() => {}); }, 200) });
  const big = !!cursor; // small teams keep the plain select
  const node = big ? el('span', { class: 'picker' }, select, search, more) : select;
  const count = [...select.options].filter((o) => o.value !== '').length;
  return { node, select, count };
}

// Fills a <datalist> with the active users whose name or e-mail contains
// what is typed in input (e-mail as the value, the name as its label).
export function emailSuggestions(input, list) {
  input.addEventListener('input', debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) { list.replaceChildren(); return; }
    try {
      const r = await api('GET', usersUrl(q, null, null, 10));
      list.replaceChildren(...r.items.map((u) => el('option', { value: u.email }, u.name)));
    } catch (e) { list.replaceChildren(); }
  }, 200));
}

// The active user with exactly this e-mail (any case), or null.
export async function userByEmail(email) {
  const want = email.trim().toLowerCase();
  let cursor = null;
  do { // a substring search: the exact address is among the matches
    const r = await api('GET', usersUrl(want, null, cursor, PAGE));
    const u = r.items.find((x) => x.email.toLowerCase() === want);
    if (u) return u;
    cursor = r.next_cursor;
  } while (cursor);
  return null;
}
