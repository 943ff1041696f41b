// Request templates in the browser: a template's extra fields as inputs in
// the reader's language, checked with the server's own rules (the same
// reasons, see the README's "Request templates") before anything is sent,
// the server's refusal of a value shown beside its input in the same
// words; and a ticket's form as the requester and the agent read it.
import { el } from './dom.js';
import { t, tColon, lang, fmtNum, fmtDate } from './i18n.js';
import { fieldError } from './fielderr.js';

// A text in the reader's language, the other language's when empty.
export const inLang = (fr, en) => (lang === 'fr' ? fr || en : en || fr) || '';
export const tplName = (tpl) => inLang(tpl.name_fr, tpl.name_en);

const inputId = (def) => 'tf-' + def.key;
const chars = (s) => [...s].length; // code points, as the server counts

// The input of one field definition: { node, read, focus } where read()
// gives the value to send (undefined: none) or throws { reason, … } when
// the browser can tell it is wrong.
function fieldInput(def) {
  const id = inputId(def);
  const label = inLang(def.label_fr, def.label_en);
  const mark = def.required ? null : el('span', { class: 'muted small' }, ' ', t('tpl_optional'));
  const labelEl = el('label', { for: id }, label, mark);
  let input;
  if (def.type === 'yesno') {
    const radio = (v) => el('label', { class: 'check inline' },
      el('input', { type: 'radio', name: 'f_' + def.key, value: v, id: v === 'yes' ? id : id + '-no' }), t(v === 'yes' ? 'yes' : 'no'));
    const set = el('fieldset', { class: 'yesno', 'data-key': def.key },
      el('legend', {}, label, mark), el('div', { class: 'row yesno-row' }, radio('yes'), radio('no')));
    const read = () => {
      const c = set.querySelector('input:checked');
      return c ? c.value === 'yes' : undefined;
    };
    return { node: set, read, focus: set.querySelector('input'), after: set };
  }
  if (def.type === 'choice') {
    input = el('select', { id, name: 'f_' + def.key },
      el('option', { value: '' }, def.required ? t('tpl_choose') : t('none')),
      def.options.map((o) => el('option', { value: o.value }, inLang(o.label_fr, o.label_en) || o.value)));
  } else if (def.type === 'long_text') {
    input = el('textarea', { id, name: 'f_' + def.key, maxlength: def.max ?? null });
  } else if (def.type === 'number') {
    input = el('input', { type: 'number', id, name: 'f_' + def.key, step: '1', inputmode: 'numeric', min: def.min ?? null, max: def.max ?? null });
  } else if (def.type === 'date') {
    input = el('input', { type: 'date', id, name: 'f_' + def.key, min: def.min ?? null, max: def.max ?? null });
  } else {
    input = el('input', { type: 'text', id, name: 'f_' + def.key, maxlength: def.max ?? null });
  }
  const read = () => {
    if (def.type === 'number') {
      if (input.validity && input.validity.badInput) throw { reason: 'wrong_type', expected: 'integer' };
      if (input.value === '') return undefined;
      const n = Number(input.value);
      if (!Number.isInteger(n)) throw { reason: 'wrong_type', expected: 'integer' };
      return n;
    }
    if (def.type === 'date' && input.validity && input.validity.badInput) throw { reason: 'wrong_type', expected: 'date' };
    return input.value.trim() === '' ? undefined : input.value;
  };
  return { node: el('div', { class: 'tpl-field', 'data-key': def.key }, labelEl, input), read, focus: input, after: input };
}

// Why the value v of def is refused, as the server would say it
// ({ reason, min, max, allowed, expected }), or null when it is good.
export function checkValue(def, v) {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return def.required ? { reason: 'required' } : null;
  const bounds = (reason) => ({ reason, min: def.min ?? undefined, max: def.max ?? undefined });
  switch (def.type) {
    case 'number':
      if (!Number.isInteger(v)) return { reason: 'wrong_type', expected: 'integer' };
      if ((def.min !== null && v < def.min) || (def.max !== null && v > def.max)) return bounds('out_of_range');
      return null;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) ||
        new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) !== v) return { reason: 'wrong_type', expected: 'date' };
      if ((def.min && v < def.min) || (def.max && v > def.max)) return bounds('out_of_range');
      return null;
    case 'yesno': return typeof v === 'boolean' ? null : { reason: 'wrong_type', expected: 'boolean' };
    case 'choice': return def.options.some((o) => o.value === v) ? null
      : { reason: 'not_allowed', allowed: def.options.map((o) => o.value) };
    default: {
      // eslint-disable-next-line no-control-regex
      if ((def.type === 'text' ? /[\u0000-\u0008\u000a-\u001f\u007f]/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/).test(v)) return { reason: 'control_char' };
      if (def.min !== null && chars(v) < def.min) return bounds('too_short');
      if (def.max !== null && chars(v) > def.max) return bounds('too_long');
      return null;
    }
  }
}

