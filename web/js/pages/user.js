// One user (admin): name, role, language, VIP and active; a new password
// (which closes their sessions); the assignment groups they belong to,
// changed one tick at a time; and the tickets they filed lately.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, fmtTime } from '../lib/i18n.js';
import { api, errText, session } from '../lib/api.js';
import { badge, lookups } from '../lib/tickets.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { ROLES, LANGS, roleName, langName, peopleTabs, labelled, checkUserFields, showRefusal,
  usersHref } from '../lib/people.js';

const apiErr = (e) => toastError(errText(e), t('dismiss'));

function profileForm(u, redraw) {
  const name = el('input', { type: 'text', id: 'u-name', name: 'name', value: u.name, maxlength: 200 });
  const role = el('select', { id: 'u-role', name: 'role' },
    ROLES.map((r) => el('option', { value: r, selected: r === u.role }, roleName(r))));
  const lang = el('select', { id: 'u-lang', name: 'lang' },
    LANGS.map((l) => el('option', { value: l, selected: l === (u.lang || '') }, langName(l))));
  const vip = el('input', { type: 'checkbox', id: 'u-vip', checked: u.vip });
  const active = el('input', { type: 'checkbox', id: 'u-active', checked: u.active });
  const fields = { name, role, lang, active };
  const form = el('form', { class: 'card', id: 'user-profile', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!checkUserFields(fields)) return;
    try {
      await api('PATCH', '/users/' + u.id,
        { name: name.value.trim(), role: role.value, lang: lang.value, vip: vip.checked, active: active.checked });
      toast(t('saved'));
      await redraw();
    } catch (e) {
      if (!showRefusal(e, fields)) apiErr(e);
    }
  } },
  el('h2', {}, t('u_profile')),
  labelled(t('name'), name).wrap,
  el('div', { class: 'row' }, labelled(t('role'), role).wrap, labelled(t('lang_f'), lang).wrap),
  el('label', { class: 'check' }, vip, t('u_vip_long')),
  el('label', { class: 'check' }, active, t('u_active_long')),
  el('p', {}, el('button', { type: 'submit', id: 'u-save' }, t('save'))));
  return form;
}

function passwordForm(u) {
  const password = el('input', { type: 'password', id: 'u-password', name: 'password', autocomplete: 'new-password' });
  const form = el('form', { class: 'card', id: 'user-password', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!password.value) { fieldError(password, t('err_required')); password.focus(); return; }
    if (!checkUserFields({ password })) return;
    try {
      await api('PATCH', '/users/' + u.id, { password: password.value });
      form.reset();
      toast(t('u_pw_done'));
    } catch (e) {
      if (!showRefusal(e, { password })) apiErr(e);
    }
  } },
  el('h2', {}, t('u_pw_title')), el('p', { class: 'muted' }, t('u_pw_intro')),
  labelled(t('pw_new'), password).wrap,
  el('p', {}, el('button', { type: 'submit', class: 'secondary', id: 'u-pw-submit' }, t('u_pw_submit'))));
  return form;
}

// The assignment groups, one checkbox each: ticked is a member. A change
// is saved at once; a refused one is unticked again and said.
function groupsCard(u, groups) {
  const desk = u.role !== 'requester';
  const box = (g) => {
    const cb = el('input', { type: 'checkbox', id: 'ug-' + g.id, 'data-group': g.name, checked: g.member_ids.includes(u.id), disabled: !desk,
      onchange: async () => {
        cb.disabled = true;
        try {
          await api(cb.checked ? 'PUT' : 'DELETE', `/groups/${g.id}/members/${u.id}`);
          lookups.groups = null; // the ticket forms read the groups again
          toast(t(cb.checked ? 'u_added' : 'u_removed').replace('{group}', g.name));
        } catch (e) {
          cb.checked = !cb.checked;
          apiErr(e);
        }
        cb.disabled = false;
      } });
    return el('li', {}, el('label', { class: 'check', for: 'ug-' + g.id }, cb, g.name,
      g.description ? el('span', { class: 'muted small' }, ' · ', g.description) : null));
  };
  return el('div', { class: 'card', id: 'user-groups' }, el('h2', {}, t('u_groups')),
    el('p', { class: 'muted' }, desk ? t('u_groups_intro') : t('u_groups_requester')),
    groups.length ? el('ul', { class: 'plain' }, groups.map(box))
      : el('p', { class: 'muted' }, t('u_groups_none'), ' ', el('a', { href: '#/groups' }, t('tab_groups'))));
}

function ticketsCard(u, items) {
  return el('div', { class: 'card', id: 'user-tickets' }, el('h2', {}, t('u_tickets')),
    items.length
      ? el('table', { class: 'stack flow' },
        el('thead', {}, el('tr', {}, ['#', t('title'), t('status'), t('created')].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, items.map((tk) => el('tr', { 'data-id': tk.id },
          el('td', { class: 't-id' }, '#' + tk.id),
          el('td', { class: 'lead' }, el('a', { href: '#/ticket/' + tk.id }, tk.title)),
          el('td', {}, badge(tk.status)),
          el('td', { class: 'muted', 'data-label': t('created') }, fmtTime(tk.created_at))))))
      : el('p', { class: 'muted' }, t('noresult')));
}

export default async function viewUser(ctx) {
  const id = ctx.params.id;
  const redraw = () => viewUser(ctx);
  const [u, groups, tickets] = await Promise.all([api('GET', '/users/' + id), api('GET', '/groups'),
    api('GET', `/tickets?requester_id=${id}&sort=-created_at&limit=10`)]);
  const self = session.user && session.user.id === u.id;
  ctx.title(u.name); // the tab names the person
  ctx.page(peopleTabs('users'),
    el('p', {}, el('a', { href: usersHref(), id: 'user-back' }, t('u_back'))),
    el('h1', { id: 'user-title' }, u.name),
    el('p', { class: 'muted', id: 'user-meta' }, u.email, ' · ', roleName(u.role), u.active ? '' : ' · ' + t('u_disabled'),
      ' · ', tColon('u_created_at'), fmtTime(u.created_at), self ? ' · ' + t('me') : ''),
    el('div', { class: 'cols' },
      el('div', {}, profileForm(u, redraw), passwordForm(u)),
      el('div', {}, groupsCard(u, groups.items), ticketsCard(u, tickets.items))));
}
