// The duplicate check's finding on an agent's ticket page: "Possibly a
// duplicate of #N" with how likely and why (the features it came from),
// a link to the other ticket, and "Not a duplicate" to dismiss it. Nothing
// is shown when the check found nothing or the flag was dismissed.
import { el, toastError } from './dom.js';
import { t, fmtPct } from './i18n.js';
import { api } from './api.js';

export async function duplicateCard(ticketId, redraw, extra) {
  let flag = null;
  try { flag = (await api('GET', `/tickets/${ticketId}/duplicate`)).duplicate; } catch (e) { return null; }
  if (!flag || flag.dismissed || !flag.ticket) return null;
  const f = flag.features || {};
  const why = [f.requester >= 1 ? t('dup_same_requester') : null, f.outage > 0 ? t('dup_outage') : null,
    t('dup_words').replace('{pct}', fmtPct(f.words || 0))].filter(Boolean).join(' · ');
  const dismiss = async () => {
    try { await api('POST', `/tickets/${ticketId}/duplicate/dismiss`); redraw(); } catch (e) { toastError(e); }
  };
  return el('div', { class: 'card notice', id: 'dup-flag', role: 'status' },
    el('p', {}, el('strong', {}, t('dup_title')), ' ',
      el('a', { href: '#/ticket/' + flag.ticket.id, id: 'dup-link' }, '#' + flag.ticket.id + ' ' + flag.ticket.title), ' ',
      el('span', { class: 'badge', title: t('dup_prob') }, fmtPct(flag.probability))),
    el('p', { class: 'small muted' }, why),
    el('p', { class: 'actions' }, extra ? extra(flag) : null,
      el('button', { type: 'button', class: 'secondary small', id: 'dup-dismiss', onclick: dismiss }, t('dup_dismiss'))));
}
