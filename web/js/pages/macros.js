// Macros (agents and admins): the canned replies an agent may use on a
// ticket, theirs and the shared ones, each with the field changes it makes.
// An agent makes, changes and deletes their own; an admin also the shared
// ones. "New macro" opens the form at the top; "Edit" fills it with a
// macro. A refusal of the server is said beside the input it names.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon } from '../lib/i18n.js';
import { api, isAdmin, errText } from '../lib/api.js';
import { errBeside } from '../lib/errors.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { STATUSES, lookups, loadGroups, levelLabel, fieldLabel } from '../lib/tickets.js';
import { loadLists, listSelect, listLabel } from '../lib/catalog.js';
import { userSelect } from '../lib/userpicker.js';
import { macroName } from '../lib/macros.js';

const FIELDS = ['status', 'group_id', 'assignee_id', 'priority', 'urgency', 'impact', 'category', 'service'];
const PLACEHOLDERS = ['{requester_name}', '{requester_first_name}', '{ticket_id}', '{ticket_title}', '{agent_name}',
  '{agent_first_name}', '{group_name}'];

// A select of a field's changes: "no change" (''), "none" (clears it) where
// the field may be empty, then its values.
const changeSelect = (id, values, clearable) => el('select', { id, name: id.slice(2) },
  el('option', { value: '' }, t('macro_keep')), clearable ? el('option', { value: 'none' }, t('macro_clear')) : null,
  values.map(([v, label]) => el('option', { value: v }, label)));

async function changeControls() {
  const lvl = ['1', '2', '3'].map((v) => [v, levelLabel(v)]);
  const assignee = await userSelect({ attrs: { id: 'm-assignee_id', name: 'assignee_id' }, roles: 'agent,admin', none: t('macro_keep') });
  assignee.select.insertBefore(el('option', { value: 'none' }, t('macro_nobody')), assignee.select.options[1] || null);
  assignee.select.insertBefore(el('option', { value: 'me' }, t('macro_me')), assignee.select.options[1]);
  const category = listSelect('category', { id: 'm-category', name: 'category' }, null, false);
  const service = listSelect('service', { id: 'm-service', name: 'service' }, null, false);
  for (const s of [service, category]) {
    s.prepend(el('option', { value: 'none' }, t('macro_clear')));
    s.prepend(el('option', { value: '', selected: true }, t('macro_keep')));
    s.value = '';
  }
  return {
    status: changeSelect('m-status', STATUSES.map((s) => [s, t('st_' + s)]), false),
    group_id: changeSelect('m-group_id', lookups.groups.map((g) => [String(g.id), g.name]), true),
    assignee_id: assignee.node, assigneeSelect: assignee.select,
    priority: changeSelect('m-priority', ['1', '2', '3', '4'].map((v) => [v, 'P' + v]), true),
    urgency: changeSelect('m-urgency', lvl, true), impact: changeSelect('m-impact', lvl, true),
    category, service,
  };
}

// The first placeholder of text the server would refuse, or null.
export function unknownPlaceholder(text) {
  for (const m of text.matchAll(/\{([a-z_]{1,64})\}/g)) if (!PLACEHOLDERS.includes(m[0])) return m[0];
  return null;
}

// Checks what the server checks, in the reader's words: { input: message }.
function checkMacro(inputs, actions) {
  const bad = {};
  if (!inputs.name_fr.value.trim() && !inputs.name_en.value.trim()) bad.name_fr = t('macro_err_name');
  for (const k of ['body_fr', 'body_en', 'resolution']) {
    const p = unknownPlaceholder(inputs[k].value);
    if (p) bad[k] = t('macro_err_placeholder').replace('{x}', p).replace('{known}', PLACEHOLDERS.join(' '));
  }
  if (!inputs.body_fr.value && !inputs.body_en.value && !Object.keys(actions).length) bad.body_fr = t('macro_err_empty');
  return bad;
}

// A refusal of the server in the reader's words where the page knows the
// rule; its own words otherwise.
function refusalText(e) {
  const p = /unknown placeholder (\{[a-z_]+\})/.exec(e.message);
  if (p) return t('macro_err_placeholder').replace('{x}', p[1]).replace('{known}', PLACEHOLDERS.join(' '));
  if (e.field === 'name_fr' && e.status === 400) return t('macro_err_name');
  if (e.field === 'body_fr' && /needs a reply/.test(e.message)) return t('macro_err_empty');
  return errBeside(e);
}

