// Browser test of the admin Jobs page on a demo database with no trained
// model: in French and in English the page lists the retrain job with its
// schedule, "Run now" starts it, and the row turns to a successful run with
// a duration and one more run, without reloading the page. Agents have no
// link to it and are sent away from its route.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let dir, db, srv, browser;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-jobs-ui-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '300', '--seed', '5', '--no-passwords']);
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent']])
    cli(db, ['user', 'add', '--email', `${name}@test.example`, '--name', name, '--role', role, '--password-stdin'],
      `password-${name}\n`);
  srv = await startServer(db); // default 300 s period: only "Run now" starts a run
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const TEXT = {
  fr: { h1: /^Tâches de fond$/, every: /toutes les 5\smin/, ok: /^Réussie$/, run: 'Lancer maintenant', desc: /Réentraîne les modèles/,
    title: /^Réentraînement des modèles de tri$/, minute: /^toutes les minutes$/ },
  en: { h1: /^Jobs$/, every: /every 5\smin/, ok: /^Succeeded$/, run: 'Run now', desc: /Retrains the triage models/,
    title: /^Triage model retraining$/, minute: /^every minute$/ },
};

async function open(locale) {
  const ctx = await browser.newContext({ locale });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/\/auth\/me$/.test(m.location().url)) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, page, errors };
}

const counts = (page) => page.$eval('tr[data-job=retrain] .job-counts', (e) => e.textContent.split('/').map((x) => Number(x.trim())));

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  test(`the admin runs the retrain job from the Jobs page, in ${lang === 'fr' ? 'French' : 'English'}`, async () => {
    const T = TEXT[lang];
    const { ctx, page, errors } = await open(locale);
    await uiLogin(page, srv.url, 'admin@test.example', 'password-admin');
    await page.click('#nav-jobs');
    await page.waitForSelector('tr[data-job=retrain]');
    assert.match(await page.textContent('main h1'), T.h1);
    const row = 'tr[data-job=retrain]';
    assert.match(await page.textContent(row), T.every);
    assert.match(await page.textContent(row), T.desc);
    // a title in the reader's language, the job's own name beside it
    assert.match(await page.textContent(`${row} .job-title`), T.title);
    assert.equal(await page.textContent(`${row} .job-name`), 'retrain');
    // a period of one unit reads as words (search_facets runs every 60 s)
    assert.match((await page.textContent('tr[data-job=search_facets] td.job-every')).trim(), T.minute);
    const [runs] = await counts(page);
    await page.click(`${row} button.job-run`);
    assert.equal((await page.textContent(`${row} button.job-run`)).trim(), T.run);
    // the page reads the jobs again by itself: wait for the finished run
    await page.waitForFunction(([sel, n]) => {
      const r = document.querySelector(sel);
      return r && Number(r.querySelector('.job-counts').textContent.split('/')[0]) === n + 1 &&
        !r.querySelector('.job-running');
    }, [row, runs], { timeout: 60000 });
    assert.match((await page.textContent(`${row} .job-state .badge`)).trim(), T.ok);
    assert.match(await page.textContent(row), /\d+(\.\d)? (ms|s)/, 'the duration of the run');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, `jobs-${lang}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, `jobs-${lang}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

test('an agent has no Jobs link and its route sends him home', async () => {
  const { ctx, page } = await open('en-GB');
  await uiLogin(page, srv.url, 'agent@test.example', 'password-agent');
  assert.equal(await page.$('#nav-jobs'), null);
  await page.goto(srv.url + '/#/jobs');
  await page.waitForFunction(() => !location.hash.startsWith('#/jobs'));
  assert.equal(await page.$('#jobs-table'), null);
  await ctx.close();
});
