// Browser test of the Data quality page in Debian's Chromium: on a demo
// desk where an agent filed clear VPN tickets under Printing, the report
// lists them as probable mislabels with Network as the fix; an admin ticks
// two and relabels them at once, and finds the change in each ticket's
// history under her name; an agent keeps one label, which the next report
// no longer flags. In French and English, at 1400 and 390 px: the page
// reads in the language, fits the phone, and axe finds nothing serious.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client, launchBrowser, uiLogin, axeViolations, SHOTS } = require('../lib/harness');

let db, srv, browser, agent, admin;
const spoiled = []; // every ticket moved; those the report flags, in its order
let flagged;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-quality-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '600', '--seed', '5']);
  srv = await startServer(db);
  agent = client(srv.url, cli(db, ['token', 'create', '--email', 'agent@relais.demo']));
  admin = client(srv.url, cli(db, ['token', 'create', '--email', 'admin@relais.demo']));
  const net = (await agent('GET', '/api/v1/tickets?category=Network&limit=100')).json.items.filter((t) => /vpn/i.test(t.title));
  for (const t of net.slice(0, 8)) {
    const r = await agent('PATCH', `/api/v1/tickets/${t.id}`, { category: 'Printing', version: t.version });
    assert.equal(r.status, 200, r.text);
    spoiled.push(t.id);
  }
  cli(db, ['quality']); // the report, as the daily job makes it
  const r = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=200');
  // the moved tickets the report flags with their true label as the fix (the
  // demo's period ends today, so which ones varies from day to day)
  flagged = r.json.findings.filter((f) => spoiled.includes(f.tickets[0].id) && f.suggest === 'Network').map((f) => f.tickets[0].id);
  assert.ok(flagged.length >= 5, `${flagged.length} of ${spoiled.length} moved labels flagged with Network as the fix`);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const T = {
  fr: { title: 'Qualité des données', kind: /^Étiquettes probablement fausses/, relabel: 'Réétiqueter en Réseau', changed: /a changé la catégorie d’Impression à Réseau/ },
  en: { title: 'Data quality', kind: /^Probable mislabels/, relabel: 'Relabel as Network', changed: /changed (the )?category from Printing to Network/i },
};

// Two of the four runs fix a pair (there are five flagged tickets or more to go
// round); the others read the page, tick and check it as well.
let round = 0;
for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    const fixes = (lang === 'fr') === (width === 1400);
    test(`an admin ${fixes ? 'relabels two probable mislabels at once and finds them in the history' : 'reads the report and ticks the fixes'} (${lang}, ${width} px)`, async () => {
      const tx = T[lang];
      const pair = flagged.slice(round * 2, round * 2 + 2);
      if (fixes) round++;
      const ctx = await browser.newContext({ locale, bypassCSP: true, viewport: { width, height: 900 } }); // axe is injected
      const page = await ctx.newPage();
      page.setDefaultTimeout(10000);
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await uiLogin(page, srv.url, 'admin@relais.demo', 'relais-admin');
      await page.selectOption('#lang', lang);
      await page.click('#nav-quality');
      await page.waitForSelector('#q-list-mislabel');
      assert.equal(await page.textContent('h1'), tx.title);
      assert.match(await page.textContent('#q-h-mislabel'), tx.kind);
      for (const id of pair) {
        const row = `#q-list-mislabel li[data-ticket="${id}"]`;
        if (!(await page.locator(row).count())) { // beyond the first page
          await page.click('#q-more-mislabel');
          await page.waitForSelector(row);
        }
        assert.equal((await page.textContent(`${row} .q-relabel`)).trim(), tx.relabel);
        await page.check(`${row} .q-pick`);
      }
      assert.deepEqual(await axeViolations(page), []);
      const fit = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.ok(fit, 'nothing scrolls sideways');
      await page.screenshot({ path: path.join(SHOTS, `quality-${lang}-${width}.png`), fullPage: false });
      if (!fixes) {
        assert.equal(await page.locator('.q-pick:checked').count(), 2);
        await ctx.close();
        return;
      }
      await page.click('#q-bulk-relabel');
      // the outcome is said, then the page draws itself again: the two show
      // their value now, without buttons (when still on its first page)
      await page.waitForFunction(() => /2/.test(document.getElementById('toast').textContent));
      await page.waitForFunction((ids) => ids.every((id) => {
        const li = document.querySelector(`#q-list-mislabel li[data-ticket="${id}"]`);
        return !li || li.querySelector('.q-now');
      }), pair);
      for (const id of pair) {
        const row = `#q-list-mislabel li[data-ticket="${id}"]`;
        if (await page.locator(row).count()) {
          await page.waitForSelector(`${row} .q-now`);
          assert.equal(await page.locator(`${row} .q-relabel`).count(), 0);
        }
        assert.equal((await admin('GET', `/api/v1/tickets/${id}`)).json.category, 'Network');
      }
      // the history of each names the admin and the change
      await page.goto(`${srv.url}/#/ticket/${pair[0]}`);
      await page.waitForSelector('#history .event[data-field="category"]');
      const ev = (await page.locator('#history .event[data-field="category"]').last().textContent());
      assert.match(ev, /Admin Relais/);
      assert.match(ev, tx.changed);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.i18nMissing || ''), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}