// The form's field changes as the API's actions.
function readActions(form) {
  const a = {};
  for (const f of FIELDS) {
    const v = form.elements[f].value;
    if (v === '') continue;
    if (v === 'none') a[f] = null;
    else if (f === 'assignee_id' && v === 'me') a[f] = 'me';
    else a[f] = ['status', 'category', 'service'].includes(f) ? v : Number(v);
  }
  if (form.elements.resolution.value.trim()) a.resolution = form.elements.resolution.value;
  return a;
}

// A macro's changes in words: "Status: Resolved · Group: Network".
export function changesText(actions) {
  const order = [...FIELDS, 'resolution'];
  return Object.entries(actions).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([f, v]) => {
    let shown = v;
    if (v === null) shown = t('none');
    else if (f === 'status') shown = t('st_' + v);
    else if (f === 'assignee_id') shown = v === 'me' ? t('macro_me') : '#' + v;
    else if (f === 'group_id') shown = (lookups.groups.find((g) => g.id === v) || { name: '#' + v }).name;
    else if (f === 'priority') shown = 'P' + v;
    else if (f === 'impact' || f === 'urgency') shown = levelLabel(v);
    else if (f === 'category' || f === 'service') shown = listLabel(f, v);
    else if (f === 'resolution') shown = '« ' + (v.length > 40 ? v.slice(0, 40) + '…' : v) + ' »';
    return fieldLabel(f) + t('colon') + shown;
  }).join(' · ');
}

function macroRow(m, edit, remove) {
  return el('tr', { 'data-macro': m.id },
    el('td', { class: 'lead' }, macroName(m)),
    el('td', { 'data-label': t('macro_kind') }, m.shared ? t('macro_shared') : t('macro_own').replace('{name}', m.owner_name || '')),
    el('td', { 'data-label': t('macro_reply') }, m.internal ? t('macro_internal_short') : t('macro_public')),
    el('td', { 'data-label': t('macro_changes') }, Object.keys(m.actions).length ? changesText(m.actions) : t('none')),
    el('td', { class: 'list-actions', 'data-label': t('list_actions') }, m.editable ? [
      el('button', { type: 'button', class: 'secondary small', id: 'macro-edit-' + m.id, 'aria-label': t('macro_edit_of').replace('{name}', macroName(m)), onclick: () => edit(m) }, t('macro_edit')), ' ',
      el('button', { type: 'button', class: 'secondary small', id: 'macro-delete-' + m.id, 'aria-label': t('macro_delete_of').replace('{name}', macroName(m)), onclick: () => remove(m) }, t('macro_delete'))] : t('macro_readonly')));
}

