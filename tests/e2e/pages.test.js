// Browser test of the router and the translations: every page, opened
// through its route as the role that sees it, in French and in English,
// shows its own heading and texts in that language, with no console error
// and no missing translation key; the pickers search users on the server.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, ticketId, adminId;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  const admin = client(srv.url, env.accounts.admin.token);
  // enough users for the Users & groups page to need a second page
  for (let i = 0; i < 60; i++) {
    const r = await admin('POST', '/api/v1/users',
      { email: `user${String(i).padStart(2, '0')}@many.example`, name: `Many User ${i}`, role: 'requester' });
    assert.equal(r.status, 201, r.text);
  }
  adminId = (await admin('GET', '/api/v1/users?q=admin@test')).json.items[0].id;
  const alice = client(srv.url, env.accounts.alice.token);
  const tk = await alice('POST', '/api/v1/tickets', { title: 'Écran noir au démarrage', description: 'Depuis ce matin.' });
  assert.equal(tk.status, 201, tk.text);
  ticketId = tk.json.id;
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// A page in a fresh browser of that language, which records every console
// error and uncaught exception.
async function open(locale) {
  const ctx = await browser.newContext({ locale });
  const page = await ctx.newPage();
  const errors = [];
  // the signed-out probe of /auth/me answers 401 by design; nothing else may fail
  page.on('console', (m) => {
    if (m.type() === 'error' && !/\/api\/v1\/auth\/me$/.test(m.location().url)) errors.push(m.text() + ' ' + m.location().url);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, page, errors };
}

// Opens hash and waits until selector holds text (a string or a RegExp).
async function expectPage(page, hash, selector, text) {
  await page.goto(srv.url + '/' + hash);
  await page.waitForFunction(([sel, src, flags]) => {
    const re = new RegExp(src, flags);
    return [...document.querySelectorAll(sel)].some((e) => re.test(e.textContent));
  }, [selector, text.source, text.flags], { timeout: 10000 }).catch(async () => {
    const seen = await page.$$eval(selector, (es) => es.map((e) => e.textContent)).catch(() => []);
    assert.fail(`${hash}: no ${selector} matching ${text} (found ${JSON.stringify(seen)}, at ${page.url()})`);
  });
}

async function noMissingKeys(page, where) {
  const missing = await page.evaluate(() => document.documentElement.dataset.i18nMissing || '');
  assert.equal(missing, '', `${where}: missing translation keys`);
}

const PAGES = {
  requester: [
    ['#/mine', 'h1', { fr: /^Mes tickets$/, en: /^My tickets$/ }],
    ['#/new', 'h1', { fr: /^Nouveau ticket$/, en: /^New ticket$/ }],
    ['#/ticket/ID', 'main h2', { fr: /^Échanges$/, en: /^Conversation$/ }],
    ['#/account', 'h1', { fr: /^Mon compte$/, en: /^My account$/ }],
    ['#/kb', 'main h1', { fr: /^Articles d’aide$/, en: /^Help articles$/ }],
  ],
  agent: [
    ['#/queue', 'h1', { fr: /^File des tickets$/, en: /^Ticket queue$/ }],
    ['#/dashboard', 'h1', { fr: /^Tableau de bord$/, en: /^Dashboard$/ }],
    ['#/new', 'label[for=requester]', { fr: /^Pour le demandeur/, en: /^On behalf of/ }],
    ['#/ticket/ID', '#fields-form h2', { fr: /^Détails$/, en: /^Details$/ }],
    ['#/account', '#tokens h2', { fr: /^Jetons d’API$/, en: /^API tokens$/ }],
    ['#/macros', 'main h1', { fr: /^Macros$/, en: /^Macros$/ }],
    ['#/kb', 'main h1', { fr: /^Base de connaissances$/, en: /^Knowledge base$/ }],
    ['#/kb/new', 'main h1', { fr: /^Nouvel article$/, en: /^New article$/ }],
  ],
  admin: [
    ['#/models', 'h1', { fr: /^Modèles$/, en: /^Models$/ }],
    ['#/people', 'main h1', { fr: /^Utilisateurs$/, en: /^Users$/ }],
    ['#/people/ADMIN', '#user-profile h2', { fr: /^Profil$/, en: /^Profile$/ }],
    ['#/groups', 'main h1', { fr: /^Groupes$/, en: /^Groups$/ }],
    ['#/settings', 'main h1', { fr: /^Réglages$/, en: /^Settings$/ }],
    ['#/jobs', 'h1', { fr: /^Tâches de fond$/, en: /^Jobs$/ }],
    ['#/quality', 'h1', { fr: /^Qualité des données$/, en: /^Data quality$/ }],
    ['#/audit', 'h1', { fr: /^Journal d’audit$/, en: /^Audit log$/ }],
    ['#/lists', 'h1', { fr: /^Catégories, services et éléments de configuration$/, en: /^Categories, services and configuration items$/ }],
    ['#/account', '#pw-form h2', { fr: /^Mot de passe$/, en: /^Password$/ }],
    ['#/macros', '#macros-shared, main h2', { fr: /^Macros partagées$/, en: /^Shared macros$/ }],
    ['#/templates', 'main h1', { fr: /^Formulaires de demande$/, en: /^Request templates$/ }],
  ],
};
const LOGIN = { requester: 'alice', agent: 'agent', admin: 'admin' };
const NAV = {
  fr: { 'nav-mine': 'Mes tickets', 'nav-new': 'Nouveau ticket', 'nav-queue': 'File des tickets', 'nav-dashboard': 'Tableau de bord', 'nav-models': 'Modèles', 'nav-people': 'Utilisateurs et groupes', 'nav-settings': 'Réglages', 'nav-quality': 'Qualité des données', 'nav-jobs': 'Tâches de fond', 'nav-audit': 'Journal d’audit', 'nav-lists': 'Listes', 'nav-macros': 'Macros', 'nav-templates': 'Formulaires', 'nav-kb': 'Base de connaissances', 'nav-help': 'Articles d’aide' },
  en: { 'nav-mine': 'My tickets', 'nav-new': 'New ticket', 'nav-queue': 'Ticket queue', 'nav-dashboard': 'Dashboard', 'nav-models': 'Models', 'nav-people': 'Users & groups', 'nav-settings': 'Settings', 'nav-quality': 'Data quality', 'nav-jobs': 'Jobs', 'nav-audit': 'Audit log', 'nav-lists': 'Lists', 'nav-macros': 'Macros', 'nav-templates': 'Templates', 'nav-kb': 'Knowledge base', 'nav-help': 'Help articles' },
};
const NAV_OF = { requester: ['nav-mine', 'nav-new', 'nav-help'], agent: ['nav-queue', 'nav-dashboard', 'nav-new', 'nav-kb', 'nav-quality', 'nav-macros'], admin: ['nav-queue', 'nav-dashboard', 'nav-new', 'nav-kb', 'nav-models', 'nav-people', 'nav-settings', 'nav-quality', 'nav-jobs', 'nav-audit', 'nav-lists', 'nav-macros', 'nav-templates'] };

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  test(`every page through the router, in ${lang === 'fr' ? 'French' : 'English'}`, async () => {
    // signed out: the login page, whatever route was asked for
    const anon = await open(locale);
    await expectPage(anon.page, '#/queue', '#login-form h1', lang === 'fr' ? /^Connexion$/ : /^Sign in$/);
    assert.match(anon.page.url(), /#\/login$/);
    await noMissingKeys(anon.page, 'login');
    assert.deepEqual(anon.errors, []);
    await anon.ctx.close();
    for (const role of ['requester', 'agent', 'admin']) {
      const { ctx, page, errors } = await open(locale);
      const who = env.accounts[LOGIN[role]];
      await uiLogin(page, srv.url, who.email, who.password);
      // the top bar holds this role's links, in this language
      const links = await page.$$eval('#nav a', (as) => as.map((a) => [a.id, a.textContent]));
      assert.deepEqual(links, NAV_OF[role].map((id) => [id, NAV[lang][id]]), role);
      for (const [hash, sel, text] of PAGES[role]) {
        const h = hash.replace('ADMIN', String(adminId)).replace('ID', String(ticketId));
        await expectPage(page, h, sel, text[lang]);
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        await noMissingKeys(page, `${role} ${h}`);
      }
      // a route above the role sends the user home instead
      if (role !== 'admin') {
        await page.goto(srv.url + '/#/people');
        await page.waitForFunction((home) => location.hash === home, role === 'agent' ? '#/queue' : '#/mine');
      }
      assert.deepEqual(errors, [], `${role}: console errors`);
      await ctx.close();
    }
  });
}

// On a phone (390 px wide) no page scrolls sideways and every control is
// within the screen (a wide table becomes one card per row); the top bar
// keeps the brand and "Sign out" on one line; the ticket page shows its
// side cards before the history.
for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  test(`every page fits a phone's width, in ${lang === 'fr' ? 'French' : 'English'}`, async () => {
    for (const role of ['requester', 'agent', 'admin']) {
      const ctx = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const who = env.accounts[LOGIN[role]];
      await uiLogin(page, srv.url, who.email, who.password);
      for (const [hash, sel, text] of PAGES[role]) {
        const h = hash.replace('ADMIN', String(adminId)).replace('ID', String(ticketId));
        await expectPage(page, h, sel, text[lang]);
        await page.waitForTimeout(200);
        const fit = await page.evaluate(() => {
          const vw = document.documentElement.clientWidth;
          const out = [...document.querySelectorAll('button, select, input, textarea, a')].filter((e) => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > vw + 1 || r.left < -1);
          }).map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id} ${e.textContent.trim().slice(0, 20)}`);
          const top = (id) => document.getElementById(id).getBoundingClientRect().top;
          return { scroll: document.documentElement.scrollWidth, vw, out: out.slice(0, 5),
            barLine: Math.abs(top('logout') - document.querySelector('.brand').getBoundingClientRect().top) < 20 };
        });
        assert.ok(fit.scroll <= fit.vw, `${role} ${h} (${lang}): the page is ${fit.scroll} px wide on a ${fit.vw} px screen`);
        assert.deepEqual(fit.out, [], `${role} ${h} (${lang}): controls beyond the screen's edge`);
        assert.ok(fit.barLine, `${role} ${h} (${lang}): "Sign out" on the brand's line`);
        if (hash === '#/ticket/ID') {
          const [side, hist] = await page.evaluate(() => ['ticket-side', 'history'].map((id) =>
            document.getElementById(id).getBoundingClientRect().top));
          assert.ok(side < hist, `${role} (${lang}): the side cards come before the history on one column`);
        }
      }
      await page.screenshot({ path: path.join(SHOTS, `phone-${role}-${lang}.png`), fullPage: true });
      assert.deepEqual(errors, [], `${role}: page errors`);
      await ctx.close();
    }
  });
}

