// The new-ticket form. When the desk offers request templates ("New
// laptop", "Access request"…), the requester first says what they need:
// a template shows its own fields in their language, checked in the
// browser with the server's rules, and fills the title, category and
// service itself; "Something else" is the free form. The choice lives in
// the address (#/new?template=ID) and each form keeps its own draft.
// Agents also file tickets for someone else (a phone call, a walk-in):
// the requester is picked by e-mail, searched on the server as it is
// typed, and the source says how the request came. Files (a screenshot, a
// log) go with the ticket: checked against the caps before anything is
// sent, uploaded once the ticket exists.
import { el, toast, toastError } from '../lib/dom.js';
import { t, lang } from '../lib/i18n.js';
import { api, isAgent, errText } from '../lib/api.js';
import { emailSuggestions, userByEmail } from '../lib/userpicker.js';
import { keepDraft } from '../lib/drafts.js';
import { deflector } from '../lib/kbsuggest.js';
import { filePicker, attachPrecheck, attachUpload } from '../lib/attachments.js';
import { clearFieldErrors } from '../lib/fielderr.js';
import { templateFields, tplName, inLang } from '../lib/forms.js';

// "What do you need?": one choice per template, then "Something else"
// (the free form, chosen until another is).
function chooser(templates, current, go) {
  const option = (id, name, desc) => el('label', { class: 'tpl-choice' + (current === id ? ' chosen' : ''), 'data-template': id },
    el('input', { type: 'radio', name: 'template', value: String(id), checked: current === id,
      onchange: () => go('#/new' + (id ? '?template=' + id : '?template=0')) }),
    el('span', {}, el('b', {}, name), desc ? el('span', { class: 'small muted' }, desc) : null));
  return el('fieldset', { class: 'card tpl-chooser', id: 'tpl-chooser' },
    el('legend', {}, t('tpl_what')),
    el('div', { class: 'tpl-choices' },
      templates.map((x) => option(x.id, tplName(x), inLang(x.description_fr, x.description_en))),
      option(0, t('tpl_other'), t('tpl_other_desc'))));
}

export default async function newTicket({ go, page, query }) {
  const templates = (await api('GET', '/templates')).items;
  const wanted = Number(query.get('template') || 0);
  const tpl = templates.find((x) => x.id === wanted) || null;
  const err = el('div', { class: 'error', id: 'new-error', role: 'alert' });
  const requester = isAgent()
    ? el('input', { type: 'email', id: 'requester', name: 'requester', list: 'people', autocomplete: 'off' }) : null;
  const people = el('datalist', { id: 'people' });
  if (requester) emailSuggestions(requester, people);
  const fields = tpl ? templateFields(tpl) : null;
  const files = filePicker('new-files');
  const submit = el('button', { type: 'submit', id: 'new-submit' }, t('submit'));
  // a template's fields are checked here, in the reader's words (novalidate)
  const form = el('form', { class: 'card', id: 'new-form', novalidate: !!tpl, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    clearFieldErrors(form);
    // no language: the server identifies the text's own (a French ticket
    // filed from the English UI is French); a template's labels are
    // written in the language the form was read in (form_lang)
    const body = { description: form.description.value };
    if (tpl) {
      const values = fields.values();
      if (!values) return;
      Object.assign(body, { template_id: tpl.id, fields: values, form_lang: lang });
    } else {
      body.title = form.title.value;
    }
    // a file the caps refuse stops everything: the typed ticket stays
    const refused = await attachPrecheck(files.files()).catch((e) => [errText(e)]);
    if (refused.length) { err.textContent = refused.join(' '); return; }
    if (form.urgency && form.urgency.value) body.urgency = Number(form.urgency.value);
    try {
      if (isAgent()) {
        const who = requester.value.trim();
        if (who) {
          const u = await userByEmail(who);
          if (!u) { err.textContent = t('unknown_requester'); return; }
          body.requester_id = u.id;
        }
        body.source = form.source.value;
      }
      submit.disabled = true;
      const tk = await api('POST', '/tickets', body);
      draft.clear();
      // the ticket is saved: a file that fails now is said on its page
      const failed = await attachUpload(tk.id, null, files.files(), files.status);
      go('#/ticket/' + tk.id);
      if (failed.length) toastError(t('att_not_attached') + ' ' + failed.join(' '), t('dismiss'));
      else toast(t('created_ok') + ' #' + tk.id);
    } catch (e) {
      if (!(fields && fields.showRefusal(e))) err.textContent = errText(e);
    } finally { submit.disabled = false; }
  } },
    isAgent() ? el('div', { class: 'row' },
      el('div', { class: 'grow' }, el('label', { for: 'requester' }, t('requester_for')), requester, people),
      el('div', {}, el('label', { for: 'source' }, t('source')),
        el('select', { id: 'source', name: 'source' },
          ['phone', 'email', 'chat', 'web'].map((v) => el('option', { value: v }, t('src_' + v)))))) : null,
    tpl ? [el('h2', {}, tplName(tpl)), el('p', { class: 'muted' }, inLang(tpl.description_fr, tpl.description_en)), fields.nodes]
      : [el('label', { for: 'title' }, t('title')),
        el('input', { type: 'text', id: 'title', name: 'title', required: true, maxlength: 300 })],
    el('label', { for: 'description' }, tpl ? t('tpl_more') : t('description')),
    el('textarea', { id: 'description', name: 'description' }),
    // a requester says how urgent it is in words; triage reads them
    isAgent() ? el('label', { for: 'urgency' }, t('urgency')) : null,
    isAgent() ? el('select', { id: 'urgency', name: 'urgency' }, el('option', { value: '' }, t('none')),
      el('option', { value: '1' }, t('high')), el('option', { value: '2' }, t('medium')),
      el('option', { value: '3' }, t('low'))) : null,
    files.node,
    err,
    el('p', {}, submit));
  // the free form keeps the draft it always had; each template its own
  const draft = keepDraft(form, tpl ? 'new.template.' + tpl.id : 'new');
  // the articles that may answer what is being typed; one that does ends it, no ticket filed
  const typed = () => [form.title ? form.title.value : '', form.description.value].join('\n').trim();
  const kb = deflector(typed, () => {
    draft.clear();
    form.reset();
    kb.node.replaceChildren(el('p', { id: 'kb-deflected', role: 'status' }, t('kb_deflected')));
  });
  form.addEventListener('input', kb.look);
  form.insertBefore(kb.node, files.node); // read before sending, on a phone too
  page(el('h1', {}, t('newticket')), templates.length ? chooser(templates, tpl ? tpl.id : 0, go) : null, form);
  kb.look();
}
