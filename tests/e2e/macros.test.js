// Browser test of macros (issue "a desk people can work in all day"), in
// French and English, at 1400 and 390 px: an agent picks a macro for a
// ticket whose reply already holds typed text, is asked before anything
// is replaced and keeps it, sees the field changes staged in Details (kept
// through a reload), edits the text and sends: the reply and the changes
// are saved together. "Apply and send" leaves what is being typed alone.
// The Macros page makes one, refusing an unknown placeholder beside its
// field in the reader's language.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, addEntries, SHOTS } = require('../lib/harness');

let env, srv, browser, admin, agent, alice, reset, escalate, groupId;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Access'] });
  groupId = (await admin('POST', '/api/v1/groups', { name: 'Network team' })).json.id;
  reset = (await admin('POST', '/api/v1/macros', {
    name_fr: 'Mot de passe réinitialisé', name_en: 'Password reset done', shared: true,
    body_fr: 'Bonjour {requester_first_name},\nvotre mot de passe est réinitialisé.\n{agent_name}',
    body_en: 'Hello {requester_first_name},\nyour password has been reset.\n{agent_name}',
    actions: { status: 'resolved', resolution: 'Réinitialisé / Reset', category: 'Access' },
  })).json;
  escalate = (await admin('POST', '/api/v1/macros', {
    name_fr: 'Escalader au réseau', name_en: 'Escalate to network team', shared: true, internal: true,
    body_fr: 'Escaladé à {group_name}.', body_en: 'Escalated to {group_name}.', actions: { group_id: groupId },
  })).json;
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const LANGS = [['fr', 'fr-FR'], ['en', 'en-GB']];
const WIDTHS = [1400, 390];

async function fits(page, where) {
  const f = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
  assert.ok(f.w <= f.vw, `${where}: ${f.w} px wide on a ${f.vw} px screen`);
}

