// Settings (admin): every setting the server has (GET /api/v1/settings),
// in groups by the first part of its key (triage, SLA, calendar, sign-in,
// limits, then any other), each with its label and help in the reader's language
// — a key this page has no text for yet shows its key and the server's own
// help —, an input for its type, its default and a way back to it. Each
// group saves the settings changed in it; a value the server refuses is
// said beside its input, in the reader's language.
import { el, toast, toastError } from '../lib/dom.js';
import { t, has, fmtNum } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { fieldLabel } from '../lib/tickets.js';
import { fieldError, clearFieldErrors } from '../lib/fielderr.js';
import { errBeside } from '../lib/errors.js';

const ORDER = ['triage', 'duplicates', 'sla', 'calendar', 'auth', 'limits'];
const TRIAGE_FIELDS = ['category', 'group', 'urgency', 'service', 'ci'];

const groupOf = (key) => key.split('.')[0];
const groupTitle = (g) => (has('setgrp_' + g) ? t('setgrp_' + g) : g.charAt(0).toUpperCase() + g.slice(1));
const label = (key) => (has('set_' + key) ? t('set_' + key) : key);
const help = (key, s) => (has('sethelp_' + key) ? t('sethelp_' + key) : s.help);
const idOf = (key) => 'set-' + key.replace(/[^A-Za-z0-9_]/g, '-');
// the kind of input: the server's type, or for a type this page does not
// know, what the value looks like
const kindOf = (s) => (['integer', 'text', 'fields'].includes(s.type) ? s.type
  : typeof s.value === 'boolean' ? 'boolean' : typeof s.value === 'number' ? 'integer' : 'text');

// One setting's input. read() gives the value to send (or throws the
// message of a value that cannot be one), same(v) whether v is what it
// holds, set(v) puts a value in; focus is the element a message goes with.
function control(key, s) {
  const id = idOf(key);
  const kind = kindOf(s);
  if (kind === 'fields') {
    const boxes = TRIAGE_FIELDS.map((f) => el('input', { type: 'checkbox', name: id, value: f, id: id + '-' + f }));
    const box = el('fieldset', { class: 'fields-set', id, 'aria-describedby': id + '-help', 'data-describedby': id + '-help' },
      el('legend', {}, label(key)),
      boxes.map((b) => el('label', { class: 'check', for: b.id }, b, fieldLabel(b.value))));
    const set = (v) => { const on = new Set(String(v).split(',')); for (const b of boxes) b.checked = on.has(b.value); };
    const read = () => boxes.filter((b) => b.checked).map((b) => b.value).join(',');
    const same = (v) => [...new Set(String(v).split(',').filter(Boolean))].sort().join(',') === read().split(',').filter(Boolean).sort().join(',');
    return { node: box, focus: box, first: boxes[0], set, read, same, legend: true };
  }
  if (kind === 'boolean') {
    const cb = el('input', { type: 'checkbox', id, 'aria-describedby': id + '-help', 'data-describedby': id + '-help' });
    return { node: el('label', { class: 'check', for: id }, cb, label(key)), focus: cb, first: cb, legend: true,
      set: (v) => { cb.checked = v === true || v === 'true'; }, read: () => cb.checked, same: (v) => String(v) === String(cb.checked) };
  }
  const input = el('input', kind === 'integer'
    ? { type: 'number', id, step: 1, min: s.min, max: s.max, inputmode: 'numeric', class: 'set-num' }
    : { type: 'text', id }, );
  input.setAttribute('aria-describedby', id + '-help');
  input.dataset.describedby = id + '-help';
  const read = () => {
    if (kind !== 'integer') return input.value;
    if (!/^-?[0-9]+$/.test(input.value.trim())) throw new Error(t('err_int'));
    return Number(input.value);
  };
  return { node: input, focus: input, first: input, set: (v) => { input.value = String(v); }, read,
    same: (v) => String(v) === input.value.trim() };
}

