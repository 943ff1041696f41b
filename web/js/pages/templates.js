// Request templates (admins): what the portal's New ticket page offers for
// common requests. Each has a name, a description and a title pattern in
// French and English, the category and service its tickets get, and its
// extra fields (key, labels, type, required, limits, a choice's options).
// "New template" opens the form at the top, "Edit" fills it; a refusal of
// the server is said beside the input it names ("fields[2].max").
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { errBeside } from '../lib/errors.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { loadLists, listSelect, listLabel, clearLists } from '../lib/catalog.js';
import { tplName, inLang } from '../lib/forms.js';

const TYPES = ['text', 'long_text', 'number', 'date', 'yesno', 'choice'];
const BOUNDED = { text: 'number', long_text: 'number', number: 'number', date: 'date' };

// Options as lines "value | French label | English label", and back.
const optionsText = (opts) => opts.map((o) => [o.value, o.label_fr, o.label_en].filter((x, i) => i === 0 || x).join(' | ')).join('\n');
const readOptions = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
  const [value, fr, en] = l.split('|').map((x) => x.trim());
  return { value, label_fr: fr || '', label_en: en || '' };
});

// The editor of field definition d (the n-th): { node, read(), input(member) }.
function fieldEditor(d, n, move, drop) {
  const id = (m) => `td-${n}-${m}`;
  const input = (m, attrs, label) => {
    const i = el('input', { id: id(m), ...attrs });
    return { i, wrap: el('div', {}, el('label', { for: id(m) }, label), i) };
  };
  const key = input('key', { type: 'text', value: d.key || '', maxlength: 32, autocomplete: 'off' }, t('tpl_f_key'));
  const type = el('select', { id: id('type') }, TYPES.map((x) => el('option', { value: x, selected: x === (d.type || 'text') }, t('tpl_type_' + x))));
  const fr = input('label_fr', { type: 'text', value: d.label_fr || '', maxlength: 200 }, t('list_label_fr'));
  const en = input('label_en', { type: 'text', value: d.label_en || '', maxlength: 200 }, t('list_label_en'));
  const req = el('input', { type: 'checkbox', id: id('required'), checked: !!d.required });
  const min = input('min', { type: 'number', value: d.min ?? '' }, t('tpl_f_min'));
  const max = input('max', { type: 'number', value: d.max ?? '' }, t('tpl_f_max'));
  const opts = el('textarea', { id: id('options'), rows: 3 }, optionsText(d.options || []));
  const optsWrap = el('div', {}, el('label', { for: id('options') }, t('tpl_f_options')), opts,
    el('p', { class: 'small muted' }, t('tpl_f_options_help')));
  const bounds = el('div', { class: 'row' }, min.wrap, max.wrap);
  const hint = el('p', { class: 'small muted' });
  const follow = () => { // the limits and options that the type takes
    const b = BOUNDED[type.value];
    bounds.hidden = !b;
    for (const x of [min.i, max.i]) x.type = b || 'number';
    hint.textContent = b ? t('tpl_f_bounds_' + (type.value === 'long_text' ? 'text' : type.value)) : '';
    optsWrap.hidden = type.value !== 'choice';
  };
  type.addEventListener('change', follow);
  follow();
  const label = () => inLang(fr.i.value, en.i.value) || key.i.value || '#' + (n + 1);
  const node = el('fieldset', { class: 'tpl-def', 'data-n': n },
    el('legend', {}, t('tpl_field_n').replace('{n}', n + 1)),
    el('div', { class: 'row' }, key.wrap, el('div', {}, el('label', { for: id('type') }, t('tpl_f_type')), type),
      el('label', { class: 'check' }, req, t('tpl_f_required'))),
    el('div', { class: 'row' }, fr.wrap, en.wrap),
    bounds, hint, optsWrap,
    el('p', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary small', 'aria-label': t('tpl_up_of').replace('{name}', label()), onclick: () => move(-1) }, '↑'), ' ',
      el('button', { type: 'button', class: 'secondary small', 'aria-label': t('tpl_down_of').replace('{name}', label()), onclick: () => move(1) }, '↓'), ' ',
      el('button', { type: 'button', class: 'secondary small', id: id('remove'), onclick: drop }, t('tpl_remove_field'))));
  const num = (i) => (i.value === '' ? null : i.type === 'date' ? i.value : Number(i.value));
  const read = () => {
    const out = { key: key.i.value.trim(), label_fr: fr.i.value, label_en: en.i.value, type: type.value, required: req.checked };
    if (BOUNDED[type.value]) { out.min = num(min.i); out.max = num(max.i); }
    if (type.value === 'choice') out.options = readOptions(opts.value);
    return out;
  };
  const members = { key: key.i, type, label_fr: fr.i, label_en: en.i, required: req, min: min.i, max: max.i, options: opts };
  return { node, read, input: (m) => members[m] || key.i };
}

