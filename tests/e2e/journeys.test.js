// Browser test of three whole journeys as people walk them, each in French
// and English, at 1400 and 390 px, on one trained demo desk:
// - the requester files a request through a template with a file, sees the
//   desk's reply marked unread, answers with a file, confirms it solved and
//   rates it;
// - the agent saves a view from the queue's filters, assigns ticked tickets
//   at once, keeps a typed reply and an unsaved field through a suggestion
//   accepted and another overridden, and sends a macro's filled text;
// - the admin finds and creates a user, changes a setting that stays, and
//   adds a category read in the page's language.
// Every page visited: no serious or critical axe violation, no sideways
// scroll on a phone, no missing text. Screenshots in tests/out/journeys/,
// named <journey>-<step>-<lang>-<width>.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, SHOTS, cli, startServer, client, launchBrowser, axeViolations } = require('../lib/harness');
const { makePng } = require('../lib/files');

const OUT = path.join(SHOTS, 'journeys');
const LOGIN = {
  requester: ['claire.martin@relais.demo', 'relais-demo'],
  agent: ['agent@relais.demo', 'relais-agent'],
  admin: ['admin@relais.demo', 'relais-admin'],
};
let srv, browser, api, dir, png, txt;
const ids = {};

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-journeys-'));
  const db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '300', '--seed', '5']);
  cli(db, ['train']);
  srv = await startServer(db);
  api = {};
  for (const [role, [email]] of Object.entries(LOGIN)) api[role] = client(srv.url, cli(db, ['token', 'create', '--email', email]));
  const r = await api.admin('PUT', '/api/v1/settings', { 'limits.writes_per_minute': 0 });
  assert.equal(r.status, 200, r.text);
  for (const role of ['requester', 'agent']) ids[role] = (await api[role]('GET', '/api/v1/auth/me')).json.user.id;
  const agents = (await api.admin('GET', '/api/v1/users?role=agent&limit=100')).json.items;
  ids.colleague = agents.find((u) => u.id !== ids.agent && u.active);
  assert.ok(ids.colleague, 'a colleague to assign tickets to');
  ids.template = (await api.admin('GET', '/api/v1/templates')).json.items.find((x) => x.name_en === 'Software install');
  assert.ok(ids.template, 'the demo offers a Software install template');
  png = path.join(dir, 'erreur-installation.png');
  fs.writeFileSync(png, makePng(320, 200));
  txt = path.join(dir, 'journal.txt');
  fs.writeFileSync(txt, 'setup.log: error 1603 at step 4\n');
  browser = await launchBrowser();
  fs.mkdirSync(OUT, { recursive: true });
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const colon = (lang) => (lang === 'fr' ? '\u00a0: ' : ': ');

