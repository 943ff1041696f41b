// Assignment groups (admin): "New group" at the top opens the creation
// form in place; below, every group with its description and how many
// members it has, each opening the group's own page.
import { el, toast, toastError } from '../lib/dom.js';
import { t, fmtNum } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { lookups } from '../lib/tickets.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { peopleTabs, labelled, showRefusal } from '../lib/people.js';

function newGroupForm(go) {
  const name = el('input', { type: 'text', id: 'ng-name', name: 'name', maxlength: 100 });
  const description = el('input', { type: 'text', id: 'ng-description', name: 'description', maxlength: 1000 });
  const form = el('form', { class: 'card', id: 'group-form', hidden: true, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!name.value.trim()) { fieldError(name, t('err_required')); name.focus(); return; }
    try {
      const g = await api('POST', '/groups', { name: name.value.trim(), description: description.value.trim() });
      lookups.groups = null; // the ticket forms read the groups again
      toast(t('group_created'));
      go('#/groups/' + g.id);
    } catch (e) {
      if (!showRefusal(e, { name, description })) toastError(errText(e), t('dismiss'));
    }
  } },
  el('h2', {}, t('newgroup')),
  el('div', { class: 'row' }, labelled(t('name'), name).wrap, labelled(t('description'), description, 'grow').wrap),
  el('p', { class: 'actions' }, el('button', { type: 'submit', id: 'ng-submit' }, t('create')), ' ',
    el('button', { type: 'button', class: 'secondary', id: 'ng-cancel', onclick: () => toggle(false) }, t('cancel'))));
  const open = el('button', { type: 'button', id: 'group-new', 'aria-expanded': 'false', 'aria-controls': 'group-form',
    onclick: () => toggle(form.hidden) }, '+ ', t('newgroup'));
  const toggle = (show) => {
    form.hidden = !show;
    open.setAttribute('aria-expanded', String(show));
    if (show) name.focus();
    else { form.reset(); clearFieldErrors(form); }
  };
  return { open, form };
}

export default async function viewGroups(ctx) {
  const { items } = await api('GET', '/groups');
  const ng = newGroupForm(ctx.go);
  const row = (g) => el('tr', { class: 'group link-row', 'data-group': g.name, onclick: (ev) => {
    if (!ev.target.closest('a')) ctx.go('#/groups/' + g.id);
  } },
  el('td', { class: 'lead' }, el('a', { href: '#/groups/' + g.id, class: 'group-name' }, g.name)),
  el('td', { 'data-label': t('description') }, g.description || t('none')),
  el('td', { class: 'g-count', 'data-label': t('g_members_n') }, fmtNum(g.member_ids.length)));
  ctx.page(peopleTabs('groups'),
    el('div', { class: 'page-head' }, el('h1', {}, t('groups')), ng.open),
    ng.form,
    items.length
      ? el('table', { class: 'groups stack flow' },
        el('thead', {}, el('tr', {}, [t('name'), t('description'), t('g_members_n')].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', { id: 'group-rows' }, items.map(row)))
      : el('p', { class: 'muted' }, t('g_none')));
}
