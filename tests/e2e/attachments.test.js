// Browser test of attachments in Debian's Chromium, in French and English,
// at 1400 and 390 px: a requester files a ticket with a screenshot and
// replies with a PDF (dropped on the form); the agent sees the image
// inline, opens it full size and downloads the PDF byte for byte; an
// internal note's file never reaches the requester; a file over the cap
// is refused before anything is sent, in the reader's language, and the
// typed reply stays (through a reload too).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');
const { makePng, makePdf } = require('../lib/files');

let env, srv, browser, dir, shot, pdf, big, note, agentApi;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  const admin = client(srv.url, env.accounts.admin.token);
  const r = await admin('PUT', '/api/v1/settings', { 'limits.attachment_mb': 1, 'limits.writes_per_minute': 0 });
  assert.equal(r.status, 200, r.text);
  agentApi = client(srv.url, env.accounts.agent.token);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-files-'));
  shot = path.join(dir, 'capture écran.png');
  fs.writeFileSync(shot, makePng(640, 400));
  pdf = path.join(dir, 'error-report.pdf');
  fs.writeFileSync(pdf, makePdf('VPN error 809'));
  big = path.join(dir, 'full-dump.bin');
  fs.writeFileSync(big, crypto.randomBytes(1536 * 1024));
  note = path.join(dir, 'driver-notes.txt');
  fs.writeFileSync(note, 'driver 4.2 crashes on resume\n');
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const TEXT = {
  fr: { size: /\d+(,\d)?\s(o|ko|Mo)$/, tooBig: 'full-dump.bin\u00a0: plus de 1\u00a0Mo, la taille maximale d’un fichier.', attached: /Alice a joint error-report\.pdf/, title: 'Écran bleu au réveil' },
  en: { size: /\d+(\.\d)?\s(B|kB|MB)$/, tooBig: 'full-dump.bin: larger than 1\u00a0MB, the most one file may be.', attached: /Alice attached error-report\.pdf/, title: 'Blue screen on wake' },
};

// The page fits the screen: no sideways scroll, no control past an edge.
async function fits(page, where) {
  const fit = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('button, select, input, textarea, a, img')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > vw + 1 || r.left < -1);
    }).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${(e.textContent || e.alt || '').trim().slice(0, 30)}`);
    return { scroll: document.documentElement.scrollWidth, vw, out: out.slice(0, 5) };
  });
  assert.ok(fit.scroll <= fit.vw, `${where}: ${fit.scroll} px wide on a ${fit.vw} px screen`);
  assert.deepEqual(fit.out, [], `${where}: controls beyond the screen's edge`);
}

// Drops a file on a picker's zone as a person dragging it from their desktop.
async function dropFile(page, zone, file, type) {
  const bytes = [...fs.readFileSync(file)];
  const dt = await page.evaluateHandle(([b, n, ty]) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(b)], n, { type: ty }));
    return d;
  }, [bytes, path.basename(file), type]);
  await page.dispatchEvent(zone, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(zone, 'drop', { dataTransfer: dt });
}

const imageShown = (page, sel) => page.waitForFunction((s) => {
  const img = document.querySelector(s);
  return img && img.complete && img.naturalWidth > 0;
}, sel);

