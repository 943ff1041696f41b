// Browser test of the knowledge base (issue "Knowledge base, similar
// tickets and duplicates"): an agent writes an article in French with the
// preview, publishes it and translates it into English; a requester finds
// it in Help in their language, reads it (hostile Markdown inert on the
// page) and says it helped; an agent turns a solved ticket into a draft
// from the ticket page. At 1400 and 390 px, nothing wider than the
// screen; no serious or critical axe-core finding.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, addEntries, axeViolations, SHOTS } = require('../lib/harness');

let env, srv, browser, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Network'] });
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function fits(page, where) {
  const f = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
  assert.ok(f.w <= f.vw, `${where}: ${f.w} px wide on a ${f.vw} px screen`);
}

async function open(width, locale, who) {
  const ctx = await browser.newContext({ locale, viewport: { width, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
  return { ctx, page, errors };
}

for (const width of [1400, 390]) {
  test(`an article written in French, previewed, published, translated; found and rated by a requester (${width} px)`, async () => {
    const tag = 'w' + width;
    const { ctx, page, errors } = await open(width, 'fr-FR', 'agent');
    await page.goto(`${srv.url}/#/kb`);
    await page.click('#kb-new');
    await page.waitForSelector('#kb-form');
    await page.fill('#kb-f-title', `Se connecter au Wi-Fi invité ${tag}`);
    await page.fill('#kb-f-body', '## Étapes\n\n1. Choisissez le réseau **Invités**\n2. Acceptez les conditions\n\n' +
      '<script>window.pwned = 1</script> [piège](javascript:window.pwned=2) <img src=x onerror="window.pwned=3">');
    await page.check('#kb-f-public');
    await page.selectOption('#kb-f-category', 'Network');
    await page.click('#kb-preview-toggle');
    await page.waitForSelector('#kb-preview strong');
    assert.equal(await page.textContent('#kb-preview strong'), 'Invités');
    await page.click('#kb-save');
    await page.waitForSelector('#kb-title');
    assert.match(await page.textContent('#kb-title'), /Wi-Fi invité/);
    assert.match(await page.textContent('#kb-tools'), /Brouillon/);
    const frUrl = page.url();
    await page.click('#kb-to-published');
    await page.waitForFunction(() => /Publié/.test(document.querySelector('#kb-tools').textContent));
    // the translation: the original beside the editor, the language set
    await page.click('#kb-translate-en');
    await page.waitForSelector('#kb-original');
    assert.equal(await page.inputValue('#kb-f-lang'), 'en');
    assert.ok(await page.isChecked('#kb-f-public')); // the original's audience and tags come along
    await page.fill('#kb-f-title', `Connect to the guest Wi-Fi ${tag}`);
    await page.fill('#kb-f-body', '## Steps\n\n1. Choose the **Guests** network\n2. Accept the terms');
    await fits(page, `editor ${width}`);
    await page.click('#kb-save');
    await page.waitForSelector('#kb-translations');
    assert.match(await page.textContent('#kb-translations'), /Français/);
    await page.click('#kb-to-published');
    await page.waitForFunction(() => /Publié/.test(document.querySelector('#kb-tools').textContent));
    await page.click('#kb-versions summary');
    assert.match(await page.textContent('#kb-events'), /l’a rédigé/);
    await page.screenshot({ path: path.join(SHOTS, `kb-agent-${width}.png`), fullPage: true });
    assert.deepEqual(await axeViolations(page), []);
    await fits(page, `article ${width}`);
    await page.goto(frUrl);
    await page.waitForSelector('#kb-body');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('#kb-body script, #kb-body img[src="x"], #kb-body [href^="javascript"]').count(), 0);
    assert.deepEqual(errors, []);
    await ctx.close();

    // the requester, in English: Help shows the English one; a search finds it as it is typed
    const r = await open(width, 'en-GB', 'alice');
    await r.page.click('#nav-help');
    await r.page.waitForSelector('#kb-q');
    assert.equal(await r.page.inputValue('#kb-lang'), 'en');
    await r.page.fill('#kb-q', `guest wi ${tag}`);
    await r.page.waitForFunction((t) => [...document.querySelectorAll('.kb-item-title')].some((a) => a.textContent.includes(t)), tag);
    const titles = await r.page.$$eval('.kb-item-title', (xs) => xs.map((x) => x.textContent));
    assert.ok(titles.every((x) => !/invité/.test(x)), titles.join(' | ')); // English only
    await fits(r.page, `help ${width}`);
    await r.page.click('.kb-item-title');
    await r.page.waitForSelector('#kb-vote');
    assert.equal(await r.page.locator('#kb-tools').count(), 0); // no desk tools for requesters
    await r.page.click('#kb-yes');
    await r.page.waitForFunction(() => document.querySelector('#kb-yes').getAttribute('aria-pressed') === 'true');
    assert.match(await r.page.textContent('#kb-counts'), /Helpful: 1 /);
    await r.page.screenshot({ path: path.join(SHOTS, `kb-requester-${width}.png`), fullPage: true });
    assert.deepEqual(await axeViolations(r.page), []);
    await fits(r.page, `reading ${width}`);
    assert.deepEqual(r.errors, []);
    await r.ctx.close();
  });
}

test('a solved ticket becomes a draft article from its page, and the editor keeps what is typed through a reload', async () => {
  const tk = (await alice('POST', '/api/v1/tickets', { title: 'Printer offline', description: 'The 3rd floor printer shows offline.' })).json;
  await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved', resolution: 'Restarted the print spooler.' });
  const { ctx, page, errors } = await open(1400, 'en-GB', 'agent');
  await page.goto(`${srv.url}/#/ticket/${tk.id}`);
  await page.click('#kb-make');
  await page.waitForSelector('#kb-form');
  assert.equal(await page.inputValue('#kb-f-title'), 'Printer offline');
  assert.match(await page.inputValue('#kb-f-body'), /## Solution\n\nRestarted the print spooler\./);
  await page.fill('#kb-f-title', 'Printer shows offline');
  await page.reload();
  await page.waitForSelector('#kb-form');
  assert.equal(await page.inputValue('#kb-f-title'), 'Printer shows offline');
  // a refusal is said beside its field, in the reader's words
  await page.fill('#kb-f-body', '');
  await page.click('#kb-save');
  assert.match(await page.textContent('#kb-form'), /This field is required/);
  await page.fill('#kb-f-body', 'Restart the spooler.');
  await page.click('#kb-save');
  await page.waitForSelector('#kb-title');
  assert.equal(await page.textContent('#kb-title'), 'Printer shows offline');
  assert.match(await page.textContent('#kb-tools'), new RegExp(`#${tk.id}`));
  assert.deepEqual(errors, []);
  await ctx.close();
});

for (const [lang, locale, width] of [['fr', 'fr-FR', 390], ['en', 'en-GB', 1400]]) {
  test(`a requester typing a problem sees the article that answers it, reads it in place and files no ticket (${lang}, ${width} px)`, async () => {
    const a = (await agent('POST', '/api/v1/kb/articles', lang === 'fr'
      ? { title: 'Outlook redemande sans cesse le mot de passe', lang: 'fr', public: true,
        body: '## Solution\n\n1. Fermez **Outlook**\n2. Supprimez les identifiants enregistrés du Gestionnaire d’identification' }
      : { title: 'Outlook keeps asking for the password', lang: 'en', public: true,
        body: '## Fix\n\n1. Close **Outlook**\n2. Remove the saved credentials from Credential Manager' })).json;
    await agent('POST', `/api/v1/kb/articles/${a.id}/state`, { state: 'published' });
    const before = (await alice('GET', '/api/v1/tickets')).json.items.length;
    const { ctx, page, errors } = await open(width, locale, 'alice');
    await page.click('#nav-new');
    await page.waitForSelector('#new-form');
    await page.fill('#title', lang === 'fr' ? 'Outlook me demande mon mot de passe' : 'Outlook asks for my password');
    await page.type('#description', lang === 'fr' ? 'toutes les dix minutes' : 'every ten minutes', { delay: 20 });
    await page.waitForSelector(`#kb-suggest [data-article="${a.id}"]`);
    assert.match(await page.textContent('#kb-suggest'), /outlook/i);
    await page.click(`#kb-read-${a.id}`);
    await page.waitForSelector(`#kb-suggest-body-${a.id} strong`);
    await fits(page, `new ticket with suggestions ${width}`);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, `kb-deflect-${lang}-${width}.png`), fullPage: true });
    await page.click(`#kb-solved-${a.id}`);
    await page.waitForSelector('#kb-deflected');
    assert.equal(await page.inputValue('#title'), ''); // the form is emptied, its draft forgotten
    assert.equal((await alice('GET', '/api/v1/tickets')).json.items.length, before); // no ticket
    assert.equal((await agent('GET', `/api/v1/kb/articles/${a.id}`)).json.deflections, 1);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

test('an agent inserts the link of an article that may help into the reply', async () => {
  const a = (await agent('POST', '/api/v1/kb/articles', { title: 'Mailbox full: archive old mail', lang: 'en', public: true,
    body: 'Turn on **auto-archive** to free your mailbox.' })).json;
  await agent('POST', `/api/v1/kb/articles/${a.id}/state`, { state: 'published' });
  const tk = (await alice('POST', '/api/v1/tickets', { title: 'My mailbox is full', description: 'I cannot send mail, the mailbox is full.' })).json;
  const { ctx, page, errors } = await open(1400, 'en-GB', 'agent');
  await page.goto(`${srv.url}/#/ticket/${tk.id}`);
  await page.waitForSelector(`#kb-insert-${a.id}`);
  await page.fill('#reply-body', 'Hello, this should help:');
  await page.click(`#kb-insert-${a.id}`);
  assert.equal(await page.inputValue('#reply-body'), `Hello, this should help:\nMailbox full: archive old mail: ${srv.url}/#/kb/${a.id}`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an agent inserts a similar solved ticket\'s resolution into the reply (fr, 390 px)', async () => {
  const old = (await alice('POST', '/api/v1/tickets', { title: 'Boîte aux lettres pleine', description: 'Ma boîte aux lettres Outlook est pleine, je ne peux plus envoyer.' })).json;
  await agent('PATCH', `/api/v1/tickets/${old.id}`, { status: 'resolved', resolution: 'Archivage automatique activé et quota augmenté.' });
  const tk = (await alice('POST', '/api/v1/tickets', { title: 'Outlook : boîte pleine', description: 'Outlook dit que ma boîte aux lettres est pleine.' })).json;
  const { ctx, page, errors } = await open(390, 'fr-FR', 'agent');
  await page.goto(`${srv.url}/#/ticket/${tk.id}`);
  await page.waitForSelector(`#sim-insert-${old.id}`);
  assert.match(await page.textContent('#similar'), /En commun/);
  await page.click(`#sim-insert-${old.id}`);
  assert.equal(await page.inputValue('#reply-body'), 'Archivage automatique activé et quota augmenté.');
  await fits(page, 'ticket with similar tickets 390');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: path.join(SHOTS, 'similar-fr-390.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});
