// Writing an article (agents and admins): a new one (#/kb/new, also as a
// translation: ?translation_of=ID&lang=fr, the original shown beside), or
// a change of one (#/kb/ID/edit, saved as a new version only when the text
// changed, refused when someone saved a newer version meanwhile). The text
// is Markdown; "Preview" shows it as readers will see it, rendered by the
// server. A refusal of the server is said beside the input it names.
import { el, toast, debounce } from '../lib/dom.js';
import { t, tColon } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { errBeside } from '../lib/errors.js';
import { clearFieldErrors, fieldError } from '../lib/fielderr.js';
import { loadLists, listSelect, ciInput } from '../lib/catalog.js';
import { renderDoc } from '../lib/markdoc.js';
import { keepDraft } from '../lib/drafts.js';

const TITLE_MAX = 200;
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const BODY_MAX = 100000;

export default async function viewKbEdit(ctx) {
  await loadLists();
  const id = ctx.params.id || null;
  const of = id ? null : Number(ctx.query.get('translation_of')) || null;
  const a = id ? await api('GET', '/kb/articles/' + id) : null;
  const src = of ? await api('GET', '/kb/articles/' + of) : null;
  const base = a || src || {};
  const title = el('input', { type: 'text', id: 'kb-f-title', name: 'title', maxlength: TITLE_MAX, required: true, value: a ? a.title : '' });
  const body = el('textarea', { id: 'kb-f-body', name: 'body', rows: 18, class: 'kb-source', spellcheck: 'true' }, a ? a.body : '');
  const langSel = el('select', { id: 'kb-f-lang', name: 'lang', disabled: !!a },
    el('option', { value: '' }, t('kb_lang_detect')),
    ['fr', 'en'].map((l) => el('option', { value: l, selected: (a ? a.lang : ctx.query.get('lang')) === l }, l === 'fr' ? 'Français' : 'English')));
  const pub = el('input', { type: 'checkbox', id: 'kb-f-public', name: 'public', checked: !!base.public });
  const category = listSelect('category', { id: 'kb-f-category', name: 'category' }, base.category || null);
  const service = listSelect('service', { id: 'kb-f-service', name: 'service' }, base.service || null);
  const ci = ciInput({ id: 'kb-f-ci', name: 'ci' }, base.ci || '');
  const inputs = { title, body, lang: langSel, public: pub, category, service, ci: ci.querySelector('input') };
  const preview = el('div', { class: 'card kb-preview', id: 'kb-preview', hidden: true, 'aria-live': 'polite' });
  const count = el('span', { class: 'small muted', id: 'kb-f-count' });
  const err = el('div', { class: 'error', id: 'kb-error', role: 'alert' });
  const showCount = () => {
    const n = new TextEncoder().encode(body.value).length;
    count.textContent = t('kb_bytes').replace('{n}', n.toLocaleString()).replace('{max}', BODY_MAX.toLocaleString());
    count.classList.toggle('error', n > BODY_MAX);
  };
  const renderPreview = async () => {
    try {
      const r = await api('POST', '/kb/preview', { body: body.value });
      preview.replaceChildren(el('h2', {}, title.value || t('kb_untitled')), renderDoc(r.doc));
    } catch (e) { preview.replaceChildren(el('p', { class: 'error' }, errText(e))); }
  };
  const livePreview = debounce(() => { if (!preview.hidden) renderPreview(); }, 400);
  body.addEventListener('input', () => { showCount(); livePreview(); });
  title.addEventListener('input', livePreview);
  showCount();
  const toggle = el('button', { type: 'button', class: 'secondary', id: 'kb-preview-toggle', 'aria-controls': 'kb-preview', 'aria-expanded': 'false',
    onclick: async () => {
      preview.hidden = !preview.hidden;
      toggle.setAttribute('aria-expanded', String(!preview.hidden));
      toggle.textContent = t(preview.hidden ? 'kb_preview' : 'kb_preview_hide');
      if (!preview.hidden) await renderPreview();
    } }, t('kb_preview'));
  let draft = null;
  const form = el('form', { class: 'card', id: 'kb-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    err.textContent = '';
    const required = capital(t('why_required'));
    if (!title.value.trim()) { fieldError(title, required); title.focus(); return; }
    if (!body.value.trim()) { fieldError(body, required); body.focus(); return; }
    const data = { title: title.value, body: body.value, public: pub.checked, category: category.value || null,
      service: service.value || null, ci: inputs.ci.value.trim() || null };
    try {
      let saved;
      if (a) saved = await api('PATCH', '/kb/articles/' + a.id, { ...data, version: a.version });
      else {
        if (langSel.value) data.lang = langSel.value;
        if (of) data.translation_of = of;
        saved = await api('POST', '/kb/articles', data);
      }
      draft.clear();
      toast(t('saved'));
      ctx.go('#/kb/' + saved.id);
    } catch (e) {
      const input = inputs[e.field];
      if (e.status === 412) err.textContent = t('kb_stale');
      else if (input) { fieldError(input, errBeside(e)); input.focus(); } else err.textContent = errText(e);
    }
  } },
  el('div', {}, el('label', { for: 'kb-f-title' }, t('title')), title),
  el('div', { class: 'row' },
    el('div', {}, el('label', { for: 'kb-f-lang' }, t('kb_lang')), langSel),
    el('div', {}, el('label', { for: 'kb-f-category' }, t('category')), category),
    el('div', {}, el('label', { for: 'kb-f-service' }, t('service')), service),
    el('div', {}, el('label', { for: 'kb-f-ci' }, t('ci')), ci)),
  el('label', { class: 'check' }, pub, t('kb_public_check')),
  el('div', {}, el('label', { for: 'kb-f-body' }, t('kb_body')), body,
    el('p', { class: 'small muted', id: 'kb-f-help' }, t('kb_markdown_help'), ' ', count)),
  err,
  el('p', { class: 'actions' }, el('button', { type: 'submit', id: 'kb-save' }, t('save')), ' ', toggle, ' ',
    el('a', { href: a ? '#/kb/' + a.id : '#/kb', id: 'kb-cancel' }, t('cancel'))));
  body.setAttribute('aria-describedby', 'kb-f-help');
  // what is typed survives a reload or a closed tab until it is saved
  draft = keepDraft(form, a ? 'kb.edit.' + a.id : 'kb.new' + (of ? '.' + of : ''));
  showCount();
  const original = src ? el('details', { class: 'card', id: 'kb-original', open: true },
    el('summary', {}, t('kb_original').replace('{lang}', src.lang === 'fr' ? 'Français' : 'English')),
    el('h2', {}, src.title), renderDoc(src.doc)) : null;
  ctx.title(a ? t('kb_edit_title').replace('{title}', a.title) : t('kb_new'));
  ctx.page(el('p', {}, el('a', { href: a ? '#/kb/' + a.id : '#/kb' }, t('backto'))),
    el('h1', {}, a ? t('kb_edit_title').replace('{title}', a.title) : of ? t('kb_translate_title') : t('kb_new')),
    a ? el('p', { class: 'small muted' }, tColon('kb_version'), a.version) : null,
    original, form, preview);
  title.focus();
}
