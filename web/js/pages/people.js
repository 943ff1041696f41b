// Users (admin): "New user" at the top opens the creation form in place;
// below, the users the server finds for the search, role and status
// filters, a page at a time ("Show more"), each row opening the user's
// own page. The filters live in the address (#/people?q=&role=&active=),
// so that coming back from a user finds the list as it was.
import { el, toast, toastError, debounce } from '../lib/dom.js';
import { t, fmtTime } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { clearFieldErrors } from '../lib/fielderr.js';
import { ROLES, LANGS, roleName, langName, peopleTabs, labelled, checkUserFields, showRefusal,
  rememberListQuery } from '../lib/people.js';

const PAGE = 50;

// The creation form, hidden until "New user" opens it; a refused field
// is marked beside its input. Created: the user's page opens.
function newUserForm(go) {
  const email = el('input', { type: 'email', id: 'nu-email', name: 'email', autocomplete: 'off', maxlength: 254 });
  const name = el('input', { type: 'text', id: 'nu-name', name: 'name', maxlength: 200 });
  const role = el('select', { id: 'nu-role', name: 'role' }, ROLES.map((r) => el('option', { value: r }, roleName(r))));
  const lang = el('select', { id: 'nu-lang', name: 'lang' }, LANGS.map((l) => el('option', { value: l }, langName(l))));
  const password = el('input', { type: 'password', id: 'nu-password', name: 'password', autocomplete: 'new-password' });
  const vip = el('input', { type: 'checkbox', id: 'nu-vip', name: 'vip' });
  const fields = { email, name, password, role, lang };
  const form = el('form', { class: 'card', id: 'user-form', hidden: true, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!checkUserFields(fields)) return;
    const body = { email: email.value.trim(), name: name.value.trim(), role: role.value, vip: vip.checked };
    if (lang.value) body.lang = lang.value;
    if (password.value) body.password = password.value;
    try {
      const u = await api('POST', '/users', body);
      toast(t('user_created'));
      go('#/people/' + u.id);
    } catch (e) {
      if (!showRefusal(e, fields)) toastError(errText(e), t('dismiss'));
    }
  } },
  el('h2', {}, t('newuser')),
  el('div', { class: 'row' }, labelled(t('email'), email).wrap, labelled(t('name'), name).wrap),
  el('div', { class: 'row' }, labelled(t('role'), role).wrap, labelled(t('lang_f'), lang).wrap),
  labelled(t('pw_optional'), password).wrap,
  el('label', { class: 'check' }, vip, t('u_vip_long')),
  el('p', { class: 'actions' }, el('button', { type: 'submit', id: 'nu-submit' }, t('create')), ' ',
    el('button', { type: 'button', class: 'secondary', id: 'nu-cancel', onclick: () => toggle(false) }, t('cancel'))));
  const open = el('button', { type: 'button', id: 'user-new', 'aria-expanded': 'false', 'aria-controls': 'user-form',
    onclick: () => toggle(form.hidden) }, '+ ', t('newuser'));
  const toggle = (show) => {
    form.hidden = !show;
    open.setAttribute('aria-expanded', String(show));
    if (show) email.focus();
    else { form.reset(); clearFieldErrors(form); }
  };
  return { open, form };
}

// One user: the name opens their page (so does the whole row); on a phone
// the row is a card (table.stack).
function userRow(u, go) {
  const href = '#/people/' + u.id;
  return el('tr', { class: 'user link-row', 'data-email': u.email, 'data-id': u.id, onclick: (ev) => {
    if (!ev.target.closest('a')) go(href);
  } },
  el('td', { class: 'lead' }, el('a', { href, class: 'user-name' }, u.name),
    u.active ? null : el('span', { class: 'badge u-off' }, t('u_disabled'))),
  el('td', { class: 'u-email', 'data-label': t('email') }, u.email),
  el('td', { class: 'u-role', 'data-label': t('role') }, roleName(u.role)),
  el('td', { 'data-label': t('lang_f') }, langName(u.lang)),
  el('td', { 'data-label': t('vip') }, u.vip ? t('vip') : t('none')),
  el('td', { class: 'muted', 'data-label': t('created') }, fmtTime(u.created_at)));
}

export default async function viewPeople(ctx) {
  const q0 = ctx.query;
  const search = el('input', { type: 'search', id: 'user-filter', value: q0.get('q') || '', maxlength: 200 });
  const role = el('select', { id: 'user-role' },
    [['', t('u_role_any')], ...ROLES.map((r) => [r, roleName(r)]), ['agent,admin', t('u_role_desk')]].map(([v, label]) =>
      el('option', { value: v, selected: v === (q0.get('role') || '') }, label)));
  const active = el('select', { id: 'user-active' },
    [['', t('u_status_any')], ['true', t('u_status_active')], ['false', t('u_status_disabled')]].map(([v, label]) =>
      el('option', { value: v, selected: v === (q0.get('active') || '') }, label)));
  const rows = el('tbody', { id: 'user-rows' });
  const more = el('div', { class: 'more', id: 'user-more' });
  const filters = () => {
    const p = new URLSearchParams();
    if (search.value.trim()) p.set('q', search.value.trim());
    if (role.value) p.set('role', role.value);
    if (active.value) p.set('active', active.value);
    return p.toString();
  };
  let shown = null; // the filters of the rows on screen
  const load = async (cursor) => {
    const want = filters();
    const p = new URLSearchParams(want);
    p.set('limit', String(PAGE));
    if (cursor) p.set('cursor', cursor);
    const r = await api('GET', '/users?' + p.toString());
    if (filters() !== want) return; // changed meanwhile: a later answer draws
    const items = r.items.map((u) => userRow(u, ctx.go));
    if (cursor) rows.append(...items);
    else rows.replaceChildren(...(items.length ? items : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, t('u_none_match')))]));
    shown = want;
    more.replaceChildren(r.next_cursor ? el('button', { type: 'button', class: 'secondary', id: 'user-more-btn',
      onclick: () => load(r.next_cursor).catch((e) => toastError(errText(e), t('dismiss'))) }, t('more_users')) : '');
  };
  // the address follows the filters without a new page (no hashchange)
  const refilter = () => {
    const f = filters();
    if (f === shown) return;
    rememberListQuery(f);
    history.replaceState(null, '', '#/people' + (f ? '?' + f : ''));
    load(null).catch((e) => toastError(errText(e), t('dismiss')));
  };
  search.addEventListener('input', debounce(refilter, 250));
  role.addEventListener('change', refilter);
  active.addEventListener('change', refilter);
  rememberListQuery(filters());
  await load(null);
  const nu = newUserForm(ctx.go);
  ctx.page(peopleTabs('users'),
    el('div', { class: 'page-head' }, el('h1', {}, t('users')), nu.open),
    nu.form,
    el('form', { class: 'card filters row', id: 'user-filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); refilter(); } },
      el('div', { class: 'grow' }, el('label', { for: 'user-filter' }, t('u_search')), search),
      el('div', {}, el('label', { for: 'user-role' }, t('role')), role),
      el('div', {}, el('label', { for: 'user-active' }, t('status')), active)),
    el('table', { class: 'users stack flow' },
      el('thead', {}, el('tr', {}, [t('name'), t('email'), t('role'), t('lang_f'), t('vip'), t('created')].map((h) =>
        el('th', { scope: 'col' }, h)))),
      rows),
    more);
}
