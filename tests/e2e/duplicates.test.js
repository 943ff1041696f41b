// Browser test of the duplicate check (issue "Knowledge base, similar
// tickets and duplicates"): a requester files the same problem twice in
// other words; the agent opening the second ticket sees "Possibly a
// duplicate of #N" with how likely and why, follows the link, comes back
// and says it is not a duplicate (the notice is gone), or merges it from
// the notice through the merge's confirm step. At 1400 and 390 px,
// in English and French; nothing wider than the screen; no serious or
// critical axe-core finding.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, launchBrowser, uiLogin, axeViolations } = require('../lib/harness');

let env, srv, browser, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  alice = client(srv.url, env.accounts.alice.token);
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const problems = {
  1400: ['Mailbox is full', 'Outlook says my mailbox is full and I can no longer send anything.',
    'Again: mailbox is full', 'Sorry to insist: Outlook says my mailbox is full, I can no longer send.'],
  390: ["L'imprimante du 3e étage n'imprime plus", "L'imprimante du 3e étage affiche une erreur et n'imprime plus rien.",
    "Relance : l'imprimante du 3e étage n'imprime plus", "Désolé d'insister : l'imprimante du 3e étage affiche une erreur."],
};

for (const [width, locale] of [[1400, 'en-GB'], [390, 'fr-FR']]) {
  test(`the agent sees a likely duplicate, opens it, and dismisses or merges it (${width} px, ${locale})`, async () => {
    const [t1, d1, t2, d2] = problems[width];
    const first = (await alice('POST', '/api/v1/tickets', { title: t1, description: d1 })).json;
    const again = (await alice('POST', '/api/v1/tickets', { title: t2, description: d2 })).json;
    const ctx = await browser.newContext({ locale, viewport: { width, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
    await page.goto(`${srv.url}/#/ticket/${again.id}`);
    await page.waitForSelector('#dup-flag');
    const text = await page.textContent('#dup-flag');
    assert.match(text, locale === 'fr-FR' ? /Peut-être un doublon de/ : /Possibly a duplicate of/);
    assert.match(text, new RegExp('#' + first.id));
    assert.match(text, /\d+\s?%/);
    const f = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
    assert.ok(f.w <= f.vw, `${f.w} px wide on a ${f.vw} px screen`);
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#dup-link');
    await page.waitForFunction((id) => document.querySelector('#ticket-title') && document.querySelector('#ticket-title').textContent.includes('#' + id), first.id);
    assert.equal(await page.$('#dup-flag'), null, 'the first ticket is no duplicate');
    await page.goBack();
    await page.waitForSelector('#dup-dismiss');
    if (width === 1400) { // "Not a duplicate"
      await page.click('#dup-dismiss');
      await page.waitForFunction(() => !document.querySelector('#dup-flag'));
    } else { // "Merge into #N…": the merge's confirm step, then the merge
      await page.click('#dup-merge');
      await page.waitForSelector('#merge-confirm:not([hidden])');
      assert.match(await page.textContent('#merge-confirm'), new RegExp('#' + first.id));
      await page.click('#merge-do');
      await page.waitForSelector('#merged-note');
      assert.equal(await page.$('#dup-flag'), null, 'a merged ticket is no longer flagged');
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}