async function journey(lang, width) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const tag = `${lang}-${width}`;
  const T = TEXT[lang];
  const viewport = { width, height: width < 500 ? 844 : 900 };
  // the requester files a ticket with a screenshot
  const rctx = await browser.newContext({ locale, viewport });
  const rq = await rctx.newPage();
  const errors = [];
  rq.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(rq, srv.url, env.accounts.alice.email, env.accounts.alice.password);
  await rq.click('#nav-new');
  await rq.fill('#title', T.title);
  await rq.fill('#description', 'Depuis la mise à jour / since the update: see the screenshot.');
  await rq.setInputFiles('#new-files', shot);
  assert.match(await rq.textContent('#new-files-chosen li'), /capture écran\.png/);
  assert.match((await rq.textContent('#new-files-chosen .small')).trim(), T.size);
  if (width < 500) await fits(rq, `new ticket ${tag}`);
  await rq.screenshot({ path: path.join(SHOTS, `attach-new-${tag}.png`), fullPage: true });
  await rq.click('#new-submit');
  await rq.waitForSelector('#ticket-title');
  const id = Number(rq.url().split('/').pop());
  await rq.waitForSelector('#ticket-files li[data-inline="1"] img');
  await imageShown(rq, '#ticket-files li[data-inline="1"] img');
  assert.equal(await rq.getAttribute('#ticket-files img', 'alt'), 'capture écran.png');

  // a reply with a PDF, dropped on the form
  await rq.fill('#reply-body', 'Voici le rapport / here is the report.');
  await dropFile(rq, '.dropzone[data-for="reply-files"]', pdf, 'application/pdf');
  assert.match(await rq.textContent('#reply-files-chosen'), /error-report\.pdf/);
  await rq.click('#reply-submit');
  await rq.waitForSelector('.comment .attachment[data-name="error-report.pdf"]');
  assert.equal(await rq.inputValue('#reply-body'), '');
  assert.match(await rq.textContent('#history'), T.attached);

  // a file over the cap: refused before anything is sent, in the reader's language; the text stays
  const typed = 'Et le vidage complet / and the full dump';
  await rq.fill('#reply-body', typed);
  await rq.setInputFiles('#reply-files', big);
  const before = (await agentApi('GET', `/api/v1/tickets/${id}/comments`)).json.items.length;
  await rq.click('#reply-submit');
  await rq.waitForFunction(() => document.querySelector('#reply-error').textContent.length > 0);
  assert.equal((await rq.textContent('#reply-error')).split(/(?<=\.) /)[0], T.tooBig);
  assert.equal(await rq.inputValue('#reply-body'), typed);
  assert.equal((await agentApi('GET', `/api/v1/tickets/${id}/comments`)).json.items.length, before, 'nothing was posted');
  if (width < 500) await fits(rq, `ticket with an error ${tag}`);
  await rq.screenshot({ path: path.join(SHOTS, `attach-toobig-${tag}.png`), fullPage: true });
  await rq.reload();
  await rq.waitForSelector('#reply-body');
  assert.equal(await rq.inputValue('#reply-body'), typed, 'the draft survives a reload');
  await rq.fill('#reply-body', '');

  // the agent: the image inline (and full size), the PDF downloaded; an internal note with a file
  const actx = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const ag = await actx.newPage();
  ag.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(ag, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await ag.goto(`${srv.url}/#/ticket/${id}`);
  await ag.waitForSelector('#ticket-files img');
  await imageShown(ag, '#ticket-files img');
  const [full] = await Promise.all([actx.waitForEvent('page'), ag.click('#ticket-files a.thumb')]);
  await full.waitForLoadState();
  assert.ok(await full.evaluate(() => document.images.length === 1 && document.images[0].naturalWidth === 640), 'full size');
  await full.close();
  const [dl] = await Promise.all([ag.waitForEvent('download'),
    ag.click('.comment .attachment[data-name="error-report.pdf"] a.att-name')]);
  assert.equal(dl.suggestedFilename(), 'error-report.pdf');
  assert.ok(fs.readFileSync(await dl.path()).equals(fs.readFileSync(pdf)), 'the same PDF');
  await ag.fill('#reply-body', 'Driver issue, see notes');
  await ag.check('#reply-internal');
  await ag.setInputFiles('#reply-files', note);
  await ag.click('#reply-submit');
  await ag.waitForSelector('.comment.internal .attachment[data-name="driver-notes.txt"]');
  if (width < 500) await fits(ag, `agent ticket ${tag}`);
  await ag.screenshot({ path: path.join(SHOTS, `attach-agent-${tag}.png`), fullPage: true });

  // the requester never sees the note's file, nor that it was attached
  await rq.reload();
  await rq.waitForSelector('.comment .attachment[data-name="error-report.pdf"]');
  assert.equal(await rq.locator('[data-name="driver-notes.txt"]').count(), 0);
  assert.doesNotMatch(await rq.textContent('main'), /driver-notes/);
  if (width < 500) await fits(rq, `requester ticket ${tag}`);
  await rq.screenshot({ path: path.join(SHOTS, `attach-requester-${tag}.png`), fullPage: true });
  const missing = await rq.evaluate(() => document.documentElement.dataset.i18nMissing || '');
  assert.equal(missing, '', 'every text translated');
  assert.deepEqual(errors, []);
  await rctx.close();
  await actx.close();
}

