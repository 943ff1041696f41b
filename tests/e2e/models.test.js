// Browser test of the Models page in Debian's Chromium, in French and
// English, at 1400 and 390 px, on the demo tickets trained twice: urgency
// classes read by their names; a class with many examples that is never
// applied is flagged in plain words; every version is listed with its
// figures, the active one marked; the confusion matrix of a version (and
// "not recorded" for one trained before they were stored); what agents did
// with the predictions, per week and per day; how the settings were
// chosen; and a roll-back to the older
// version that the server predicts with at once, then a promotion back.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let db, srv, browser, agent, admin;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-models-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '500', '--seed', '9']);
  cli(db, ['train']);
  cli(db, ['train', '--force']);
  // version 1 as a model trained before confusion matrices were stored
  execFileSync('sqlite3', [db, "UPDATE models SET metrics = json_remove(metrics, '$.confusion') WHERE version = 1"]);
  srv = await startServer(db);
  agent = client(srv.url, cli(db, ['token', 'create', '--email', 'agent@relais.demo']));
  admin = client(srv.url, cli(db, ['token', 'create', '--email', 'admin@relais.demo']));
  // this week's triage: urgency accepted twice, overridden once, the rest left as triage left it
  const made = [];
  for (const title of ['VPN coupé depuis ce matin', 'Imprimante bloquée', 'Mot de passe expiré', 'Écran noir', 'Outlook ne démarre plus'])
    made.push((await agent('POST', '/api/v1/tickets', { title, description: title })).json);
  for (const t of made.slice(0, 2)) assert.equal((await agent('POST', `/api/v1/tickets/${t.id}/suggestions/urgency/accept`)).status, 200);
  const u = made[2].suggestions.find((s) => s.field === 'urgency').value;
  assert.equal((await agent('POST', `/api/v1/tickets/${made[2].id}/suggestions/urgency/override`, { value: u === '1' ? 2 : 1 })).status, 200);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const T = {
  fr: { low: '3 · Basse', never: /^3 · Basse\u00a0: jamais appliqué automatiquement\. .*sur ses \d+ exemples/, rollback: 'Revenir à cette version',
    promote: 'Activer cette version', none: /^Non enregistrée pour cette version/, week: 'Semaine du', day: 'Jour' },
  en: { low: '3 · Low', never: /^3 · Low: never applied automatically\. .*on its \d+ examples/, rollback: 'Roll back to this version',
    promote: 'Activate this version', none: /^Not recorded for this version/, week: 'Week of', day: 'Day' },
};

