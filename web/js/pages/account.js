// My account: change one's own password (the current one asked; the
// server says what is wrong with a new one, and ends one's other
// sessions), and, for the desk, one's API tokens: made with a name and an
// optional end, shown once, listed with their last use, revoked at once.
import { el, toast } from '../lib/dom.js';
import { t, tColon, fmtTime } from '../lib/i18n.js';
import { api, errText, isAgent } from '../lib/api.js';

function passwordForm() {
  const err = el('div', { class: 'error', id: 'pw-error', role: 'alert' });
  const field = (id, label) => [el('label', { for: id }, t(label)),
    el('input', { type: 'password', id, name: id, autocomplete: id === 'pw-current' ? 'current-password' : 'new-password', required: true })];
  const form = el('form', { class: 'card', id: 'pw-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (form['pw-new'].value !== form['pw-again'].value) { err.textContent = t('pw_mismatch'); return; }
    try {
      await api('POST', '/auth/password', { current_password: form['pw-current'].value, new_password: form['pw-new'].value });
      form.reset();
      toast(t('pw_changed'));
    } catch (e) { err.textContent = errText(e); }
  } },
  el('h2', {}, t('pw_title')), el('p', { class: 'muted' }, t('pw_intro')),
  ...field('pw-current', 'pw_current'), ...field('pw-new', 'pw_new'), ...field('pw-again', 'pw_again'),
  err, el('p', {}, el('button', { type: 'submit', id: 'pw-submit' }, t('pw_submit'))));
  return form;
}

async function tokensCard(redraw) {
  const err = el('div', { class: 'error', id: 'tok-error', role: 'alert' });
  const shown = el('div', { id: 'tok-new' });
  const { items } = await api('GET', '/tokens');
  const rows = items.map((k) => el('tr', { 'data-token': k.id },
    el('td', { 'data-label': t('tok_name') }, k.name || '—'),
    el('td', { 'data-label': t('tok_created') }, fmtTime(k.created_at)),
    el('td', { 'data-label': t('tok_expires') }, k.expires_at ? fmtTime(k.expires_at) : t('tok_never')),
    el('td', { 'data-label': t('tok_used') }, k.last_used_at ? fmtTime(k.last_used_at) : t('tok_never')),
    el('td', {}, el('button', { type: 'button', class: 'secondary small', 'data-revoke': k.id,
      'aria-label': t('tok_revoke') + ' · ' + (k.name || fmtTime(k.created_at)), onclick: async () => {
      try { await api('DELETE', '/tokens/' + k.id); toast(t('tok_revoked')); redraw(); } catch (e) { err.textContent = errText(e); }
    } }, t('tok_revoke')))));
  const form = el('form', { id: 'tok-form', class: 'row', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = { name: form['tok-name'].value };
    if (form['tok-days'].value) body.expires_days = Number(form['tok-days'].value);
    try {
      const made = await api('POST', '/tokens', body);
      await redraw(made.token);
    } catch (e) { err.textContent = errText(e); }
  } },
  el('div', {}, el('label', { for: 'tok-name' }, t('tok_name')), el('input', { type: 'text', id: 'tok-name', name: 'tok-name', maxlength: 100, required: true })),
  el('div', {}, el('label', { for: 'tok-days' }, t('tok_days')), el('input', { type: 'number', id: 'tok-days', name: 'tok-days', min: 1, max: 3650 })),
  el('div', {}, el('label', {}, '\u00a0'), el('button', { type: 'submit', id: 'tok-create' }, t('tok_create'))));
  return { card: el('div', { class: 'card', id: 'tokens' }, el('h2', {}, t('tok_title')), el('p', { class: 'muted' }, t('tok_intro')),
    shown, items.length
      ? el('table', { class: 'tokens stack' }, el('thead', {}, el('tr', {}, ['tok_name', 'tok_created', 'tok_expires', 'tok_used', 'none']
        .map((k) => el('th', {}, k === 'none' ? '' : t(k))))), el('tbody', {}, rows))
      : el('p', { class: 'muted' }, t('tok_none')),
    form, err), shown };
}

export default async function account({ page }) {
  const draw = async (fresh) => {
    const parts = [el('h1', {}, t('account')), passwordForm()];
    if (isAgent()) {
      const tc = await tokensCard(draw);
      // the secret once, right after it is made
      if (fresh) tc.shown.append(el('p', {}, tColon('tok_copy')), el('code', { id: 'tok-secret' }, fresh));
      parts.push(tc.card);
    }
    page(...parts);
  };
  await draw(null);
}
