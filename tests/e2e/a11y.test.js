// Browser test of every page of the UI (each route of web/js/routes.js, as
// the role that opens it) in French and English, at 1400 px and at 390 px
// wide: axe-core finds no serious or critical violation, the document's
// title names the page in the page's language, nothing scrolls sideways on
// a phone, no text key is missing, and a full-page screenshot of each goes
// to tests/out/pages/ (<page>-<role>-<lang>-<width>.png) for a person to
// look at. The pages
// hold what a working desk holds: trained suggestions, one accepted, a
// reply, an internal note, a hidden reply, linked tickets and a merge,
// tokens, audit rows. Then the
// keyboard: the skip link comes first and goes to the content; suggestion
// cards are reached with Tab, selected and accepted with Enter and Space,
// with a visible focus ring.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, ROOT, SHOTS, cli, startServer, client, launchBrowser, axeViolations } = require('../lib/harness');

const OUT = path.join(SHOTS, 'pages');
const LOGIN = {
  requester: ['claire.martin@relais.demo', 'relais-demo'],
  agent: ['agent@relais.demo', 'relais-agent'],
  admin: ['admin@relais.demo', 'relais-admin'],
};
let srv, browser, ticket;
const ids = {}; // the ids the pages with one open: a ticket, a user, a group

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-a11y-'));
  const db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '500', '--seed', '9']);
  cli(db, ['train']);
  cli(db, ['quality']);
  srv = await startServer(db);
  const as = (email) => client(srv.url, cli(db, ['token', 'create', '--email', email]));
  const claire = as(LOGIN.requester[0]);
  const agent = as(LOGIN.agent[0]);
  const admin = as(LOGIN.admin[0]);
  // a ticket as the desk works it: suggestions (one accepted), a reply, an
  // internal note, the requester's answers, one of them hidden
  const r = await claire('POST', '/api/v1/tickets', { title: 'VPN impossible depuis ce matin',
    description: "Je n'arrive plus à me connecter au VPN, le client AnyConnect affiche une erreur." });
  assert.equal(r.status, 201, r.text);
  ticket = r.json;
  const sugg = (await agent('GET', `/api/v1/tickets/${ticket.id}/suggestions`)).json.items;
  const open = sugg.filter((s) => s.state === 'suggested' || s.state === 'applied');
  assert.ok(open.length >= 2, JSON.stringify(sugg));
  assert.equal((await agent('POST', `/api/v1/tickets/${ticket.id}/suggestions/${open[0].field}/accept`)).status, 200);
  const say = async (who, body, internal) =>
    (await who('POST', `/api/v1/tickets/${ticket.id}/comments`, internal ? { body, internal } : { body })).json;
  await say(agent, 'Pouvez-vous redémarrer le client VPN et réessayer ?');
  await say(agent, 'Passerelle vpn-gw-2 à vérifier si cela continue.', true);
  await say(claire, 'Toujours la même erreur après redémarrage.');
  const rude = await say(claire, 'Réponse à masquer.');
  assert.equal((await agent('POST', `/api/v1/tickets/${ticket.id}/comments/${rude.id}/hide`)).status, 200);
  // linked tickets: a child, and a duplicate of the same requester merged
  // into it (its copies show on both pages, with where they came from)
  const kid = (await claire('POST', '/api/v1/tickets', { title: 'VPN lent', description: 'Très lent depuis hier.' })).json;
  assert.equal((await agent('POST', `/api/v1/tickets/${ticket.id}/links`, { kind: 'child', ticket: kid.id })).status, 201);
  const dup = (await claire('POST', '/api/v1/tickets', { title: 'VPN en erreur', description: 'Erreur AnyConnect.' })).json;
  assert.equal((await agent('POST', `/api/v1/tickets/${dup.id}/merge`, { into: ticket.id })).status, 200);
  // a token on My account; rows in the audit log
  assert.equal((await agent('POST', '/api/v1/tokens', { name: 'Intégration supervision', expires_days: 30 })).status, 201);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'triage.retrain_after': 40 })).status, 200);
  // an article, published, public
  const art = (await agent('POST', '/api/v1/kb/articles', { title: 'Réinitialiser son mot de passe', lang: 'fr', public: true,
    body: '## Étapes\n\n1. Ouvrez **le portail**\n2. Choisissez *Mot de passe oublié*\n\n> Le lien expire en 15 minutes.\n\n`Ctrl+Alt+Suppr` puis [aide](https://example.org/aide)' })).json;
  assert.equal((await agent('POST', `/api/v1/kb/articles/${art.id}/state`, { state: 'published' })).status, 200);
  ids.article = art.id;
  const en = (await agent('POST', '/api/v1/kb/articles', { title: 'Reset your password', lang: 'en', public: true, translation_of: art.id,
    body: '## Steps\n\n1. Open **the portal**\n2. Choose *Forgot password*' })).json;
  assert.equal((await agent('POST', `/api/v1/kb/articles/${en.id}/state`, { state: 'published' })).status, 200);
  ids.ticket = ticket.id;
  ids.user = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  ids.group = (await agent('GET', '/api/v1/groups')).json.items.find((g) => g.name === 'Service Desk N1').id;
  browser = await launchBrowser();
  fs.mkdirSync(OUT, { recursive: true });
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// Every page: its route, who opens it, what shows it is drawn, and its
// title in each language (without " · Relais").
const TICKET_TITLE = (lang) => `Ticket #${ticket.id}${lang === 'fr' ? '\u00a0: ' : ': '}${ticket.title}`;
const PAGES = [
  { page: 'login', role: null, hash: '#/login', ready: '#login-form', title: { fr: 'Connexion', en: 'Sign in' } },
  { page: 'mine', role: 'requester', hash: '#/mine', ready: '#ticket-rows tr.ticket', title: { fr: 'Mes tickets', en: 'My tickets' } },
  { page: 'new', role: 'requester', hash: '#/new', ready: '#new-form', title: { fr: 'Nouveau ticket', en: 'New ticket' } },
  { page: 'ticket', role: 'requester', hash: '#/ticket/ID', id: 'ticket', ready: '#history .event', title: 'ticket' },
  { page: 'account', role: 'requester', hash: '#/account', ready: '#pw-form', title: { fr: 'Mon compte', en: 'My account' } },
  { page: 'queue', role: 'agent', hash: '#/queue', ready: '#ticket-rows tr.ticket', title: { fr: 'File des tickets', en: 'Ticket queue' } },
  { page: 'dashboard', role: 'agent', hash: '#/dashboard', ready: '#dash-new', title: { fr: 'Tableau de bord', en: 'Dashboard' } },
  { page: 'new', role: 'agent', hash: '#/new', ready: '#requester', title: { fr: 'Nouveau ticket', en: 'New ticket' } },
  { page: 'ticket', role: 'agent', hash: '#/ticket/ID', id: 'ticket', ready: '#suggestions .suggestion[data-state="accepted"]', title: 'ticket' },
  { page: 'account', role: 'agent', hash: '#/account', ready: '#tokens tr[data-token]', title: { fr: 'Mon compte', en: 'My account' } },
  { page: 'models', role: 'admin', hash: '#/models', ready: '.card.model', title: { fr: 'Modèles', en: 'Models' } },
  { page: 'people', role: 'admin', hash: '#/people', ready: '#user-rows tr', title: { fr: 'Utilisateurs', en: 'Users' } },
  { page: 'user', role: 'admin', hash: '#/people/ID', id: 'user', ready: '#user-title', title: { fr: 'Nadia Benali', en: 'Nadia Benali' } },
  { page: 'groups', role: 'admin', hash: '#/groups', ready: '#group-rows tr', title: { fr: 'Groupes', en: 'Groups' } },
  { page: 'group', role: 'admin', hash: '#/groups/ID', id: 'group', ready: '#group-title', title: { fr: 'Service Desk N1', en: 'Service Desk N1' } },
  { page: 'settings', role: 'admin', hash: '#/settings', ready: '.settings-save', title: { fr: 'Réglages', en: 'Settings' } },
  { page: 'quality', role: 'admin', hash: '#/quality', ready: '#q-list-mislabel', title: { fr: 'Qualité des données', en: 'Data quality' } },
  { page: 'jobs', role: 'admin', hash: '#/jobs', ready: '#jobs-body tr', title: { fr: 'Tâches de fond', en: 'Jobs' } },
  { page: 'audit', role: 'admin', hash: '#/audit', ready: '#audit-body tr', title: { fr: 'Journal d’audit', en: 'Audit log' } },
  { page: 'lists', role: 'admin', hash: '#/lists', ready: '#list-rows tr', title: { fr: 'Listes', en: 'Lists' } },
  { page: 'macros', role: 'agent', hash: '#/macros', ready: '#macros-shared tbody tr', title: { fr: 'Macros', en: 'Macros' } },
  { page: 'templates', role: 'admin', hash: '#/templates', ready: '#tpl-list tbody tr', title: { fr: 'Formulaires de demande', en: 'Request templates' } },
  { page: 'help', role: 'requester', hash: '#/kb', ready: '#kb-list .kb-item', title: { fr: 'Articles d’aide', en: 'Help articles' } },
  { page: 'article', role: 'requester', hash: '#/kb/ID', id: 'article', ready: '#kb-vote', title: { fr: 'Réinitialiser son mot de passe', en: 'Réinitialiser son mot de passe' } },
  { page: 'kb', role: 'agent', hash: '#/kb', ready: '#kb-list .kb-item', title: { fr: 'Base de connaissances', en: 'Knowledge base' } },
  { page: 'article', role: 'agent', hash: '#/kb/ID', id: 'article', ready: '#kb-tools', title: { fr: 'Réinitialiser son mot de passe', en: 'Réinitialiser son mot de passe' } },
  { page: 'kb-new', role: 'agent', hash: '#/kb/new', ready: '#kb-form', title: { fr: 'Nouvel article', en: 'New article' } },
  { page: 'kb-edit', role: 'agent', hash: '#/kb/ID/edit', id: 'article', ready: '#kb-form', title: { fr: 'Modifier\u00a0: Réinitialiser son mot de passe', en: 'Edit: Réinitialiser son mot de passe' } },
  { page: 'new-template', role: 'requester', hash: '#/new?template=1', ready: '#tf-model', title: { fr: 'Nouveau ticket', en: 'New ticket' } },
];