async function fileTicket(lang) {
  const r = await alice('POST', '/api/v1/tickets', lang === 'fr'
    ? { title: 'Mot de passe expiré', description: 'Je ne peux plus ouvrir ma session depuis ce matin.', language: 'fr' }
    : { title: 'Password expired', description: 'I cannot sign in since this morning.', language: 'en' });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

for (const [lang, locale] of LANGS) {
  for (const width of WIDTHS) {
    test(`a macro on a half-written reply: asked, kept, staged, edited and sent (${lang}, ${width} px)`, async () => {
      const id = await fileTicket(lang);
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
      await page.goto(`${srv.url}/#/ticket/${id}`);
      await page.waitForSelector('#macro-pick');
      const typed = lang === 'fr' ? 'Je viens de vérifier votre compte.' : 'I just checked your account.';
      await page.fill('#reply-body', typed);
      // the search narrows the list to the macro
      await page.fill('#macro-q', lang === 'fr' ? 'réinit' : 'reset');
      assert.deepEqual(await page.$$eval('#macro-pick option', (os) => os.map((o) => o.value)), [String(reset.id)]);
      await page.click('#macro-use');
      // a reply is being typed: asked first, nothing replaced yet
      await page.waitForSelector('#macro-ask:not([hidden])');
      assert.match(await page.textContent('#macro-ask'), lang === 'fr' ? /contient déjà du texte/ : /already has text/);
      assert.equal(await page.inputValue('#reply-body'), typed);
      await page.click('#macro-after');
      const filled = lang === 'fr' ? 'Bonjour Alice,\nvotre mot de passe est réinitialisé.\nAgent' : 'Hello Alice,\nyour password has been reset.\nAgent';
      assert.equal(await page.inputValue('#reply-body'), typed + '\n\n' + filled);
      // the changes are staged in Details, marked as not saved
      assert.equal(await page.inputValue('#f-status'), 'resolved');
      assert.equal(await page.locator('#f-status.draft').count(), 1);
      assert.equal(await page.inputValue('#f-resolution'), 'Réinitialisé / Reset');
      assert.equal(await page.inputValue('#f-category'), 'Access');
      assert.match(await page.textContent('#macro-staged'), lang === 'fr' ? /Statut\u00a0: Résolu/ : /Status: Resolved/);
      await fits(page, `ticket ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `macro-staged-${lang}-${width}.png`), fullPage: true });
      // nothing is lost on a reload: the text, the staged macro and fields
      await page.reload();
      await page.waitForSelector('#macro-staged:not([hidden])');
      assert.equal(await page.inputValue('#reply-body'), typed + '\n\n' + filled);
      assert.equal(await page.inputValue('#f-status'), 'resolved');
      // edit the text and one staged change, then send
      const edited = typed + '\n\n' + filled + (lang === 'fr' ? '\nP.S. Pensez à le changer.' : '\nP.S. Remember to change it.');
      await page.fill('#reply-body', edited);
      await page.selectOption('#f-status', 'pending');
      assert.equal((await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items.length, 0, 'nothing sent yet');
      await page.click('#reply-submit');
      await page.waitForFunction((text) => [...document.querySelectorAll('#comments .comment .body')].some((b) => b.textContent === text), edited);
      const tk = (await agent('GET', `/api/v1/tickets/${id}`)).json;
      assert.deepEqual([tk.status, tk.resolution, tk.category], ['pending', 'Réinitialisé / Reset', 'Access']);
      const cs = (await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
      assert.deepEqual(cs.map((c) => [c.body, c.internal]), [[edited, false]]);
      // the page shows the ticket as saved: no draft left, the macro in the history
      await page.waitForSelector('#history .event[data-field="macro"]');
      assert.match(await page.textContent('#history .event[data-field="macro"]'),
        lang === 'fr' ? /a appliqué la macro Mot de passe réinitialisé/ : /applied the macro Password reset done/);
      assert.equal(await page.inputValue('#reply-body'), '');
      assert.equal(await page.locator('.draft').count(), 0);
      assert.ok(await page.isHidden('#macro-staged'));
      await page.screenshot({ path: path.join(SHOTS, `macro-sent-${lang}-${width}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }

  test(`"Apply and send" leaves the reply being typed where it is (${lang})`, async () => {
    const id = await fileTicket(lang);
    const ctx = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
    await page.goto(`${srv.url}/#/ticket/${id}`);
    await page.waitForSelector('#macro-pick');
    await page.fill('#reply-body', 'Brouillon / draft');
    await page.selectOption('#macro-pick', String(escalate.id));
    await page.click('#macro-send');
    await page.waitForSelector('#comments .comment[data-internal="1"]');
    assert.equal(await page.textContent('#comments .comment[data-internal="1"] .body'), lang === 'fr' ? 'Escaladé à Network team.' : 'Escalated to Network team.');
    assert.equal(await page.inputValue('#reply-body'), 'Brouillon / draft', 'the typed reply is still there');
    assert.equal(await page.inputValue('#f-group_id'), String(groupId));
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.group_id, groupId);
    await ctx.close();
  });

  test(`a reply sent through a macro takes the files chosen with it (${lang})`, async () => {
    const id = await fileTicket(lang);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relais-macro-')), 'steps.txt');
    fs.writeFileSync(file, 'Reset with the temporary password, then choose a new one.\n');
    const ctx = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
    await page.goto(`${srv.url}/#/ticket/${id}`);
    await page.waitForSelector('#macro-pick');
    await page.selectOption('#macro-pick', String(reset.id));
    await page.click('#macro-use');
    await page.waitForSelector('#macro-staged:not([hidden])');
    await page.setInputFiles('#reply-files', file);
    await page.click('#reply-submit');
    await page.waitForSelector('.comment .attachment[data-name="steps.txt"]');
    const cs = (await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
    assert.equal(cs.length, 1);
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.status, 'resolved');
    const files = (await agent('GET', `/api/v1/tickets/${id}/attachments`)).json.items;
    assert.deepEqual(files.map((f) => [f.name, f.comment_id]), [['steps.txt', cs[0].id]]);
    await ctx.close();
  });

  test(`a ticket changed meanwhile: nothing sent, the reply kept, the agent told (${lang})`, async () => {
    const id = await fileTicket(lang);
    const ctx = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
    await page.goto(`${srv.url}/#/ticket/${id}`);
    await page.waitForSelector('#macro-pick');
    await page.selectOption('#macro-pick', String(reset.id));
    await page.click('#macro-use');
    await page.waitForSelector('#macro-staged:not([hidden])');
    const cur = (await admin('GET', `/api/v1/tickets/${id}`)).json;
    assert.equal((await admin('PATCH', `/api/v1/tickets/${id}`, { impact: 1, version: cur.version })).status, 200);
    const text = await page.inputValue('#reply-body');
    await page.click('#reply-submit');
    await page.waitForFunction(() => /Admin/.test(document.getElementById('reply-error').textContent));
    assert.match(await page.textContent('#reply-error'), lang === 'fr' ? /Rien n’a été envoyé/ : /Nothing was sent/);
    assert.equal(await page.inputValue('#reply-body'), text);
    assert.equal((await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items.length, 0);
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.status, 'new');
    await ctx.close();
  });

  for (const width of WIDTHS) {
    test(`the queue applies a macro to the ticked tickets, each its own reply (${lang}, ${width} px)`, async () => {
      const a = await fileTicket(lang);
      const b = await fileTicket(lang);
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
      await page.goto(`${srv.url}/#/queue`);
      for (const id of [a, b]) {
        await page.waitForSelector(`tr.ticket[data-id="${id}"] input.sel`);
        await page.check(`tr.ticket[data-id="${id}"] input.sel`);
      }
      await page.selectOption('#bulk-field', 'macro');
      await page.waitForSelector(`#bulk-value option[value="${escalate.id}"]`, { state: 'attached' });
      await page.selectOption('#bulk-value', String(escalate.id));
      await fits(page, `queue ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `macro-bulk-${lang}-${width}.png`), fullPage: false });
      await page.click('#bulk-apply');
      // the outcome's message: the count changed, or the refusal (said, so a failure says why)
      await page.waitForFunction(() => /\b2\b/.test(document.getElementById('toast').textContent) ||
        document.getElementById('toast').classList.contains('error-toast'));
      const said = await page.textContent('#toast');
      assert.match(said, lang === 'fr' ? /^2 tickets modifiés/ : /^2 tickets changed/, said);
      await page.waitForFunction(() => document.getElementById('bulk-bar').hidden);
      for (const id of [a, b]) {
        assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.group_id, groupId);
        const cs = (await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
        assert.deepEqual(cs.map((c) => [c.body, c.internal]), [[lang === 'fr' ? 'Escaladé à Network team.' : 'Escalated to Network team.', true]]);
      }
      await ctx.close();
    });

    test(`the Macros page makes one, an unknown placeholder refused beside its field (${lang}, ${width} px)`, async () => {
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
      await page.click('#nav-macros');
      await page.waitForSelector('#macro-new');
      await page.click('#macro-new');
      const name = `Info ${lang} ${width}`;
      await page.fill(`#m-name_${lang}`, name);
      await page.fill(`#m-body_${lang}`, 'Bonjour {prenom}');
      await page.selectOption('#m-status', 'pending');
      await page.click('#macro-save');
      await page.waitForSelector(`#m-body_${lang}-error`);
      assert.match(await page.textContent(`#m-body_${lang}-error`),
        lang === 'fr' ? /^Variable inconnue\u00a0: \{prenom\}\. Celles que vous pouvez utiliser\u00a0: \{requester_name\}/ : /^Unknown placeholder \{prenom\}\. The ones you may use: \{requester_name\}/);
      assert.equal((await agent('GET', '/api/v1/macros')).json.items.filter((m) => m[`name_${lang}`] === name).length, 0, 'nothing saved');
      await fits(page, `macros ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `macros-form-${lang}-${width}.png`), fullPage: true });
      await page.fill(`#m-body_${lang}`, 'Bonjour {requester_first_name}');
      await page.click('#macro-save');
      await page.waitForSelector(`#macros-own tr:has-text("${name}")`);
      const row = await page.textContent(`#macros-own tr:has-text("${name}")`);
      assert.match(row, lang === 'fr' ? /Statut\u00a0: En attente/ : /Status: Pending/);
      const mine = (await agent('GET', '/api/v1/macros')).json.items.find((m) => m[`name_${lang}`] === name);
      assert.deepEqual([mine.shared, mine.actions], [false, { status: 'pending' }]);
      // the shared ones are there, not editable by an agent
      assert.match(await page.textContent('#macros-shared'), lang === 'fr' ? /Les administrateurs la modifient/ : /Admins change it/);
      await fits(page, `macros list ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `macros-page-${lang}-${width}.png`), fullPage: true });
      await ctx.close();
    });
  }
}
