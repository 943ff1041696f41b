// The ticket page, for its requester (the public conversation, the status)
// and for agents (fields, internal notes, AI suggestions, the history, the
// requester's other recent tickets). Files show with the ticket's text and
// under the message they came with; a reply takes files too.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, has, fmtTime, fmtPct } from '../lib/i18n.js';
import { api, apiAll, isAgent, errText } from '../lib/api.js';
import { badge, prioOf, loadGroups, levelLabel, cueLabel } from '../lib/tickets.js';
import { fieldsForm } from '../lib/fieldsform.js';
import { suggestionsCard, suggestionWords, highlighted, markSelected } from '../lib/suggestions.js';
import { keepDraft } from '../lib/drafts.js';
import { articleCard } from '../lib/kbsuggest.js';
import { similarCard } from '../lib/similar.js';
import { duplicateCard } from '../lib/duplicate.js';
import { loadLists, listLabel } from '../lib/catalog.js';
import { solvedCard, ratingCard, ratingView } from '../lib/followup.js';
import { filePicker, fileList, attachPrecheck, attachUpload } from '../lib/attachments.js';
import { formCard } from '../lib/forms.js';
import { macroPicker } from '../lib/macros.js';
import { loadLinks, linksCard, mergedNote, mergedInto, childrenCheck, linkEvent, fillRef, countText } from '../lib/links.js';

const showError = (msg) => toastError(msg, t('dismiss'));

// What to tell the agent above the reply when the page is drawn again
// after a macro could not be applied: { id, text }, shown once.
let replyNotice = null;

// A reply or note. An agent may hide an abusive reply from the requester
// (and show it again); it stays on the ticket, marked, for the desk.
function commentView(c, tk, redraw, files) {
  const toggle = isAgent() && !c.internal
    ? el('button', { type: 'button', class: 'secondary small', 'data-hide': c.id, onclick: async () => {
      try {
        await api('POST', `/tickets/${tk.id}/comments/${c.id}/${c.hidden ? 'show' : 'hide'}`);
        toast(t(c.hidden ? 'comment_shown_ok' : 'comment_hidden_ok'));
        redraw();
      } catch (e) { toastError(errText(e), t('dismiss')); }
    } }, t(c.hidden ? 'comment_show' : 'comment_hide'))
    : null;
  return el('div', { class: 'comment' + (c.internal ? ' internal' : '') + (c.hidden ? ' hidden-reply' : ''),
    'data-internal': c.internal ? '1' : '0', 'data-hidden': c.hidden ? '1' : '0' },
  el('div', { class: 'meta' }, (c.author_name || '?') + ' · ' + fmtTime(c.created_at),
    c.internal ? el('span', { class: 'badge' }, t('internal_badge')) : null,
    c.hidden ? el('span', { class: 'badge' }, c.hidden_by ? t('hidden_by').replace('{name}', c.hidden_by) : t('hidden_badge')) : null,
    // a copy a merge brought from another ticket (a requester reads only
    // copies from their own tickets: a link for them too)
    c.merged_from ? el('span', { class: 'badge copied' }, fillRef('link_copied_from', c.merged_from, {}, true)) : null,
    toggle),
  el('div', { class: 'body' }, c.body === null ? t('comment_hidden_text') : c.body),
  fileList(files, 'files-' + c.id, redraw, showError));
}

// A history value as people read it: names for ids, local times, P1…P4,
// levels and statuses in the reader's language.
function eventValue(e, which) {
  const v = e[which + '_value'];
  if (v === null) return t('none');
  if (e[which + '_label'] != null) return e[which + '_label'];
  if (/_at$/.test(e.field)) return fmtTime(v);
  if (e.field === 'priority') return 'P' + v;
  if (e.field === 'status') return has('st_' + v) ? t('st_' + v) : v;
  if (e.field === 'urgency' || e.field === 'impact') return levelLabel(v);
  if (e.field === 'impact_cue') return cueLabel(v);
  if (e.field === 'category' || e.field === 'service' || e.field === 'ci') return listLabel(e.field, v);
  if (e.field === 'source' && has('src_' + v)) return t('src_' + v);
  if (e.field === 'language' && (v === 'fr' || v === 'en')) return v === 'fr' ? 'Français' : 'English';
  return v;
}

// The field as the sentence "X changed <field> from … to …" names it: in
// French with its article ("a changé l’assignation"), never a form label
// such as "Assigné à". Every field the store keeps has its h_ text (a
// browser test checks); one added later reads as words meanwhile.
const historyLabel = (f) => (has('h_' + f) ? t('h_' + f) : f.replace(/_/g, ' '));

