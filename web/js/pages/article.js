// One article of the knowledge base. Everyone reads it (its text built
// from the server's tree, lib/markdoc.js), sees its translations and says
// whether it helped; opening it counts one view. Agents and admins also
// get its state and the moves the lifecycle allows, "Edit", "Translate"
// when a language is missing, and its versions with the lines each one
// changed.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, fmtTime } from '../lib/i18n.js';
import { api, isAgent, errText } from '../lib/api.js';
import { listLabel, loadLists } from '../lib/catalog.js';
import { renderDoc } from '../lib/markdoc.js';
import { kbState } from './kb.js';

const MOVES = { draft: ['review', 'published'], review: ['draft', 'published'], published: ['draft', 'archived'], archived: ['draft'] };
const langName = (l) => (l === 'fr' ? 'Français' : 'English');

function voteCard(a, redraw) {
  const vote = async (helpful) => {
    try {
      await api('POST', `/kb/articles/${a.id}/vote`, { helpful });
      toast(t('kb_thanks'));
      redraw();
    } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  const pressed = (v) => (a.my_vote === v ? 'true' : 'false');
  return el('div', { class: 'card kb-vote', id: 'kb-vote' },
    el('p', { id: 'kb-vote-q' }, t('kb_helpful_q')),
    el('p', { class: 'actions', role: 'group', 'aria-labelledby': 'kb-vote-q' },
      el('button', { type: 'button', class: 'secondary', id: 'kb-yes', 'aria-pressed': pressed(true), onclick: () => vote(true) }, t('yes')), ' ',
      el('button', { type: 'button', class: 'secondary', id: 'kb-no', 'aria-pressed': pressed(false), onclick: () => vote(false) }, t('no'))),
    el('p', { class: 'small muted', id: 'kb-counts' }, t('kb_counts').replace('{yes}', a.helpful).replace('{no}', a.unhelpful)
      .replace('{views}', a.views)));
}

// The lines from one version to the next, as a list marked - and +.
async function showDiff(a, to, box) {
  try {
    const d = await api('GET', `/kb/articles/${a.id}/diff?from=${to - 1}&to=${to}`);
    box.replaceChildren(
      d.title ? el('p', { class: 'small' }, tColon('title'), el('del', {}, d.title.from), ' → ', el('ins', {}, d.title.to)) : null,
      el('pre', { class: 'kb-diff', id: 'kb-diff-' + to }, d.lines.map((l) => el(l.op === '+' ? 'ins' : l.op === '-' ? 'del' : 'span',
        { class: 'kb-line' }, l.op === ' ' ? '  ' : l.op + ' ', l.text, '\n'))));
  } catch (e) { box.replaceChildren(el('p', { class: 'error' }, errText(e))); }
}

async function versionsCard(a) {
  const v = await api('GET', `/kb/articles/${a.id}/versions`);
  const box = el('div', { id: 'kb-diff-box' });
  return el('details', { class: 'card', id: 'kb-versions' }, el('summary', {}, t('kb_versions').replace('{n}', v.versions.length)),
    el('ul', { class: 'plain' }, v.versions.map((x) => el('li', {},
      t('kb_version_n').replace('{n}', x.version), ' · ', x.editor_name, ' · ', fmtTime(x.at),
      x.version > 1 ? [' ', el('button', { type: 'button', class: 'secondary small', id: 'kb-see-' + x.version,
        onclick: () => showDiff(a, x.version, box) }, t('kb_changes'))] : null))),
    box,
    el('h3', {}, t('history')),
    el('ul', { class: 'plain small', id: 'kb-events' }, v.events.map((e) => el('li', {}, fmtTime(e.at), ' · ', e.user ? e.user.name : t('system'), ' ',
      e.kind === 'state' ? t('kb_ev_state').replace('{from}', t('kb_st_' + e.from)).replace('{to}', t('kb_st_' + e.to))
        : e.kind === 'created' ? t('kb_ev_created') : e.version ? t('kb_ev_version').replace('{n}', e.version) : t('kb_ev_tags')))));
}

function agentTools(a, ctx, redraw) {
  const move = async (to) => {
    try {
      await api('POST', `/kb/articles/${a.id}/state`, { state: to });
      toast(t('kb_moved').replace('{state}', t('kb_st_' + to)));
      redraw();
    } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  const missing = ['fr', 'en'].filter((l) => l !== a.lang && !a.translations.some((x) => x.lang === l));
  return el('div', { class: 'card', id: 'kb-tools' },
    el('p', {}, tColon('status'), kbState(a.state), ' · ', a.public ? t('kb_public') : t('kb_internal'),
      ' · ', t('kb_version_n').replace('{n}', a.version)),
    el('p', { class: 'actions' },
      a.state !== 'archived' ? el('button', { type: 'button', id: 'kb-edit', onclick: () => ctx.go(`#/kb/${a.id}/edit`) }, t('kb_edit')) : null, ' ',
      MOVES[a.state].map((to) => [el('button', { type: 'button', class: 'secondary', id: 'kb-to-' + to, onclick: () => move(to) },
        t('kb_do_' + to)), ' ']),
      missing.map((l) => el('button', { type: 'button', class: 'secondary', id: 'kb-translate-' + l,
        onclick: () => ctx.go(`#/kb/new?translation_of=${a.id}&lang=${l}`) }, t('kb_translate_to').replace('{lang}', langName(l))))),
    a.source_ticket_id ? el('p', { class: 'small muted' }, t('kb_from_ticket'), ' ', el('a', { href: '#/ticket/' + a.source_ticket_id }, '#' + a.source_ticket_id)) : null,
    el('p', { class: 'small muted' }, tColon('kb_author'), a.author.name));
}

// again: a redraw after a vote or a move (no second view counted)
export default async function viewArticle(ctx, again = false) {
  const id = ctx.params.id;
  const redraw = () => viewArticle(ctx, true);
  await loadLists();
  const a = await api('GET', '/kb/articles/' + id);
  ctx.title(a.title);
  const tags = [a.category && [tColon('category'), listLabel('category', a.category)], a.service && [tColon('service'), listLabel('service', a.service)],
    a.ci && [tColon('ci'), a.ci]].filter(Boolean);
  const versions = isAgent() ? await versionsCard(a) : null;
  ctx.page(el('p', {}, el('a', { href: '#/kb' }, t('kb_back'))),
    el('div', { class: 'layout' },
      el('div', { class: 'l-head' },
        el('article', { class: 'card kb-article', lang: a.lang },
          el('h1', { id: 'kb-title' }, a.title),
          el('p', { class: 'small muted' }, langName(a.lang), ' · ', t('updated'), ' ', fmtTime(a.updated_at),
            tags.length ? [' · ', tags.map((x, i) => [i ? ' · ' : '', x])] : null),
          a.translations.length ? el('p', { class: 'small', id: 'kb-translations' }, tColon('kb_also_in'),
            a.translations.map((x, i) => [i ? ', ' : '', el('a', { href: '#/kb/' + x.id, hreflang: x.lang, lang: x.lang }, langName(x.lang) + ' — ' + x.title)])) : null,
          el('div', { id: 'kb-body' }, renderDoc(a.doc)))),
      el('div', { class: 'l-side' }, isAgent() ? agentTools(a, ctx, redraw) : null,
        a.state === 'published' ? voteCard(a, redraw) : null),
      el('div', { class: 'l-main' }, versions)));
  if (a.state === 'published' && !again) api('POST', `/kb/articles/${a.id}/view`).catch(() => {});
}
