// The Lists page (admin): the categories, services and configuration items
// a ticket may hold. A new entry at the top; each entry's French and
// English labels (a renaming: tickets keep the name, people read the
// label), retiring it or offering it again, and merging it into another
// (its tickets move, one history event each). Search and "Show more" for
// the long list of configuration items.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { clearLists, ciInput, entryLabel } from '../lib/catalog.js';

const KINDS = ['category', 'service', 'ci'];
const PAGE = 100;

function listUrl(kind, q, retired, cursor) {
  const p = new URLSearchParams({ limit: String(PAGE) });
  if (q) p.set('q', q);
  if (!retired) p.set('active', 'true');
  if (cursor) p.set('cursor', cursor);
  return `/catalog/${kind}?${p}`;
}

// The "merge into" control: the entries on offer (short lists) or a
// searched input (configuration items).
function mergeTarget(kind, e, offered) {
  const id = `merge-${e.id}`;
  if (kind === 'ci') return ciInput({ id, 'aria-label': t('list_merge_into_of').replace('{name}', e.name) }, '');
  return el('select', { id, 'aria-label': t('list_merge_into_of').replace('{name}', e.name) },
    el('option', { value: '' }, t('list_merge_choose')),
    offered.filter((o) => o.id !== e.id).map((o) => el('option', { value: o.name }, entryLabel(o) + ' (' + o.name + ')')));
}

// One entry: its name and state, its labels to edit, retire or offer
// again, merge. redraw reloads the list after a change.
function entryRow(kind, e, offered, redraw) {
  const fr = el('input', { type: 'text', id: `fr-${e.id}`, value: e.label_fr, maxlength: 200,
    'aria-label': t('list_label_fr_of').replace('{name}', e.name) });
  const en = el('input', { type: 'text', id: `en-${e.id}`, value: e.label_en, maxlength: 200,
    'aria-label': t('list_label_en_of').replace('{name}', e.name) });
  const patch = async (body, done) => {
    try {
      await api('PATCH', `/catalog/${kind}/${e.id}`, body);
      clearLists();
      toast(t(done));
      redraw();
    } catch (err) { toastError(errText(err), t('dismiss')); }
  };
  const target = mergeTarget(kind, e, offered);
  const merge = async () => {
    const pick = (target.querySelector ? target.querySelector('input, select') : null) || target;
    const name = pick.value.trim();
    const into = name && (offered.find((o) => o.name === name) ||
      (await api('GET', listUrl(kind, name, false, null))).items.find((o) => o.name === name));
    if (!into) { toastError(t('list_merge_none'), t('dismiss')); return; }
    if (!window.confirm(t('list_merge_confirm').replace('{from}', e.name).replace('{into}', into.name))) return;
    try {
      const r = await api('POST', `/catalog/${kind}/${e.id}/merge`, { into: into.id });
      clearLists();
      toast(t('list_merged').replace('{n}', r.tickets_moved));
      redraw();
    } catch (err) { toastError(errText(err), t('dismiss')); }
  };
  const state = e.merged_into ? t('list_merged_state') : e.active ? t('list_active') : t('list_retired');
  return el('tr', { 'data-entry': e.id, 'data-name': e.name },
    el('td', { class: 'lead', 'data-label': t('list_name') }, el('b', {}, e.name), ' ',
      el('span', { class: 'badge' + (e.active ? '' : ' retired') }, state)),
    el('td', { 'data-label': t('list_label_fr') }, fr),
    el('td', { 'data-label': t('list_label_en') }, en),
    el('td', { class: 'list-actions', 'data-label': t('list_actions') },
      el('button', { type: 'button', class: 'secondary small', id: `save-${e.id}`,
        onclick: () => patch({ label_fr: fr.value, label_en: en.value }, 'saved') }, t('save')), ' ',
      e.merged_into ? null : el('button', { type: 'button', class: 'secondary small', id: `toggle-${e.id}`,
        onclick: () => patch({ active: !e.active }, e.active ? 'list_retired_ok' : 'list_offered_ok') },
      t(e.active ? 'list_retire' : 'list_offer')),
      e.active ? el('div', { class: 'row merge-row' }, target,
        el('button', { type: 'button', class: 'secondary small', id: `merge-btn-${e.id}`, onclick: merge }, t('list_merge'))) : null));
}

