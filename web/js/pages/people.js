// Users & groups (admin): search the users and edit role, language, VIP and
// active in place; create users; create groups, rename them, manage members.
import { el, toast, toastError, debounce } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { lookups } from '../lib/tickets.js';
import { userSelect } from '../lib/userpicker.js';

const ROLES = ['requester', 'agent', 'admin'];
const apiErr = (e) => toastError(errText(e), t('dismiss'));

export default async function viewPeople(ctx) {
  const groups = await api('GET', '/groups');
  lookups.groups = null; // the ticket forms reload them after changes here
  // the members' names: one read per member, never the whole users table
  const memberIds = [...new Set(groups.items.flatMap((g) => g.member_ids))];
  const byId = new Map((await Promise.all(memberIds.map((id) => api('GET', '/users/' + id)))).map((u) => [u.id, u]));
  const sel = (cls, options, cur) => el('select', { class: cls },
    options.map(([v, label]) => el('option', { value: v, selected: v === cur }, label)));

  // One row per user: role, language, VIP and active are edited in place.
  const userRow = (u) => {
    const role = sel('u-role', ROLES.map((r) => [r, t('r_' + r)]), u.role);
    const lg = sel('u-lang', [['', t('none')], ['fr', 'Français'], ['en', 'English']], u.lang || '');
    const vip = el('input', { type: 'checkbox', class: 'u-vip', checked: u.vip });
    const active = el('input', { type: 'checkbox', class: 'u-active', checked: u.active });
    const save = el('button', { class: 'secondary u-save', onclick: async () => {
      try {
        const r = await api('PATCH', '/users/' + u.id,
          { role: role.value, lang: lg.value, vip: vip.checked, active: active.checked });
        Object.assign(u, r);
        toast(t('saved'));
      } catch (e) { apiErr(e); }
    } }, t('save'));
    // on a phone each row is a card of labelled fields (app.css, table.stack)
    return el('tr', { class: 'user', 'data-email': u.email },
      el('td', { class: 'lead' }, u.name), el('td', { class: 'muted' }, u.email),
      el('td', { 'data-label': t('role') }, role), el('td', { 'data-label': t('lang_f') }, lg),
      el('td', { class: 'flag', 'data-label': t('vip') }, vip), el('td', { class: 'flag', 'data-label': t('active') }, active), el('td', {}, save));
  };
  // The users table shows one page of the server's search at a time, "more"
  // adds the next; a row keeps its element (and what was changed in it but
  // not saved) when a new search lists it again.
  const rows = el('tbody', { id: 'user-rows' });
  const rowOf = new Map();
  const row = (u) => { if (!rowOf.has(u.id)) rowOf.set(u.id, userRow(u)); return rowOf.get(u.id); };
  const more = el('div', { class: 'more', id: 'user-more' });
  let shown = null; // the q of the rows on screen
  const load = async (q, cursor) => {
    const p = new URLSearchParams({ limit: '50' });
    if (q) p.set('q', q);
    if (cursor) p.set('cursor', cursor);
    const r = await api('GET', '/users?' + p.toString());
    if (filter.value.trim() !== q) return; // typed on meanwhile: a later answer draws
    const items = r.items.map(row);
    if (cursor) rows.append(...items);
    else rows.replaceChildren(...(items.length ? items : [el('tr', {}, el('td', { colspan: 7, class: 'muted' }, t('no_users')))]));
    shown = q;
    more.replaceChildren(r.next_cursor ? el('button', { class: 'secondary', id: 'user-more-btn',
      onclick: () => load(q, r.next_cursor).catch(apiErr) }, t('more_users')) : '');
  };
  const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const search = debounce(() => { const q = filter.value.trim(); if (q !== shown) load(q, null).catch(apiErr); }, 200);
  const filter = el('input', { type: 'search', id: 'user-filter', placeholder: t('filter_users'), oninput: () => {
    // the rows already here narrow at once; the server's answer follows
    const q = fold(filter.value.trim());
    for (const tr of rows.children) {
      const hide = q !== '' && tr.dataset.email !== undefined && !fold(tr.textContent).includes(q);
      tr.style.display = hide ? 'none' : '';
    }
    search();
  } });
  await load('', null);

  const nu = el('form', { class: 'card', id: 'user-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { email: nu.elements.email.value.trim(), name: nu.elements.name.value.trim(),
      role: nu.elements.role.value };
    if (nu.elements.lang.value) body.lang = nu.elements.lang.value;
    if (nu.elements.password.value) body.password = nu.elements.password.value;
    try {
      await api('POST', '/users', body);
      toast(t('user_created'));
      await viewPeople(ctx);
    } catch (e) { apiErr(e); }
  } },
    el('h2', {}, t('newuser')),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'nu-email' }, t('email')), el('input', { type: 'email', id: 'nu-email', name: 'email', required: true })),
      el('div', {}, el('label', { for: 'nu-name' }, t('name')), el('input', { type: 'text', id: 'nu-name', name: 'name', required: true })),
      el('div', {}, el('label', { for: 'nu-role' }, t('role')),
        el('select', { id: 'nu-role', name: 'role' }, ROLES.map((r) => el('option', { value: r }, t('r_' + r))))),
      el('div', {}, el('label', { for: 'nu-lang' }, t('lang_f')),
        el('select', { id: 'nu-lang', name: 'lang' }, el('option', { value: '' }, t('none')),
          el('option', { value: 'fr' }, 'Français'), el('option', { value: 'en' }, 'English')))),
    el('label', { for: 'nu-password' }, t('pw_optional')),
    el('input', { type: 'password', id: 'nu-password', name: 'password', minlength: 8, autocomplete: 'new-password' }),
    el('p', {}, el('button', { type: 'submit', id: 'nu-submit' }, t('create'))));

  // Groups with their members; only agents and admins can be members, and
  // the add list searches them on the server when they are many.
  const groupCard = async (g) => {
    const members = g.member_ids.map((id) => byId.get(id)).filter(Boolean);
    // nobody is chosen at first: Add without a choice adds no one
    const add = await userSelect({ attrs: { class: 'g-add', 'aria-label': t('addmember') }, roles: 'agent,admin',
      none: t('choose_user'), exclude: new Set(g.member_ids) });
    const addErr = el('div', { class: 'error g-error', role: 'alert' });
    add.select.addEventListener('change', () => { addErr.textContent = ''; });
    const change = async (method, uid) => {
      try { await api(method, `/groups/${g.id}/members/${uid}`); await viewPeople(ctx); } catch (e) { apiErr(e); }
    };
    const gname = el('input', { type: 'text', class: 'g-name', value: g.name });
    const gdesc = el('input', { type: 'text', class: 'g-desc', value: g.description || '' });
    const rename = el('button', { class: 'secondary g-save', onclick: async () => {
      try {
        await api('PATCH', '/groups/' + g.id, { name: gname.value.trim(), description: gdesc.value.trim() });
        toast(t('saved'));
        await viewPeople(ctx);
      } catch (e) { apiErr(e); }
    } }, t('save'));
    return el('div', { class: 'card group', 'data-group': g.name },
      el('h2', {}, g.name),
      el('div', { class: 'row' }, el('div', {}, el('label', {}, t('name')), gname),
        el('div', { class: 'grow' }, el('label', {}, t('description')), gdesc), rename),
      members.length
        ? el('ul', { class: 'members' }, members.map((u) => el('li', { 'data-email': u.email }, u.name, ' ',
          el('button', { class: 'secondary small g-remove', onclick: () => change('DELETE', u.id) }, t('remove')))))
        : el('p', { class: 'muted' }, t('nomembers')),
      add.count ? el('div', { class: 'row' }, add.node,
        el('button', { class: 'secondary g-addbtn', onclick: () => {
          addErr.textContent = add.select.value ? '' : t('choose_user_first');
          if (add.select.value) change('PUT', Number(add.select.value));
        } }, t('addmember'))) : null,
      add.count ? addErr : null);
  };
  const ng = el('form', { class: 'card', id: 'group-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/groups', { name: ng.elements.name.value.trim(), description: ng.elements.description.value.trim() });
      toast(t('group_created'));
      await viewPeople(ctx);
    } catch (e) { apiErr(e); }
  } },
    el('h2', {}, t('newgroup')),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'ng-name' }, t('name')), el('input', { type: 'text', id: 'ng-name', name: 'name', required: true })),
      el('div', { class: 'grow' }, el('label', { for: 'ng-description' }, t('description')),
        el('input', { type: 'text', id: 'ng-description', name: 'description' })),
      el('div', { class: 'act' }, el('button', { type: 'submit', id: 'ng-submit' }, t('create')))));

  ctx.page(el('h1', {}, t('people')),
    el('h2', {}, t('users')), el('p', {}, filter),
    el('table', { class: 'users stack' },
      el('thead', {}, el('tr', {}, [t('name'), t('email'), t('role'), t('lang_f'), t('vip'), t('active'), ''].map((h) => el('th', {}, h)))),
      rows),
    more, nu, el('h2', {}, t('groups')), await Promise.all(groups.items.map(groupCard)), ng);
}