test('every route of the route table is walked', () => {
  const table = fs.readFileSync(path.join(ROOT, 'web', 'js', 'routes.js'), 'utf8');
  const routes = [...table.matchAll(/path: '(#\/[^']+)'/g)].map((m) => m[1].replace(':id', 'ID'));
  assert.ok(routes.length >= 10, JSON.stringify(routes));
  assert.deepEqual(routes.filter((r) => !PAGES.some((p) => p.hash === r)), [], 'routes no test opens');
});

// A browser of that language and width, signed in as role (null: not
// signed in). The language is the one chosen in the UI, as after picking it
// in the top bar, whatever the account's own.
async function open(lang, width, role) {
  const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true,
    viewport: { width, height: width > 800 ? 900 : 844 } });
  await ctx.addInitScript((l) => localStorage.setItem('relais.lang', l), lang);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url + '/#/login');
  await page.waitForSelector('#login-form');
  if (role) {
    await page.fill('#email', LOGIN[role][0]);
    await page.fill('#password', LOGIN[role][1]);
    await page.click('#login-submit');
    await page.waitForSelector('#logout');
  }
  return { ctx, page, errors };
}

test('the axe helper reports what it finds, and where', async () => {
  const { ctx, page } = await open('en', 1400, null);
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.id = 'no-label-here';
    document.getElementById('main').append(i);
  });
  const found = await axeViolations(page);
  assert.ok(found.some((v) => /^label \(critical\) #no-label-here: Form elements must have labels/.test(v)), found.join('\n'));
  await ctx.close();
});