function templateRow(x, edit, remove) {
  return el('tr', { 'data-template': x.id },
    el('td', { class: 'lead' }, tplName(x), x.active ? null : el('span', { class: 'badge retired' }, t('tpl_inactive'))),
    el('td', { 'data-label': t('category') }, listLabel('category', x.category)),
    el('td', { 'data-label': t('service') }, listLabel('service', x.service)),
    el('td', { 'data-label': t('tpl_fields') }, x.fields.map((f) => inLang(f.label_fr, f.label_en)).join(', ') || t('none')),
    el('td', { class: 'list-actions', 'data-label': t('list_actions') },
      el('button', { type: 'button', class: 'secondary small', id: 'tpl-edit-' + x.id, 'aria-label': t('macro_edit_of').replace('{name}', tplName(x)), onclick: () => edit(x) }, t('macro_edit')), ' ',
      el('button', { type: 'button', class: 'secondary small', id: 'tpl-delete-' + x.id, 'aria-label': t('macro_delete_of').replace('{name}', tplName(x)), onclick: () => remove(x) }, t('macro_delete'))));
}

// Checks what the server checks of a template, in the reader's words:
// [input, message] pairs, the first to fix first.
function checkTemplate(ins, editors) {
  const bad = [];
  const blank = (a, b) => !ins[a].input.value.trim() && !ins[b].input.value.trim();
  if (blank('name_fr', 'name_en')) bad.push([ins.name_fr.input, t('tpl_err_name')]);
  if (blank('title_fr', 'title_en')) bad.push([ins.title_fr.input, t('tpl_err_title')]);
  const keys = new Set();
  editors.forEach((e) => {
    const d = e.read();
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(d.key) || d.key === 'requester_name') bad.push([e.input('key'), t('tpl_err_key')]);
    else if (keys.has(d.key)) bad.push([e.input('key'), t('tpl_err_key_twice')]);
    keys.add(d.key);
    if (!d.label_fr.trim() && !d.label_en.trim()) bad.push([e.input('label_fr'), t('tpl_err_label')]);
    if (d.type === 'choice' && !d.options.length) bad.push([e.input('options'), t('tpl_err_options')]);
    if (d.min !== null && d.max !== null && d.min !== undefined && d.max !== undefined && d.min > d.max) bad.push([e.input('min'), t('tpl_err_minmax')]);
  });
  for (const k of ['title_fr', 'title_en']) {
    const unknown = [...ins[k].input.value.matchAll(/\{([a-z0-9_]{1,32})\}/g)].find((m) => m[1] !== 'requester_name' && !keys.has(m[1]));
    if (unknown) bad.push([ins[k].input, t('tpl_err_placeholder').replace('{x}', unknown[0])]);
  }
  return bad;
}

