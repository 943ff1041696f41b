// Browser test of the Settings page in Debian's Chromium, in French and
// English, at 1400 and 390 px: every setting of the server is there, in its
// group, with a label and help in the reader's language; a value the
// server refuses is said beside its input in that language and nothing is
// saved; a good one is saved and audited; "reset to default" brings the
// default back.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, admin;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const T = {
  fr: { h1: 'Réglages', sla: 'Niveaux de service (SLA)', p1: 'Résolution P1 (heures)', range: 'Saisissez un nombre entier de 1 à 8\u202f760.',
    int: 'Saisissez un nombre entier.', none: 'Choisissez au moins un champ.', help: 'Heures ouvrées pour résoudre un ticket P1 (celles du calendrier ouvré).', saved: 'Réglages enregistrés' },
  en: { h1: 'Settings', sla: 'Service levels (SLA)', p1: 'P1 resolution (hours)', range: 'Enter a whole number from 1 to 8,760.',
    int: 'Enter a whole number.', none: 'Choose at least one field.', help: 'Working hours to resolve a P1 ticket (the business calendar’s).', saved: 'Settings saved' },
};

const value = async (key) => (await admin('GET', '/api/v1/settings')).json[key].value;

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    test(`an admin edits the settings, a bad value refused in place (${lang}, ${width} px)`, async () => {
      const tx = T[lang];
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(10000);
      const errors = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 400/.test(m.text()) && !/\/auth\/me$/.test(m.location().url)) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
      await page.click('#nav-settings');
      await page.waitForSelector('form.settings-group[data-group="sla"]');
      assert.equal(await page.textContent('main h1'), tx.h1);
      // every setting of the server, in its group, labelled in the reader's language
      const all = (await admin('GET', '/api/v1/settings')).json;
      const shown = await page.$$eval('.setting[data-key]', (ds) => ds.map((d) => d.dataset.key));
      assert.deepEqual(shown.slice().sort(), Object.keys(all).sort());
      assert.deepEqual(await page.$$eval('form.settings-group', (fs) => fs.map((f) => f.dataset.group)),
        ['triage', 'duplicates', 'sla', 'calendar', 'auth', 'limits']);
      // a setting this page has no text for yet shows its key and the server's help, and no missing text is reported
      for (const k of shown) {
        const [label, helpText] = await page.$eval(`.setting[data-key="${k}"]`, (d) =>
          [(d.querySelector('label, legend') || {}).textContent, d.querySelector('.set-help').textContent]);
        assert.ok(label, k);
        if (label === k) assert.equal(helpText, all[k].help, k);
      }
      assert.equal(await page.textContent('form[data-group="sla"] h2'), tx.sla);
      assert.equal(await page.textContent('label[for="set-sla-p1_hours"]'), tx.p1);
      assert.equal(await page.textContent('#set-sla-p1_hours-help'), tx.help);
      assert.equal(await page.getAttribute('#set-sla-p1_hours', 'aria-describedby'), 'set-sla-p1_hours-help');
      assert.equal(await page.inputValue('#set-sla-p1_hours'), '4');

      // out of range: the server refuses, said beside the input in the reader's words
      await page.fill('#set-sla-p1_hours', '0');
      const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PUT');
      await page.click('#settings-save-sla');
      assert.equal((await refused).status(), 400);
      await page.waitForSelector('#set-sla-p1_hours-error');
      assert.equal(await page.textContent('#set-sla-p1_hours-error'), tx.range);
      assert.equal(await page.getAttribute('#set-sla-p1_hours', 'aria-invalid'), 'true');
      assert.equal(await value('sla.p1_hours'), 4, 'nothing saved');
      await page.screenshot({ path: path.join(SHOTS, `settings-refused-${lang}-${width}.png`), fullPage: true });
      // not a whole number: said before anything is sent
      await page.fill('#set-sla-p1_hours', '1.5');
      await page.click('#settings-save-sla');
      await page.waitForFunction((want) => (document.getElementById('set-sla-p1_hours-error') || {}).textContent === want, tx.int);
      // no field left to learn: the server refuses, said beside the list
      for (const f of ['category', 'group', 'urgency']) await page.uncheck(`#set-triage-fields-${f}`);
      await page.click('#settings-save-triage');
      await page.waitForSelector('#set-triage-fields-error');
      assert.equal(await page.textContent('#set-triage-fields-error'), tx.none);
      assert.equal(await value('triage.fields'), 'category,group,urgency');
      await page.check('#set-triage-fields-category');

      // a good value: saved, audited, no longer marked as typed
      await page.fill('#set-sla-p1_hours', '2');
      assert.match(await page.getAttribute('#set-sla-p1_hours', 'class'), /\bdraft\b/);
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PUT');
      await page.click('#settings-save-sla');
      assert.equal((await saved).status(), 200);
      await page.waitForFunction(() => !document.getElementById('set-sla-p1_hours').classList.contains('draft'));
      assert.equal(await page.$('#set-sla-p1_hours-error'), null);
      assert.equal(await value('sla.p1_hours'), 2);
      assert.equal(await page.textContent('#toast'), tx.saved);
      const audit = (await admin('GET', '/api/v1/audit?action=settings.update&limit=1')).json.items[0];
      assert.deepEqual(audit.detail, { 'sla.p1_hours': ['4', '2'] });
      await page.screenshot({ path: path.join(SHOTS, `settings-${lang}-${width}.png`), fullPage: true });
      // back to the default: the reset button of a value that differs from it
      assert.equal(await page.isVisible('.setting[data-key="sla.p2_hours"] .set-reset'), false, 'at its default: no reset');
      await page.click('.setting[data-key="sla.p1_hours"] .set-reset');
      assert.equal(await page.inputValue('#set-sla-p1_hours'), '4');
      await page.click('#settings-save-sla');
      await page.waitForFunction(() => !document.getElementById('set-sla-p1_hours').classList.contains('draft'));
      assert.equal(await value('sla.p1_hours'), 4);
      assert.equal(await page.isVisible('.setting[data-key="sla.p1_hours"] .set-reset'), false);
      // the triage group, changed and not saved, left the stored value alone
      assert.equal(await value('triage.fields'), 'category,group,urgency');
      // on a phone nothing scrolls sideways
      const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
      assert.ok(fit.scroll <= fit.vw, JSON.stringify(fit));
      assert.equal(await page.evaluate(() => document.documentElement.dataset.i18nMissing || ''), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}

test('agents have no Settings link and its route sends them home', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  assert.equal(await page.$('#nav-settings'), null);
  await page.goto(srv.url + '/#/settings');
  await page.waitForFunction(() => location.hash === '#/queue');
  await ctx.close();
});