function eventView(e) {
  // the system or the model starts the sentence: a capital ("Système")
  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const who = e.actor_kind === 'person' ? (e.actor_name || '?') : capital(t(e.actor_kind));
  let what;
  if (e.field === 'created') what = t('ev_created');
  else if (e.field === 'comment') what = t('ev_comment');
  else if (e.field === 'internal_note') what = t('ev_internal_note');
  else if (e.field === 'comment_hidden' || e.field === 'comment_shown') what = t('ev_' + e.field);
  else if (e.field === 'rating') what = [t('ev_rating') + ' ', el('b', {}, e.new_value + '/5')];
  else if (e.field === 'macro') what = [t('ev_macro') + ' ', el('b', {}, e.new_value)];
  // a link, a merge, a parent's reply: the other ticket's number
  else if (linkEvent(e)) what = linkEvent(e);
  // a file: its name, as it was given
  else if (/^attachment(_internal|_hidden|_shown)?$/.test(e.field)) what = [t('ev_' + e.field) + ' ', el('b', {}, e.new_value)];
  // an agent confirmed what the model had said (old_value names the field)
  else if (e.field === 'suggestion_accepted') what = [t('ev_suggestion_accepted') + ' ' + historyLabel(e.old_value) + t('colon'),
    el('b', {}, eventValue({ field: e.old_value, new_value: e.new_value }, 'new'))];
  // a person kept a label the data-quality report doubted (old_value names the field)
  else if (e.field === 'label_confirmed') what = [t('ev_label_confirmed') + ' ' + historyLabel(e.old_value) + t('colon'),
    el('b', {}, eventValue({ field: e.old_value, new_value: e.new_value }, 'new'))];
  else {
    // French elides "de" before a vowel: "d’Impression", "de Réseau"
    const old = eventValue(e, 'old');
    const from = typeof old === 'string' && /^[aeiouyàâäéèêëîïôöùûüœæ]/i.test(old) ? t('from_vowel') : t('from') + ' ';
    what = [t('changed') + ' ' + historyLabel(e.field) + ' ', from, el('b', {}, old), ' ' + t('to') + ' ', el('b', {}, eventValue(e, 'new'))];
  }
  return el('div', { class: 'event', 'data-field': e.field },
    el('div', { class: 'meta' }, fmtTime(e.at)), el('div', {}, el('b', {}, who), ' ', what,
      e.actor_kind === 'model' && e.confidence !== undefined
        ? ' (' + e.model_version + ', ' + fmtPct(e.confidence) + ')' : null));
}


// What the requester is told of the service level: when to expect the
// resolution, or that the desk waits on them (the clocks are stopped).
function requesterSla(tk) {
  if (tk.sla_state === 'paused') return el('p', { class: 'small', id: 'sla-due' }, t('sla_waiting_you'));
  if (!tk.resolve_due_at || tk.status === 'resolved' || tk.status === 'closed') return null;
  return el('p', { class: 'small', id: 'sla-due' }, tColon('sla_expected'), el('b', {}, fmtTime(tk.resolve_due_at)));
}
// The suggestion last selected: { id, field } of the ticket shown.
let picked = null;

// A draft article from this solved ticket, opened in the editor.
async function makeArticle(id, ctx) {
  try {
    const a = await api('POST', `/tickets/${id}/kb`);
    toast(t('kb_made'));
    ctx.go(`#/kb/${a.id}/edit`);
  } catch (e) { toastError(errText(e), t('dismiss')); }
}

