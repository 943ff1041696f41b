// Macros on the agent's ticket page: a searchable list of the macros the
// agent may use, above the reply. "Use" asks the server for the macro's
// text with its placeholders filled and its field changes, puts the text
// in the reply box (asking first when a reply is already being typed:
// replace it, or add the macro's text after it) and stages the changes in
// the Details form; everything stays a draft, marked, until sent. Sending
// the reply then applies the macro in one step on the server: the reply
// as edited and the staged fields as they now stand, or nothing. "Apply
// and send" does it at once with the macro's own text, leaving whatever
// is being typed in the reply box where it is.
import { el, toast } from './dom.js';
import { t, tColon } from './i18n.js';
import { api, errText } from './api.js';
import { inLang } from './forms.js';
import { fieldLabel, levelLabel } from './tickets.js';
import { listLabel } from './catalog.js';

export const macroName = (m) => inLang(m.name_fr, m.name_en);

// The value of a Details control as a PATCH sends it (fieldsform.js's reading).
function formValue(field, c) {
  if (field === 'status') return c.value;
  if (['group_id', 'assignee_id', 'impact', 'urgency', 'priority'].includes(field)) return c.value === '' ? null : Number(c.value);
  return c.value.trim() === '' ? null : c.value;
}

// A staged change as people read it: "Status: Resolved".
function changeText(field, v, labels) {
  let shown = v;
  if (v === null || v === '') shown = t('none');
  else if (field === 'status') shown = t('st_' + v);
  else if (field === 'priority') shown = 'P' + v;
  else if (field === 'impact' || field === 'urgency') shown = levelLabel(v);
  else if (field === 'category' || field === 'service') shown = listLabel(field, v);
  else if (labels && labels[field]) shown = labels[field];
  return fieldLabel(field) + t('colon') + shown;
}

// Sets a Details control to v as if the agent had chosen it (its draft
// kept and marked); an assignee not among the options is added.
function stage(fields, field, v, labels) {
  const c = fields.elements[field];
  if (!c) return;
  const val = v === null ? '' : String(v);
  if (c.tagName === 'SELECT' && val && ![...c.options].some((o) => o.value === val)) {
    c.append(el('option', { value: val }, (labels && labels[field]) || '#' + val));
  }
  c.value = val;
  c.dispatchEvent(new Event('change', { bubbles: true }));
}

