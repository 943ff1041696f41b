// Browser test in Debian's Chromium: a requester opens a ticket and sees it;
// an agent finds it by full-text search, changes its status and adds an
// internal note; the requester does not see that note.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

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
  // a search comes in relevance order, and the sort says so
  const sortShown = () => ap.$eval('#f-sort', (s) => s.selectedOptions[0].textContent);
  assert.equal(await ap.inputValue('#f-sort'), '');
  assert.equal(await sortShown(), 'Relevance');
  await ap.fill('#q', '');
  assert.equal(await sortShown(), 'Newest');
  await ap.fill('#q', marker);
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
  // resolved: the requester is told a reply marked "still broken" reopens it, and it does
  const agentApi = client(srv.url, env.accounts.agent.token);
  assert.equal((await agentApi('PATCH', `/api/v1/tickets/${id}`, { status: 'resolved', resolution: 'Rouleau changé' })).status, 200);
  await rp.reload();
  await rp.waitForSelector('#resolved-note');
  await rp.fill('#reply-body', 'Still jamming on duplex prints.');
  await rp.check('#reply-still-broken');
  await rp.click('#reply-submit');
  await rp.waitForSelector('#history .event[data-field="status"] >> text=from Resolved to Open');
  // closed: no reply form, a way to a new ticket instead
  assert.equal((await agentApi('PATCH', `/api/v1/tickets/${id}`, { status: 'closed' })).status, 200);
  await rp.reload();
  await rp.waitForSelector('#closed-note');
  assert.equal(await rp.locator('#reply-form').count(), 0);
  await rctx.close();
  await actx.close();
});

