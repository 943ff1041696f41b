// The new-ticket form. Agents also file tickets for someone else (a phone
// call, a walk-in): the requester is picked by e-mail, searched on the
// server as it is typed, and the source says how the request came. Files
// (a screenshot, a log) go with the ticket: checked against the caps
// before anything is sent, uploaded once the ticket exists.
import { el, toast, toastError } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { api, isAgent, errText } from '../lib/api.js';
import { emailSuggestions, userByEmail } from '../lib/userpicker.js';
import { keepDraft } from '../lib/drafts.js';
import { filePicker, attachPrecheck, attachUpload } from '../lib/attachments.js';

export default function newTicket({ go, page }) {
  const err = el('div', { class: 'error', id: 'new-error', role: 'alert' });
  const requester = isAgent()
    ? el('input', { type: 'email', id: 'requester', name: 'requester', list: 'people', autocomplete: 'off' }) : null;
  const people = el('datalist', { id: 'people' });
  if (requester) emailSuggestions(requester, people);
  const files = filePicker('new-files');
  const submit = el('button', { type: 'submit', id: 'new-submit' }, t('submit'));
  const form = el('form', { class: 'card', id: 'new-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    // a file the caps refuse stops everything: the typed ticket stays
    const refused = await attachPrecheck(files.files()).catch((e) => [errText(e)]);
    if (refused.length) { err.textContent = refused.join(' '); return; }
    // no language: the server identifies the text's own (a French ticket
    // filed from the English UI is French)
    const body = { title: form.title.value, description: form.description.value };
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
    } catch (e) { err.textContent = errText(e); } finally { submit.disabled = false; }
  } },
    isAgent() ? el('div', { class: 'row' },
      el('div', { class: 'grow' }, el('label', { for: 'requester' }, t('requester_for')), requester, people),
      el('div', {}, el('label', { for: 'source' }, t('source')),
        el('select', { id: 'source', name: 'source' },
          ['phone', 'email', 'chat', 'web'].map((v) => el('option', { value: v }, t('src_' + v)))))) : null,
    el('label', { for: 'title' }, t('title')),
    el('input', { type: 'text', id: 'title', name: 'title', required: true, maxlength: 300 }),
    el('label', { for: 'description' }, t('description')),
    el('textarea', { id: 'description', name: 'description' }),
    // a requester says how urgent it is in words; triage reads them
    isAgent() ? el('label', { for: 'urgency' }, t('urgency')) : null,
    isAgent() ? el('select', { id: 'urgency', name: 'urgency' }, el('option', { value: '' }, t('none')),
      el('option', { value: '1' }, t('high')), el('option', { value: '2' }, t('medium')),
      el('option', { value: '3' }, t('low'))) : null,
    files.node,
    err,
    el('p', {}, submit));
  const draft = keepDraft(form, 'new');
  page(el('h1', {}, t('newticket')), form);
}
