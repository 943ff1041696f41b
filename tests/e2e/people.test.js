// Browser test of the admin's Users and Groups pages in Debian's Chromium,
// in French and English, at 1400 and 390 px: "New user" is at the top of
// the list and says what is wrong beside the field, in the reader's
// language; the admin finds a user through the search, role and status
// filters, opens the user's page, changes the role and the groups, and
// comes back to the list as it was filtered; groups have their own pages.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, admin;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  // more users than one page of the list
  for (let i = 0; i < 60; i++) {
    const r = await admin('POST', '/api/v1/users',
      { email: `user${String(i).padStart(2, '0')}@many.example`, name: `Many User ${i}`, role: 'requester' });
    assert.equal(r.status, 201, r.text);
  }
  // four of them left, the one the filters will find among them
  for (const i of [7, 17, 27, 37]) {
    const u = (await admin('GET', `/api/v1/users?q=user${String(i).padStart(2, '0')}@`)).json.items[0];
    assert.equal((await admin('PATCH', `/api/v1/users/${u.id}`, { active: false })).status, 200);
  }
  assert.equal((await admin('POST', '/api/v1/groups', { name: 'Field support', description: 'On-site' })).status, 201);
  const alice = client(srv.url, env.accounts.alice.token);
  for (const title of ['Souris HS', 'Écran noir']) assert.equal((await alice('POST', '/api/v1/tickets', { title })).status, 201);
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const T = {
  fr: { users: 'Utilisateurs', taken: 'Un utilisateur a déjà cet e-mail.', weak: /^Trop facile à deviner/, required: 'Obligatoire.',
    self: /^Vous ne pouvez ni retirer votre propre rôle/, agent: 'Agent', none: 'Aucun utilisateur ne correspond à ces filtres.', back: '← Utilisateurs' },
  en: { users: 'Users', taken: 'A user with this e-mail already exists.', weak: /^Too easy to guess/, required: 'Required.',
    self: /^You cannot take away your own admin role/, agent: 'Agent', none: 'No user matches these filters.', back: '← Users' },
};

