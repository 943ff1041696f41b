// Browser test of typed work on the ticket page (issue "a desk people can
// work in all day", defects 1, 4 and part of 2): a French ticket filed
// from the English portal is stored as French; an agent's unsaved reply
// and field change survive accepting a suggestion and a reload, go once
// saved, and never come back over a field someone else changed meanwhile;
// a ticket number typed in the queue's search opens that ticket.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let db, srv, browser, agentApi;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-drafts-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '500', '--seed', '9']);
  cli(db, ['train']);
  cli(db, ['user', 'add', '--email', 'other@test.example', '--name', 'Other', '--role', 'agent']);
  srv = await startServer(db);
  agentApi = client(srv.url, cli(db, ['token', 'create', '--email', 'other@test.example']));
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function fileFrench() {
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const rq = await ctx.newPage();
  await uiLogin(rq, srv.url, 'claire.martin@relais.demo', 'relais-demo');
  await rq.selectOption('#lang', 'en');
  await rq.click('#nav-new');
  await rq.fill('#title', 'Impossible de me connecter au VPN');
  await rq.fill('#description', "Depuis ce matin le client VPN refuse la connexion, je ne peux plus travailler à distance.");
  await rq.click('#new-submit');
  await rq.waitForSelector('#ticket-title');
  const id = Number(rq.url().split('/').pop());
  await ctx.close();
  return id;
}

test('a French ticket filed from the English UI is stored as French', async () => {
  const id = await fileFrench();
  const tk = (await agentApi('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal(tk.language, 'fr');
});

test('typed work survives an accepted suggestion and a reload, and goes once saved', async () => {
  const id = await fileFrench();
  const sugg = (await agentApi('GET', `/api/v1/tickets/${id}/suggestions`)).json.items;
  const offered = sugg.find((s) => s.state === 'suggested');
  assert.ok(offered, 'a suggestion to accept: ' + JSON.stringify(sugg));
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, 'agent@relais.demo', 'relais-agent');
  await page.goto(`${srv.url}/#/ticket/${id}`);
  await page.waitForSelector(`#sugg-accept-${offered.field}`);
  const reply = 'Je regarde votre poste, pouvez-vous redémarrer le client ?';
  await page.fill('#reply-body', reply);
  const impact = (await page.inputValue('#f-impact')) === '1' ? '2' : '1';
  await page.selectOption('#f-impact', impact);
  await page.fill('#f-resolution', 'Client VPN réinstallé');
  // another action redraws the page: nothing typed is lost
  await page.click(`#sugg-accept-${offered.field}`);
  await page.waitForSelector(`.suggestion[data-field="${offered.field}"][data-state="accepted"]`);
  assert.equal(await page.inputValue('#reply-body'), reply);
  assert.equal(await page.inputValue('#f-impact'), impact);
  assert.equal(await page.inputValue('#f-resolution'), 'Client VPN réinstallé');
  assert.equal(await page.locator('#f-impact.draft').count(), 1, 'marked as not saved');
  // the history says who confirmed the suggestion (the demo agent reads French)
  assert.match(await page.textContent('#history .event[data-field="suggestion_accepted"]'),
    /Nadia Benali (a confirmé la suggestion pour|confirmed the suggestion for)/);
  // and a reload
  await page.reload();
  await page.waitForSelector('#reply-body');
  assert.equal(await page.inputValue('#reply-body'), reply);
  assert.equal(await page.inputValue('#f-impact'), impact);
  // someone else changes the resolution meanwhile: their value shows, not my old typing
  const cur = (await agentApi('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal((await agentApi('PATCH', `/api/v1/tickets/${id}`, { resolution: 'Réglé par téléphone', version: cur.version })).status, 200);
  await page.reload();
  await page.waitForSelector('#reply-body');
  assert.equal(await page.inputValue('#f-resolution'), 'Réglé par téléphone');
  assert.equal(await page.inputValue('#f-impact'), impact, 'the field nobody touched keeps its draft');
  // posting the reply keeps the unsaved field, and clears the reply
  await page.click('#reply-submit');
  await page.waitForFunction((text) => [...document.querySelectorAll('#comments .comment .body')].some((b) => b.textContent === text), reply);
  assert.equal(await page.inputValue('#reply-body'), '');
  assert.equal(await page.inputValue('#f-impact'), impact);
  // saving the fields clears their draft
  await page.click('#fields-save');
  await page.waitForFunction((v) => document.querySelector('#f-impact') && !document.querySelector('#f-impact.draft') &&
    document.querySelector('#f-impact').value === v, impact);
  assert.equal((await agentApi('GET', `/api/v1/tickets/${id}`)).json.impact, Number(impact));
  await page.reload();
  await page.waitForSelector('#reply-body');
  assert.equal(await page.inputValue('#reply-body'), '');
  assert.equal(await page.locator('.draft').count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'drafts.png'), fullPage: false });
  await ctx.close();
});

test('a new ticket being typed survives a reload, goes once filed, and is forgotten at sign-out', async () => {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, 'claire.martin@relais.demo', 'relais-demo');
  await page.click('#nav-new');
  await page.fill('#title', 'Écran noir');
  await page.fill('#description', 'Mon écran reste noir au démarrage.');
  await page.reload();
  await page.waitForSelector('#title');
  assert.equal(await page.inputValue('#title'), 'Écran noir');
  assert.equal(await page.inputValue('#description'), 'Mon écran reste noir au démarrage.');
  await page.click('#new-submit');
  await page.waitForSelector('#ticket-title');
  await page.goto(`${srv.url}/#/new`);
  await page.waitForSelector('#title');
  assert.equal(await page.inputValue('#title'), '');
  // signing out forgets what was typed (a shared computer)
  await page.fill('#title', 'Brouillon privé');
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('relais.draft.')).length), 0);
  await ctx.close();
});

test('a ticket number in the queue search opens the ticket', async () => {
  const id = await fileFrench();
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, 'agent@relais.demo', 'relais-agent');
  for (const typed of [`#${id}`, String(id)]) {
    await page.goto(`${srv.url}/#/queue`);
    await page.waitForSelector('#q');
    await page.fill('#q', typed);
    await page.press('#q', 'Enter');
    await page.waitForFunction((h) => location.hash === h, `#/ticket/${id}`);
    await page.waitForSelector('#ticket-title');
  }
  // a number that is no ticket searches the words as before
  await page.goto(`${srv.url}/#/queue`);
  await page.waitForSelector('#q');
  await page.fill('#q', '#999999');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/queue?q='));
  await ctx.close();
});