function newEntryForm(kind, redraw) {
  const err = el('div', { class: 'error', id: 'list-new-error', role: 'alert' });
  const form = el('form', { class: 'card', id: 'list-new', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await api('POST', `/catalog/${kind}`, { name: form.name.value, label_fr: form.label_fr.value, label_en: form.label_en.value });
      clearLists();
      toast(t('list_added'));
      form.reset();
      redraw();
    } catch (e) { err.textContent = errText(e); }
  } },
    el('h2', {}, t('list_new_' + kind)),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'list-name' }, t('list_name')),
        el('input', { type: 'text', id: 'list-name', name: 'name', required: true, maxlength: 100 })),
      el('div', {}, el('label', { for: 'list-fr' }, t('list_label_fr')), el('input', { type: 'text', id: 'list-fr', name: 'label_fr', maxlength: 200 })),
      el('div', {}, el('label', { for: 'list-en' }, t('list_label_en')), el('input', { type: 'text', id: 'list-en', name: 'label_en', maxlength: 200 })),
      el('div', { class: 'act' }, el('button', { type: 'submit', id: 'list-add' }, t('list_add')))),
    err);
  return form;
}

export default async function listsPage({ query, go, page }) {
  const kind = KINDS.includes(query.get('kind')) ? query.get('kind') : 'category';
  const q = query.get('q') || '';
  const retired = query.get('retired') === '1';
  const redraw = () => listsPage({ query, go, page });
  // the short lists' entries on offer, for "merge into"
  const offered = kind === 'ci' ? [] : (await api('GET', listUrl(kind, '', false, null))).items;
  const body = el('tbody', { id: 'list-rows' });
  const more = el('div', { class: 'more' });
  const load = async (cursor) => {
    try {
      const r = await api('GET', listUrl(kind, q, retired, cursor));
      body.append(...r.items.map((e) => entryRow(kind, e, offered, redraw)));
      if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, t('list_empty'))));
      more.replaceChildren(r.next_cursor
        ? el('button', { class: 'secondary', id: 'list-more', onclick: () => load(r.next_cursor) }, t('loadmore')) : '');
    } catch (e) { more.replaceChildren(el('div', { class: 'error' }, errText(e))); }
  };
  await load(null);
  const filters = el('form', { class: 'card filters row', id: 'list-filters', onsubmit: (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ kind });
    if (filters.q.value.trim()) p.set('q', filters.q.value.trim());
    if (filters.retired.checked) p.set('retired', '1');
    go('#/lists?' + p);
  } },
    el('div', { class: 'grow' }, el('label', { for: 'list-q' }, t('list_search')),
      el('input', { type: 'search', id: 'list-q', name: 'q', value: q })),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'list-retired', name: 'retired', checked: retired }), t('list_show_retired')),
    el('div', { class: 'act' }, el('button', { type: 'submit', id: 'list-filter' }, t('apply'))));
  const tabs = el('nav', { class: 'tabs', 'aria-label': t('lists') }, KINDS.map((k) =>
    el('a', { href: '#/lists?kind=' + k, id: 'tab-' + k, class: k === kind ? 'tab current' : 'tab',
      'aria-current': k === kind ? 'page' : null }, t('list_' + k))));
  page(el('h1', {}, t('lists_title')), el('p', { class: 'muted' }, t('lists_intro')), tabs,
    newEntryForm(kind, redraw), filters,
    el('table', { class: 'stack lists' }, el('thead', {}, el('tr', {},
      el('th', {}, t('list_name')), el('th', {}, t('list_label_fr')), el('th', {}, t('list_label_en')), el('th', {}, t('list_actions')))),
    body), more,
    el('p', { class: 'small muted' }, tColon('list_note'), t('list_note_text')));
}