export default async function viewMacros(ctx) {
  await Promise.all([loadGroups(), loadLists()]);
  const items = (await api('GET', '/macros')).items;
  const redraw = () => viewMacros(ctx);
  const c = await changeControls();
  const err = el('div', { class: 'error', id: 'macro-error', role: 'alert' });
  let editing = null; // the macro being changed, or null for a new one
  const text = (id, name, label, area) => {
    const input = area ? el('textarea', { id, name }) : el('input', { type: 'text', id, name, maxlength: 100 });
    return { wrap: el('div', {}, el('label', { for: id }, label), input), input };
  };
  const nf = text('m-name_fr', 'name_fr', t('macro_name_fr'));
  const ne = text('m-name_en', 'name_en', t('macro_name_en'));
  const bf = text('m-body_fr', 'body_fr', t('macro_body_fr'), true);
  const be = text('m-body_en', 'body_en', t('macro_body_en'), true);
  const res = text('m-resolution', 'resolution', t('resolution'), true);
  const internal = el('input', { type: 'checkbox', id: 'm-internal', name: 'internal' });
  const shared = el('input', { type: 'checkbox', id: 'm-shared', name: 'shared' });
  const heading = el('h2', { id: 'macro-form-title' }, t('macro_new'));
  const inputs = { name_fr: nf.input, name_en: ne.input, body_fr: bf.input, body_en: be.input, shared, internal,
    resolution: res.input };
  const form = el('form', { class: 'card', id: 'macro-form', hidden: true, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    err.textContent = '';
    const body = { name_fr: nf.input.value, name_en: ne.input.value, body_fr: bf.input.value, body_en: be.input.value,
      internal: internal.checked, actions: readActions(form) };
    if (isAdmin()) body.shared = shared.checked;
    const bad = Object.entries(checkMacro(inputs, body.actions));
    for (const [k, msg] of bad) fieldError(inputs[k], msg);
    if (bad.length) { inputs[bad[0][0]].focus(); return; }
    try {
      if (editing) await api('PATCH', '/macros/' + editing.id, body);
      else await api('POST', '/macros', body);
      toast(t('saved'));
      redraw();
    } catch (e) {
      const key = e.field && e.field.replace(/^actions\./, '');
      const input = inputs[key] || (form.elements[key] !== undefined && form.elements[key].tagName ? form.elements[key] : null);
      if (input) { fieldError(input, refusalText(e)); input.focus(); } else err.textContent = errText(e);
    }
  } },
  heading,
  el('div', { class: 'row' }, nf.wrap, ne.wrap),
  bf.wrap, be.wrap,
  el('p', { class: 'small muted', id: 'macro-placeholders' }, tColon('macro_placeholders'), PLACEHOLDERS.join(' ')),
  el('label', { class: 'check' }, internal, t('macro_internal')),
  isAdmin() ? el('label', { class: 'check' }, shared, t('macro_share')) : null,
  el('fieldset', { class: 'macro-changes-set' }, el('legend', {}, t('macro_changes')),
    el('div', { class: 'change-grid' }, FIELDS.map((f) => el('div', {},
      el('label', { for: 'm-' + f }, fieldLabel(f)), f === 'assignee_id' ? c.assignee_id : c[f]))),
    res.wrap),
  err,
  el('p', { class: 'actions' }, el('button', { type: 'submit', id: 'macro-save' }, t('save')), ' ',
    el('button', { type: 'button', class: 'secondary', id: 'macro-cancel-edit', onclick: () => { form.hidden = true; } }, t('cancel'))));
  // fills the form with macro m (null: a new one) and shows it
  const open = (m) => {
    editing = m;
    form.reset();
    clearFieldErrors(form);
    heading.textContent = m ? t('macro_edit_title').replace('{name}', macroName(m)) : t('macro_new');
    if (m) {
      nf.input.value = m.name_fr; ne.input.value = m.name_en; bf.input.value = m.body_fr; be.input.value = m.body_en;
      internal.checked = m.internal; shared.checked = m.shared;
      for (const [f, v] of Object.entries(m.actions)) {
        if (f === 'resolution') { res.input.value = v; continue; }
        const s = form.elements[f];
        const val = v === null ? 'none' : String(v);
        if (s.tagName === 'SELECT' && ![...s.options].some((o) => o.value === val)) s.append(el('option', { value: val }, '#' + val));
        s.value = val;
      }
    }
    form.hidden = false;
    nf.input.focus();
  };
  const remove = async (m) => {
    if (!window.confirm(t('macro_delete_confirm').replace('{name}', macroName(m)))) return;
    try { await api('DELETE', '/macros/' + m.id); toast(t('macro_deleted')); redraw(); } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  const table = (list, id) => (list.length ? el('table', { class: 'stack macros', id },
    el('thead', {}, el('tr', {}, [t('name'), t('macro_kind'), t('macro_reply'), t('macro_changes'), t('list_actions')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.map((m) => macroRow(m, open, remove)))) : el('p', { class: 'muted', id }, t('macro_empty')));
  ctx.page(el('div', { class: 'page-head' }, el('h1', {}, t('macros_title')),
    el('button', { type: 'button', id: 'macro-new', onclick: () => open(null) }, '+ ', t('macro_new'))),
  el('p', { class: 'muted' }, t(isAdmin() ? 'macros_intro_admin' : 'macros_intro')),
  form,
  el('h2', {}, t('macro_list_shared')), table(items.filter((m) => m.shared), 'macros-shared'),
  el('h2', {}, t('macro_list_own')), table(items.filter((m) => !m.shared), 'macros-own'));
}