// A browser of the other language, signed in, that switches to the run's
// language in the top bar as a person would; errors on the page are kept.
async function open(role, lang, width) {
  const ctx = await browser.newContext({ locale: lang === 'fr' ? 'en-GB' : 'fr-FR', bypassCSP: true,
    viewport: { width, height: width > 800 ? 900 : 844 } });
  const page = await ctx.newPage();
  await page.clock.install(); // the queue's 30 s refresh, on the test's word
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.goto(srv.url + '/#/login');
  await page.waitForSelector('#login-form');
  await page.selectOption('#lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  await page.fill('#email', LOGIN[role][0]);
  await page.fill('#password', LOGIN[role][1]);
  await page.click('#login-submit');
  await page.waitForSelector('#logout');
  return { ctx, page, errors };
}

// What every page of a journey must be: accessible, as wide as the screen
// at most, every text translated; then its screenshot.
async function step(page, journey, name, lang, width) {
  const where = `${journey}-${name}-${lang}-${width}`;
  assert.deepEqual(await axeViolations(page), [], `${where}: axe`);
  const fit = await page.evaluate(() => {
    const vw = window.innerWidth;
    const out = [...document.querySelectorAll('button, select, input, textarea, a, img')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > vw + 1 || r.left < -1);
    }).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${(e.textContent || e.alt || '').trim().slice(0, 30)}`);
    return { scroll: document.documentElement.scrollWidth, vw, out: out.slice(0, 5) };
  });
  if (width < 500) {
    assert.ok(fit.scroll <= fit.vw, `${where}: ${fit.scroll} px wide on a ${fit.vw} px screen`);
    assert.deepEqual(fit.out, [], `${where}: controls beyond the screen's edge`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.dataset.i18nMissing || ''), '', `${where}: missing texts`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${where}: the page's language`);
  await page.screenshot({ path: path.join(OUT, `${where}.png`), fullPage: true });
}

// Waits until the API says what the page should have done.
async function until(what, check) {
  for (let i = 0; i < 60; i++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail('never happened: ' + what);
}

const W = {
  fr: { software: 'Logiciel', unread: 'Nouvelle réponse', given: /Votre évaluation\u00a0: 5\/5/, closed: 'Clos',
    views: 'Mes vues', picked: '3 tickets sélectionnés', changed: '3 tickets modifiés', users: 'Utilisateurs',
    settings: 'Réglages', saved: 'Réglages enregistrés' },
  en: { software: 'Software', unread: 'New reply', given: /Your rating: 5\/5/, closed: 'Closed',
    views: 'My views', picked: '3 tickets selected', changed: '3 tickets changed', users: 'Users',
    settings: 'Settings', saved: 'Settings saved' },
};

async function requesterJourney(lang, width) {
  const w = W[lang];
  const J = 'requester';
  // the requester's own language is the run's (the desk writes to her in it)
  assert.equal((await api.admin('PATCH', `/api/v1/users/${ids.requester}`, { lang })).status, 200);
  const { ctx, page, errors } = await open('requester', lang, width);
  // New request: the template, its fields, a file
  await page.click('#nav-new');
  await page.waitForSelector('#tpl-chooser');
  await step(page, J, 'chooser', lang, width);
  await page.click(`.tpl-choice[data-template="${ids.template.id}"]`);
  await page.waitForSelector('#tf-software');
  assert.equal(await page.textContent('label[for=tf-software]'), w.software);
  const software = `Inkscape ${lang} ${width}`;
  await page.fill('#tf-software', software);
  await page.fill('#tf-asset', 'PC-12345');
  await page.fill('#tf-seats', '2');
  await page.setInputFiles('#new-files', png);
  assert.match(await page.textContent('#new-files-chosen'), /erreur-installation\.png/);
  await step(page, J, 'new', lang, width);
  await page.click('#new-submit');
  await page.waitForSelector('#ticket-form');
  const id = Number(page.url().split('/').pop());
  const shown = await page.$$eval('#ticket-form dd', (ds) => ds.map((d) => d.textContent));
  assert.ok(shown.includes(software) && shown.includes('PC-12345') && shown.includes('2'), shown.join('|'));
  await page.waitForSelector('#ticket-files .attachment[data-name="erreur-installation.png"]');
  const tk = (await api.agent('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal(tk.form.template_id, ids.template.id);
  await step(page, J, 'filed', lang, width);

  // the desk answers: marked in My tickets until read
  await sleep(1100); // a reply newer than the ticket, to the second
  const answer = lang === 'fr' ? `Quelle version de ${software} vous faut-il ?` : `Which version of ${software} do you need?`;
  assert.equal((await api.agent('POST', `/api/v1/tickets/${id}/comments`, { body: answer })).status, 201);
  await page.click('#nav-mine');
  await page.waitForSelector(`tr.ticket[data-id="${id}"]`);
  assert.equal((await page.textContent(`tr.ticket[data-id="${id}"] .badge.unread`)).trim(), w.unread);
  await step(page, J, 'mine', lang, width);
  await page.click(`tr.ticket[data-id="${id}"] a`);
  await page.waitForSelector('#comments .comment');
  assert.ok((await page.locator('#comments .comment .body').allTextContents()).includes(answer));
  // her answer, with a file
  const reply = lang === 'fr' ? 'La dernière, voici le journal.' : 'The latest one, here is the log.';
  await page.fill('#reply-body', reply);
  await page.setInputFiles('#reply-files', txt);
  await page.click('#reply-submit');
  await page.waitForSelector('.comment .attachment[data-name="journal.txt"]');
  assert.equal(await page.inputValue('#reply-body'), '');
  const cs = (await api.agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
  assert.deepEqual(cs.map((c) => c.body), [answer, reply]);
  await step(page, J, 'replied', lang, width);

  // resolved by the desk; she confirms, rates and says why
  assert.equal((await api.agent('PATCH', `/api/v1/tickets/${id}`, { status: 'resolved', resolution: 'Installé / Installed' })).status, 200);
  await page.reload();
  await page.waitForSelector('#solved-card');
  await page.click('#rate-5');
  await page.waitForSelector('#rate-given');
  assert.match(await page.textContent('#rate-given'), w.given);
  const why = lang === 'fr' ? 'Rapide et clair' : 'Quick and clear';
  await page.fill('#rate-comment', why);
  await page.click('#rate-comment-save');
  await until('the rating comment saved', async () => (await api.agent('GET', `/api/v1/tickets/${id}`)).json.rating?.comment === why);
  await page.click('#confirm-solved');
  await page.waitForSelector('#closed-note');
  const done = (await api.agent('GET', `/api/v1/tickets/${id}`)).json;
  assert.deepEqual([done.status, done.rating.rating, done.rating.comment], ['closed', 5, why]);
  assert.match(await page.textContent('main'), new RegExp(w.closed));
  assert.match(await page.textContent('main'), w.given);
  // rated once, then a comment: one rating in the history
  assert.equal(await page.locator('#history .event[data-field="rating"]').count(), 1);
  await step(page, J, 'closed', lang, width);
  assert.deepEqual(errors, []);
  await ctx.close();
}

for (const lang of ['fr', 'en']) {
  for (const width of [1400, 390]) {
    test(`requester journey: template, file, reply, rating (${lang}, ${width} px)`, () => requesterJourney(lang, width));
  }
}

async function agentJourney(lang, width) {
  const w = W[lang];
  const J = 'agent';
  const { ctx, page, errors } = await open('agent', lang, width);
  // the queue, a filter, saved as a view with its live counter
  await page.goto(`${srv.url}/#/queue`);
  await page.waitForSelector('#ticket-rows tr.ticket');
  await step(page, J, 'queue', lang, width);
  await page.selectOption('#f-priority', '3');
  await page.click('#filter-apply');
  await page.waitForFunction(() => location.hash.includes('priority=3'));
  await page.waitForSelector('#view-save');
  await page.click('#view-save');
  const name = `P3 ${lang} ${width}`;
  await page.fill('#view-name', name);
  await page.click('#view-save-submit');
  await page.waitForFunction((n) => [...document.querySelectorAll('#views-list .view-name')].some((x) => x.textContent === n), name);
  const saved = (await api.agent('GET', '/api/v1/views')).json.items.find((v) => v.name === name);
  assert.equal(saved.filters.priority, '3');
  assert.ok(saved.count > 3, `enough tickets in the view: ${saved.count}`);
  const li = page.locator(`#views-list li[data-view="${saved.id}"]`);
  assert.equal((await li.locator('.view-count').textContent()).trim(), String(saved.count));
  assert.match(await page.textContent('#views-list'), new RegExp(w.views));
  const rows = await page.locator('tr.ticket').count();
  assert.equal(rows, Math.min(saved.count, 50), 'the view shows as many tickets as its counter says');
  await step(page, J, 'view', lang, width);

  // three tickets ticked and given to a colleague at once: one event each
  const to = ids.colleague;
  const shown = await page.$$eval('tr.ticket', (trs) => trs.map((tr) => Number(tr.dataset.id)));
  const picked = [];
  for (const id of shown) {
    if (picked.length === 3) break;
    if ((await api.agent('GET', `/api/v1/tickets/${id}`)).json.assignee_id !== to.id) picked.push(id);
  }
  const assignments = async (id) => (await api.agent('GET', `/api/v1/tickets/${id}/history?limit=200`)).json.items
    .filter((e) => e.field === 'assignee_id').length;
  const before = await Promise.all(picked.map(assignments));
  for (const id of picked) await page.check(`tr.ticket[data-id="${id}"] input.sel`);
  assert.equal((await page.textContent('#bulk-count')).trim(), w.picked);
  await page.selectOption('#bulk-field', 'assignee_id');
  await page.waitForSelector(`#bulk-value option[value="${to.id}"]`, { state: 'attached' });
  await page.selectOption('#bulk-value', String(to.id));
  await step(page, J, 'bulk', lang, width);
  await page.click('#bulk-apply');
  await page.waitForFunction((txt) => document.getElementById('toast').textContent.startsWith(txt), w.changed);
  for (const [i, id] of picked.entries()) {
    assert.equal((await api.agent('GET', `/api/v1/tickets/${id}`)).json.assignee_id, to.id);
    assert.equal(await assignments(id), before[i] + 1, `one assignment event on ticket ${id}`);
    await page.waitForFunction(([x, n]) => document.querySelector(`tr.ticket[data-id="${x}"]`)?.textContent.includes(n), [id, to.name]);
  }
  // the counter is live: a ticket that leaves the view is counted out at the next refresh
  assert.equal((await api.agent('PATCH', `/api/v1/tickets/${picked[0]}`, { priority: 4 })).status, 200);
  await page.clock.fastForward(31000);
  await page.waitForFunction(([sel, n]) => document.querySelector(sel)?.textContent.trim() === n,
    [`#views-list li[data-view="${saved.id}"] .view-count`, String(saved.count - 1)]);

  // a ticket: a reply typed and a field changed, neither saved, survive a
  // suggestion accepted and another overridden
  const title = lang === 'fr' ? `Outlook ne synchronise plus (${width})` : `Outlook stopped syncing (${width})`;
  const made = await api.requester('POST', '/api/v1/tickets', { title, description: lang === 'fr'
    ? "Depuis ce matin Outlook n'affiche plus les nouveaux messages, la boîte de réception reste figée."
    : 'Since this morning Outlook shows no new messages, the inbox is frozen.' });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const sugg = (await api.agent('GET', `/api/v1/tickets/${id}/suggestions`)).json.items
    .filter((s) => s.state === 'suggested' || s.state === 'applied');
  assert.ok(sugg.length >= 2, JSON.stringify(sugg));
  await page.goto(`${srv.url}/#/ticket/${id}`);
  await page.waitForSelector(`#sugg-accept-${sugg[0].field}`);
  const typed = lang === 'fr' ? 'Je regarde votre boîte tout de suite.' : 'I am looking at your mailbox right now.';
  await page.fill('#reply-body', typed);
  const impact = (await page.inputValue('#f-impact')) === '1' ? '2' : '1';
  await page.selectOption('#f-impact', impact);
  const kept = async (after) => {
    assert.equal(await page.inputValue('#reply-body'), typed, `the typed reply, after ${after}`);
    assert.equal(await page.inputValue('#f-impact'), impact, `the unsaved impact, after ${after}`);
    assert.equal(await page.locator('#f-impact.draft').count(), 1, `still marked as not saved, after ${after}`);
  };
  await page.click(`#sugg-accept-${sugg[0].field}`);
  await page.waitForSelector(`.suggestion[data-field="${sugg[0].field}"][data-state="accepted"]`);
  await kept('an accepted suggestion');
  const other = sugg[1].field;
  const choices = await page.$$eval(`#sugg-value-${other} option`, (os) => os.map((o) => o.value).filter((v) => v));
  const instead = choices.find((v) => v !== String(sugg[1].value));
  assert.ok(instead, `another value to give ${other}: ${choices}`);
  await page.selectOption(`#sugg-value-${other}`, instead);
  await page.click(`#sugg-override-${other}`);
  await page.waitForSelector(`.suggestion[data-field="${other}"][data-state="overridden"]`);
  await kept('an overridden suggestion');
  const decided = Object.fromEntries((await api.agent('GET', `/api/v1/tickets/${id}/suggestions`)).json.items.map((s) => [s.field, s.state]));
  assert.deepEqual([decided[sugg[0].field], decided[other]], ['accepted', 'overridden']);
  await step(page, J, 'kept', lang, width);

  // a macro with placeholders, added after the typed text, then sent
  const macro = (await api.agent('GET', '/api/v1/macros')).json.items.find((m) => m.name_en === "I'm on it");
  await page.selectOption('#macro-pick', String(macro.id));
  await page.click('#macro-use');
  await page.waitForSelector('#macro-ask:not([hidden])');
  await page.click('#macro-after');
  const body = await page.inputValue('#reply-body');
  assert.ok(body.startsWith(typed + '\n\n'), body);
  assert.match(body, /Claire/);
  assert.ok(body.includes(`"${title}"`) || body.includes(`« ${title} »`) || body.includes(title), body);
  assert.match(body, /Nadia Benali/);
  assert.doesNotMatch(body, /[{}]/, 'every placeholder filled');
  await step(page, J, 'macro', lang, width);
  await page.click('#reply-submit');
  await page.waitForFunction((text) => [...document.querySelectorAll('#comments .comment .body')].some((b) => b.textContent === text), body);
  const cs = (await api.agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
  assert.deepEqual(cs.map((c) => [c.body, c.internal]), [[body, false]]);
  assert.equal((await api.agent('GET', `/api/v1/tickets/${id}`)).json.assignee_id, ids.agent, 'the macro assigned it to me');
  assert.equal(await page.inputValue('#reply-body'), '');
  await step(page, J, 'sent', lang, width);
  assert.deepEqual(errors, []);
  await ctx.close();
}

for (const lang of ['fr', 'en']) {
  for (const width of [1400, 390]) {
    test(`agent journey: a view, a bulk assignment, typed work kept, a macro (${lang}, ${width} px)`, () => agentJourney(lang, width));
  }
}

async function adminJourney(lang, width) {
  const w = W[lang];
  const J = 'admin';
  const tag = `${lang}${width}`;
  const { ctx, page, errors } = await open('admin', lang, width);
  // Users: a page at a time, "New user" above the list
  await page.click('#nav-people');
  await page.waitForSelector('#user-rows tr.user');
  assert.equal(await page.textContent('main h1'), w.users);
  assert.equal(await page.locator('#user-rows tr.user').count(), 50, 'one page of 50');
  assert.equal(await page.isVisible('#user-more-btn'), true, 'more pages after it');
  const [btn, table] = await Promise.all(['#user-new', '#user-rows'].map((s) => page.$eval(s, (e) => e.getBoundingClientRect().top)));
  assert.ok(btn < table, `New user (${btn} px) above the list (${table} px)`);
  await step(page, J, 'users', lang, width);
  // filtered by a search and a role
  await page.fill('#user-filter', 'claire');
  await page.selectOption('#user-role', 'requester');
  const want = (await api.admin('GET', '/api/v1/users?q=claire&role=requester&limit=100')).json.items.map((u) => u.email).sort();
  assert.ok(want.length >= 2 && want.length < 50, want.join(' '));
  await page.waitForFunction((n) => document.querySelectorAll('#user-rows tr.user').length === n, want.length);
  assert.deepEqual((await page.$$eval('#user-rows tr.user', (trs) => trs.map((tr) => tr.dataset.email))).sort(), want);
  await step(page, J, 'filtered', lang, width);
  // a new user, whose page opens
  await page.click('#user-new');
  await page.waitForSelector('#user-form:not([hidden])');
  const email = `lea.${tag}@relais.demo`;
  const name = `Léa Garnier ${tag}`;
  await page.fill('#nu-email', email);
  await page.fill('#nu-name', name);
  await page.selectOption('#nu-role', 'agent');
  await page.selectOption('#nu-lang', lang === 'fr' ? 'en' : 'fr');
  await page.fill('#nu-password', 'a-long-enough-secret');
  await step(page, J, 'new-user', lang, width);
  await page.click('#nu-submit');
  await page.waitForSelector('#user-profile');
  assert.equal(await page.textContent('#user-title'), name);
  const u = (await api.admin('GET', '/api/v1/users?q=' + encodeURIComponent(email))).json.items[0];
  assert.deepEqual([u.email, u.name, u.role, u.lang], [email, name, 'agent', lang === 'fr' ? 'en' : 'fr']);
  assert.equal(page.url().split('#')[1], `/people/${u.id}`);
  assert.equal(await page.inputValue('#u-role'), 'agent');
  await step(page, J, 'user', lang, width);

  // Settings: a value changed, saved, and still there after a reload
  await page.click('#nav-settings');
  await page.waitForSelector('form.settings-group[data-group="sla"]');
  assert.equal(await page.textContent('main h1'), w.settings);
  const was = (await api.admin('GET', '/api/v1/settings')).json['sla.p4_hours'].value;
  const now = String(was + (width > 500 ? 3 : 5));
  await page.fill('#set-sla-p4_hours', now);
  await page.click('#settings-save-sla');
  await page.waitForFunction((txt) => document.getElementById('toast').textContent.startsWith(txt), w.saved);
  await page.reload();
  await page.waitForSelector('#set-sla-p4_hours');
  assert.equal(await page.inputValue('#set-sla-p4_hours'), now);
  assert.equal(await page.locator('#set-sla-p4_hours.draft').count(), 0, 'saved, not a draft');
  assert.equal((await api.admin('GET', '/api/v1/settings')).json['sla.p4_hours'].value, Number(now));
  await step(page, J, 'settings', lang, width);
  assert.equal((await api.admin('PUT', '/api/v1/settings', { 'sla.p4_hours': was })).status, 200);

  // Lists: a category with its two labels, read in the page's language
  const key = `Printing-${tag}`;
  const label = { fr: `Impression ${tag}`, en: `Printing ${tag}` };
  await page.click('#nav-lists');
  await page.waitForSelector('#list-rows tr');
  if ((await page.getAttribute('#tab-category', 'aria-current')) !== 'page') {
    await page.click('#tab-category');
    await page.waitForSelector('#tab-category[aria-current="page"]');
  }
  await page.fill('#list-name', key);
  await page.fill('#list-fr', label.fr);
  await page.fill('#list-en', label.en);
  await page.click('#list-add');
  await page.waitForSelector(`tr[data-name="${key}"]`);
  const entry = (await api.admin('GET', '/api/v1/catalog/category?q=' + key)).json.items[0];
  assert.deepEqual([entry.label_fr, entry.label_en], [label.fr, label.en]);
  // offered to the other entries' merge in the page's language
  const hw = (await api.admin('GET', '/api/v1/catalog/category?q=Hardware')).json.items.find((e) => e.name === 'Hardware');
  assert.equal((await page.textContent(`#merge-${hw.id} option[value="${key}"]`)).trim(), `${label[lang]} (${key})`);
  await step(page, J, 'lists', lang, width);
  // a ticket of that category, in this language and then in the other
  const tk = (await api.requester('POST', '/api/v1/tickets', { title: `Imprimante bloquée ${tag}` })).json;
  assert.equal((await api.agent('PATCH', `/api/v1/tickets/${tk.id}`, { category: key })).status, 200);
  await page.goto(`${srv.url}/#/ticket/${tk.id}`);
  await page.waitForSelector('#f-category');
  const chosen = () => page.$eval('#f-category', (s) => s.options[s.selectedIndex].textContent);
  assert.equal(await chosen(), label[lang]);
  await step(page, J, 'ticket', lang, width);
  const other = lang === 'fr' ? 'en' : 'fr';
  await page.selectOption('#lang', other);
  await page.waitForFunction((l) => document.documentElement.lang === l, other);
  // the page is drawn again in the other language (the old one stays until then)
  await page.waitForFunction((want) => document.querySelector('label[for=f-category]')?.textContent === want,
    other === 'fr' ? 'Catégorie' : 'Category');
  assert.equal(await chosen(), label[other]);
  await page.screenshot({ path: path.join(OUT, `${J}-ticket-other-${lang}-${width}.png`), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
}

for (const lang of ['fr', 'en']) {
  for (const width of [1400, 390]) {
    test(`admin journey: users, a setting kept, a category in both languages (${lang}, ${width} px)`, () => adminJourney(lang, width));
  }
}