// A refusal of the server in the reader's language, from what the page
// knows of the setting's rules, else from the refusal's reason; the
// server's own words follow as the detail for the rules neither knows (the
// format of a time zone, of working hours…).
function refusal(e, s, c) {
  const kind = kindOf(s);
  if (kind === 'integer' && s.min !== undefined) return t('err_int_range').replace('{min}', fmtNum(s.min)).replace('{max}', fmtNum(s.max));
  const long = kind === 'text' && s.max_bytes !== undefined && new TextEncoder().encode(c.read()).length > s.max_bytes;
  if (long) return t('err_text_long').replace('{max}', fmtNum(s.max_bytes));
  if (kind === 'fields' && !c.read()) return t('err_fields_none');
  return errBeside(e);
}

const shownDefault = (s) => (kindOf(s) === 'fields' ? s.default.split(',').map(fieldLabel).join(', ')
  : kindOf(s) === 'integer' && /^-?[0-9]+$/.test(s.default) ? fmtNum(Number(s.default)) : s.default || t('set_empty'));

function settingRow(key, s, saved) {
  const c = control(key, s);
  const reset = el('button', { type: 'button', class: 'secondary small set-reset', 'data-key': key, hidden: true,
    'aria-label': t('set_reset_of').replace('{name}', label(key)), onclick: () => { c.set(s.default); mark(); c.first.focus(); } },
  t('set_reset'));
  // a value typed and not saved is marked; "reset" is there when it can do something
  const mark = () => {
    c.focus.classList.toggle('draft', !c.same(saved[key]));
    reset.hidden = c.same(s.default);
  };
  c.set(s.value);
  c.node.addEventListener('input', mark);
  c.node.addEventListener('change', mark);
  mark();
  const wide = kindOf(s) !== 'integer';
  return { key, c, mark, node: el('div', { class: 'setting' + (wide ? ' wide' : ''), 'data-key': key },
    c.legend ? null : el('label', { for: idOf(key) }, label(key)),
    c.node,
    el('p', { class: 'muted small set-help', id: idOf(key) + '-help' }, help(key, s)),
    el('p', { class: 'small set-default' }, el('span', { class: 'muted' }, t('set_default').replace('{v}', shownDefault(s))), ' ', reset)) };
}

function groupCard(g, keys, all, saved) {
  const rows = keys.map((k) => settingRow(k, all[k], saved));
  const form = el('form', { class: 'card settings-group', 'data-group': g, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const body = {};
    let bad = null;
    for (const r of rows) {
      if (r.c.same(saved[r.key])) continue;
      try { body[r.key] = r.c.read(); } catch (e) { fieldError(r.c.focus, e.message); bad = bad || r; }
    }
    if (bad) { bad.c.first.focus(); return; }
    if (!Object.keys(body).length) { toast(t('set_nothing')); return; }
    try {
      const now = await api('PUT', '/settings', body);
      for (const k of Object.keys(body)) saved[k] = now[k].value;
      for (const r of rows) r.mark();
      toast(t('set_saved'));
    } catch (e) {
      const r = rows.find((x) => x.key === e.field);
      if (!r) { toastError(errText(e), t('dismiss')); return; }
      fieldError(r.c.focus, refusal(e, all[r.key], r.c));
      r.c.first.focus();
    }
  } },
  el('h2', {}, groupTitle(g)),
  el('div', { class: 'settings-grid' }, rows.map((r) => r.node)),
  el('p', {}, el('button', { type: 'submit', id: 'settings-save-' + g, class: 'settings-save' }, t('save'))));
  return form;
}

export default async function viewSettings(ctx) {
  const all = await api('GET', '/settings');
  const saved = Object.fromEntries(Object.entries(all).map(([k, s]) => [k, s.value]));
  const groups = new Map();
  for (const k of Object.keys(all)) {
    if (!groups.has(groupOf(k))) groups.set(groupOf(k), []);
    groups.get(groupOf(k)).push(k);
  }
  const rank = (g) => (ORDER.includes(g) ? ORDER.indexOf(g) : ORDER.length);
  const names = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  ctx.page(el('h1', {}, t('settings')), el('p', { class: 'muted' }, t('settings_intro')),
    names.map((g) => groupCard(g, groups.get(g), all, saved)));
}
