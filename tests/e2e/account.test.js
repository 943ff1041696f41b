// Browser test in Debian's Chromium: from "My account", an agent makes an
// API token (shown once), sees it listed and revokes it, then changes the
// password; a wrong current password is said in French.
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

test('an agent makes and revokes a token, then changes the password (French)', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await page.click('#whoami');
  await page.waitForSelector('#tokens');
  await page.fill('#tok-name', 'supervision');
  await page.fill('#tok-days', '7');
  await page.click('#tok-create');
  await page.waitForSelector('#tok-secret');
  const secret = await page.textContent('#tok-secret');
  assert.match(secret, /^rls_[0-9a-f]{64}$/);
  assert.equal((await client(srv.url, secret)('GET', '/api/v1/tickets')).status, 200);
  assert.match(await page.textContent('#tokens table'), /supervision/);
  await page.screenshot({ path: path.join(SHOTS, 'account-fr.png'), fullPage: true });
  await page.click('#tokens tr:has-text("supervision") button[data-revoke]');
  await page.waitForFunction(() => !document.querySelector('#tokens').textContent.includes('supervision'));
  assert.equal((await client(srv.url, secret)('GET', '/api/v1/tickets')).status, 401);
  // the password: a wrong current one, then the change
  await page.fill('#pw-current', 'pas-le-bon');
  await page.fill('#pw-new', 'orange-lagoon-81');
  await page.fill('#pw-again', 'orange-lagoon-81');
  await page.click('#pw-submit');
  await page.waitForFunction(() => document.querySelector('#pw-error').textContent.length > 0);
  assert.match(await page.textContent('#pw-error'), /current password is wrong|actuel/);
  await page.fill('#pw-current', env.accounts.agent.password);
  await page.fill('#pw-new', 'orange-lagoon-81');
  await page.fill('#pw-again', 'orange-lagoon-81');
  await page.click('#pw-submit');
  await page.waitForFunction(() => document.querySelector('#toast')?.textContent.includes('Mot de passe changé'));
  const anon = client(srv.url, null);
  assert.equal((await anon('POST', '/api/v1/auth/login', { email: env.accounts.agent.email, password: 'orange-lagoon-81' })).status, 200);
  await ctx.close();
});