// The picker for ticket tk. reply: the reply form (its body, internal and
// macro_id controls), fields: the Details form, redraw(): draws the page
// again after "Apply and send", onStale(e, text): says a refusal. Returns
// { node, staged(), submit() }: whether a macro is staged for the reply,
// and the reply sent through it (see submit).
export async function macroPicker(tk, reply, fields, redraw, onStale) {
  const all = (await api('GET', '/macros')).items;
  const staged = reply.elements.macro_id;
  const filter = el('input', { type: 'search', id: 'macro-q', 'aria-label': t('macro_search'), placeholder: t('macro_search') });
  const pick = el('select', { id: 'macro-pick', 'aria-label': t('macro_pick') });
  const fill = () => {
    const q = filter.value.trim().toLowerCase();
    const keep = pick.value;
    const shown = all.filter((m) => !q || [m.name_fr, m.name_en].some((n) => n.toLowerCase().includes(q)));
    pick.replaceChildren(...shown.map((m) => el('option', { value: String(m.id) },
      macroName(m) + (m.shared ? '' : ' · ' + t('macro_mine')))));
    if (shown.some((m) => String(m.id) === keep)) pick.value = keep;
  };
  filter.addEventListener('input', fill);
  // Enter in the search box picks the first match, it does not send the reply
  filter.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); pick.focus(); } });
  fill();
  const ask = el('div', { class: 'macro-ask', id: 'macro-ask', role: 'group', 'aria-label': t('macro_ask'), hidden: true });
  const note = el('div', { class: 'macro-staged small', id: 'macro-staged', hidden: true });
  const body = reply.elements.body;
  // a staged macro may bring no text (only changes): the reply may then be empty
  const setStaged = (id) => {
    staged.value = id ? String(id) : '';
    body.required = !staged.value;
    staged.dispatchEvent(new Event('input', { bubbles: true }));
  };
  // the staged macro and its changes, said above the reply
  const showStaged = (p) => {
    const m = all.find((x) => String(x.id) === staged.value);
    note.hidden = !m;
    if (!m) { note.replaceChildren(); return; }
    note.replaceChildren(el('span', {}, tColon('macro_staged'), el('b', {}, macroName(m))),
      p && Object.keys(p.changes).length ? el('ul', { class: 'macro-changes' },
        Object.entries(p.changes).map(([f, v]) => el('li', { 'data-field': f }, changeText(f, v, p.labels)))) : null,
      el('span', { class: 'small muted' }, t('macro_staged_help')), ' ',
      el('button', { type: 'button', class: 'secondary small', id: 'macro-unstage', onclick: () => unstage(p) }, t('macro_unstage')));
  };
  const preview = (id) => api('GET', `/tickets/${tk.id}/macros/${id}/preview`);
  // the staged fields go back to the ticket's values; the text stays
  const unstage = (p) => {
    if (p) for (const f of Object.keys(p.changes)) stage(fields, f, tk[f] ?? null, null);
    setStaged(null);
    showStaged(null);
  };
  const put = (p, how) => {
    ask.hidden = true;
    const typed = body.value;
    body.value = how === 'after' ? typed.replace(/\s+$/, '') + '\n\n' + p.body : p.body;
    body.dispatchEvent(new Event('input', { bubbles: true }));
    body.style.height = 'auto'; // the whole text in view, up to a point
    body.style.height = Math.min(body.scrollHeight + 4, 480) + 'px';
    const internal = reply.elements.internal;
    internal.checked = p.internal;
    internal.dispatchEvent(new Event('change', { bubbles: true }));
    for (const [f, v] of Object.entries(p.changes)) stage(fields, f, v, p.labels);
    setStaged(p.macro_id);
    showStaged(p);
    body.focus();
  };
  const use = async () => {
    if (!pick.value) return;
    let p;
    try { p = await preview(pick.value); } catch (e) { onStale(null, errText(e)); return; }
    if (!body.value.trim() || body.value === p.body || !p.body) { put(p, 'replace'); return; }
    // a reply is being typed: never replace it without asking
    ask.replaceChildren(el('p', { class: 'small' }, t('macro_ask')),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary small', id: 'macro-replace', onclick: () => put(p, 'replace') }, t('macro_replace')),
        el('button', { type: 'button', class: 'secondary small', id: 'macro-after', onclick: () => put(p, 'after') }, t('macro_after')),
        el('button', { type: 'button', class: 'secondary small', id: 'macro-cancel', onclick: () => { ask.hidden = true; } }, t('cancel'))));
    ask.hidden = false;
    ask.querySelector('button').focus();
  };
  const send = async (id, extra) => {
    try {
      const r = await api('POST', `/tickets/${tk.id}/macros/${id}/apply`, { version: tk.version, ...extra });
      toast(t('macro_applied').replace('{name}', macroName(all.find((m) => m.id === Number(id)) || { name_fr: '', name_en: '' })));
      return r;
    } catch (e) {
      onStale(e, errText(e));
      return null;
    }
  };
  // a staged macro: the reply as edited, the staged fields as they stand
  // now; the apply's answer ({ ticket, comment }), or null when refused
  // (said through onStale)
  const submit = async () => {
    let p;
    try { p = await preview(staged.value); } catch (e) {
      if (e.status === 404) unstage(null); // deleted meanwhile: the reply may go without it
      onStale(null, errText(e));
      return null;
    }
    const changes = {};
    for (const f of Object.keys(p.changes)) if (fields.elements[f]) changes[f] = formValue(f, fields.elements[f]);
    return send(staged.value, { body: body.value, internal: reply.elements.internal.checked, changes });
  };
  if (staged.value) { // restored from a draft
    body.required = false;
    preview(staged.value).then(showStaged, () => unstage(null)); // gone since: nothing staged
  }
  const node = el('div', { class: 'macro-bar', id: 'macro-bar' },
    el('div', { class: 'row macro-row' },
      el('div', { class: 'grow' }, el('label', { for: 'macro-pick' }, t('macros')), el('div', { class: 'row macro-find' }, filter, pick)),
      el('div', { class: 'macro-acts' },
        el('button', { type: 'button', class: 'secondary', id: 'macro-use', onclick: use }, t('macro_use')), ' ',
        el('button', { type: 'button', class: 'secondary', id: 'macro-send', onclick: async () => {
          if (pick.value && (await send(pick.value, {}))) redraw();
        } }, t('macro_send')))),
    all.length ? null : el('p', { class: 'small muted' }, t('macro_none'), ' ', el('a', { href: '#/macros' }, t('macro_manage'))),
    ask, note);
  return { node, staged: () => !!staged.value, submit };
}