export default async function viewTemplates(ctx) {
  clearLists();
  await loadLists();
  const items = (await api('GET', '/templates')).items;
  const redraw = () => viewTemplates(ctx);
  const err = el('div', { class: 'error', id: 'tpl-error', role: 'alert' });
  const heading = el('h2', { id: 'tpl-form-title' });
  const text = (name, label, area, max) => {
    const input = area ? el('textarea', { id: 'tp-' + name, name, rows: 2 }) : el('input', { type: 'text', id: 'tp-' + name, name, maxlength: max });
    return { wrap: el('div', {}, el('label', { for: input.id }, label), input), input };
  };
  const ins = {
    name_fr: text('name_fr', t('macro_name_fr'), false, 100), name_en: text('name_en', t('macro_name_en'), false, 100),
    description_fr: text('description_fr', t('tpl_desc_fr'), true), description_en: text('description_en', t('tpl_desc_en'), true),
    title_fr: text('title_fr', t('tpl_title_fr'), false, 300), title_en: text('title_en', t('tpl_title_en'), false, 300),
  };
  const category = listSelect('category', { id: 'tp-category', name: 'category' }, null);
  const service = listSelect('service', { id: 'tp-service', name: 'service' }, null);
  const active = el('input', { type: 'checkbox', id: 'tp-active', name: 'active', checked: true });
  const defsBox = el('div', { id: 'tpl-defs' });
  let editors = [];
  let editing = null;
  const drawDefs = (defs) => {
    editors = defs.map((d, n) => fieldEditor(d, n, (dir) => {
      const all = editors.map((e) => e.read());
      const j = n + dir;
      if (j < 0 || j >= all.length) return;
      [all[n], all[j]] = [all[j], all[n]];
      drawDefs(all);
    }, () => drawDefs(editors.map((e) => e.read()).filter((_, i) => i !== n))));
    defsBox.replaceChildren(...editors.map((e) => e.node));
  };
  const addField = el('button', { type: 'button', class: 'secondary', id: 'tpl-add-field', onclick: () => {
    drawDefs([...editors.map((e) => e.read()), { type: 'text' }]);
    editors[editors.length - 1].input('key').focus();
  } }, '+ ', t('tpl_add_field'));
  // the input a refusal names: a member of the form, or of a field's editor
  const inputOf = (field) => {
    if (!field) return null;
    const m = /^fields\[(\d+)\](?:\.(\w+))?/.exec(field);
    if (m && editors[Number(m[1])]) return editors[Number(m[1])].input(m[2] || 'key');
    if (field === 'fields') return addField;
    return ins[field] ? ins[field].input : { category, service, active }[field] || null;
  };
  const form = el('form', { class: 'card', id: 'tpl-form', hidden: true, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    err.textContent = '';
    const bad = checkTemplate(ins, editors);
    for (const [input, msg] of bad) fieldError(input, msg);
    if (bad.length) { bad[0][0].focus(); return; }
    const body = { category: category.value || null, service: service.value || null, active: active.checked,
      fields: editors.map((e) => e.read()) };
    for (const [k, v] of Object.entries(ins)) body[k] = v.input.value;
    try {
      if (editing) await api('PATCH', '/templates/' + editing.id, body);
      else await api('POST', '/templates', body);
      toast(t('saved'));
      redraw();
    } catch (e) {
      const input = inputOf(e.field);
      if (input) { fieldError(input, errBeside(e)); input.focus(); } else err.textContent = errText(e);
    }
  } },
  heading,
  el('div', { class: 'row' }, ins.name_fr.wrap, ins.name_en.wrap),
  el('div', { class: 'row' }, ins.description_fr.wrap, ins.description_en.wrap),
  el('div', { class: 'row' }, el('div', {}, el('label', { for: 'tp-category' }, t('category')), category),
    el('div', {}, el('label', { for: 'tp-service' }, t('service')), service)),
  el('div', { class: 'row' }, ins.title_fr.wrap, ins.title_en.wrap),
  el('p', { class: 'small muted' }, t('tpl_title_help')),
  el('label', { class: 'check' }, active, t('tpl_active')),
  el('h3', {}, t('tpl_fields')), defsBox, el('p', {}, addField),
  err,
  el('p', { class: 'actions' }, el('button', { type: 'submit', id: 'tpl-save' }, t('save')), ' ',
    el('button', { type: 'button', class: 'secondary', id: 'tpl-cancel', onclick: () => { form.hidden = true; } }, t('cancel'))));
  const open = (x) => {
    editing = x;
    clearFieldErrors(form);
    heading.textContent = x ? t('macro_edit_title').replace('{name}', tplName(x)) : t('tpl_new');
    for (const [k, v] of Object.entries(ins)) v.input.value = x ? x[k] : '';
    category.value = (x && x.category) || '';
    service.value = (x && x.service) || '';
    active.checked = x ? x.active : true;
    drawDefs(x ? x.fields : []);
    form.hidden = false;
    ins.name_fr.input.focus();
  };
  const remove = async (x) => {
    if (!window.confirm(t('tpl_delete_confirm').replace('{name}', tplName(x)))) return;
    try { await api('DELETE', '/templates/' + x.id); toast(t('tpl_deleted')); redraw(); } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  ctx.page(el('div', { class: 'page-head' }, el('h1', {}, t('templates_title')),
    el('button', { type: 'button', id: 'tpl-new', onclick: () => open(null) }, '+ ', t('tpl_new'))),
  el('p', { class: 'muted' }, t('templates_intro')),
  form,
  items.length ? el('table', { class: 'stack templates', id: 'tpl-list' },
    el('thead', {}, el('tr', {}, [t('name'), t('category'), t('service'), t('tpl_fields'), t('list_actions')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, items.map((x) => templateRow(x, open, remove)))) : el('p', { class: 'muted', id: 'tpl-list' }, t('tpl_empty')),
  el('p', { class: 'small muted' }, tColon('list_note'), t('tpl_note')));
}
