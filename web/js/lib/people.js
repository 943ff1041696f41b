// What the Users and Groups pages share: their tabs, the names of roles and
// languages, the way back to the list as it was filtered, and the
// server's refusals of a user's or a group's fields in the reader's
// language, shown beside the input they are about.
import { el } from './dom.js';
import { t } from './i18n.js';
import { fieldError } from './fielderr.js';
import { errBeside } from './errors.js';

export const ROLES = ['requester', 'agent', 'admin'];
export const roleName = (r) => t('r_' + r);
// '' is "no language of one's own": the browser's is used
export const LANGS = ['', 'fr', 'en'];
export const langName = (l) => (l === 'fr' ? 'Français' : l === 'en' ? 'English' : t('u_lang_none'));

// The query of the Users list as last shown, so that "← Users" and the
// tab bring the same filters back.
let listQuery = '';
export const rememberListQuery = (q) => { listQuery = q; };
export const usersHref = () => '#/people' + (listQuery ? '?' + listQuery : '');

// The Users | Groups tabs (the Lists page's look); on: 'users' or 'groups',
// the page shown, marked for the eye and for screen readers.
export function peopleTabs(on) {
  const tab = (k, href, key) => el('a', { href, id: 'tab-' + k, class: k === on ? 'tab current' : 'tab', 'aria-current': k === on ? 'page' : null }, t(key));
  return el('nav', { class: 'tabs', 'aria-label': t('people_tabs') },
    tab('users', usersHref(), 'tab_users'), tab('groups', '#/groups', 'tab_groups'));
}

// A labelled form field: { wrap, input } with the label tied to the input.
export function labelled(label, input, cls) {
  return { wrap: el('div', { class: cls || null }, el('label', { for: input.id }, label), input), input };
}

// Checks a user's fields before they are sent: e-mail (when asked for),
// name and password (when typed). Marks each bad one; returns whether all
// are good.
export function checkUserFields(f) {
  let ok = true;
  const bad = (input, msg) => { fieldError(input, msg); ok = false; };
  if (f.email) {
    const v = f.email.value.trim();
    if (!v) bad(f.email, t('err_required'));
    else if (!/^[^@\s]+@[^@\s]+$/.test(v)) bad(f.email, t('err_email'));
  }
  if (f.name && !f.name.value.trim()) bad(f.name, t('err_required'));
  if (f.password && f.password.value && f.password.value.length < 8) bad(f.password, t('err_pw_short'));
  return ok;
}

// Puts a refusal of the server (a user's or a group's field) beside the
// input it names, in the reader's language where the page knows the rule
// (f maps the API's field names to inputs); returns false when it names
// none of them, for the caller to show it another way.
export function showRefusal(e, f) {
  const input = e.field && f[e.field];
  if (!input) return false;
  let msg = errBeside(e); // the page's own words below where it knows the rule
  if (e.field === 'email') msg = e.status === 409 ? t('err_email_taken') : t('err_email');
  else if (e.field === 'password') msg = input.value.length < 8 ? t('err_pw_short') : t('err_pw_weak');
  else if ((e.field === 'role' || e.field === 'active') && e.status === 409) msg = t('err_self_admin');
  else if (e.field === 'name') msg = e.status === 409 ? t('err_group_taken') : t('err_required');
  fieldError(input, msg);
  input.focus();
  return true;
}