for (const lang of ['fr', 'en']) {
  for (const width of [1400, 390]) {
    test(`files on a ticket and its replies (${lang}, ${width} px)`, () => journey(lang, width));
  }
}

test('an agent files a ticket on behalf of a requester, with a file the requester then sees', async () => {
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await page.click('#nav-new');
  await page.fill('#requester', env.accounts.bob.email);
  await page.selectOption('#source', 'phone');
  await page.fill('#title', 'Printer shows error E-52');
  await page.setInputFiles('#new-files', [shot, pdf]);
  assert.equal(await page.locator('#new-files-chosen li').count(), 2);
  // one taken out again before sending
  await page.click('#new-files-chosen button[aria-label="Remove error-report.pdf"]');
  assert.equal(await page.locator('#new-files-chosen li').count(), 1);
  await page.click('#new-submit');
  await page.waitForSelector('#ticket-files li[data-inline="1"] img');
  const id = Number(page.url().split('/').pop());
  const bob = client(srv.url, env.accounts.bob.token);
  const files = (await bob('GET', `/api/v1/tickets/${id}/attachments`)).json.items;
  assert.deepEqual(files.map((f) => [f.name, f.uploader_name, f.comment_id]), [['capture écran.png', 'Agent', null]]);
  await ctx.close();
});

test('a refused program after the reply is saved is said in the reader\'s language; a hidden file leaves the requester\'s page', async () => {
  const { makeExe } = require('../lib/files');
  const exe = path.join(dir, 'setup.exe');
  fs.writeFileSync(exe, makeExe());
  const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 844 } });
  const rq = await ctx.newPage();
  await uiLogin(rq, srv.url, env.accounts.alice.email, env.accounts.alice.password);
  const alice = client(srv.url, env.accounts.alice.token);
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Installateur bloqué' })).json.id;
  await rq.goto(`${srv.url}/#/ticket/${id}`);
  await rq.waitForSelector('#reply-body');
  await rq.fill('#reply-body', 'Voici l’installateur et la capture');
  await rq.setInputFiles('#reply-files', [exe, shot]);
  await rq.click('#reply-submit');
  // the reply and the screenshot are saved; the program is refused, and the toast says so in French
  await rq.waitForSelector('#toast.error-toast');
  assert.equal(await rq.textContent('#toast.error-toast'),
    'Enregistré, mais tous les fichiers n’ont pas été joints\u00a0: setup.exe\u00a0: les programmes ne sont pas acceptés.×');
  await rq.waitForSelector('.comment .attachment[data-name="capture écran.png"]');
  assert.equal(await rq.locator('[data-name="setup.exe"]').count(), 0);
  await fits(rq, 'refused program fr 390');
  await rq.screenshot({ path: path.join(SHOTS, 'attach-refused-fr-390.png'), fullPage: true });
  // an agent hides the screenshot: the requester no longer sees it, the agent sees it marked
  const actx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const ag = await actx.newPage();
  await uiLogin(ag, srv.url, env.accounts.agent.email, env.accounts.agent.password);
  await ag.goto(`${srv.url}/#/ticket/${id}`);
  await ag.waitForSelector('.attachment[data-name="capture écran.png"] button[data-hide-file]');
  await ag.click('.attachment[data-name="capture écran.png"] button[data-hide-file]');
  await ag.waitForSelector('.attachment[data-name="capture écran.png"][data-hidden="1"]');
  assert.match(await ag.textContent('.attachment[data-hidden="1"]'), /hidden by Agent/);
  assert.match(await ag.textContent('#history'), /Agent hid a file from the requester: capture écran\.png/);
  await ag.screenshot({ path: path.join(SHOTS, 'attach-hidden-en-1400.png'), fullPage: true });
  await rq.reload();
  await rq.waitForSelector('.comment');
  assert.equal(await rq.locator('[data-name="capture écran.png"]').count(), 0);
  assert.match(await rq.textContent('#history'), /Agent a masqué un fichier au demandeur\u00a0: capture écran\.png/);
  await ctx.close();
  await actx.close();
});
