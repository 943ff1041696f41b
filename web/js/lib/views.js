// The queue's views beside the list: the built-in ones, the agent's own and
// the shared ones, each a link to the queue with its filters and its live
// counter (GET /api/v1/views); "Save this view" keeps the current filters
// under a name (an admin may share it with every agent); the owner renames
// and deletes theirs in place. refresh() brings the counters up to date
// without redrawing anything else.
import { el, toast, toastError } from './dom.js';
import { t, fmtNum } from './i18n.js';
import { api, isAdmin, errText } from './api.js';

// The queue's filters, as the address and a view's filters both spell them.
export const QUEUE_KEYS = ['q', 'status', 'category', 'group_id', 'assignee_id', 'requester_id', 'priority',
  'created_from', 'created_to', 'sla', 'awaiting', 'sort'];

// The address of the queue showing a view's filters.
export const queueHref = (filters) => {
  const p = new URLSearchParams();
  for (const k of QUEUE_KEYS) if (filters[k]) p.set(k, filters[k]);
  return '#/queue' + (p.toString() ? '?' + p.toString() : '');
};

// A counter as the language writes it; past the server's cap, "10,000+".
export const countText = (v) => (v.count === null || v.count === undefined ? '?' : fmtNum(v.count) + (v.more ? '+' : ''));

// A refused name in the reader's words; anything else as the server said.
const viewError = (e, name) => (e.status === 409 && e.field === 'name' ? t('view_name_taken').replace('{name}', name)
  : e.field === 'name' ? t('view_name_bad') : errText(e));

const same = (a, b) => {
  const ka = Object.keys(a).filter((k) => a[k]).sort();
  const kb = Object.keys(b).filter((k) => b[k]).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && String(a[k]) === String(b[k]));
};

// filters: the queue's current ones (the view whose filters they are is
// marked as current); go: the router's.
export async function viewsPanel(filters, go) {
  const list = el('ul', { class: 'views-list', id: 'views-list' });
  const panel = el('nav', { class: 'card views', id: 'views', 'aria-label': t('views') });
  let items = [];

  const nameOf = (v) => (v.builtin ? t('view_' + v.key) : v.name);
  const counter = (v) => el('span', { class: 'view-count', 'data-count': v.count ?? '' }, countText(v));

  const renameForm = (v, li) => {
    const input = el('input', { type: 'text', id: 'view-rename-' + v.id, value: v.name, maxlength: 80,
      'aria-label': t('view_rename_label').replace('{name}', v.name) });
    const form = el('form', { class: 'view-edit', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api('PATCH', '/views/' + v.id, { name: input.value.trim() });
        toast(t('view_saved'));
        await refresh(true);
      } catch (e) { toastError(viewError(e, input.value.trim()), t('dismiss')); }
    } }, input, el('button', { type: 'submit' }, t('save')),
    el('button', { type: 'button', class: 'secondary', onclick: () => draw() }, t('cancel')));
    li.replaceChildren(form);
    input.focus();
  };

  const deleteAsk = (v, li) => {
    li.replaceChildren(el('div', { class: 'view-edit', role: 'group', 'aria-label': nameOf(v) },
      el('span', {}, t('view_delete_confirm')),
      el('button', { type: 'button', id: 'view-delete-yes', onclick: async () => {
        try {
          await api('DELETE', '/views/' + v.id);
          toast(t('view_deleted'));
          await refresh(true);
        } catch (e) { toastError(errText(e), t('dismiss')); }
      } }, t('delete')),
      el('button', { type: 'button', class: 'secondary', onclick: () => draw() }, t('cancel'))));
  };

  const entry = (v) => {
    const current = same(v.filters, filters);
    const li = el('li', { class: 'view' + (current ? ' current' : ''), 'data-view': v.key || v.id });
    li.append(el('a', { href: queueHref(v.filters), 'aria-current': current ? 'page' : null },
      el('span', { class: 'view-name' }, nameOf(v),
        v.shared && !v.builtin && !v.editable ? el('span', { class: 'small muted' }, ' · ', v.owner_name) : null),
      counter(v)));
    if (v.editable) {
      li.append(el('span', { class: 'view-tools' },
        el('button', { type: 'button', class: 'secondary small', 'aria-label': t('view_rename_label').replace('{name}', v.name),
          title: t('view_rename'), onclick: () => renameForm(v, li) }, '✎'),
        el('button', { type: 'button', class: 'secondary small', 'aria-label': t('view_delete_label').replace('{name}', v.name),
          title: t('delete'), onclick: () => deleteAsk(v, li) }, '×')));
    }
    return li;
  };

  const draw = () => {
    const builtin = items.filter((v) => v.builtin);
    const own = items.filter((v) => !v.builtin && v.editable);
    const shared = items.filter((v) => !v.builtin && !v.editable);
    list.replaceChildren(...[...builtin.map(entry),
      own.length ? el('li', { class: 'views-head' }, t('views_mine')) : null, ...own.map(entry),
      shared.length ? el('li', { class: 'views-head' }, t('views_shared')) : null, ...shared.map(entry)].filter(Boolean));
  };

  // the counters of the views already drawn change in place; a new or
  // removed view redraws the list
  const refresh = async (force) => {
    const fresh = (await api('GET', '/views')).items;
    const key = (v) => String(v.key || v.id) + ':' + (v.name || '') + ':' + v.shared;
    const shape = (xs) => xs.map(key).join('|');
    const editing = list.querySelector('form, .view-edit') !== null;
    const redraw = shape(fresh) !== shape(items);
    items = fresh;
    if (force || (redraw && !editing)) { draw(); return; }
    for (const v of items) {
      const c = list.querySelector(`li[data-view="${v.key || v.id}"] .view-count`);
      if (c && c.textContent !== countText(v)) c.replaceWith(counter(v));
    }
  };

  const name = el('input', { type: 'text', id: 'view-name', maxlength: 80, required: true });
  const shared = el('input', { type: 'checkbox', id: 'view-shared' });
  const saveForm = el('form', { class: 'view-save', id: 'view-save-form', hidden: true, onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/views', { name: name.value.trim(), filters, shared: shared.checked });
      toast(t('view_saved'));
      saveForm.hidden = true;
      saveOpen.hidden = false;
      name.value = '';
      await refresh(true);
    } catch (e) { toastError(viewError(e, name.value.trim()), t('dismiss')); }
  } },
  el('label', { for: 'view-name' }, t('view_name')), name,
  isAdmin() ? el('label', { class: 'check', for: 'view-shared' }, shared, t('view_shared_box')) : null,
  el('div', { class: 'row' }, el('button', { type: 'submit', id: 'view-save-submit' }, t('save')),
    el('button', { type: 'button', class: 'secondary', onclick: () => { saveForm.hidden = true; saveOpen.hidden = false; } }, t('cancel'))));
  const saveOpen = el('button', { type: 'button', class: 'secondary', id: 'view-save', onclick: () => {
    saveForm.hidden = false;
    saveOpen.hidden = true;
    name.focus();
  } }, t('view_save'));

  items = (await api('GET', '/views')).items;
  draw();
  panel.append(el('h2', {}, t('views')), list, saveOpen, saveForm);
  return { node: panel, refresh };
}
