// Articles that may answer a text, where the text is typed or read.
//
// deflector(form, readText): for the New ticket form. As the person types
// (paused 400 ms, two words or more), the published articles holding the
// words show under the form, each openable in place; "This solved my
// problem" records it (POST …/deflect), files no ticket, forgets the
// draft and says so. The panel is a polite live region: a screen reader
// hears that articles were found without losing its place.
//
// articleCard(text, insert): for an agent's ticket page. The articles for
// the ticket's text, each public one with "Insert link", which hands
// insert() a line naming the article and its address.
import { el, toast, debounce } from './dom.js';
import { t } from './i18n.js';
import { api, errText } from './api.js';
import { renderDoc } from './markdoc.js';

const words = (s) => (s.match(/[\p{L}\p{N}]{2,}/gu) || []).length;
// the start of a long text says what it is about, and keeps the address short
const suggest = async (text, limit) => (await api('GET', '/kb/suggest?' +
  new URLSearchParams({ text: text.slice(0, 2000), limit: String(limit) }))).items;

export function deflector(readText, onSolved) {
  const list = el('ul', { class: 'kb-list', id: 'kb-suggest-list' });
  const node = el('section', { class: 'card kb-suggest', id: 'kb-suggest', hidden: true, 'aria-live': 'polite', 'aria-labelledby': 'kb-suggest-h' },
    el('h2', { id: 'kb-suggest-h' }, t('kb_may_answer')), list);
  let seq = 0;
  let last = '';
  const solved = async (a, text) => {
    try {
      await api('POST', `/kb/articles/${a.id}/deflect`, { text: text.slice(0, 500) });
      onSolved(a);
    } catch (e) { toast(errText(e)); }
  };
  const item = (a, text) => {
    const body = el('div', { class: 'kb-suggest-body', id: 'kb-suggest-body-' + a.id, hidden: true });
    const read = el('button', { type: 'button', class: 'secondary small', id: 'kb-read-' + a.id, 'aria-expanded': 'false',
      'aria-controls': 'kb-suggest-body-' + a.id, onclick: async () => {
        if (body.hidden && !body.childNodes.length) {
          try { body.append(renderDoc((await api('GET', '/kb/articles/' + a.id)).doc)); } catch (e) { body.append(errText(e)); }
        }
        body.hidden = !body.hidden;
        read.setAttribute('aria-expanded', String(!body.hidden));
        read.textContent = t(body.hidden ? 'kb_read' : 'kb_read_hide');
      } }, t('kb_read'));
    return el('li', { class: 'kb-item', 'data-article': a.id },
      el('span', { class: 'kb-item-title' }, a.title),
      el('p', { class: 'small muted' }, t('kb_because').replace('{words}', a.words.join(', '))),
      el('p', { class: 'actions' }, read, ' ',
        el('button', { type: 'button', class: 'small', id: 'kb-solved-' + a.id, onclick: () => solved(a, text) }, t('kb_solved'))),
      body);
  };
  const look = debounce(async () => {
    const text = readText();
    if (text === last) return;
    last = text;
    const my = ++seq;
    if (words(text) < 2) { node.hidden = true; return; }
    try {
      const items = await suggest(text, 3);
      if (my !== seq) return;
      list.replaceChildren(...items.map((a) => item(a, text)));
      node.hidden = !items.length;
    } catch (e) { /* the form works without suggestions */ }
  }, 400);
  return { node, look };
}

export async function articleCard(text, insert) {
  let items = [];
  try { items = await suggest(text, 3); } catch (e) { return null; }
  if (!items.length) return null;
  return el('div', { class: 'card', id: 'kb-for-ticket' }, el('h2', {}, t('kb_may_help')),
    el('ul', { class: 'plain' }, items.map((a) => el('li', { class: 'kb-item', 'data-article': a.id },
      el('a', { href: '#/kb/' + a.id, target: '_blank', rel: 'noopener' }, a.title), ' ',
      el('span', { class: 'small muted' }, a.public ? t('kb_public') : t('kb_internal')),
      el('p', { class: 'small muted' }, t('kb_because').replace('{words}', a.words.join(', '))),
      // a requester can open a public article only: an internal one is for the agent to read
      a.public ? el('button', { type: 'button', class: 'secondary small', id: 'kb-insert-' + a.id,
        onclick: () => insert(`${a.title}: ${location.origin}/#/kb/${a.id}`) }, t('kb_insert')) : null))));
}
