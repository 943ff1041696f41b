// Browser test of the requester closing the loop, in French and English,
// at 1400 and 390 px: "My tickets" marks the desk's new reply until it is
// read, filters open and closed tickets and searches them; on a resolved
// ticket a thank-you leaves it resolved, one click rates it and a comment
// follows, and "Yes, close the ticket" closes it; "still broken" reopens
// another; the agent sees the rating.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const W = {
  fr: { unread: 'Nouvelle réponse', solved: 'Oui, clore le ticket', closed: 'Clos', still: /Toujours en panne/,
    given: /Votre évaluation\u00a0: 4\/5 · Satisfait/, thanks: 'Merci pour votre évaluation', open: 'Ouvert' },
  en: { unread: 'New reply', solved: 'Yes, close the ticket', closed: 'Closed', still: /Still broken/,
    given: /Your rating: 4\/5 · Satisfied/, thanks: 'Thank you for your rating', open: 'Open' },
};

async function open(locale, width, who) {
  const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
  return { ctx, page, errors };
}
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const row = (page, id) => page.locator(`tr.ticket[data-id="${id}"]`);

for (const [locale, lang] of [['fr-FR', 'fr'], ['en-GB', 'en']]) {
  for (const width of [1400, 390]) {
    test(`the requester reads, thanks, rates and closes; still broken reopens (${lang}, ${width} px)`, async () => {
      const w = W[lang];
      const done = (await alice('POST', '/api/v1/tickets', { title: `Imprimante ${lang}${width}`, description: 'Bourrage' })).json.id;
      const other = (await alice('POST', '/api/v1/tickets', { title: `Écran ${lang}${width}`, description: 'Noir' })).json.id;
      for (const id of [done, other]) {
        await new Promise((r) => setTimeout(r, 1100)); // a reply newer than the ticket, to the second
        await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'Corrigé, pouvez-vous vérifier ?' });
        await agent('PATCH', `/api/v1/tickets/${id}`, { status: 'resolved', resolution: 'Corrigé' });
      }
      const { ctx, page, errors } = await open(locale, width, 'alice');
      await page.goto(`${srv.url}/#/mine`);
      await page.waitForSelector(`tr.ticket[data-id="${done}"]`);
      assert.equal((await row(page, done).locator('.badge.unread').textContent()).trim(), w.unread);
      assert.ok(await noSideScroll(page));
      await page.screenshot({ path: path.join(SHOTS, `followup-mine-${lang}-${width}.png`), fullPage: width > 400 });
      // the ticket: a thank-you leaves it resolved
      await page.goto(`${srv.url}/#/ticket/${done}`);
      await page.waitForSelector('#solved-card');
      await page.fill('#reply-body', lang === 'fr' ? 'Merci !' : 'Thanks!');
      await page.click('#reply-submit');
      await page.waitForFunction(() => document.querySelectorAll('#comments .comment').length === 2);
      assert.equal((await alice('GET', `/api/v1/tickets/${done}`)).json.status, 'resolved');
      // one click rates it; a comment follows
      await page.click('#rate-4');
      await page.waitForSelector('#rate-given');
      assert.match(await page.textContent('#rate-given'), w.given);
      await page.fill('#rate-comment', 'Rapide');
      await page.click('#rate-comment-save');
      for (let i = 0; i < 50 && !(await alice('GET', `/api/v1/tickets/${done}`)).json.rating?.comment; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual([(await alice('GET', `/api/v1/tickets/${done}`)).json.rating.rating,
        (await alice('GET', `/api/v1/tickets/${done}`)).json.rating.comment], [4, 'Rapide']);
      assert.equal(await page.getAttribute('#rate-4', 'aria-pressed'), 'true');
      await page.screenshot({ path: path.join(SHOTS, `followup-ticket-${lang}-${width}.png`), fullPage: true });
      // yes, it is solved: closed
      await page.click('#confirm-solved');
      await page.waitForSelector('#closed-note');
      // its link to a new ticket stands out from the muted sentence by more than its colour
      assert.equal(await page.$eval('#closed-note a', (a) => getComputedStyle(a).textDecorationLine), 'underline');
      assert.equal((await alice('GET', `/api/v1/tickets/${done}`)).json.status, 'closed');
      // the other one is still broken: the reply reopens it
      await page.goto(`${srv.url}/#/ticket/${other}`);
      await page.waitForSelector('#reply-still-broken');
      assert.match(await page.textContent('label:has(#reply-still-broken)'), w.still);
      await page.fill('#reply-body', lang === 'fr' ? 'Toujours noir.' : 'Still black.');
      await page.check('#reply-still-broken');
      await page.click('#reply-submit');
      for (let i = 0; i < 50 && (await alice('GET', `/api/v1/tickets/${other}`)).json.status !== 'open'; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal((await alice('GET', `/api/v1/tickets/${other}`)).json.status, 'open');
      // My tickets: read now, and the closed one under "closed"
      await page.goto(`${srv.url}/#/mine`);
      await page.waitForSelector(`tr.ticket[data-id="${other}"]`);
      assert.equal(await row(page, done).count(), 0, 'a closed ticket is not among the open ones');
      assert.equal(await row(page, other).locator('.badge.unread').count(), 0, 'read');
      await page.selectOption('#mine-status', 'closed');
      await page.click('#mine-apply');
      await page.waitForSelector(`tr.ticket[data-id="${done}"]`);
      assert.equal(await row(page, other).count(), 0);
      // and a search of their own tickets
      await page.selectOption('#mine-status', 'all');
      await page.fill('#mine-q', `Écran ${lang}${width}`);
      await page.click('#mine-apply');
      await page.waitForFunction((id) => {
        const rows = [...document.querySelectorAll('tr.ticket')];
        return rows.length >= 1 && rows[0].dataset.id === String(id);
      }, other);
      assert.deepEqual(errors, []);
      await ctx.close();
      // the desk sees the rating
      const a = await open(locale, width, 'agent');
      await a.page.goto(`${srv.url}/#/ticket/${done}`);
      await a.page.waitForSelector('#rating-view');
      assert.match(await a.page.textContent('#rating-view'), /4\/5/);
      assert.match(await a.page.textContent('#rating-view'), /Rapide/);
      await a.ctx.close();
    });
  }
}
