// Browser test of the managed lists, in French and English, at 1400 and
// 390 px: an admin adds a category with its two labels, renames one,
// retires one and merges a typo into the right entry on the Lists page;
// agents and requesters read every category in their own language (the
// queue, the ticket, the form's choices, the history).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, admin, ids = {};

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  for (const [kind, name, fr, en] of [['category', 'Network', 'Réseau', 'Network'], ['category', 'Hardware', 'Matériel', 'Hardware'],
    ['category', 'Netwrok', '', ''], ['service', 'VPN', 'VPN', 'VPN'], ['ci', 'vpn-gw-01', '', '']]) {
    const r = await admin('POST', `/api/v1/catalog/${kind}`, { name, label_fr: fr, label_en: en });
    assert.equal(r.status, 201, r.text);
    ids[name] = r.json.id;
  }
  const alice = client(srv.url, env.accounts.alice.token);
  ids.ticket = (await alice('POST', '/api/v1/tickets', { title: 'VPN coupé', category: 'Network' })).json.id;
  ids.typo = (await alice('POST', '/api/v1/tickets', { title: 'Wi-Fi lent', category: 'Netwrok' })).json.id;
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open(locale, width, who) {
  const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
  return { ctx, page, errors };
}
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

for (const [locale, lang, width] of [['fr-FR', 'fr', 1400], ['en-GB', 'en', 390]]) {
  test(`an admin manages the categories on the Lists page (${lang}, ${width} px)`, async () => {
    const { ctx, page, errors } = await open(locale, width, 'admin');
    await page.goto(`${srv.url}/#/lists?kind=category`);
    await page.waitForSelector(`tr[data-name="Network"]`);
    assert.equal(await page.getAttribute('#tab-category', 'aria-current'), 'page');
    // a new category, with its two labels, from the top of the page
    const name = `Printing-${lang}`;
    await page.fill('#list-name', name);
    await page.fill('#list-fr', 'Impression');
    await page.fill('#list-en', 'Printing');
    await page.click('#list-add');
    await page.waitForSelector(`tr[data-name="${name}"]`);
    // a refused entry says why, in place
    await page.fill('#list-name', 'network');
    await page.click('#list-add');
    await page.waitForFunction(() => document.getElementById('list-new-error').textContent.length > 0);
    assert.match(await page.textContent('#list-new-error'), /network/);
    // renaming: a new label
    await page.fill(`#fr-${ids.Hardware}`, lang === 'fr' ? 'Matériel informatique' : 'Matériel');
    await page.click(`#save-${ids.Hardware}`);
    for (let i = 0; i < 50; i++) {
      const e = (await admin('GET', '/api/v1/catalog/category?q=Hardware')).json.items[0];
      if (e.label_fr === (lang === 'fr' ? 'Matériel informatique' : 'Matériel')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // retiring: gone from the entries on offer, back with "show retired"
    const id = (await admin('GET', '/api/v1/catalog/category?q=' + name)).json.items[0].id;
    await page.click(`#toggle-${id}`);
    await page.waitForSelector(`tr[data-name="${name}"]`, { state: 'detached' });
    await page.check('#list-retired');
    await page.click('#list-filter');
    await page.waitForSelector(`tr[data-name="${name}"] .badge.retired`);
    assert.equal((await page.textContent(`tr[data-name="${name}"] .badge`)).trim(), lang === 'fr' ? 'retirée' : 'retired');
    assert.ok(await noSideScroll(page), 'nothing wider than the screen');
    await page.screenshot({ path: path.join(SHOTS, `lists-${lang}-${width}.png`), fullPage: true });
    await page.goto(`${srv.url}/#/lists?kind=ci`);
    await page.waitForSelector('tr[data-name="vpn-gw-01"]');
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

test('a typo merged into the right category moves its tickets (fr)', async () => {
  const { ctx, page, errors } = await open('fr-FR', 1400, 'admin');
  await page.goto(`${srv.url}/#/lists?kind=category`);
  await page.waitForSelector(`#merge-${ids.Netwrok}`);
  await page.selectOption(`#merge-${ids.Netwrok}`, 'Network');
  await page.click(`#merge-btn-${ids.Netwrok}`);
  await page.waitForFunction(() => /1 tickets déplacés/.test(document.getElementById('toast').textContent));
  assert.equal((await admin('GET', `/api/v1/tickets/${ids.typo}`)).json.category, 'Network');
  assert.deepEqual(errors, []);
  await ctx.close();
});

for (const [locale, lang, label, other] of [['fr-FR', 'fr', 'Réseau', 'Matériel'], ['en-GB', 'en', 'Network', 'Hardware']]) {
  test(`categories read in the reader's language: queue, ticket, form, history (${lang})`, async () => {
    const { ctx, page, errors } = await open(locale, 1400, 'agent');
    await page.goto(`${srv.url}/#/queue`);
    await page.waitForSelector(`tr.ticket[data-id="${ids.ticket}"]`);
    assert.match(await page.textContent(`tr.ticket[data-id="${ids.ticket}"] td[data-label]`), new RegExp(label));
    await page.goto(`${srv.url}/#/ticket/${ids.ticket}`);
    await page.waitForSelector('#f-category');
    const options = await page.$$eval('#f-category option', (os) => os.map((o) => o.textContent));
    assert.ok(options.some((o) => o.startsWith(label)) && options.some((o) => o.startsWith(other)), options.join('|'));
    assert.ok(!options.includes('Netwrok'), 'a merged entry is not offered');
    await page.selectOption('#f-category', 'Hardware');
    await page.click('#fields-save');
    await page.waitForFunction((o) => [...document.querySelectorAll('#history .event')].some((e) => e.textContent.includes(o)), other);
    const history = (await page.locator('#history .event').allTextContents()).join('\n');
    assert.ok(history.includes(label) && history.includes(other), history);
    assert.ok(!/\bHardware\b/.test(history) || lang === 'en', 'the French history names no English key');
    // back as it was, for the other language's run
    await admin('PATCH', `/api/v1/tickets/${ids.ticket}`, { category: 'Network' });
    await ctx.close();
    const rq = await open(locale, 390, 'alice');
    await rq.page.goto(`${srv.url}/#/ticket/${ids.ticket}`);
    await rq.page.waitForSelector('#ticket-title');
    assert.match(await rq.page.textContent('main'), new RegExp(label));
    await rq.page.screenshot({ path: path.join(SHOTS, `lists-requester-${lang}.png`), fullPage: true });
    assert.deepEqual([...errors, ...rq.errors], []);
    await rq.ctx.close();
  });
}
