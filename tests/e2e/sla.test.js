// Browser test of service levels, in French and English, at 1400 and 390
// px: the queue sorted by due time flags the overdue ticket first, the one
// at risk and the one waiting on its requester; a priority resting on the
// default urgency says so; the ticket page gives the agent both targets
// and the requester when to expect a resolution, or that the desk waits
// on them.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, client, cli, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, ids;

test.before(async () => {
  env = makeDb();
  // an open ticket three days old, imported: both its targets passed
  const csv = path.join(env.dir, 'old.csv');
  const old = new Date(Date.now() - 3 * 86400 * 1000).toISOString().slice(0, 16);
  fs.writeFileSync(csv, `title,status,created_at,requester\nImprimante oubliée,open,${old},bob@test.example\n`);
  cli(env.db, ['import', csv, '--map', 'title=title,status=status,created_at=created_at,requester=requester']);
  srv = await startServer(env.db);
  const admin = client(srv.url, env.accounts.admin.token);
  const agent = client(srv.url, env.accounts.agent.token);
  const alice = client(srv.url, env.accounts.alice.token);
  const late = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('oubliée'))).json.items[0];
  // a P1 whose one-minute answer target is nearly spent
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_response_minutes': 1, 'sla.at_risk_percent': 99 })).status, 200);
  const risk = (await agent('POST', '/api/v1/tickets', { title: 'Serveur de fichiers arrêté', impact: 1, urgency: 1, requester_id: late.requester_id })).json;
  const plain = (await alice('POST', '/api/v1/tickets', { title: 'Souris qui ne répond plus', description: 'Elle clignote.' })).json;
  const wait = (await alice('POST', '/api/v1/tickets', { title: 'Accès au dossier Paie', description: 'Refusé' })).json;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${wait.id}`, { status: 'pending' })).status, 200);
  ids = { late: late.id, risk: risk.id, plain: plain.id, wait: wait.id };
  await new Promise((r) => setTimeout(r, 1500));
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const WORDS = {
  fr: { breached: /En retard · de \d/, at_risk: /À risque · reste \d+ min/, paused: /En pause\u00a0: en attente du demandeur/,
    byDefault: '(par défaut)', assumed: /Urgence 2 · Moyenne supposée/, response: 'Première réponse', resolution: 'Résolution',
    expected: /Résolution prévue avant\u00a0: \S/, waiting: 'Nous attendons votre réponse.', stopped: /Décompte arrêté depuis le/ },
  en: { breached: /Overdue · by \d/, at_risk: /At risk · \d+ min left/, paused: /Paused: waiting on the requester/,
    byDefault: '(default)', assumed: /Urgency 2 · Medium assumed/, response: 'First response', resolution: 'Resolution',
    expected: /Expected resolution by: \S/, waiting: 'We are waiting for your reply.', stopped: /Clocks stopped since/ },
};

async function open(locale, width, email, password) {
  const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(page, srv.url, email, password);
  return { ctx, page, errors };
}

const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

for (const [locale, lang] of [['fr-FR', 'fr'], ['en-GB', 'en']]) {
  for (const width of [1400, 390]) {
    test(`the agent's queue and ticket flag what is due (${lang}, ${width} px)`, async () => {
      const w = WORDS[lang];
      const { ctx, page, errors } = await open(locale, width, env.accounts.agent.email, env.accounts.agent.password);
      await page.goto(`${srv.url}/#/queue?status=new,open,pending&sort=sla_due_at`);
      // the queue sign-in landed on is replaced once the sorted one is in
      await page.waitForFunction(() => document.getElementById('f-sort')?.value === 'sla_due_at');
      await page.waitForSelector(`tr.ticket[data-id="${ids.plain}"]`);
      const rows = await page.$$eval('tr.ticket', (trs) => trs.map((tr) => tr.dataset.id));
      assert.equal(rows[0], String(ids.late), 'the overdue ticket comes first');
      assert.equal(rows[rows.length - 1], String(ids.wait), 'the one waiting on its requester last');
      const cell = (id) => page.locator(`tr.ticket[data-id="${id}"] td.due`);
      assert.equal(await cell(ids.late).getAttribute('data-sla'), 'breached');
      assert.match(await cell(ids.late).textContent(), w.breached);
      assert.equal(await cell(ids.risk).getAttribute('data-sla'), 'at_risk');
      assert.match(await cell(ids.risk).textContent(), w.at_risk);
      assert.match(await cell(ids.wait).textContent(), w.paused);
      assert.match(await cell(ids.plain).textContent(), new RegExp(w.response));
      assert.ok((await page.textContent(`tr.ticket[data-id="${ids.plain}"]`)).includes(w.byDefault));
      assert.ok(await noSideScroll(page), 'nothing wider than the screen');
      await page.screenshot({ path: path.join(SHOTS, `sla-queue-${lang}-${width}.png`), fullPage: width > 400 });
      // the ticket: both targets, and the urgency the priority assumed
      await page.goto(`${srv.url}/#/ticket/${ids.plain}`);
      await page.waitForSelector('#sla-card');
      assert.match(await page.textContent('#sla-response'), new RegExp(w.response));
      assert.match(await page.textContent('#sla-resolution'), new RegExp(w.resolution));
      assert.match(await page.textContent('#urgency-default'), w.assumed);
      await page.screenshot({ path: path.join(SHOTS, `sla-ticket-${lang}-${width}.png`), fullPage: true });
      await page.goto(`${srv.url}/#/ticket/${ids.wait}`);
      await page.waitForSelector('#sla-paused');
      assert.match(await page.textContent('#sla-paused'), w.stopped);
      assert.ok(await noSideScroll(page));
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
  test(`the requester is told when to expect a resolution, or that we wait on them (${lang})`, async () => {
    const w = WORDS[lang];
    const { ctx, page, errors } = await open(locale, 390, env.accounts.alice.email, env.accounts.alice.password);
    await page.goto(`${srv.url}/#/ticket/${ids.plain}`);
    await page.waitForSelector('#sla-due');
    assert.match(await page.textContent('#sla-due'), w.expected);
    assert.equal(await page.locator('#sla-card').count(), 0, 'the agents\' view of the clocks is theirs');
    await page.goto(`${srv.url}/#/ticket/${ids.wait}`);
    await page.waitForFunction((txt) => document.getElementById('sla-due')?.textContent === txt, w.waiting);
    await page.screenshot({ path: path.join(SHOTS, `sla-requester-${lang}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}
