// Relais web UI: requester portal and agent workspace, as ES modules with no
// build step. This module draws the top bar and starts the router.
import { el, $ } from './lib/dom.js';
import { t, lang, setLang } from './lib/i18n.js';
import { api, session, loadSession, setSignedOutHandler } from './lib/api.js';
import { startRouter, route, go, navLinks } from './lib/router.js';
import routes from './routes.js';
import { dropDrafts } from './lib/drafts.js';

async function logout() {
  try { await api('POST', '/auth/logout', {}); } catch (e) { /* signed out anyway */ }
  dropDrafts(); // a shared computer keeps nothing the user typed
  session.user = null;
  session.csrf = null;
  go('#/login');
}

export function renderShell() {
  document.documentElement.lang = lang;
  $('skip').textContent = t('skip');
  $('lang').value = lang;
  $('nav').replaceChildren(...navLinks());
  const who = $('who');
  who.replaceChildren();
  if (!session.user) return;
  who.append(el('a', { class: 'muted', id: 'whoami', href: '#/account', title: session.user.name }, session.user.name), ' ',
    el('button', { class: 'secondary', id: 'logout', onclick: logout }, t('logout')));
}

// The skip link goes to the page's content without changing the route: the
// hash is the router's, so the link moves the focus itself.
$('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  $('main').focus();
});
$('lang').addEventListener('change', () => {
  setLang($('lang').value, true);
  route();
});
setSignedOutHandler(() => go('#/login'));
await loadSession();
startRouter(routes, renderShell);