for (const lang of ['fr', 'en']) {
  for (const width of [1400, 390]) {
    test(`every page, ${lang === 'fr' ? 'French' : 'English'}, ${width} px: no serious or critical axe violation, its title, a screenshot`, async () => {
      const problems = [];
      for (const role of [null, 'requester', 'agent', 'admin']) {
        const { ctx, page, errors } = await open(lang, width, role);
        for (const p of PAGES.filter((x) => x.role === role)) {
          const where = `${p.page} as ${role || 'visitor'} (${lang}, ${width} px)`;
          await page.goto(srv.url + '/' + p.hash.replace('ID', ids[p.id]));
          await page.waitForSelector(p.ready, { timeout: 15000 });
          await page.waitForTimeout(200); // the last answers drawn
          for (const v of await axeViolations(page)) problems.push(`${where}: ${v}`);
          const missing = await page.evaluate(() => document.documentElement.dataset.i18nMissing || '');
          if (missing) problems.push(`${where}: no text for ${missing}`);
          const title = p.title === 'ticket' ? TICKET_TITLE(lang) : p.title[lang];
          const shown = await page.title();
          if (shown !== title + ' · Relais') problems.push(`${where}: the title is "${shown}", not "${title} · Relais"`);
          if (width < 800) {
            const [sw, vw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
            if (sw > vw) problems.push(`${where}: ${sw} px wide on a ${vw} px screen`);
          }
          await page.screenshot({ path: path.join(OUT, `${p.page}-${role || 'visitor'}-${lang}-${width}.png`), fullPage: true });
        }
        if (errors.length) problems.push(`${role}: ${errors.join('; ')}`);
        await ctx.close();
      }
      assert.deepEqual(problems, []);
    });
  }
}

test('the skip link is the first stop of the keyboard and goes to the content, in the page\'s language', async () => {
  for (const [lang, text] of [['fr', 'Aller au contenu'], ['en', 'Skip to content']]) {
    const { ctx, page, errors } = await open(lang, 390, 'agent');
    await page.goto(`${srv.url}/#/ticket/${ticket.id}`);
    await page.reload(); // the keyboard starts from the top of a freshly loaded page
    await page.waitForSelector('#fields-form');
    // first in the document's order of focusable elements
    assert.equal(await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex]').id), 'skip');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { id: a.id, text: a.textContent, visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0 };
    });
    assert.deepEqual(first, { id: 'skip', text, visible: true });
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.equal(new URL(page.url()).hash, `#/ticket/${ticket.id}`, 'the route stays');
    // the next Tab lands in the content, not in the top bar
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.getElementById('main').contains(document.activeElement)));
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});