test('both dictionaries have the same keys', async () => {
  const { ctx, page } = await open('en-GB');
  await page.goto(srv.url + '/');
  const [fr, en] = await page.evaluate(async () => [
    Object.keys((await import('/js/i18n/fr.js')).default).sort(),
    Object.keys((await import('/js/i18n/en.js')).default).sort()]);
  assert.ok(en.length > 100);
  assert.deepEqual(fr.filter((k) => !en.includes(k)), [], 'keys only in French');
  assert.deepEqual(en.filter((k) => !fr.includes(k)), [], 'keys only in English');
  await ctx.close();
});

test('modules are served with the JavaScript type; unknown paths are 404', async () => {
  for (const p of ['/js/main.js', '/js/lib/dom.js', '/js/pages/ticket.js', '/js/i18n/fr.js']) {
    const r = await fetch(srv.url + p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), /^text\/javascript/, p);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  }
  const html = await (await fetch(srv.url + '/')).text();
  assert.match(html, /<script type="module" src="\/js\/main\.js"><\/script>/);
  for (const p of ['/js/lib/nope.js', '/dom.js', '/js/', '/js', '/web/js/main.js', '/js/lib/dom.js/'])
    assert.equal((await fetch(srv.url + p)).status, 404, p);
});

test('the pickers and the Users page search users on the server, page by page', async () => {
  const { ctx, page, errors } = await open('en-GB');
  const userCalls = [];
  page.on('request', (r) => { if (/\/api\/v1\/users(\?|$)/.test(r.url())) userCalls.push(new URL(r.url()).search); });
  await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
  await page.click('#nav-people');
  await page.waitForSelector('#user-rows tr.user');
  assert.equal(await page.locator('tr.user').count(), 50, 'one page of 50');
  await page.click('#user-more-btn');
  await page.waitForFunction(() => document.querySelectorAll('tr.user').length === 64);
  assert.equal(await page.locator('#user-more-btn').count(), 0, 'nothing more after the last page');
  const emails = await page.$$eval('tr.user', (trs) => trs.map((tr) => tr.dataset.email));
  assert.equal(new Set(emails).size, 64, 'no user twice');
  // a search the server answers, case ignored
  await page.fill('#user-filter', 'MANY USER 59');
  await page.waitForFunction(() => document.querySelectorAll('tr.user').length === 1);
  assert.equal(await page.textContent('tr.user td'), 'Many User 59');
  assert.ok(userCalls.some((q) => /[?&]q=MANY\+USER\+59/.test(q)), JSON.stringify(userCalls));
  await page.screenshot({ path: path.join(SHOTS, 'admin-people-search.png'), fullPage: true });
  // the agent's requester picker proposes matching people as she types
  await page.click('#nav-new');
  await page.fill('#requester', 'user4');
  await page.waitForFunction(() => document.querySelectorAll('#people option').length > 0);
  const offered = await page.$$eval('#people option', (os) => os.map((o) => o.value));
  assert.ok(offered.length <= 10 && offered.every((v) => v.startsWith('user4')), JSON.stringify(offered));
  assert.ok(offered.includes('user42@many.example'));
  // no request asked for every user: each had a limit
  assert.ok(userCalls.length > 0);
  for (const q of userCalls) assert.match(q, /[?&]limit=\d+/, q);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a page whose answers come late never draws over the page the user moved on to', async () => {
  const { ctx, page, errors } = await open('en-GB');
  await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  let release;
  const held = new Promise((res) => { release = res; });
  await page.route(`**/api/v1/tickets/${ticketId}`, async (r) => { await held; await r.continue(); });
  await page.evaluate((id) => { location.hash = '#/ticket/' + id; }, ticketId);
  await page.waitForTimeout(300); // the ticket page is waiting for its ticket
  await page.evaluate(() => { location.hash = '#/new'; });
  await page.waitForSelector('#new-form');
  release();
  await page.waitForResponse((r) => r.url().endsWith(`/api/v1/tickets/${ticketId}`));
  await page.waitForTimeout(800); // time for the late page to draw, if it would
  assert.equal(await page.locator('#new-form').count(), 1);
  assert.equal(await page.locator('#ticket-title').count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