async function open(locale, width) {
  const ctx = await browser.newContext({ locale, viewport: { width, height: width < 500 ? 844 : 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('console', (m) => {
    // refused requests are what this test makes on purpose
    if (m.type() === 'error' && !/status of (400|409)/.test(m.text()) && !/\/auth\/me$/.test(m.location().url)) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { ctx, page, errors };
}

// Nothing scrolls sideways and no control is cut off at the screen's edge.
async function fits(page, where) {
  const r = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('button, select, input, textarea, a')].filter((e) => {
      const b = e.getBoundingClientRect();
      return b.width > 0 && (b.right > vw + 1 || b.left < -1);
    }).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`);
    return { scroll: document.documentElement.scrollWidth, vw, out: out.slice(0, 5) };
  });
  assert.ok(r.scroll <= r.vw, `${where}: ${r.scroll} px wide on a ${r.vw} px screen`);
  assert.deepEqual(r.out, [], `${where}: controls beyond the edge`);
}

const missingKeys = (page) => page.evaluate(() => document.documentElement.dataset.i18nMissing || '');
const visibleRows = (page) => page.$$eval('#user-rows tr.user', (trs) => trs.map((tr) => tr.dataset.email));

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    test(`an admin finds, changes and creates users (${lang}, ${width} px)`, async () => {
      const tx = T[lang];
      const { ctx, page, errors } = await open(locale, width);
      await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
      await page.click('#nav-people');
      await page.waitForSelector('#user-rows tr.user');
      assert.equal(await page.textContent('main h1'), tx.users);
      // "New user" is at the top, above the list, and opens its form there
      const [btn, table] = await Promise.all(['#user-new', '#user-rows'].map((s) => page.$eval(s, (e) => e.getBoundingClientRect().top)));
      assert.ok(btn < table && btn < 400, `New user at ${btn} px, the list at ${table} px`);
      assert.equal(await page.isVisible('#user-form'), false);
      // one page of 50, then the rest
      assert.equal((await visibleRows(page)).length, 50);
      const total = (await admin('GET', '/api/v1/users?limit=100')).json.items.length;
      assert.ok(total > 50 && total < 100, String(total));
      await page.click('#user-more-btn');
      await page.waitForFunction((n) => document.querySelectorAll('#user-rows tr.user').length === n, total);
      assert.equal(await page.$('#user-more-btn'), null, 'nothing more after the last page');
      await fits(page, `list ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `people-list-${lang}-${width}.png`), fullPage: true });

      // the filters: a search, then the status, then a role that has none of them
      await page.fill('#user-filter', 'user');
      await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 50 && /q=user/.test(location.hash));
      await page.selectOption('#user-active', 'false');
      await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 4);
      assert.deepEqual((await visibleRows(page)).sort(), ['user07@many.example', 'user17@many.example', 'user27@many.example', 'user37@many.example']);
      await page.fill('#user-filter', 'user27');
      await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 1);
      await page.selectOption('#user-role', 'agent,admin');
      await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 0);
      assert.equal((await page.textContent('#user-rows')).trim(), tx.none);
      await page.selectOption('#user-role', 'requester');
      await page.waitForSelector('#user-rows tr.user[data-email="user27@many.example"]');
      assert.match(page.url(), /#\/people\?q=user27&role=requester&active=false$/);
      await page.screenshot({ path: path.join(SHOTS, `people-filtered-${lang}-${width}.png`), fullPage: true });

      // the user's page: make her an agent, put her in a group, and back to the same list
      await page.click('#user-rows tr.user[data-email="user27@many.example"] a.user-name');
      await page.waitForSelector('#user-profile');
      assert.equal(await page.textContent('#user-title'), 'Many User 27');
      const id = Number(page.url().split('/').pop());
      assert.equal(await page.isChecked('#u-active'), false);
      assert.equal(await page.isDisabled('#user-groups input[data-group="Field support"]'), true, 'requesters join no group');
      await page.selectOption('#u-role', 'agent');
      await page.check('#u-active');
      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/${id}`) && r.request().method() === 'PATCH');
      await page.click('#u-save');
      assert.equal((await saved).status(), 200);
      await page.waitForFunction(() => !document.querySelector('#user-groups input[data-group="Field support"]').disabled);
      let u = (await admin('GET', `/api/v1/users/${id}`)).json;
      assert.deepEqual([u.role, u.active], ['agent', true]);
      const joined = page.waitForResponse((r) => r.url().includes(`/members/${id}`) && r.request().method() === 'PUT');
      await page.check('#user-groups input[data-group="Field support"]');
      assert.equal((await joined).status(), 200);
      const g = (await admin('GET', '/api/v1/groups')).json.items.find((x) => x.name === 'Field support');
      assert.ok(g.member_ids.includes(id));
      // audited as the admin's change
      const audit = (await admin('GET', `/api/v1/audit?target_type=user&target_id=${id}`)).json.items;
      assert.deepEqual(audit[0].detail.role, ['requester', 'agent']);
      // a new password: a common one refused beside it, then one she signs in with
      await page.fill('#u-password', 'password123');
      await page.click('#u-pw-submit');
      await page.waitForSelector('#u-password-error');
      assert.match(await page.textContent('#u-password-error'), tx.weak);
      await page.fill('#u-password', `secret-${lang}-${width}-27`);
      const reset = page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/${id}`) && r.request().method() === 'PATCH');
      await page.click('#u-pw-submit');
      assert.equal((await reset).status(), 200);
      assert.equal(await page.$('#u-password-error'), null);
      const signin = await client(srv.url, null)('POST', '/api/v1/auth/login', { email: 'user27@many.example', password: `secret-${lang}-${width}-27` });
      assert.equal(signin.status, 200, signin.text);
      assert.equal((await admin('GET', `/api/v1/audit?action=user.password_reset&target_id=${id}&target_type=user`)).json.items.length >= 1, true);
      // a name left empty is refused beside it, in the reader's language, and nothing is sent
      await page.fill('#u-name', '  ');
      let patches = 0;
      const count = (r) => { if (r.method() === 'PATCH') patches++; };
      page.on('request', count);
      await page.click('#u-save');
      assert.equal(await page.textContent('#u-name-error'), tx.required);
      assert.equal(await page.getAttribute('#u-name', 'aria-invalid'), 'true');
      page.off('request', count);
      assert.equal(patches, 0);
      await fits(page, `user ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `people-user-${lang}-${width}.png`), fullPage: true });
      // her requests as a requester are listed there; back to the list as it was filtered
      await page.click('#user-back');
      await page.waitForSelector('#user-rows');
      assert.equal(await page.inputValue('#user-filter'), 'user27');
      assert.equal(await page.inputValue('#user-role'), 'requester');
      // she is an agent and active now: not in this list any more
      await page.waitForFunction(() => document.querySelectorAll('#user-rows tr.user').length === 0);
      // put back for the next run
      assert.equal((await admin('PATCH', `/api/v1/users/${id}`, { role: 'requester', active: false })).status, 200);
      assert.equal((await admin('DELETE', `/api/v1/groups/${g.id}/members/${id}`)).status, 200);

      // a new user from the top of the list, each refusal beside its field
      await page.click('#user-new');
      await page.waitForSelector('#user-form:not([hidden])');
      assert.equal(await page.getAttribute('#user-new', 'aria-expanded'), 'true');
      await page.fill('#nu-email', env.accounts.bob.email);
      await page.fill('#nu-name', 'Bob again');
      await page.click('#nu-submit');
      await page.waitForSelector('#nu-email-error');
      assert.equal(await page.textContent('#nu-email-error'), tx.taken);
      const email = `new.${lang}.${width}@test.example`;
      await page.fill('#nu-email', email);
      await page.fill('#nu-password', 'password123');
      await page.click('#nu-submit');
      await page.waitForSelector('#nu-password-error');
      assert.equal(await page.$('#nu-email-error'), null, 'the e-mail is fine now');
      assert.match(await page.textContent('#nu-password-error'), tx.weak);
      await fits(page, `new user ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `people-new-refused-${lang}-${width}.png`), fullPage: true });
      await page.fill('#nu-password', 'a-long-enough-secret');
      await page.selectOption('#nu-role', 'agent');
      await page.click('#nu-submit');
      await page.waitForSelector('#user-profile');
      assert.equal(await page.textContent('#user-title'), 'Bob again');
      u = (await admin('GET', '/api/v1/users?q=' + encodeURIComponent(email))).json.items[0];
      assert.deepEqual([u.email, u.role, u.active], [email, 'agent', true]);
      assert.equal(await page.inputValue('#u-role'), 'agent');

      // an admin cannot demote herself: said beside the role
      const me = (await admin('GET', '/api/v1/users?q=admin@test')).json.items[0];
      await page.goto(`${srv.url}/#/people/${me.id}`);
      // the new user's page is still there until hers is drawn
      await page.waitForFunction((name) => (document.getElementById('user-title') || {}).textContent === name, me.name);
      await page.selectOption('#u-role', 'agent');
      await page.click('#u-save');
      await page.waitForSelector('#u-role-error');
      assert.match(await page.textContent('#u-role-error'), tx.self);
      assert.equal((await admin('GET', `/api/v1/users/${me.id}`)).json.role, 'admin');
      assert.equal(await missingKeys(page), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}

