// Browser test in Debian's Chromium: two people change one ticket at once.
// The agent's form was drawn from an older version; saving it does not
// overwrite what the other one did: the page says who changed the ticket,
// shows it as it is now, and nothing of the stale form is written.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, addEntries, SHOTS } = require('../lib/harness');

let env, srv, browser;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Hardware', 'Network'] });
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

for (const [locale, pattern] of [['en-GB', /Admin changed this ticket while you were editing it/],
  ['fr-FR', /Admin a modifié ce ticket pendant que vous l’éditiez/]]) {
  test(`a stale save is refused and the ticket reloaded (${locale})`, async () => {
    const alice = client(srv.url, env.accounts.alice.token);
    const admin = client(srv.url, env.accounts.admin.token);
    const made = await alice('POST', '/api/v1/tickets', { title: 'Projector in room 4 flickers' });
    assert.equal(made.status, 201, made.text);
    const id = made.json.id;
    const ctx = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
    await page.goto(`${srv.url}/#/ticket/${id}`);
    await page.waitForSelector('#fields-form #f-category');
    // meanwhile, someone else sets the category
    const other = await admin('PATCH', `/api/v1/tickets/${id}`, { category: 'Hardware' });
    assert.equal(other.status, 200, other.text);
    await page.selectOption('#f-category', 'Network');
    await page.click('#fields-save');
    await page.waitForFunction(() => document.querySelector('#fields-error')?.textContent.length > 0);
    assert.match(await page.textContent('#fields-error'), pattern);
    assert.equal(await page.inputValue('#f-category'), 'Hardware', 'the form shows the ticket as it is now');
    await page.screenshot({ path: path.join(SHOTS, `conflict-${locale}.png`), fullPage: true });
    const now = (await admin('GET', `/api/v1/tickets/${id}`)).json;
    assert.equal(now.category, 'Hardware', 'the stale change was not written');
    assert.equal(now.version, 2);
    // saving again, from the version on screen, applies
    await page.selectOption('#f-category', 'Network');
    await page.click('#fields-save');
    for (let i = 0; i < 50 && (await admin('GET', `/api/v1/tickets/${id}`)).json.category !== 'Network'; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal((await admin('GET', `/api/v1/tickets/${id}`)).json.category, 'Network');
    await ctx.close();
  });
}
