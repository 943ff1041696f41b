// The knowledge base's list. Requesters browse and search the published
// public articles, in their language by default; agents and admins see
// every article with its state, filter by state, language and audience,
// and start a new one. The search box searches as one types (every word,
// each as the start of a word in the title or text).
import { el, debounce } from '../lib/dom.js';
import { t, tColon, lang, fmtDate } from '../lib/i18n.js';
import { api, isAgent, errText } from '../lib/api.js';
import { listLabel, loadLists } from '../lib/catalog.js';

export const KB_STATES = ['draft', 'review', 'published', 'archived'];
export const kbState = (s) => el('span', { class: 'badge kb-' + s }, t('kb_st_' + s));

function articleItem(a) {
  const tags = [a.category && listLabel('category', a.category), a.service && listLabel('service', a.service)].filter(Boolean);
  return el('li', { class: 'kb-item', 'data-article': a.id },
    el('a', { href: '#/kb/' + a.id, class: 'kb-item-title' }, a.title),
    el('p', { class: 'small muted kb-item-meta' },
      isAgent() ? [kbState(a.state), ' ', a.public ? t('kb_public') : t('kb_internal'), ' · '] : null,
      a.lang === 'fr' ? 'Français' : 'English', ' · ', t('updated'), ' ', fmtDate(a.updated_at),
      tags.length ? ' · ' + tags.join(', ') : '',
      a.helpful ? ' · ' + t('kb_helped_n').replace('{n}', a.helpful) : ''),
    a.excerpt ? el('p', { class: 'kb-excerpt' }, a.excerpt.replace(/[#*_`>]/g, '').slice(0, 200)) : null);
}

export default async function viewKb(ctx) {
  await loadLists();
  ctx.title(t(isAgent() ? 'kb_title' : 'kb_title_portal'));
  const q = el('input', { type: 'search', id: 'kb-q', 'aria-label': t('kb_search'), placeholder: t('kb_search_hint'),
    value: ctx.query.get('q') || '', autocomplete: 'off' });
  const langSel = el('select', { id: 'kb-lang', 'aria-label': t('kb_lang') },
    el('option', { value: '' }, t('kb_lang_any')),
    el('option', { value: 'fr', selected: (ctx.query.get('lang') ?? (isAgent() ? '' : lang)) === 'fr' }, 'Français'),
    el('option', { value: 'en', selected: (ctx.query.get('lang') ?? (isAgent() ? '' : lang)) === 'en' }, 'English'));
  const stateSel = isAgent() ? el('select', { id: 'kb-state', 'aria-label': t('status') },
    el('option', { value: '' }, t('any')),
    KB_STATES.map((s) => el('option', { value: s, selected: ctx.query.get('state') === s }, t('kb_st_' + s)))) : null;
  const list = el('ul', { class: 'kb-list', id: 'kb-list', 'aria-live': 'polite' });
  const more = el('button', { type: 'button', class: 'secondary', id: 'kb-more', hidden: true }, t('loadmore'));
  let cursor = null;
  let seq = 0;
  const load = async (append) => {
    const my = ++seq;
    const p = new URLSearchParams({ limit: '25' });
    if (q.value.trim()) p.set('q', q.value.trim());
    if (langSel.value) p.set('lang', langSel.value);
    if (stateSel && stateSel.value) p.set('state', stateSel.value);
    if (append && cursor) p.set('cursor', cursor);
    try {
      const r = await api('GET', '/kb/articles?' + p);
      if (my !== seq) return; // a newer search won
      cursor = r.next_cursor;
      more.hidden = !cursor;
      const items = r.items.map(articleItem);
      if (append) list.append(...items);
      else list.replaceChildren(...(items.length ? items : [el('li', { class: 'muted', id: 'kb-empty' }, t('kb_none'))]));
    } catch (e) {
      list.replaceChildren(el('li', { class: 'error', role: 'alert' }, errText(e)));
    }
  };
  q.addEventListener('input', debounce(() => load(false), 250));
  for (const s of [langSel, stateSel]) if (s) s.addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  ctx.page(el('div', { class: 'page-head' }, el('h1', {}, t(isAgent() ? 'kb_title' : 'kb_title_portal')),
    isAgent() ? el('button', { type: 'button', id: 'kb-new', onclick: () => ctx.go('#/kb/new') }, '+ ', t('kb_new')) : null),
  el('p', { class: 'muted' }, t(isAgent() ? 'kb_intro' : 'kb_intro_portal')),
  el('div', { class: 'filters kb-filters' }, q, langSel, stateSel),
  list, more);
  await load(false);
}
