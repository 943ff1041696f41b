// "Similar solved tickets" on an agent's ticket page: the solved tickets
// most like this one (GET /tickets/{id}/similar), each with how alike it
// is, the words they share and its resolution; "Insert the resolution"
// hands it to insert() for the reply being typed and tells the desk which
// ticket helped (the ranking learns from it).
import { el } from './dom.js';
import { t, fmtPct } from './i18n.js';
import { api } from './api.js';

export async function similarCard(ticketId, insert) {
  let items = [];
  try { items = (await api('GET', `/tickets/${ticketId}/similar?limit=5`)).items; } catch (e) { return null; }
  if (!items.length) return null;
  return el('div', { class: 'card', id: 'similar' }, el('h2', {}, t('sim_title')),
    el('ul', { class: 'plain' }, items.map((s) => el('li', { class: 'sim-item', 'data-ticket': s.id },
      el('a', { href: '#/ticket/' + s.id }, '#' + s.id + ' ' + s.title), ' ',
      el('span', { class: 'badge', title: t('sim_score') }, fmtPct(s.similarity)),
      s.features && s.features.category >= 0.5 ? el('span', { class: 'badge' }, t('sim_same_category')) : null,
      el('p', { class: 'small muted' }, t('sim_words').replace('{words}', s.words.join(', '))),
      s.resolution ? [el('p', { class: 'small sim-res' }, s.resolution.length > 240 ? s.resolution.slice(0, 240) + '…' : s.resolution),
        el('button', { type: 'button', class: 'secondary small', id: 'sim-insert-' + s.id,
          onclick: () => { insert(s.resolution); taken(ticketId, s.id); } }, t('sim_insert'))] : null))));
}

// A signal for the ranker; the reply goes on whatever becomes of it.
function taken(ticketId, otherId) {
  api('POST', `/tickets/${ticketId}/similar/${otherId}/taken`, { kind: 'resolution_used' }).catch(() => {});
}
