// The sign-in form.
import { el } from '../lib/dom.js';
import { t, setLang, langChosen } from '../lib/i18n.js';
import { api, session, errText } from '../lib/api.js';
import { homePath } from '../lib/router.js';

export default function login({ go, page }) {
  const err = el('div', { class: 'error', id: 'login-error', role: 'alert' });
  const form = el('form', { class: 'card login', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/auth/login', { email: form.email.value, password: form.password.value });
      session.user = r.user;
      session.csrf = r.csrf_token;
      if (r.user.lang && !langChosen()) setLang(r.user.lang, false);
      go(homePath());
    } catch (e) { err.textContent = e.status === 401 ? t('badlogin') : errText(e); }
  } },
    el('h1', {}, t('signin')),
    el('label', { for: 'email' }, t('email')),
    el('input', { type: 'email', id: 'email', name: 'email', required: true, autocomplete: 'username' }),
    el('label', { for: 'password' }, t('password')),
    el('input', { type: 'password', id: 'password', name: 'password', required: true, autocomplete: 'current-password' }),
    err,
    el('p', {}, el('button', { type: 'submit', id: 'login-submit' }, t('login'))));
  page(form);
}
