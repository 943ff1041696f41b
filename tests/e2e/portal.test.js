// Browser test in Debian's Chromium: a requester opens a ticket and sees it;
// an agent finds it by full-text search, changes its status and adds an
// internal note; the requester does not see that note.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function login(page, who) {
  return uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
}

test('requester → agent → requester round trip, in both languages', async () => {
  const marker = 'imprimante' + Date.now().toString(36);
  // 1. The requester (French browser) opens a ticket and sees it.
  const rctx = await browser.newContext({ locale: 'fr-FR' });
  const rp = await rctx.newPage();
  await login(rp, 'alice');
  assert.equal(await rp.textContent('#nav-new'), 'Nouveau ticket', 'French by browser language');
  await rp.click('#nav-new');
  await rp.fill('#title', `L'${marker} du 3e étage n'imprime plus <b>vite</b>`);
  await rp.fill('#description', 'Bourrage papier à chaque impression recto-verso.');
  await rp.click('#new-submit');
  await rp.waitForSelector('#ticket-title');
  const title = await rp.textContent('#ticket-title');
  assert.match(title, new RegExp(`L'${marker} du 3e étage n'imprime plus <b>vite</b>`), 'markup shown as text');
  assert.equal(await rp.locator('#ticket-title b').count(), 0, 'user text is never parsed as HTML');
  const ticketUrl = rp.url();
  const id = Number(ticketUrl.split('/').pop());
  assert.ok(id > 0);
  await rp.click('#nav-mine');
  await rp.waitForSelector(`tr.ticket[data-id="${id}"]`);
  await rp.screenshot({ path: path.join(SHOTS, 'requester-my-tickets.png'), fullPage: true });

  // 2. The agent (English browser) finds it by full-text search, changes its
  //    status and adds an internal note.
  const actx = await browser.newContext({ locale: 'en-GB' });
  const ap = await actx.newPage();
  await login(ap, 'agent');
  await ap.waitForSelector('#filters');
  assert.equal(await ap.textContent('#nav-queue'), 'Ticket queue');
  await ap.fill('#q', marker);
  await ap.click('#filter-apply');
  await ap.waitForSelector(`tr.ticket[data-id="${id}"]`);
  assert.equal(await ap.locator('tr.ticket').count(), 1, 'search finds exactly that ticket');
  await ap.click(`tr.ticket[data-id="${id}"] a.ticket-title`);
  await ap.waitForSelector('#fields-form');
  await ap.selectOption('#f-status', 'pending');
  await ap.click('#fields-save');
  await ap.waitForSelector('#history .event[data-field="status"]');
  await ap.fill('#reply-body', 'Internal: toner order placed with the supplier');
  await ap.check('#reply-internal');
  await ap.click('#reply-submit');
  await ap.waitForSelector('#comments .comment[data-internal="1"]');
  await ap.fill('#reply-body', 'We are on it, a technician comes this afternoon.');
  await ap.click('#reply-submit');
  await ap.waitForSelector('#comments .comment[data-internal="0"]');
  await ap.screenshot({ path: path.join(SHOTS, 'agent-ticket.png'), fullPage: true });

  // 3. The requester sees the new status and the public reply, not the note.
  await rp.goto(ticketUrl);
  await rp.waitForSelector('#comments .comment');
  const convo = await rp.textContent('#comments');
  assert.match(convo, /a technician comes this afternoon/);
  assert.doesNotMatch(convo, /toner order/);
  assert.doesNotMatch(await rp.textContent('#history'), /toner order/);
  assert.match(await rp.textContent('main'), /En attente/);
  // Switching the language re-renders in English.
  await rp.selectOption('#lang', 'en');
  await rp.waitForSelector('text=Conversation');
  // the timeline names the statuses in the reader's language too
  assert.match(await rp.textContent('#history'), /changed Status from New to Pending/);
  await rp.screenshot({ path: path.join(SHOTS, 'requester-ticket.png'), fullPage: true });
  await rctx.close();
  await actx.close();
});
