// Browser test in Debian's Chromium: an agent hides an abusive reply; the
// requester then sees that it was hidden, not its words; the agent still
// reads it, marked, and can show it again.
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

test('an agent hides a reply; the requester sees it was hidden (English agent, French requester)', async () => {
  const alice = client(srv.url, env.accounts.alice.token);
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Laptop stolen' })).json.id;
  const bad = (await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'some abusive words' })).json;
  const actx = await browser.newContext({ locale: 'en-GB' });
  const ap = await actx.newPage();
  await uiLogin(ap, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await ap.goto(`${srv.url}/#/ticket/${id}`);
  await ap.click(`button[data-hide="${bad.id}"]`);
  await ap.waitForSelector('.comment[data-hidden="1"]');
  assert.match(await ap.textContent('.comment[data-hidden="1"]'), /hidden by Agent.*some abusive words/s);
  assert.match(await ap.textContent('#history, body'), /hid a reply from the requester/);
  await ap.screenshot({ path: path.join(SHOTS, 'hide-agent-en.png'), fullPage: true });
  const rctx = await browser.newContext({ locale: 'fr-FR' });
  const rp = await rctx.newPage();
  await uiLogin(rp, srv.url, env.accounts.alice.email, env.accounts.alice.password);
  await rp.goto(`${srv.url}/#/ticket/${id}`);
  await rp.waitForSelector('.comment[data-hidden="1"]');
  const text = await rp.textContent('.comment[data-hidden="1"]');
  assert.match(text, /Ce message a été masqué par le support/);
  assert.doesNotMatch(text, /abusive/);
  assert.equal(await rp.locator('button[data-hide]').count(), 0, 'requesters hide nothing');
  await rp.screenshot({ path: path.join(SHOTS, 'hide-requester-fr.png'), fullPage: true });
  // shown again
  await ap.click(`button[data-hide="${bad.id}"]`);
  await ap.waitForSelector('.comment[data-hidden="0"]');
  await actx.close();
  await rctx.close();
});
