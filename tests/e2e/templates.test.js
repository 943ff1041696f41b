// Browser test of request templates (issue "a desk people can work in all
// day"), in French and English, at 1400 and 390 px: a requester files a
// "New laptop" request through its template; a bad value is refused beside
// its field in their language before anything is sent, and so is one the
// server refuses (the template changed while the form was open); typed
// values survive a reload; the requester and the agent see the values on
// the ticket. An admin makes a template on the Templates page.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, addEntries, SHOTS } = require('../lib/harness');

let env, srv, browser, admin, agent, laptop;

const LAPTOP = {
  name_fr: 'Nouvel ordinateur portable', name_en: 'New laptop',
  description_fr: 'Pour un nouvel arrivant ou un remplacement.', description_en: 'For a newcomer or a replacement.',
  category: 'Hardware', service: 'Parc PC',
  title_fr: 'Ordinateur portable {model} pour {requester_name}', title_en: '{model} laptop for {requester_name}',
  fields: [
    { key: 'model', label_fr: 'Modèle', label_en: 'Model', type: 'choice', required: true,
      options: [{ value: 'standard', label_fr: 'Standard 14 pouces', label_en: 'Standard 14-inch' },
        { value: 'dev', label_fr: 'Développeur 16 pouces', label_en: 'Developer 16-inch' }] },
    { key: 'needed_by', label_fr: 'Pour le', label_en: 'Needed by', type: 'date', required: true, min: '2026-01-01', max: '2030-12-31' },
    { key: 'site', label_fr: 'Site de livraison', label_en: 'Delivery site', type: 'text', required: true, min: 2, max: 40 },
    { key: 'screens', label_fr: 'Écrans supplémentaires', label_en: 'Extra screens', type: 'number', min: 0, max: 2 },
    { key: 'bag', label_fr: 'Avec une sacoche', label_en: 'With a bag', type: 'yesno' },
    { key: 'notes', label_fr: 'Besoins particuliers', label_en: 'Special needs', type: 'long_text', max: 500 },
  ],
};

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Hardware', 'Access'], service: ['Parc PC'] });
  laptop = (await admin('POST', '/api/v1/templates', LAPTOP)).json;
  assert.ok(laptop.id, JSON.stringify(laptop));
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function fits(page, where) {
  const f = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth }));
  assert.ok(f.w <= f.vw, `${where}: ${f.w} px wide on a ${f.vw} px screen`);
}