export default async function viewTicket(ctx) {
  const { params, page, title } = ctx;
  const id = params.id;
  await Promise.all([loadGroups(), loadLists()]);
  let tk;
  try { tk = await api('GET', '/tickets/' + id); } catch (e) {
    page(el('p', { class: 'error', id: 'ticket-error', role: 'alert' }, errText(e))); return;
  }
  const [comments, history, sugg, others, attached, links] = await Promise.all([
    apiAll('/tickets/' + id + '/comments'), apiAll('/tickets/' + id + '/history'),
    isAgent() ? api('GET', '/tickets/' + id + '/suggestions') : Promise.resolve({ items: [] }),
    isAgent() && tk.requester_id
      ? api('GET', '/tickets?requester_id=' + tk.requester_id + '&limit=6') : Promise.resolve({ items: [] }),
    api('GET', '/tickets/' + id + '/attachments'), loadLinks(id)]);
  const redraw = () => viewTicket(ctx);
  const filesOf = (commentId) => attached.items.filter((a) => a.comment_id === commentId);
  // the requester's other recent tickets: a repeat problem shows at once
  const otherList = others.items.filter((o) => o.id !== tk.id).slice(0, 5);
  const othersCard = isAgent() && otherList.length
    ? el('div', { class: 'card', id: 'requester-others' }, el('h2', {}, t('others') + ' ' + (tk.requester_name || '')),
      otherList.map((o) => el('p', { class: 'small', 'data-id': o.id }, badge(o.status), ' ',
        el('a', { href: '#/ticket/' + o.id }, '#' + o.id + ' ' + o.title), ' ',
        el('span', { class: 'muted' }, fmtTime(o.created_at)))))
    : null;
  title(t('title_ticket').replace('{id}', tk.id) + t('colon') + tk.title);
  const titleEl = el('span', { id: 'ticket-title-text' }, tk.title);
  // a request template's values are shown in their own card (formCard): the
  // lines they got at the end of the description are left out here
  const desc = tk.form && tk.form.text && tk.description.endsWith(tk.form.text)
    ? tk.description.slice(0, -tk.form.text.length).trimEnd() : tk.description;
  const descEl = el('div', { class: 'desc', id: 'ticket-desc' }, desc);
  // Selecting a suggestion highlights the words that drove it; the choice
  // holds through the page's redraws (an accept, a reply).
  const select = (sg) => {
    const words = suggestionWords(sg);
    titleEl.replaceChildren(...highlighted(tk.title, words));
    descEl.replaceChildren(...highlighted(desc || '', words));
    markSelected(sg.field);
    picked = { id: tk.id, field: sg.field };
  };
  const suggCard = suggestionsCard(tk, sugg.items, select, () => viewTicket(ctx));
  const convo = el('div', { id: 'comments' }, comments.items.length
    ? comments.items.map((c) => commentView(c, tk, redraw, filesOf(c.id))) : el('p', { class: 'muted' }, t('empty_conv')));
  const err = el('div', { class: 'error', id: 'reply-error', role: 'alert' });
  if (replyNotice && replyNotice.id === tk.id) { err.textContent = replyNotice.text; replyNotice = null; }
  let picker = null;
  const files = filePicker('reply-files');
  const send = el('button', { type: 'submit', id: 'reply-submit' }, t('submit'));
  const reply = el('form', { class: 'card', id: 'reply-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const chosen = files.files();
    // a file the caps refuse stops the reply: nothing is sent, nothing typed is lost
    const refused = await attachPrecheck(chosen).catch((e) => [errText(e)]);
    if (refused.length) { err.textContent = refused.join(' ') + ' ' + t('att_note_files'); return; }
    if (picker && picker.staged()) { // sent through the staged macro, with the reply's files
      send.disabled = true;
      const r = await picker.submit().finally(() => { send.disabled = false; });
      if (!r) return;
      draft.clear();
      const failed = chosen.length ? await attachUpload(id, r.comment ? r.comment.id : null, chosen, files.status) : [];
      redraw();
      if (failed.length) showError(t('att_not_attached') + ' ' + failed.join(' '));
      return;
    }
    const body = { body: reply.body.value };
    if (isAgent() && reply.internal.checked) body.internal = true;
    if (reply.still_broken && reply.still_broken.checked) body.still_broken = true;
    // a public reply on a parent may go to its open children too
    if (reply.to_children && reply.to_children.checked && !body.internal) body.to_children = true;
    try {
      send.disabled = true;
      const cm = await api('POST', '/tickets/' + id + '/comments', body);
      draft.clear();
      if (body.to_children) toast(countText('link_children_sent', cm.children));
      // the reply is saved: a file that fails now is said, and can be sent again
      const failed = await attachUpload(id, cm.id, chosen, files.status);
      redraw();
      if (failed.length) showError(t('att_not_attached') + ' ' + failed.join(' '));
    } catch (e) { err.textContent = errText(e); } finally { send.disabled = false; }
  } },
    // the macro staged for this reply (lib/macros.js), kept with its draft
    isAgent() ? el('input', { type: 'hidden', id: 'reply-macro', name: 'macro_id', value: '' }) : null,
    el('label', { for: 'reply-body' }, t('reply')),
    el('textarea', { id: 'reply-body', name: 'body', required: true }),
    isAgent() ? el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'reply-internal', name: 'internal' }), t('internal')) : null,
    childrenCheck(links),
    files.node,
    !isAgent() && tk.status === 'resolved' ? el('p', { class: 'small muted', id: 'resolved-note' }, t('resolved_note')) : null,
    !isAgent() && tk.status === 'resolved' ? el('label', { class: 'check' },
      el('input', { type: 'checkbox', id: 'reply-still-broken', name: 'still_broken' }), t('still_broken')) : null,
    err, el('p', {}, send));
  // a reply being typed survives every redraw of the page, and a reload
  const draft = keepDraft(reply, 'reply.' + id);
  // an internal note never goes to the children
  if (reply.to_children) {
    const sync = () => { reply.to_children.disabled = reply.internal.checked; };
    reply.internal.addEventListener('change', sync);
    sync();
  }
  // a closed ticket is final: its requester is sent to a new ticket instead
  const replyArea = !isAgent() && tk.status === 'closed'
    ? el('p', { class: 'card muted', id: 'closed-note' }, t('closed_note'), ' ',
      el('a', { href: '#/new' }, t('newticket')))
    : reply;
  const fields = isAgent() ? await fieldsForm(tk, () => viewTicket(ctx)) : null;
  if (isAgent()) {
    // refused: the page as it is now, the reason above the reply, nothing typed lost
    picker = await macroPicker(tk, reply, fields, redraw, (e, text) => {
      if (e && e.status === 412) {
        const who = e.detail.changed_by;
        replyNotice = { id: tk.id, text: who ? t('changed_meanwhile_macro').replace('{name}', who) : t('changed_meanwhile_macro_anon') };
        redraw();
      } else err.textContent = text;
    });
    reply.prepend(picker.node);
  }
  // the articles and solved tickets like this one; what is inserted goes
  // after the reply being typed
  const insert = (line) => {
    const box = reply.body;
    box.value = box.value ? box.value.replace(/\s*$/, '') + '\n' + line : line;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    box.focus();
  };
  // the duplicate notice's "Merge into #N…": the Linked tickets card's
  // merge, its number filled in, at its confirm step
  const mergeInto = (flag) => el('button', { type: 'button', class: 'small', id: 'dup-merge', onclick: () => {
    const details = document.getElementById('merge-details');
    if (!details) return;
    details.open = true;
    document.getElementById('merge-into').value = String(flag.ticket.id);
    document.getElementById('merge-form').requestSubmit();
  } }, t('dup_merge').replace('{id}', flag.ticket.id));
  const [kbCard, simCard, dupCard] = isAgent()
    ? await Promise.all([articleCard([tk.title, tk.description].join('\n'), insert), similarCard(tk.id, insert),
      mergedInto(links) ? null : duplicateCard(tk.id, () => viewTicket(ctx), mergeInto)]) : [null, null, null];
  const side = isAgent()
    ? [fields, ratingView(tk)]
    : el('div', { class: 'card' }, el('h2', {}, t('details')),
      el('p', {}, tColon('status'), badge(tk.status)),
      el('p', {}, tColon('priority'), prioOf(tk)),
      requesterSla(tk),
      el('p', {}, tColon('category') + listLabel('category', tk.category)),
      tk.resolution ? el('p', {}, tColon('resolution') + tk.resolution) : null);
  // three areas (app.css): the ticket's text, the side cards, then the
  // conversation and history; on one column the side cards come second
  page(el('p', {}, el('a', { href: isAgent() ? '#/queue' : '#/mine' }, t('backto'))),
    el('div', { class: 'layout' },
      el('div', { class: 'l-head' },
        el('div', { class: 'card' },
          el('h1', { id: 'ticket-title' }, '#' + tk.id + ' ', titleEl),
          el('p', { class: 'muted' }, tColon('requester') + (tk.requester_name || '?') + ' · ' +
            t('created') + ' ' + fmtTime(tk.created_at), ' ', badge(tk.status)),
          mergedNote(links),
          descEl,
          isAgent() && (tk.status === 'resolved' || tk.status === 'closed') ? el('p', { class: 'actions' },
            el('button', { type: 'button', class: 'secondary small', id: 'kb-make', onclick: () => makeArticle(tk.id, ctx) }, t('kb_make'))) : null,
          filesOf(null).length ? el('p', { class: 'small muted files-label' }, t('att_title')) : null,
          fileList(filesOf(null), 'ticket-files', redraw, showError)),
        dupCard, formCard(tk.form)),
      // the links next to the top: a duplicate is handled before its fields
      el('div', { class: 'l-side', id: 'ticket-side' }, suggCard, linksCard(tk, links, comments.items.length, redraw), side,
        othersCard, simCard, kbCard),
      el('div', { class: 'l-main' },
        isAgent() ? null : [solvedCard(tk, () => viewTicket(ctx)), ratingCard(tk, () => viewTicket(ctx))],
        el('h2', {}, t('conversation')), convo, replyArea,
        el('h2', {}, t('history')), el('div', { class: 'card', id: 'history' }, history.items.map(eventView)))));
  const again = picked && picked.id === tk.id && sugg.items.find((x) => x.field === picked.field);
  if (sugg.items.length) select(again || sugg.items.find((x) => x.field === 'category') || sugg.items[0]);
  // what is on screen is read: "My tickets" no longer marks its replies
  if (!isAgent()) api('POST', `/tickets/${id}/read`).catch(() => {});
}