test('an admin adds an agent, puts her in a new group, and disabling her signs her out', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await login(page, 'admin');
  await page.click('#nav-people');
  await page.click('#user-new');
  await page.waitForSelector('#user-form:not([hidden])');
  // a new agent; her name is shown as text, never parsed
  await page.fill('#nu-email', 'zoe@test.example');
  await page.fill('#nu-name', 'Zoé <i>Durand</i>');
  await page.selectOption('#nu-role', 'agent');
  await page.selectOption('#nu-lang', 'fr');
  await page.fill('#nu-password', 'password-zoe');
  await page.click('#nu-submit');
  // her own page opens
  await page.waitForSelector('#user-profile');
  assert.equal(await page.textContent('#user-title'), 'Zoé <i>Durand</i>');
  assert.equal(await page.locator('main i').count(), 0);
  assert.equal(await page.inputValue('#u-role'), 'agent');
  const zoeId = Number(page.url().split('/').pop());
  // the search narrows the list to her, shown as text too
  await page.click('#user-back');
  await page.fill('#user-filter', 'zoe@');
  const row = page.locator('tr.user[data-email="zoe@test.example"]');
  await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 1);
  assert.equal(await row.locator('a.user-name').textContent(), 'Zoé <i>Durand</i>');
  assert.equal(await page.locator('table.users i').count(), 0);
  // a new group, and she joins it
  await page.click('#tab-groups');
  await page.click('#group-new');
  await page.fill('#ng-name', 'Field support');
  await page.fill('#ng-description', 'On-site interventions');
  await page.click('#ng-submit');
  await page.waitForSelector('#group-members');
  // nobody is chosen at first: Add refuses, says why, and adds no one
  assert.equal(await page.inputValue('#g-add'), '');
  const puts = [];
  const onRequest = (r) => { if (r.method() === 'PUT') puts.push(r.url()); };
  page.on('request', onRequest);
  await page.click('#group-members button.g-addbtn');
  assert.equal((await page.textContent('#g-add-error')).trim(), 'Choose the user to add first.');
  await page.waitForTimeout(300);
  page.off('request', onRequest);
  assert.deepEqual(puts, []);
  assert.equal(await page.locator('#group-members li[data-email]').count(), 0);
  await page.selectOption('#g-add', { label: 'Zoé <i>Durand</i>' });
  await page.click('#group-members button.g-addbtn');
  await page.waitForSelector('#group-members li[data-email="zoe@test.example"]');
  // renamed in place
  await page.fill('#g-desc', 'On-site interventions, all sites');
  // wait for the save's own response: the input holds the typed text at once
  const renamed = page.waitForResponse((r) => /\/api\/v1\/groups\/\d+$/.test(r.url()) &&
    r.request().method() === 'PATCH');
  await page.click('#g-save');
  assert.equal((await renamed).status(), 200);
  await page.waitForFunction(() => {
    const d = document.querySelector('#g-desc');
    return d && d.value === 'On-site interventions, all sites';
  });
  const admin = client(srv.url, env.accounts.admin.token);
  const g = (await admin('GET', '/api/v1/groups')).json.items.find((x) => x.name === 'Field support');
  assert.deepEqual(g.member_ids, [zoeId]);
  assert.equal(g.description, 'On-site interventions, all sites');
  // she signs in and works the queue, in French (her language)
  const zctx = await browser.newContext({ locale: 'en-GB' });
  const zp = await zctx.newPage();
  await uiLogin(zp, srv.url, 'zoe@test.example', 'password-zoe');
  assert.equal(await zp.textContent('#nav-queue'), 'File des tickets');
  // disabled by the admin on her page: her session stops working at once
  await page.goto(`${srv.url}/#/people/${zoeId}`);
  await page.waitForSelector('#user-profile');
  await page.uncheck('#u-active');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/${zoeId}`) &&
    r.request().method() === 'PATCH');
  await page.click('#u-save');
  assert.equal((await saved).status(), 200);
  assert.equal((await admin('GET', `/api/v1/users/${zoeId}`)).json.active, false);
  await zp.reload();
  await zp.waitForSelector('#login-form');
  await zp.fill('#email', 'zoe@test.example');
  await zp.fill('#password', 'password-zoe');
  await zp.click('#login-submit');
  await zp.waitForSelector('#login-error:not(:empty)');
  await page.screenshot({ path: path.join(SHOTS, 'admin-people.png'), fullPage: true });
  await zctx.close();
  await ctx.close();
});

test('an agent files a phone call for a requester, who then finds it in her tickets', async () => {
  const actx = await browser.newContext({ locale: 'en-GB' });
  const ap = await actx.newPage();
  await login(ap, 'agent');
  await ap.click('#nav-new');
  await ap.waitForSelector('#requester');
  await ap.fill('#requester', 'nobody@test.example');
  await ap.fill('#title', 'Badge refusé à l’entrée');
  await ap.click('#new-submit');
  await ap.waitForSelector('#new-error:not(:empty)');
  await ap.fill('#requester', env.accounts.alice.email);
  await ap.selectOption('#source', 'phone');
  await ap.click('#new-submit');
  await ap.waitForSelector('#ticket-title');
  const id = Number(ap.url().split('/').pop());
  const tk = (await client(srv.url, env.accounts.agent.token)('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal(tk.requester_name, 'Alice');
  assert.equal(tk.source, 'phone');
  // taking it: assigned to the agent, and the new ticket is open
  await ap.click('#take-it');
  await ap.waitForSelector('#fields-form:not(:has(#take-it))');
  const taken = (await client(srv.url, env.accounts.agent.token)('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal(taken.assignee_name, 'Agent');
  assert.equal(taken.status, 'open');
  const mine = (await client(srv.url, env.accounts.alice.token)('GET', '/api/v1/tickets?limit=200')).json.items;
  assert.ok(mine.some((x) => x.id === id));
  // requesters file for themselves only: no such fields for them
  const rctx = await browser.newContext({ locale: 'en-GB' });
  const rp = await rctx.newPage();
  await login(rp, 'bob');
  await rp.click('#nav-new');
  await rp.waitForSelector('#new-form');
  assert.equal(await rp.locator('#requester, #source').count(), 0);
  await rctx.close();
  await actx.close();
});