const ticketsOf = async () => (await agent('GET', '/api/v1/tickets?limit=200')).json.items.length;

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    test(`a requester files a New laptop request through its template (${lang}, ${width} px)`, async () => {
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await uiLogin(page, srv.url, env.accounts.alice.email, env.accounts.alice.password);
      await page.click('#nav-new');
      await page.waitForSelector('#tpl-chooser');
      // the free form is there until a template is chosen
      assert.equal(await page.isVisible('#title'), true);
      await page.click(`.tpl-choice[data-template="${laptop.id}"]`);
      await page.waitForSelector('#tf-model');
      assert.equal(await page.textContent('label[for=tf-model]'), lang === 'fr' ? 'Modèle' : 'Model');
      assert.equal(await page.textContent('fieldset.yesno legend'), lang === 'fr' ? 'Avec une sacoche (facultatif)' : 'With a bag (optional)');
      assert.equal(await page.isVisible('#title'), false, 'the title comes from the template');
      // bad values: refused beside their fields, in the reader's language, nothing sent
      const before = await ticketsOf();
      await page.selectOption('#tf-model', 'dev');
      await page.fill('#tf-needed_by', '2025-06-30');
      await page.fill('#tf-site', 'L');
      await page.fill('#tf-screens', '5');
      await page.click('#new-submit');
      await page.waitForSelector('#tf-screens-error');
      const msg = (id) => page.textContent(`#${id}-error`);
      assert.equal(await msg('tf-screens'), lang === 'fr' ? 'Saisissez un nombre entier de 0 à 2.' : 'Enter a whole number from 0 to 2.');
      assert.equal(await msg('tf-site'), lang === 'fr' ? 'Au moins 2 caractères.' : 'At least 2 characters.');
      assert.match(await msg('tf-needed_by'), lang === 'fr' ? /^Choisissez une date du 1 janv\. 2026 au 31 déc\. 2030\.$/ : /^Choose a date from 1 Jan 2026 to 31 Dec 2030\.$/);
      assert.equal(await page.getAttribute('#tf-screens', 'aria-invalid'), 'true');
      assert.equal(await ticketsOf(), before, 'nothing was sent');
      await fits(page, `new ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `template-refused-${lang}-${width}.png`), fullPage: true });
      // fixed; the typed values survive a reload
      await page.fill('#tf-needed_by', '2026-09-01');
      await page.fill('#tf-site', 'Lyon');
      await page.fill('#tf-screens', '1');
      await page.check(`#tf-bag`);
      await page.fill('#tf-notes', lang === 'fr' ? 'Docker et VS Code' : 'Docker and VS Code');
      await page.reload();
      await page.waitForSelector('#tf-model');
      assert.deepEqual([await page.inputValue('#tf-model'), await page.inputValue('#tf-site'), await page.inputValue('#tf-screens')], ['dev', 'Lyon', '1']);
      assert.equal(await page.isChecked('#tf-bag'), true);
      await page.click('#new-submit');
      await page.waitForSelector('#ticket-form');
      const id = Number(page.url().split('/').pop());
      // the requester sees the values in their language
      const shown = await page.$$eval('#ticket-form dd', (ds) => ds.map((d) => d.textContent));
      assert.deepEqual(shown, lang === 'fr'
        ? ['Développeur 16 pouces', '1 sept. 2026', 'Lyon', '1', 'Oui', 'Docker et VS Code']
        : ['Developer 16-inch', '1 Sept 2026', 'Lyon', '1', 'Yes', 'Docker and VS Code']);
      assert.equal(await page.textContent('#ticket-title-text'), lang === 'fr' ? 'Ordinateur portable Développeur 16 pouces pour Alice' : 'Developer 16-inch laptop for Alice');
      // the values' lines at the end of the description are not shown twice
      assert.equal(await page.textContent('#ticket-desc'), '');
      assert.match((await agent('GET', `/api/v1/tickets/${id}`)).json.description, lang === 'fr' ? /\nSite de livraison\u00a0: Lyon\n/ : /\nDelivery site: Lyon\n/);
      await fits(page, `ticket ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `template-ticket-requester-${lang}-${width}.png`), fullPage: true });
      const tk = (await agent('GET', `/api/v1/tickets/${id}`)).json;
      assert.deepEqual([tk.category, tk.service, tk.form.template_id], ['Hardware', 'Parc PC', laptop.id]);
      // and so does the agent, in theirs (the other language)
      const other = lang === 'fr' ? 'en-GB' : 'fr-FR';
      const actx = await browser.newContext({ locale: other, viewport: { width, height: 900 } });
      const ap = await actx.newPage();
      await uiLogin(ap, srv.url, env.accounts.agent.email, env.accounts.agent.password);
      await ap.goto(`${srv.url}/#/ticket/${id}`);
      await ap.waitForSelector('#ticket-form');
      assert.deepEqual(await ap.$$eval('#ticket-form dt', (ds) => ds.map((d) => d.textContent)), lang === 'fr'
        ? ['Model', 'Needed by', 'Delivery site', 'Extra screens', 'With a bag', 'Special needs']
        : ['Modèle', 'Pour le', 'Site de livraison', 'Écrans supplémentaires', 'Avec une sacoche', 'Besoins particuliers']);
      assert.match(await ap.textContent('#ticket-form h2'), lang === 'fr' ? /^Request: New laptop$/ : /^Demande\u00a0: Nouvel ordinateur portable$/);
      await fits(ap, `agent ticket ${lang} ${width}`);
      await ap.screenshot({ path: path.join(SHOTS, `template-ticket-agent-${lang}-${width}.png`), fullPage: true });
      await actx.close();
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }

  test(`a value the server refuses is said beside its field too (${lang})`, async () => {
    const t = (await admin('POST', '/api/v1/templates', { name_fr: 'Accès VPN ' + lang, name_en: 'VPN access ' + lang,
      title_fr: 'VPN pour {who}', title_en: 'VPN for {who}',
      fields: [{ key: 'who', label_fr: 'Pour qui', label_en: 'For whom', type: 'text', required: true, max: 40 }] })).json;
    const ctx = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await uiLogin(page, srv.url, env.accounts.alice.email, env.accounts.alice.password);
    await page.goto(`${srv.url}/#/new?template=${t.id}`);
    await page.waitForSelector('#tf-who');
    // the admin tightens the field while the form is open
    assert.equal((await admin('PATCH', `/api/v1/templates/${t.id}`, { fields: [{ key: 'who', label_fr: 'Pour qui',
      label_en: 'For whom', type: 'text', required: true, max: 3 }] })).status, 200);
    await page.fill('#tf-who', 'Marc Dupont');
    await page.click('#new-submit');
    await page.waitForSelector('#tf-who-error');
    assert.equal(await page.textContent('#tf-who-error'), lang === 'fr' ? 'Au plus 3 caractères.' : 'At most 3 characters.');
    assert.equal(await page.inputValue('#tf-who'), 'Marc Dupont', 'the typed value stays');
    await ctx.close();
  });

  test(`an admin makes a template on the Templates page (${lang})`, async () => {
    for (const width of [1400, 390]) {
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
      await page.click('#nav-templates');
      await page.waitForSelector('#tpl-new');
      await page.click('#tpl-new');
      const name = `Install ${lang} ${width}`;
      await page.fill('#tp-name_en', name);
      await page.fill('#tp-title_en', 'Install {software}');
      await page.selectOption('#tp-category', 'Access');
      await page.click('#tpl-add-field');
      await page.fill('#td-0-key', 'Software!');
      await page.fill('#td-0-label_en', 'Software');
      await page.click('#tpl-save');
      await page.waitForSelector('#td-0-key-error');
      assert.match(await page.textContent('#td-0-key-error'), lang === 'fr' ? /^Une clé est faite de/ : /^A key is made of/);
      await fits(page, `templates ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `templates-form-${lang}-${width}.png`), fullPage: true });
      await page.fill('#td-0-key', 'software');
      await page.click('#tpl-add-field');
      await page.fill('#td-1-key', 'seats');
      await page.fill('#td-1-label_fr', 'Postes');
      await page.selectOption('#td-1-type', 'number');
      await page.fill('#td-1-min', '1');
      await page.fill('#td-1-max', '50');
      await page.click('#tpl-save');
      await page.waitForSelector(`#tpl-list tr:has-text("${name}")`);
      const saved = (await admin('GET', '/api/v1/templates')).json.items.find((x) => x.name_en === name);
      assert.deepEqual(saved.fields.map((f) => [f.key, f.type, f.min, f.max]), [['software', 'text', null, 300], ['seats', 'number', 1, 50]]);
      assert.equal(saved.category, 'Access');
      await fits(page, `templates list ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `templates-page-${lang}-${width}.png`), fullPage: true });
      await ctx.close();
    }
  });
}
