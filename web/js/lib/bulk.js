// Bulk actions on the queue: the rows an agent ticks (the selection, kept
// by id through every refresh of the list) and the bar that changes them
// all at once: assign to me, or set the assignee, status, group or
// priority, or apply a macro to each (POST /api/v1/tickets/bulk, all or
// nothing, each ticket at the version the list shows; a macro writes its
// reply, filled for each ticket, and makes its changes).
import { el, toast, toastError } from './dom.js';
import { t, fmtNum } from './i18n.js';
import { api, session, errText } from './api.js';
import { STATUSES, lookups } from './tickets.js';
import { userSelect } from './userpicker.js';
import { macroName } from './macros.js';

// A refusal in the reader's words: the ticket it names, what was wrong,
// and that nothing changed.
function bulkError(e) {
  const id = e.detail && e.detail.ticket_id;
  if (id && (e.status === 404 || e.status === 409 || e.status === 412)) {
    return t('bulk_err_' + e.status).replace('{id}', '#' + id);
  }
  return t('bulk_err').replace('{msg}', errText(e));
}

// selection: a Set of ticket ids; versionOf(id): the version the list
// shows; onDone(changedIds): after a change (the list refreshes), and
// after a refusal (the list may be behind). Returns { node, update() }:
// update() after the selection changed.
export function bulkBar(selection, versionOf, onDone) {
  const count = el('span', { id: 'bulk-count', role: 'status' });
  const field = el('select', { id: 'bulk-field', 'aria-label': t('bulk_field') },
    ['assignee_id', 'status', 'group_id', 'priority'].map((f) => el('option', { value: f }, t(f))),
    el('option', { value: 'macro' }, t('bulk_macro')));
  let value = el('select', { id: 'bulk-value', 'aria-label': t('bulk_value') });
  const valueBox = el('span', { class: 'bulk-value' }, value);
  const opt = (v, label) => el('option', { value: v }, label);
  const fillValue = async () => {
    const f = field.value;
    let next;
    if (f === 'macro') { // the macros the agent may use
      const list = (await api('GET', '/macros')).items;
      next = el('select', { id: 'bulk-value', 'aria-label': t('bulk_value_macro') },
        list.map((m) => opt(String(m.id), macroName(m))));
    } else if (f === 'assignee_id') {
      next = (await userSelect({ attrs: { id: 'bulk-value', 'aria-label': t('bulk_value') }, roles: 'agent,admin',
        none: t('unassigned') })).node;
    } else {
      const options = f === 'status' ? STATUSES.map((s) => opt(s, t('st_' + s)))
        : f === 'group_id' ? [opt('', t('none')), ...(lookups.groups || []).map((g) => opt(String(g.id), g.name))]
          : [1, 2, 3, 4].map((p) => opt(String(p), 'P' + p));
      next = el('select', { id: 'bulk-value', 'aria-label': t('bulk_value') }, options);
    }
    valueBox.replaceChildren(next);
    value = next.tagName === 'SELECT' ? next : next.querySelector('select');
  };
  field.addEventListener('change', () => { fillValue().catch((e) => toastError(e.message, t('dismiss'))); });

  // set: the fields to change, or macro: the id of the macro to apply
  const send = async (set, macro) => {
    const ids = [...selection].map((id) => ({ id, version: versionOf(id) }));
    const done = [...selection];
    try {
      const r = await api('POST', '/tickets/bulk', macro ? { ids, macro_id: macro } : { ids, set });
      toast(t('bulk_done').replace('{n}', fmtNum(r.count)));
      selection.clear();
      await onDone(done, true);
    } catch (e) {
      toastError(bulkError(e), t('dismiss'));
      await onDone(e.detail && e.detail.ticket_id ? [e.detail.ticket_id] : [], false);
    }
  };
  const apply = () => {
    const f = field.value;
    const v = value.value;
    if (f === 'macro') { if (v) send(null, Number(v)); return; }
    const num = f !== 'status';
    send({ [f]: v === '' ? null : num ? Number(v) : v });
  };

  const node = el('div', { class: 'bulkbar', id: 'bulk-bar', role: 'region', 'aria-label': t('bulk_bar'), hidden: true },
    el('span', { class: 'bulk-who' }, count,
      el('button', { type: 'button', class: 'secondary small', id: 'bulk-clear', 'aria-label': t('bulk_clear'),
        title: t('bulk_clear'), onclick: () => { selection.clear(); onDone([], false); } }, '×')),
    el('button', { type: 'button', id: 'bulk-me', onclick: () => send({ assignee_id: session.user.id }) }, t('take')),
    el('span', { class: 'bulk-change' }, field, valueBox,
      el('button', { type: 'button', id: 'bulk-apply', onclick: apply }, t('bulk_apply'))));
  fillValue().catch(() => {});
  const update = () => {
    node.hidden = selection.size === 0;
    count.textContent = selection.size === 1 ? t('bulk_selected_one') : t('bulk_selected_many').replace('{n}', fmtNum(selection.size));
  };
  update();
  return { node, update };
}
