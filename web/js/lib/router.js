// The hash router: matches location.hash against a route table, checks the
// role, loads the page module on first use (dynamic import) and calls its
// default export. The server only ever sees "/", so no UI route needs a
// fallback on the server.
//
// A route: { path: '#/ticket/:id', load: () => import(…), roles, nav, navRoles, title }
//   path      the hash before any '?'; ':name' matches a segment of digits
//   load      returns the page module; its default export render(ctx) draws
//             the page, ctx = { params, query, go, page, title }: ctx.page is
//             dom's page() that does nothing once the user has moved on, so a
//             late answer never draws over the page now shown; ctx.title(text)
//             names the page more precisely (a ticket's subject), likewise
//   title     the text key of the page's name in the browser's tab, "{name}"
//             filled from the params ("Ticket #{id}")
//   roles     who may open it (absent: anyone signed in); public: true for
//             pages shown to signed-out visitors too
//   nav       [text key, element id] of its link in the top bar, shown to
//             roles (or to navRoles when given)
import { el, $, page } from './dom.js';
import { t } from './i18n.js';
import { session, errText } from './api.js';

let table = [];
let shell = () => {};

export function go(hash) {
  if (location.hash !== hash) location.hash = hash;
  else route();
}

const allowed = (roles) => !roles || (session.user && roles.includes(session.user.role));

// The links of the top bar the signed-in user may follow, in table order.
export const navLinks = () => (session.user ? table.filter((r) => r.nav && allowed(r.navRoles || r.roles))
  .map((r) => el('a', { href: r.path, id: r.nav[1] }, t(r.nav[0]))) : []);

// Where a signed-in user lands: the first top-bar link they have.
const home = () => {
  const r = table.find((x) => x.nav && allowed(x.navRoles || x.roles));
  return r ? r.path : '#/login';
};

function match(pattern, path) {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!/^[1-9][0-9]*$/.test(got[i])) return null;
      params[want[i].slice(1)] = Number(got[i]);
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

// The document's title: the page's name, then the product's.
const setTitle = (text) => { document.title = text + ' · Relais'; };

let seq = 0;
export async function route() {
  const my = ++seq;
  shell();
  const h = location.hash || '#/';
  const [path, qs] = h.split('?');
  if (!session.user && path !== '#/login') { go('#/login'); return; }
  let found = null;
  let params = null;
  for (const r of table) if ((params = match(r.path, path))) { found = r; break; }
  if (!found || !allowed(found.roles) || (found.public && session.user)) { go(home()); return; }
  setTitle(Object.entries(params).reduce((s, [k, v]) => s.replace('{' + k + '}', v), t(found.title || 'none')));
  try {
    const mod = await found.load();
    if (my !== seq) return; // a later navigation won
    const live = (...kids) => { if (my === seq) page(...kids); };
    const title = (text) => { if (my === seq) setTitle(text); };
    await mod.default({ params, query: new URLSearchParams(qs || ''), go, page: live, title });
  } catch (e) {
    if (my === seq) page(el('p', { class: 'error', role: 'alert' }, errText(e)));
  }
}

// Starts routing with the table; renderShell redraws the top bar before each page.
export function startRouter(routes, renderShell) {
  table = routes;
  shell = renderShell;
  window.addEventListener('hashchange', route);
  return route();
}
export const homePath = () => home();
