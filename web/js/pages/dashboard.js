// The agent's dashboard: their tickets by status, what needs them (overdue,
// at risk, waiting on their reply, unassigned in their groups), each
// counter a link to the queue showing those tickets, and the tickets most
// urgent for them. Refreshed every 30 s like the queue, in place.
import { el } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { queueHref, countText } from '../lib/views.js';
import { ticketRow, loadGroups } from '../lib/tickets.js';
import { every, REFRESH_MS } from '../lib/poll.js';

const MINE = ['new', 'open', 'pending'];
const WATCH = ['overdue', 'at_risk', 'awaiting_me', 'unassigned_mine'];

const tile = (x) => el('a', { class: 'tile tile-' + x.key, id: 'dash-' + x.key, href: queueHref(x.filters),
  'data-count': x.count ?? '' },
el('span', { class: 'tile-count' }, countText(x)), el('span', { class: 'tile-label' }, t('dash_' + x.key)));

export default async function render({ go, page }) {
  await loadGroups();
  let d = await api('GET', '/dashboard');
  const byKey = (k) => d.items.find((x) => x.key === k);
  const mine = el('div', { class: 'tiles' });
  const watch = el('div', { class: 'tiles' });
  const urgent = el('tbody', { id: 'dash-urgent' });
  const draw = () => {
    mine.replaceChildren(...MINE.map((k) => tile(byKey(k))));
    watch.replaceChildren(...WATCH.map((k) => tile(byKey(k))));
    urgent.replaceChildren(...(d.urgent.length ? d.urgent.map((tk) => ticketRow(tk, go))
      : [el('tr', {}, el('td', { colspan: 9, class: 'muted' }, t('dash_none_urgent')))]));
  };
  draw();
  every(REFRESH_MS, async () => {
    const fresh = await api('GET', '/dashboard');
    if (JSON.stringify(fresh) === JSON.stringify(d)) return;
    d = fresh;
    if (urgent.isConnected) draw();
  }, () => urgent.isConnected);
  const head = el('tr', {}, el('th', {}, '#'), el('th', {}, t('title')), el('th', {}, t('status')),
    el('th', {}, t('priority')), el('th', {}, t('category')), el('th', {}, t('group')), el('th', {}, t('assignee')),
    el('th', {}, t('due')), el('th', {}, t('created')));
  page(el('h1', {}, t('dashboard')),
    el('section', { class: 'card dash', id: 'dash-mine', 'aria-labelledby': 'dash-mine-h' },
      el('h2', { id: 'dash-mine-h' }, t('dash_mine')), mine),
    el('section', { class: 'card dash', id: 'dash-watch', 'aria-labelledby': 'dash-watch-h' },
      el('h2', { id: 'dash-watch-h' }, t('dash_watch')), watch),
    el('section', { class: 'dash', 'aria-labelledby': 'dash-urgent-h' },
      el('h2', { id: 'dash-urgent-h' }, t('dash_urgent')),
      el('table', { class: 'stack flow tickets' }, el('thead', {}, head), urgent)));
}
