// What the requester does once the desk answered, on the ticket page:
// confirm that a resolved ticket is solved (it closes), rate the handling
// in one click (a comment may follow), and the agents' view of the rating.
import { el, toast, toastError } from './dom.js';
import { t } from './i18n.js';
import { api, errText } from './api.js';

// A resolved ticket asks its requester whether it is solved: yes closes
// it; "still broken" is a reply with the box ticked (it reopens).
export function solvedCard(tk, redraw) {
  if (tk.status !== 'resolved') return null;
  return el('div', { class: 'card solved', id: 'solved-card' }, el('h2', {}, t('solved_q')),
    el('p', {}, el('button', { type: 'button', id: 'confirm-solved', onclick: async () => {
      try {
        await api('POST', `/tickets/${tk.id}/confirm`);
        toast(t('solved_closed'));
        redraw();
      } catch (e) { toastError(errText(e), t('dismiss')); }
    } }, t('solved_yes'))),
    el('p', { class: 'small muted' }, t('resolved_note')));
}

// One click rates the handling of a resolved or closed ticket (1 to 5);
// a comment may follow. A given rating shows, and can be changed.
export function ratingCard(tk, redraw) {
  if (tk.status !== 'resolved' && tk.status !== 'closed') return null;
  const card = el('div', { class: 'card rating', id: 'rating-card' });
  const rate = async (n, comment) => {
    try {
      const r = await api('PUT', `/tickets/${tk.id}/rating`, comment === undefined ? { rating: n } : { rating: n, comment });
      tk.rating = r;
      toast(t('rate_thanks'));
      draw(comment === undefined);
    } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  const stars = (cur) => el('div', { class: 'rate-buttons', role: 'group', 'aria-label': t('rate_q') },
    [1, 2, 3, 4, 5].map((n) => el('button', { type: 'button', class: 'rate' + (cur === n ? ' chosen' : ''), id: 'rate-' + n,
      'aria-pressed': cur === n ? 'true' : 'false', 'aria-label': t('rate_aria').replace('{n}', n).replace('{label}', t('rate_' + n)),
      title: t('rate_' + n), onclick: () => rate(n) }, String(n))),
    el('span', { class: 'small muted rate-scale' }, '1 = ' + t('rate_1') + ' · 5 = ' + t('rate_5')));
  const draw = (askComment) => {
    const r = tk.rating;
    const comment = el('textarea', { id: 'rate-comment', 'aria-label': t('rate_comment') }, r ? r.comment : '');
    // el() flattens its children: the card's new content goes through it
    card.replaceChildren(el('div', {}, el('h2', {}, t('rate_q')), stars(r ? r.rating : 0),
      r ? el('p', { class: 'small', id: 'rate-given' }, t('rate_given').replace('{n}', r.rating) + ' · ' + t('rate_' + r.rating)) : null,
      r && (askComment || r.comment) ? [el('label', { for: 'rate-comment' }, t('rate_comment')), comment,
        el('p', {}, el('button', { type: 'button', class: 'secondary', id: 'rate-comment-save',
          onclick: () => rate(r.rating, comment.value) }, t('rate_save')))] : null));
  };
  draw(false);
  return card;
}

// The agents' view of the requester's rating, when there is one.
export function ratingView(tk) {
  if (!tk.rating) return null;
  return el('div', { class: 'card', id: 'rating-view' }, el('h2', {}, t('rating_label')),
    el('p', {}, el('b', {}, tk.rating.rating + '/5'), ' · ' + t('rate_' + tk.rating.rating)),
    tk.rating.comment ? el('p', { class: 'small' }, '« ' + tk.rating.comment + ' »') : null);
}