test('a user\'s page lists the tickets they filed', async () => {
  const { ctx, page, errors } = await open('en-GB', 1400);
  await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
  const alice = (await admin('GET', '/api/v1/users?q=alice@')).json.items[0];
  const mine = (await admin('GET', `/api/v1/tickets?requester_id=${alice.id}&sort=-created_at`)).json.items.map((x) => String(x.id));
  await page.goto(`${srv.url}/#/people/${alice.id}`);
  await page.waitForSelector('#user-tickets tr[data-id]');
  assert.deepEqual(await page.$$eval('#user-tickets tr[data-id]', (trs) => trs.map((tr) => tr.dataset.id)), mine);
  await page.click(`#user-tickets tr[data-id="${mine[0]}"] a`);
  await page.waitForSelector('#ticket-title');
  assert.deepEqual(errors, []);
  await ctx.close();
});

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  for (const width of [1400, 390]) {
    test(`an admin creates a group, renames it and manages its members (${lang}, ${width} px)`, async () => {
      const { ctx, page, errors } = await open(locale, width);
      await uiLogin(page, srv.url, env.accounts.admin.email, env.accounts.admin.password);
      await page.click('#nav-people');
      await page.click('#tab-groups');
      await page.waitForSelector('#group-new');
      const name = `Desk ${lang} ${width}`;
      // an existing name is refused beside the field
      await page.click('#group-new');
      await page.fill('#ng-name', 'Field support');
      await page.click('#ng-submit');
      await page.waitForSelector('#ng-name-error');
      assert.equal(await page.textContent('#ng-name-error'), lang === 'fr' ? 'Un groupe porte déjà ce nom.' : 'A group with this name already exists.');
      await page.fill('#ng-name', name);
      await page.fill('#ng-description', 'Second line');
      await page.click('#ng-submit');
      await page.waitForSelector('#group-members');
      assert.equal(await page.textContent('#group-title'), name);
      // nobody chosen: Add says so and adds no one
      await page.click('#group-members button.g-addbtn');
      assert.equal((await page.textContent('#g-add-error')).trim(), lang === 'fr' ? 'Choisissez d’abord l’utilisateur à ajouter.' : 'Choose the user to add first.');
      await page.selectOption('#g-add', { label: 'Agent' });
      await page.click('#group-members button.g-addbtn');
      await page.waitForSelector(`#group-members li[data-email="${env.accounts.agent.email}"]`);
      // renamed
      await page.fill('#g-desc', 'Second line, all sites');
      const renamed = page.waitForResponse((r) => /\/api\/v1\/groups\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
      await page.click('#g-save');
      assert.equal((await renamed).status(), 200);
      await page.waitForFunction(() => document.querySelector('#g-desc') && document.querySelector('#g-desc').value === 'Second line, all sites');
      const g = (await admin('GET', '/api/v1/groups')).json.items.find((x) => x.name === name);
      assert.equal(g.description, 'Second line, all sites');
      assert.equal(g.member_ids.length, 1);
      await fits(page, `group ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `people-group-${lang}-${width}.png`), fullPage: true });
      // removed again; the list of groups counts its members
      await page.click(`#group-members li[data-email="${env.accounts.agent.email}"] button.g-remove`);
      await page.waitForSelector('#group-members p.muted');
      assert.deepEqual((await admin('GET', `/api/v1/groups/${g.id}`)).json.member_ids, []);
      await page.click('#group-back');
      await page.waitForSelector(`#group-rows tr[data-group="${name}"]`);
      assert.equal(await page.textContent(`#group-rows tr[data-group="${name}"] .g-count`), '0');
      await fits(page, `groups ${lang} ${width}`);
      await page.screenshot({ path: path.join(SHOTS, `people-groups-${lang}-${width}.png`), fullPage: true });
      assert.equal(await missingKeys(page), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}