test('suggestion cards are reached with Tab, selected with Enter, accepted with Space, with a visible ring', async () => {
  const { ctx, page, errors } = await open('en', 1400, 'agent');
  await page.goto(`${srv.url}/#/ticket/${ticket.id}`);
  await page.reload();
  await page.waitForSelector('#suggestions .sg-head');
  // Tab from the top of the page until a suggestion's head has the focus
  let field = null;
  for (let i = 0; i < 40 && !field; i++) {
    await page.keyboard.press('Tab');
    field = await page.evaluate(() => (document.activeElement.classList.contains('sg-head')
      ? document.activeElement.closest('.suggestion').dataset.field : null));
  }
  assert.ok(field, 'a suggestion takes the keyboard focus');
  const ring = () => page.evaluate(() => {
    const card = document.activeElement.closest('.suggestion');
    const s = getComputedStyle(card);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
  assert.ok(await ring(), 'the focused card shows a ring');
  // the open suggestions, in order; Tab moves on to the next one's head
  const undecided = await page.$$eval('.suggestion', (bs) => bs.filter((b) => b.querySelector('.sg-actions')).map((b) => b.dataset.field));
  assert.ok(undecided.length >= 1, 'a suggestion is still open');
  const target = undecided[0];
  while (field !== target) {
    await page.keyboard.press('Tab');
    field = await page.evaluate(() => document.activeElement.closest('.suggestion')?.dataset.field || null);
  }
  await page.evaluate((f) => document.getElementById('sugg-pick-' + f).focus(), target);
  // Enter selects it: pressed, and its words light up in the ticket's text
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(`#sugg-pick-${target}`, 'aria-pressed'), 'true');
  assert.equal(await page.locator('.sg-head[aria-pressed="true"]').count(), 1);
  assert.ok(await page.locator('#ticket-title-text mark, #ticket-desc mark').count() > 0);
  // Tab reaches Accept; Space accepts; the keyboard stays on that card
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), `sugg-accept-${target}`);
  assert.ok(await ring(), 'the ring stays around the card on its buttons');
  await page.keyboard.press('Space');
  await page.waitForSelector(`.suggestion[data-field="${target}"][data-state="accepted"]`);
  await page.waitForFunction((f) => document.activeElement && document.activeElement.id === 'sugg-pick-' + f, target);
  assert.equal(await page.getAttribute(`#sugg-pick-${target}`, 'aria-pressed'), 'true', 'still the selected one');
  await page.screenshot({ path: path.join(SHOTS, 'suggestion-keyboard.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});
