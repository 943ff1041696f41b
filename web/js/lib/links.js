// Links between tickets on an agent's ticket page (GET/POST
// /tickets/{id}/links, DELETE /tickets/{id}/links/{other}, POST
// /tickets/{id}/merge): the "Linked tickets" card with the links grouped by
// kind, a form to link a ticket, a remove button per link, "Merge into
// another ticket" with a confirm step that says what will happen; the note
// of a merged ticket; the reply form's "Also send to the N open child
// tickets"; the history's link events. Requesters see none of it but the
// fact of a merge (the event "merged_into" and the reply it posted).
import { el, toast, toastError } from './dom.js';
import { t } from './i18n.js';
import { api, isAgent, errText } from './api.js';
import { errBeside } from './errors.js';
import { badge } from './tickets.js';
import { fieldError, clearFieldErrors } from './fielderr.js';

// The kinds as a ticket sees them, in the order the card shows them.
const KINDS = ['duplicate_of', 'duplicates', 'parent', 'child', 'related'];
// What an agent may ask for (POST), as "This ticket … #N".
const ASK = ['related', 'duplicate_of', 'parent', 'child'];

// The ticket's links (agents), or [] for a requester or on failure (the
// page shows the rest).
export async function loadLinks(id) {
  if (!isAgent()) return [];
  try { return (await api('GET', `/tickets/${id}/links`)).items; } catch (e) { return []; }
}

// A ticket's number as a link to it (plain text where the reader may not
// open it: a requester and another one's ticket).
export const ticketRef = (id, linked = isAgent()) =>
  (linked ? el('a', { href: '#/ticket/' + id }, '#' + id) : el('b', {}, '#' + id));

// A text whose {id} becomes ticketRef(id, linked); other placeholders from vars.
export function fillRef(key, id, vars = {}, linked = isAgent()) {
  let s = t(key);
  for (const [k, v] of Object.entries(vars)) s = s.replace('{' + k + '}', v);
  const [before, after] = s.split('{id}');
  return after === undefined ? [s] : [before, ticketRef(id, linked), after];
}

// The master a merged ticket went into, or null.
export function mergedInto(items) {
  const l = items.find((x) => x.kind === 'duplicate_of' && x.merged);
  return l ? l.ticket : null;
}

// The note at the top of a merged ticket, for its agent.
export function mergedNote(items) {
  const m = mergedInto(items);
  return m ? el('p', { class: 'merged-note', id: 'merged-note', role: 'status' }, fillRef('link_merged_into', m.id)) : null;
}

// How many children are not closed (those a reply may go to).
export const openChildren = (items) => items.filter((l) => l.kind === 'child' && l.ticket.status !== 'closed').length;

// The reply form's checkbox, on a parent with open children; null otherwise.
export function childrenCheck(items) {
  const n = openChildren(items);
  if (!isAgent() || !n) return null;
  return el('label', { class: 'check', id: 'reply-children-label' },
    el('input', { type: 'checkbox', id: 'reply-children', name: 'to_children' }),
    countText('link_children_check', n));
}

// A sentence about n tickets: its own for one (key_one), else with {n}.
export const countText = (key, n) => (n === 1 ? t(key + '_one') : t(key).replace('{n}', n));

// A link event of the history (link_added, link_removed, merged_into,
// merged_from, parent_reply) as its sentence after who did it; null for
// another field.
export function linkEvent(e) {
  const id = Number(e.new_value);
  if (e.field === 'link_added' || e.field === 'link_removed')
    return fillRef('ev_' + e.field, id, { kind: t('link_v_' + e.old_value) });
  if (e.field === 'merged_into' || e.field === 'merged_from' || e.field === 'parent_reply') return fillRef('ev_' + e.field, id);
  return null;
}

// One link: the ticket's number, title and status, a link to it, and its
// remove button (none for a merge's, which stays).
function linkItem(tk, l, redraw) {
  const remove = l.merged ? el('span', { class: 'badge' }, t('link_merged_tag'))
    : el('button', { type: 'button', class: 'secondary small', 'data-remove': l.ticket.id,
      'aria-label': t('link_remove_label').replace('{id}', l.ticket.id), onclick: async () => {
        try {
          await api('DELETE', `/tickets/${tk.id}/links/${l.ticket.id}`);
          toast(t('link_removed'));
          redraw();
        } catch (e) { toastError(errText(e), t('dismiss')); }
      } }, t('link_remove'));
  return el('li', { class: 'link-item', 'data-kind': l.kind, 'data-ticket': l.ticket.id },
    el('a', { href: '#/ticket/' + l.ticket.id }, '#' + l.ticket.id + ' ' + (l.ticket.title || '')), ' ',
    badge(l.ticket.status), ' ', remove);
}

// The links grouped by kind, each group under its heading.
function groups(tk, items, redraw) {
  if (!items.length) return el('p', { class: 'muted small', id: 'links-none' }, t('link_none'));
  return KINDS.filter((k) => items.some((l) => l.kind === k)).map((k) => el('div', { class: 'link-group', 'data-group': k },
    el('h3', { class: 'small' }, t('link_k_' + k)),
    el('ul', { class: 'plain' }, items.filter((l) => l.kind === k).map((l) => linkItem(tk, l, redraw)))));
}

