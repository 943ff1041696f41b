// Browser test of the assignee and group-member pickers once the team is
// larger than one page (100): a search box and "more" appear, the search
// runs on the server, and what is picked is what is saved.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, admin, ticketId;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  admin = client(srv.url, env.accounts.admin.token);
  for (let i = 0; i < 110; i++) {
    const r = await admin('POST', '/api/v1/users',
      { email: `tech${String(i).padStart(3, '0')}@team.example`, name: `Technicien ${i}`, role: 'agent' });
    assert.equal(r.status, 201, r.text);
  }
  const tk = await client(srv.url, env.accounts.alice.token)('POST', '/api/v1/tickets', { title: 'Souris HS' });
  ticketId = tk.json.id;
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the assignee picker of a large team searches the server and saves the pick', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await page.goto(`${srv.url}/#/ticket/${ticketId}`);
  await page.waitForSelector('#fields-form .picker input.picker-q');
  // the first page: "none" and 100 of the 112 agents and admins
  assert.equal(await page.locator('#f-assignee_id option').count(), 101);
  assert.equal(await page.locator('#f-assignee_id option[value="' + (await idOf('tech109@team.example')) + '"]').count(), 0);
  await page.fill('#fields-form input.picker-q', 'technicien 109');
  await page.waitForFunction(() => [...document.querySelectorAll('#f-assignee_id option')].some((o) => o.textContent === 'Technicien 109'));
  const labels = await page.$$eval('#f-assignee_id option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(labels, ['—', 'Technicien 109'], 'the search result, and the empty choice');
  await page.selectOption('#f-assignee_id', { label: 'Technicien 109' });
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tickets/${ticketId}`) && r.request().method() === 'PATCH');
  await page.click('#fields-save');
  assert.equal((await saved).status(), 200);
  assert.equal((await admin('GET', `/api/v1/tickets/${ticketId}`)).json.assignee_name, 'Technicien 109');
  await page.waitForSelector('#history .event[data-field="assignee_id"]');
  // redrawn, the current assignee is an option even though it is not on the first page
  await page.waitForFunction(() => document.querySelector('#f-assignee_id') &&
    document.querySelector('#f-assignee_id').selectedOptions[0].textContent === 'Technicien 109');
  // "more" brings the rest of the team, none twice
  assert.equal(await page.inputValue('#fields-form input.picker-q'), '');
  assert.equal(await page.locator('#f-assignee_id option').count(), 102, 'none, the assignee, the first page');
  await page.click('#fields-form .picker-more');
  await page.waitForFunction(() => document.querySelectorAll('#f-assignee_id option').length === 113);
  const values = await page.$$eval('#f-assignee_id option', (os) => os.map((o) => o.value));
  assert.equal(new Set(values).size, values.length);
  assert.equal(await page.locator('#fields-form .picker-more:visible').count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'agent-assignee-picker.png'), fullPage: true });
  await ctx.close();
});

test('the member picker of a group searches a large team on the server and adds the pick', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
  const g = (await admin('POST', '/api/v1/groups', { name: 'Large team' })).json;
  await page.goto(`${srv.url}/#/groups/${g.id}`);
  await page.waitForSelector('#group-members .picker input.picker-q');
  // "choose" and the first page of 100 of the 112 agents and admins
  assert.equal(await page.locator('#g-add option').count(), 101);
  await page.fill('#group-members input.picker-q', 'technicien 109');
  await page.waitForFunction(() => [...document.querySelectorAll('#g-add option')].some((o) => o.textContent === 'Technicien 109'));
  await page.selectOption('#g-add', { label: 'Technicien 109' });
  await page.click('#group-members button.g-addbtn');
  await page.waitForSelector('#group-members li[data-email="tech109@team.example"]');
  assert.deepEqual((await admin('GET', `/api/v1/groups/${g.id}`)).json.member_ids, [await idOf('tech109@team.example')]);
  // a member is not offered again
  assert.equal(await page.locator('#g-add option', { hasText: 'Technicien 109' }).count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'admin-member-picker.png'), fullPage: true });
  await ctx.close();
});

async function idOf(email) {
  const r = await admin('GET', '/api/v1/users?q=' + encodeURIComponent(email));
  return r.json.items.find((u) => u.email === email).id;
}