const activeVersion = async (field) => (await admin('GET', '/api/v1/models')).json.models.find((m) => m.field === field && m.active).version;
const predictedWith = async (field) => (await agent('POST', '/api/v1/triage', { title: 'VPN coupé', description: 'tout le service' }))
  .json.predictions.find((p) => p.field === field).model_version;

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    test(`an admin reads the models, their versions and trend, and rolls back (${lang}, ${width} px)`, async () => {
      const tx = T[lang];
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(10000);
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error' && !/\/auth\/me$/.test(m.location().url)) errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await uiLogin(page, srv.url, 'admin@relais.demo', 'relais-admin');
      await page.selectOption('#lang', lang); // the demo admin's own language is French
      await page.click('#nav-models');
      await page.waitForSelector('.model[data-field="category"]');
      assert.deepEqual(await page.$$eval('nav.tabs a', (as) => as.map((a) => a.id)), ['m-tab-category', 'm-tab-group', 'm-tab-urgency']);
      await page.click('#m-tab-urgency');
      await page.waitForSelector('.model[data-field="urgency"] #m-trend');
      const card = '.model[data-field="urgency"]';

      // the classes by their names, and the one never applied flagged in words
      assert.match(await page.textContent(`${card} tr[data-class="3"] td.lead`), new RegExp('^' + tx.low));
      assert.match(await page.textContent(`${card} tr[data-class="1"] td.lead`), /^1 · (High|Haute)$/);
      assert.match((await page.textContent('#m-warnings li[data-class="3"]')).trim(), tx.never);
      assert.equal(await page.locator(`${card} tr[data-class="3"] .warn-badge`).count(), 1);
      assert.equal(await page.locator('#m-warnings li[data-class="1"]').count(), 0, 'a class applied half the time is fine');

      // the versions, newest first, the active one marked
      assert.deepEqual(await page.$$eval('#m-versions tbody tr', (trs) => trs.map((tr) => tr.dataset.version)), ['2', '1']);
      assert.equal(await page.locator('#m-versions tr[data-version="2"] .active-badge').count(), 1);
      assert.equal((await page.textContent('#m-versions tr[data-version="1"] button.m-activate')).trim(), tx.rollback);

      // the confusion matrix of the active version: its rows hold every example
      const v2 = (await admin('GET', '/api/v1/models')).json.models.find((m) => m.field === 'urgency' && m.version === 2);
      const cm = await page.$$eval('#m-confusion tbody tr', (trs) => trs.map((tr) =>
        [tr.dataset.class, [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/\D/g, '')))]));
      assert.deepEqual(cm.map(([c]) => c), v2.metrics.confusion.classes);
      assert.deepEqual(cm.map(([, row]) => row), v2.metrics.confusion.counts);
      assert.equal(await page.locator('#m-confusion td.cm-hit').count(), 3, 'the diagonal marked');
      assert.ok((await page.$$eval('#m-confusion thead th', (ths) => ths.map((th) => th.textContent))).includes(tx.low));
      // an older version trained before the matrix was stored says so
      await page.selectOption('#m-cm-version', '1');
      assert.match(await page.textContent('#m-cm-none'), tx.none);
      await page.selectOption('#m-cm-version', '2');
      await page.waitForSelector('#m-confusion');

      // how the settings were chosen: the chosen one in words, then the
      // settings tried, best first, the chosen one leading; all on demand
      assert.match(await page.textContent('#m-search-chosen'), lang === 'fr' ? /^Retenu\u00a0: Racinisation (Oui|Non) · Mots vides (retirés|gardés)/
        : /^Chosen: Stemming (Yes|No) · Stop words (dropped|kept)/);
      assert.equal(await page.locator('#m-search tbody tr').count(), 10);
      assert.equal(await page.locator('#m-search tbody tr:first-child.is-active').count(), 1);
      await page.click('#m-search-all');
      assert.equal(await page.locator('#m-search tbody tr').count(), v2.metrics.search.candidates.length);
      assert.equal(v2.metrics.search.candidates.length, 96);
      // C as written in the language (0,3 in French), never rounded away
      const cs = await page.$$eval('#m-search tbody tr td:nth-child(6)', (tds) => [...new Set(tds.map((td) => td.textContent.replace(/^C/, '')))].sort());
      assert.deepEqual(cs, lang === 'fr' ? ['0,1', '0,3', '1'] : ['0.1', '0.3', '1']);

      // the trend: this week's urgency predictions, two accepted and one overridden
      assert.equal(await page.textContent('#m-trend thead th'), tx.week);
      assert.equal(await page.locator('#m-trend tbody tr').count(), 12);
      const first = '#m-trend tbody tr:first-child';
      assert.equal(await page.textContent(`${first} .tr-accepted`), '2');
      assert.equal(await page.textContent(`${first} .tr-overridden`), '1');
      assert.match(await page.textContent(`${first} .tr-rate`), lang === 'fr' ? /^33\u00a0%$/ : /^33%$/);
      assert.match(await page.textContent(`${first} .tr-accuracy`), lang === 'fr' ? /^67\u00a0%$/ : /^67%$/);
      assert.match(await page.textContent(`${first} .tr-conf`), /^\d+\s?%$/);
      // the class overridden, what it became; too few tickets to speak of drift
      assert.equal(await page.locator('#m-overrides li').count(), 1);
      assert.match(await page.textContent('#m-overrides li'), lang === 'fr' ? /corrigée 1 fois, en/ : /overridden 1 times, to/);
      assert.match(await page.textContent('#m-drift'), lang === 'fr' ? /^Trop peu de tickets/ : /^Too few triaged tickets/);
      await page.selectOption('#m-trend-bucket', 'day');
      await page.waitForFunction(() => document.querySelectorAll('#m-trend tbody tr').length === 30);
      assert.equal(await page.textContent('#m-trend thead th'), tx.day);
      assert.equal(await page.textContent(`${first} .tr-accepted`), '2');
      const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
      assert.ok(fit.scroll <= fit.vw, `${lang} ${width}: ${JSON.stringify(fit)}`);
      await page.screenshot({ path: path.join(SHOTS, `models-urgency-${lang}-${width}.png`), fullPage: true });

      // roll back to version 1: the server predicts with it at once, and the audit log says who
      assert.equal(await predictedWith('urgency'), 2);
      await page.click('#m-versions tr[data-version="1"] button.m-activate');
      await page.waitForSelector('#m-versions tr[data-version="1"] .active-badge');
      assert.equal(await activeVersion('urgency'), 1);
      assert.equal(await predictedWith('urgency'), 1);
      const row = (await admin('GET', '/api/v1/audit?action=model.activate&limit=1')).json.items[0];
      assert.deepEqual([row.actor, row.detail], ['admin@relais.demo', { field: 'urgency', version: 1, previous_version: 2 }]);
      assert.equal(await page.locator('#m-cm-none').count(), 1, 'the matrix of the active version, not recorded for v1');
      await page.screenshot({ path: path.join(SHOTS, `models-rolled-back-${lang}-${width}.png`), fullPage: true });
      // and promoted back to version 2
      assert.equal((await page.textContent('#m-versions tr[data-version="2"] button.m-activate')).trim(), tx.promote);
      await page.click('#m-versions tr[data-version="2"] button.m-activate');
      await page.waitForSelector('#m-versions tr[data-version="2"] .active-badge');
      assert.equal(await predictedWith('urgency'), 2);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.i18nMissing || ''), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}

// The field-wide rule (class "") is saved from the page: "always suggest"
// for the whole group field, then back to the target precision.
test('an admin sets and resets the field-wide rule', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  await uiLogin(page, srv.url, 'admin@relais.demo', 'relais-admin');
  await page.goto(srv.url + '/#/models?field=group');
  const rule = '.model[data-field="group"] .th-mode[data-class=""]';
  await page.waitForSelector(rule);
  const rules = async () => (await admin('GET', '/api/v1/models')).json.thresholds.filter((x) => x.field === 'group' && x.class === '');
  for (const [mode, want] of [['never', { field: 'group', class: '', mode: 'never', target: null }],
    ['target', { field: 'group', class: '', mode: 'target', target: 0.95 }]]) {
    await page.selectOption(rule, mode);
    // the page draws itself again after a save: the next turn must act on the new controls
    await page.$eval(rule, (e) => { e.dataset.stale = '1'; });
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/models/group/thresholds'));
    await page.click('.model[data-field="group"] p .th-save');
    assert.equal((await saved).status(), 200);
    assert.deepEqual(await rules(), [want]);
    await page.waitForSelector(rule + ':not([data-stale])');
    assert.equal(await page.$eval(rule, (e) => e.value), mode);
  }
  await ctx.close();
});