// A ticket number typed by a person: digits only, or null.
const number = (s) => (/^\s*#?\d{1,15}\s*$/.test(s) ? Number(s.replace(/[#\s]/g, '')) : null);

// "This ticket [kind] [number] [Link]": the error beside the input it is about.
function addForm(tk, redraw) {
  const kind = el('select', { id: 'link-kind', name: 'kind' }, ASK.map((k) => el('option', { value: k }, t('link_opt_' + k))));
  const num = el('input', { type: 'text', id: 'link-ticket', name: 'ticket', inputmode: 'numeric', autocomplete: 'off', required: true });
  const go = el('button', { type: 'submit', id: 'link-add' }, t('link_add'));
  const row = el('div', { class: 'row' }, num, go);
  // a message goes under the number and its button, never between them
  const say = (input, msg) => fieldError(input, msg, input === num ? row : input);
  const form = el('form', { id: 'link-form', class: 'link-form', onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const other = number(num.value);
    if (other === null) { say(num, t('link_bad_number')); num.focus(); return; }
    try {
      go.disabled = true;
      await api('POST', `/tickets/${tk.id}/links`, { kind: kind.value, ticket: other });
      toast(t('link_added'));
      redraw();
    } catch (e) {
      const input = e.detail && e.detail.field === 'kind' ? kind : num;
      say(input, errBeside(e));
      input.focus();
    } finally { go.disabled = false; }
  } },
  el('label', { for: 'link-kind' }, t('link_kind')), kind,
  el('label', { for: 'link-ticket' }, t('link_ticket')), row);
  return form;
}

// "Merge into another ticket": the number, then a confirm step that says
// what the merge does (with the master's title), then the merge.
function mergeForm(tk, nComments, redraw) {
  const num = el('input', { type: 'text', id: 'merge-into', name: 'into', inputmode: 'numeric', autocomplete: 'off', required: true });
  const confirmBox = el('div', { id: 'merge-confirm', class: 'merge-confirm', hidden: true });
  const next = el('button', { type: 'submit', class: 'secondary', id: 'merge-next' }, t('link_merge_next'));
  const row = el('div', { class: 'row' }, num, next);
  const say = (msg) => fieldError(num, msg, row);
  const form = el('form', { id: 'merge-form', onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    confirmBox.hidden = true;
    const into = number(num.value);
    if (into === null) { say(t('link_bad_number')); num.focus(); return; }
    let master;
    try { master = await api('GET', '/tickets/' + into); } catch (e) {
      say(errBeside(e));
      num.focus();
      return;
    }
    const doIt = el('button', { type: 'button', id: 'merge-do', onclick: async () => {
      try {
        doIt.disabled = true;
        await api('POST', `/tickets/${tk.id}/merge`, { into });
        toast(t('link_merged_done').replace('{id}', into));
        redraw();
      } catch (e) {
        confirmBox.hidden = true;
        say(errBeside(e));
        num.focus();
      } finally { doIt.disabled = false; }
    } }, t('link_merge_do'));
    const cancel = el('button', { type: 'button', class: 'secondary', id: 'merge-cancel', onclick: () => {
      confirmBox.hidden = true;
      num.focus();
    } }, t('cancel'));
    const fill = (key) => t(key).replace(/\{id\}/g, tk.id).replace(/\{into\}/g, into).replace('{n}', nComments);
    confirmBox.replaceChildren(
      el('h3', { id: 'merge-confirm-title', tabindex: '-1' }, fill('link_merge_title')),
      el('p', { class: 'small' }, el('a', { href: '#/ticket/' + into }, '#' + into + ' ' + master.title), ' ', badge(master.status)),
      el('p', { class: 'small' }, fill('link_merge_what')),
      master.requester_id !== tk.requester_id ? el('p', { class: 'small muted', id: 'merge-private' }, t('link_merge_private')) : null,
      el('p', { class: 'actions' }, doIt, ' ', cancel));
    confirmBox.hidden = false;
    confirmBox.querySelector('h3').focus();
  } },
  el('label', { for: 'merge-into' }, t('link_merge_into')), row);
  return el('div', { id: 'merge' }, form, confirmBox);
}

// The "Linked tickets" card of an agent's ticket page; nComments: how many
// messages the ticket has (what a merge copies, besides its description).
export function linksCard(tk, items, nComments, redraw) {
  if (!isAgent()) return null;
  const merged = mergedInto(items);
  return el('section', { class: 'card', id: 'links', 'aria-labelledby': 'links-title' },
    el('h2', { id: 'links-title' }, t('link_title')),
    groups(tk, items, redraw),
    addForm(tk, redraw),
    // a merged ticket is merged once; a duplicate of a duplicate is refused anyway
    merged ? null : el('details', { id: 'merge-details' }, el('summary', {}, t('link_merge')), mergeForm(tk, nComments, redraw)));
}
