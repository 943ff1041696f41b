// One assignment group (admin): its name and description, and its members
// (agents and admins only), removed one by one or added through the user
// picker, which searches the server when the team is large.
import { el, toast, toastError } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { lookups } from '../lib/tickets.js';
import { userSelect } from '../lib/userpicker.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { peopleTabs, labelled, showRefusal, roleName } from '../lib/people.js';

const apiErr = (e) => toastError(errText(e), t('dismiss'));

function detailsForm(g, redraw) {
  const name = el('input', { type: 'text', id: 'g-name', name: 'name', value: g.name, maxlength: 100 });
  const description = el('input', { type: 'text', id: 'g-desc', name: 'description', value: g.description || '', maxlength: 1000 });
  const form = el('form', { class: 'card', id: 'group-details', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!name.value.trim()) { fieldError(name, t('err_required')); name.focus(); return; }
    try {
      await api('PATCH', '/groups/' + g.id, { name: name.value.trim(), description: description.value.trim() });
      lookups.groups = null;
      toast(t('saved'));
      await redraw();
    } catch (e) {
      if (!showRefusal(e, { name, description })) apiErr(e);
    }
  } },
  el('h2', {}, t('details')),
  el('div', { class: 'row' }, labelled(t('name'), name).wrap, labelled(t('description'), description, 'grow').wrap),
  el('p', {}, el('button', { type: 'submit', id: 'g-save' }, t('save'))));
  return form;
}

async function membersCard(g, redraw) {
  const members = await Promise.all(g.member_ids.map((id) => api('GET', '/users/' + id)));
  const change = async (method, uid, done) => {
    try {
      await api(method, `/groups/${g.id}/members/${uid}`);
      lookups.groups = null;
      toast(t(done));
      await redraw();
    } catch (e) { apiErr(e); }
  };
  // nobody is chosen at first: Add without a choice adds no one and says so
  const add = await userSelect({ attrs: { id: 'g-add', class: 'g-add' }, roles: 'agent,admin',
    none: t('choose_user'), exclude: new Set(g.member_ids) });
  const addErr = el('div', { class: 'error g-error', id: 'g-add-error', role: 'alert' });
  add.select.addEventListener('change', () => { addErr.replaceChildren(); });
  return el('div', { class: 'card', id: 'group-members' }, el('h2', {}, t('members')),
    members.length
      ? el('ul', { class: 'members' }, members.map((u) => el('li', { 'data-email': u.email },
        el('span', {}, el('a', { href: '#/people/' + u.id }, u.name), ' ', el('span', { class: 'muted small' }, u.email, ' · ', roleName(u.role))),
        el('button', { type: 'button', class: 'secondary small g-remove', 'aria-label': t('remove') + ' · ' + u.name,
          onclick: () => change('DELETE', u.id, 'g_member_removed') }, t('remove')))))
      : el('p', { class: 'muted' }, t('nomembers')),
    add.count ? [el('label', { for: 'g-add' }, t('g_add_label')),
      el('div', { class: 'row' }, add.node,
        el('button', { type: 'button', class: 'secondary g-addbtn', onclick: () => {
          addErr.replaceChildren(add.select.value ? '' : t('choose_user_first'));
          if (add.select.value) change('PUT', Number(add.select.value), 'g_member_added');
        } }, t('addmember'))),
      addErr] : null);
}

export default async function viewGroup(ctx) {
  const redraw = () => viewGroup(ctx);
  const g = await api('GET', '/groups/' + ctx.params.id);
  ctx.title(g.name); // the tab names the group
  ctx.page(peopleTabs('groups'),
    el('p', {}, el('a', { href: '#/groups', id: 'group-back' }, t('g_back'))),
    el('h1', { id: 'group-title' }, g.name),
    g.description ? el('p', { class: 'muted' }, g.description) : null,
    el('div', { class: 'cols' }, detailsForm(g, redraw), await membersCard(g, redraw)));
}