// A refusal ({ reason, … }) of def's value as a sentence in the reader's
// language.
export function refusalText(def, why) {
  const n = (x) => (typeof x === 'number' ? fmtNum(x) : fmtDate(x));
  const has = (x) => x !== undefined && x !== null;
  switch (why.reason) {
    case 'required': return t('tpl_err_required');
    case 'too_short': return t('tpl_err_too_short').replace('{min}', fmtNum(why.min));
    case 'too_long': return t('tpl_err_too_long').replace('{max}', fmtNum(why.max));
    case 'control_char': return t(def.type === 'text' ? 'tpl_err_line' : 'tpl_err_control');
    case 'not_allowed': return t('tpl_err_choice');
    case 'unknown_field': return t('tpl_err_unknown');
    case 'wrong_type': return t(why.expected === 'date' ? 'tpl_err_date' : why.expected === 'integer' ? 'tpl_err_number' : 'tpl_err_value');
    case 'out_of_range': {
      const kind = def.type === 'date' ? 'date' : 'num';
      const which = has(why.min) && has(why.max) ? 'between' : has(why.min) ? 'min' : 'max';
      return t(`tpl_err_${kind}_${which}`).replace('{min}', has(why.min) ? n(why.min) : '').replace('{max}', has(why.max) ? n(why.max) : '');
    }
    default: return t('tpl_err_value');
  }
}

// The fields of template tpl: { nodes, values(), showRefusal(e) }.
// values() checks every field, marks each refused one beside its input
// and returns the values to send, or null when one is refused (the first
// one focused). showRefusal(e) puts the server's refusal of a field
// ("fields.KEY") beside its input; false when it names none.
export function templateFields(tpl) {
  const inputs = tpl.fields.map((def) => ({ def, ...fieldInput(def) }));
  const show = (f, why) => fieldError(f.focus, refusalText(f.def, why), f.after);
  const values = () => {
    const out = {};
    let first = null;
    for (const f of inputs) {
      fieldError(f.focus, null, f.after);
      let v;
      let why;
      try { v = f.read(); why = checkValue(f.def, v); } catch (e) { why = e; }
      if (why) { show(f, why); first = first || f; continue; }
      if (v !== undefined) out[f.def.key] = v;
    }
    if (first) { first.focus.focus(); return null; }
    return out;
  };
  const showRefusal = (e) => {
    const key = e.field && e.field.startsWith('fields.') ? e.field.slice(7) : null;
    const f = key && inputs.find((x) => x.def.key === key);
    if (!f) return false;
    show(f, e.detail && e.detail.reason ? e.detail : { reason: 'value' });
    f.focus.focus();
    return true;
  };
  return { nodes: inputs.map((f) => f.node), values, showRefusal };
}

// A value of a ticket's form as people read it.
function shownValue(f) {
  if (f.type === 'yesno') return t(f.value ? 'yes' : 'no');
  if (f.type === 'choice') return inLang(f.choice_fr, f.choice_en) || f.value;
  if (f.type === 'number') return fmtNum(f.value);
  if (f.type === 'date') return fmtDate(f.value + 'T00:00:00Z');
  return f.value;
}

// The card of a ticket's form (its template's name, each field and value),
// or null for a ticket filed without one.
export function formCard(form) {
  if (!form) return null;
  return el('div', { class: 'card', id: 'ticket-form' },
    el('h2', {}, tColon('tpl_request') + inLang(form.name_fr, form.name_en)),
    form.fields.length ? el('dl', { class: 'form-values' }, form.fields.map((f) => [
      el('dt', { 'data-key': f.key }, inLang(f.label_fr, f.label_en)),
      el('dd', { 'data-key': f.key, class: f.type === 'long_text' ? 'long' : null }, shownValue(f))]))
      : el('p', { class: 'muted' }, t('tpl_no_values')));
}