test('an agent keeps one label: it is in the history and the next report does not flag it', async () => {
  const id = flagged[4];
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  await uiLogin(page, srv.url, 'agent@relais.demo', 'relais-agent');
  await page.selectOption('#lang', 'en');
  await page.goto(`${srv.url}/#/quality?field=category`);
  await page.waitForSelector('#q-list-mislabel');
  assert.equal(await page.locator('#q-bulk').count(), 0, 'agents fix one ticket at a time');
  assert.equal(await page.locator('#q-run').count(), 0);
  const row = `#q-list-mislabel li[data-ticket="${id}"]`;
  while (!(await page.locator(row).count())) {
    await page.click('#q-more-mislabel');
    await page.waitForTimeout(200);
  }
  await page.click(`${row} .q-keep`);
  await page.waitForSelector(`${row} .q-now, #q-list-mislabel:not(:has(li[data-ticket="${id}"]))`);
  const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
  assert.ok(h.some((e) => e.field === 'label_confirmed' && e.new_value === 'Printing'), JSON.stringify(h.slice(-3)));
  cli(db, ['quality', '--field', 'category']);
  const r = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=200');
  assert.ok(!r.json.findings.some((f) => f.tickets.some((t) => t.id === id)));
  await page.goto(`${srv.url}/#/ticket/${id}`);
  await page.waitForSelector('#history .event[data-field="label_confirmed"]');
  assert.match(await page.textContent('#history .event[data-field="label_confirmed"]'), /kept the label of Category: Printing/);
  await ctx.close();
});

test('an admin gives the tickets of a conflict one label, and keeps a group of duplicates', async () => {
  const r = await admin('GET', '/api/v1/quality?field=category&kind=conflict&limit=1');
  assert.ok(r.json.findings.length, 'the demo has texts filed under two categories');
  const ids = r.json.findings[0].tickets.map((t) => t.id);
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  await uiLogin(page, srv.url, 'admin@relais.demo', 'relais-admin');
  await page.selectOption('#lang', 'en');
  await page.goto(`${srv.url}/#/quality?field=category`);
  await page.waitForSelector('#q-list-conflict .q-one');
  const first = '#q-list-conflict li.q-group:first-child';
  const value = await page.$eval(`${first} .q-one-value`, (e) => e.value);
  await page.click(`${first} .q-one`);
  await page.waitForFunction(() => /relabelled/.test(document.body.textContent));
  for (const id of ids) assert.equal((await admin('GET', `/api/v1/tickets/${id}`)).json.category, value, `ticket ${id}`);
  // a group of duplicates: their labels kept, each in its history
  const dup = (await admin('GET', '/api/v1/quality?field=category&kind=duplicate&limit=1')).json.findings[0];
  await page.waitForSelector('#q-list-duplicate li.q-group:first-child .q-keep-all');
  await page.click('#q-list-duplicate li.q-group:first-child .q-keep-all');
  await page.waitForFunction(() => /label\(s\) kept/.test(document.body.textContent));
  for (const tk of dup.tickets) {
    const h = (await admin('GET', `/api/v1/tickets/${tk.id}/history`)).json.items;
    assert.ok(h.some((e) => e.field === 'label_confirmed' && e.new_value === tk.value && e.actor_name === 'Admin Relais'), `ticket ${tk.id}`);
  }
  await ctx.close();
});

test('an admin merges a class too rare to learn into the one its tickets resemble', async () => {
  const made = await admin('POST', '/api/v1/catalog/category', { name: 'Wifi', label_fr: 'Wi-Fi', label_en: 'Wi-Fi' });
  assert.equal(made.status, 201, made.text);
  const net = (await agent('GET', '/api/v1/tickets?category=Network&limit=100')).json.items.filter((t) => !spoiled.includes(t.id)).slice(0, 8);
  for (const t of net) assert.equal((await agent('PATCH', `/api/v1/tickets/${t.id}`, { category: 'Wifi', version: t.version })).status, 200);
  cli(db, ['quality', '--field', 'category']);
  const rare = (await admin('GET', '/api/v1/quality?field=category&kind=rare_class')).json.findings.find((f) => f.label === 'Wifi');
  assert.ok(rare && rare.suggest, JSON.stringify(rare));
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('dialog', (d) => d.accept());
  await uiLogin(page, srv.url, 'admin@relais.demo', 'relais-admin');
  await page.selectOption('#lang', 'en');
  await page.goto(`${srv.url}/#/quality?field=category`);
  await page.waitForSelector('#q-list-rare_class .q-merge');
  await page.click('#q-list-rare_class .q-merge');
  await page.waitForFunction(() => /merged into/.test(document.body.textContent));
  for (const t of net) assert.equal((await admin('GET', `/api/v1/tickets/${t.id}`)).json.category, rare.suggest);
  const wifi = (await admin('GET', '/api/v1/catalog/category?q=Wifi')).json.items.find((e) => e.name === 'Wifi');
  assert.equal(wifi.active, false, 'the rare class is retired');
  await ctx.close();
});
