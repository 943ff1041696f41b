// The managed lists (categories, services, configuration items): their
// entries' labels in the reader's language, selects of the entries on
// offer, and a search box for the long list of configuration items.
import { el, debounce } from './dom.js';
import { t, lang } from './i18n.js';
import { api, apiAll } from './api.js';

// Categories and services are short lists, loaded once a page load:
// { category: Map(name → entry), service: … }. The Lists page clears them
// after a change.
export const lists = { category: null, service: null };

export async function loadLists() {
  for (const kind of ['category', 'service']) {
    if (lists[kind]) continue;
    const r = await apiAll('/catalog/' + kind);
    lists[kind] = new Map(r.items.map((e) => [e.name, e]));
  }
}
export function clearLists() { lists.category = null; lists.service = null; }

// An entry's label in the reader's language, its name when it has none.
export const entryLabel = (e) => (lang === 'fr' ? e.label_fr : e.label_en) || e.name;

// The label of a value a ticket holds (category, service or ci); the value
// itself when the list is not loaded or does not know it.
export function listLabel(kind, name) {
  if (name === null || name === undefined || name === '') return t('none');
  const e = lists[kind] && lists[kind].get(name);
  return e ? entryLabel(e) : name;
}

// A <select> of the entries on offer, by label, with "—" first (unless
// none is false); the current value stays an option (marked) even when it
// was retired.
export function listSelect(kind, attrs, current, none = true) {
  const entries = [...(lists[kind] || new Map()).values()]
    .filter((e) => e.active || e.name === current)
    .sort((a, b) => entryLabel(a).localeCompare(entryLabel(b), lang));
  return el('select', attrs, none ? el('option', { value: '' }, t('none')) : null,
    entries.map((e) => el('option', { value: e.name, selected: e.name === current },
      entryLabel(e) + (e.active ? '' : ' (' + t('list_retired') + ')'))));
}

// A text input for a configuration item, whose suggestions come from the
// server as it is typed (a desk has thousands).
export function ciInput(attrs, current) {
  const listId = attrs.id + '-list';
  const options = el('datalist', { id: listId });
  const input = el('input', { type: 'text', ...attrs, list: listId, value: current || '', autocomplete: 'off' });
  const search = debounce(async () => {
    const q = input.value.trim();
    try {
      const r = await api('GET', '/catalog/ci?' + new URLSearchParams({ q, active: 'true', limit: '20' }));
      options.replaceChildren(...r.items.map((e) => el('option', { value: e.name }, entryLabel(e))));
    } catch (e) { /* the field still takes the value; the server checks it */ }
  }, 250);
  input.addEventListener('input', search);
  input.addEventListener('focus', search, { once: true });
  return el('span', { class: 'ci-input' }, input, options);
}
