// The AI suggestions card of the agent's ticket page: each prediction with
// its confidence, runners-up and the words behind it; accept or override.
// Each suggestion is reached with Tab: its head is a toggle button (Enter or
// Space selects it: its words light up in the ticket's text), then come
// Accept, the value to override with and Override; the card around the
// focus shows a ring.
import { el, $, toast, toastError } from './dom.js';
import { t, tColon, fmtNum, fmtPct } from './i18n.js';
import { api, errText } from './api.js';
import { lookups, fieldLabel, levelLabel, valueLabel, cueLabel } from './tickets.js';
import { listSelect, ciInput } from './catalog.js';

// Words are matched the way the server folds them: no case, no accents.
const fold = (w) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// The text as text nodes, with <mark> around the words that drove the
// selected suggestion ("for" and "against" styled apart).
export function highlighted(text, words) {
  const out = [];
  const re = /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|[._@:\\/-](?=[\p{L}\p{N}]))*/gu;
  let last = 0;
  const mark = (w, key) => {
    const hit = words.get(key);
    return hit ? el('mark', { class: 'w-' + hit.kind, title: fmtNum(hit.weight, 2, { signDisplay: 'exceptZero' }) }, w) : w;
  };
  for (const m of text.matchAll(re)) {
    out.push(text.slice(last, m.index));
    const w = m[0];
    if (words.has(fold(w))) out.push(mark(w, fold(w)));
    else for (const part of w.split(/(-)/)) out.push(part === '-' ? part : mark(part, fold(part)));
    last = m.index + w.length;
  }
  out.push(text.slice(last));
  return out;
}

export function suggestionWords(sg) {
  const words = new Map();
  for (const w of sg.against || []) words.set(w.word, { kind: 'against', weight: w.weight });
  for (const w of sg.for || []) words.set(w.word, { kind: 'for', weight: w.weight });
  return words;
}

function overrideInput(sg) {
  const id = 'sugg-value-' + sg.field;
  const label = t('override_value').replace('{field}', fieldLabel(sg.field));
  if (sg.field === 'group')
    return el('select', { id, 'aria-label': label },
      lookups.groups.map((g) => el('option', { value: g.name, selected: g.name === sg.value }, g.name)));
  if (sg.field === 'urgency')
    return el('select', { id, 'aria-label': label },
      ['1', '2', '3'].map((v) => el('option', { value: v, selected: v === sg.value }, levelLabel(v))));
  if (sg.field === 'category' || sg.field === 'service') return listSelect(sg.field, { id, 'aria-label': label }, sg.value, false);
  return ciInput({ id, 'aria-label': label }, sg.value);
}

// Marks the suggestion of field as the selected one (its head pressed).
export function markSelected(field) {
  for (const b of document.querySelectorAll('.suggestion')) {
    const on = b.dataset.field === field;
    b.classList.toggle('selected', on);
    b.querySelector('.sg-head').setAttribute('aria-pressed', String(on));
  }
}

// The value the ticket holds now for a triaged field, as the model names it.
function currentValue(tk, field) {
  if (field === 'group') return tk.group_name;
  const v = tk[field];
  return v === null || v === undefined ? null : String(v);
}

// What the head of a card says once a person decided: the value now set,
// who chose it, and (after a correction) what the model had said.
function decidedHead(tk, sg) {
  const now = currentValue(tk, sg.field);
  const who = sg.decided_by_name || '?';
  return [
    el('span', { class: 'sg-value' }, now === null ? t('none') : valueLabel(sg.field, now)), ' ',
    el('span', { class: 'muted sg-state' }, t(sg.state === 'overridden' ? 'sg_corrected_by' : 'sg_confirmed_by').replace('{name}', who)),
    sg.state === 'overridden'
      ? el('span', { class: 'small muted sg-model' }, t('sg_model_said').replace('{value}', valueLabel(sg.field, sg.value))
        .replace('{pct}', fmtPct(sg.confidence)))
      : null];
}

export function suggestionsCard(tk, items, onSelect, onChange) {
  if (!items.length && !tk.impact_cue) return null;
  const card = el('div', { class: 'card', id: 'suggestions' }, el('h2', {}, t('ai')),
    tk.impact_cue ? el('p', { class: 'small', id: 'impact-cue' }, tColon('impact_cue'), el('b', {}, cueLabel(tk.impact_cue)),
      ' → ' + t('impact') + ' ' + tk.impact) : null);
  const decide = async (sg, how) => {
    const body = how === 'override' ? { value: $('sugg-value-' + sg.field).value } : undefined;
    try {
      await api('POST', `/tickets/${tk.id}/suggestions/${sg.field}/${how}`, body);
      await onChange();
      // the page was drawn again: the keyboard stays on this suggestion
      const again = document.getElementById('sugg-pick-' + sg.field);
      if (again) again.focus();
    } catch (e) { toastError(errText(e), t('dismiss')); }
  };
  for (const sg of items) {
    const lvl = sg.level === 'High' ? 'high' : sg.level === 'Medium' ? 'medium' : sg.level === 'Unsure' ? 'unsure' : 'low';
    const unsure = lvl === 'unsure';
    const open = sg.state === 'applied' || sg.state === 'suggested';
    // a click anywhere on the card selects it, but on its controls
    const box = el('div', { class: 'suggestion', 'data-field': sg.field, 'data-state': sg.state,
      onclick: (ev) => { if (!ev.target.closest('.sg-actions')) onSelect(sg); } },
      el('button', { type: 'button', class: 'sg-head', id: 'sugg-pick-' + sg.field, 'aria-pressed': 'false',
        'aria-describedby': 'sugg-why-' + sg.field },
        el('b', {}, fieldLabel(sg.field)), ' ',
        // not sure: no value is likely, so none is put forward; the guesses follow
        open && unsure ? [el('span', { class: 'sg-value sg-unsure' }, t('sg_unsure')), ' ',
          el('span', { class: 'badge conf-unsure', title: t('confidence') }, fmtPct(sg.confidence))]
          : open ? [el('span', { class: 'sg-value' }, valueLabel(sg.field, sg.value)), ' ',
            el('span', { class: 'badge conf-' + lvl, title: t('confidence') }, t(lvl) + ' · ' + fmtPct(sg.confidence)), ' ',
            el('span', { class: 'muted sg-state' }, t('sg_' + sg.state))] : decidedHead(tk, sg)),
      open && unsure && sg.top ? el('div', { class: 'small sg-guesses' }, t('sg_guesses') + ' ' +
        sg.top.map((x) => valueLabel(sg.field, x.value) + ' ' + fmtPct(x.confidence)).join(', ')) : null,
      open && !unsure && sg.top && sg.top.length > 1 ? el('div', { class: 'muted small' }, t('then') + ' ' +
        sg.top.slice(1).map((x) => valueLabel(sg.field, x.value) + ' ' + fmtPct(x.confidence)).join(', ')) : null,
      el('div', { class: 'small', id: 'sugg-why-' + sg.field }, tColon('words_for'),
        (sg.for || []).map((w) => [el('mark', { class: 'w-for' }, w.word), ' ']),
        sg.against && sg.against.length ? ['· ' + tColon('words_against'),
          sg.against.map((w) => [el('mark', { class: 'w-against' }, w.word), ' '])] : null),
      open ? el('div', { class: 'sg-actions' },
        el('button', { type: 'button', class: 'secondary', id: 'sugg-accept-' + sg.field,
          onclick: () => decide(sg, 'accept') }, t('accept')),
        el('span', { class: 'sg-override' }, overrideInput(sg),
          el('button', { type: 'button', class: 'secondary', id: 'sugg-override-' + sg.field,
            onclick: () => decide(sg, 'override') }, t('override')))) : null);
    card.append(box);
  }
  return card;
}
