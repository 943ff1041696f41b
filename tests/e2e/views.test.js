// Browser test of the agent's queue and dashboard, in French and English, at
// 1400 and 390 px: the agent opens a built-in view and sees its counter,
// saves a view from the filters, renames and deletes it, sees a change one
// ticket refuses change none, ticks three tickets and assigns them at
// once; the queue refreshes itself with a ticket made meanwhile shown as
// "1 new ticket — Show", without moving the page, losing the pages loaded,
// the search being typed or the ticks; the dashboard's counters are the
// API's. Screenshots in tests/out/views-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, client, cli, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, admin, agent, agentId, agent2Id, aliceId, groupId;

test.before(async () => {
  env = makeDb((db) => {
    // an open ticket three days old: overdue
    const csv = path.join(path.dirname(db), 'old.csv');
    const old = new Date(Date.now() - 3 * 86400 * 1000).toISOString().slice(0, 16);
    fs.writeFileSync(csv, `title,status,created_at,requester\nImprimante oubliée,open,${old},bob@test.example\n`);
    cli(db, ['import', csv, '--map', 'title=title,status=status,created_at=created_at,requester=requester']);
  });
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  agentId = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  aliceId = (await client(srv.url, env.accounts.alice.token)('GET', '/api/v1/auth/me')).json.user.id;
  const late = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('oubliée'))).json.items[0].id;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${late}`, { assignee_id: agentId })).status, 200);
  agent2Id = (await admin('POST', '/api/v1/users', { email: 'camille@test.example', name: 'Camille Roux', role: 'agent' })).json.id;
  groupId = (await admin('POST', '/api/v1/groups', { name: 'Poste de travail' })).json.id;
  assert.equal((await admin('PUT', `/api/v1/groups/${groupId}/members/${agentId}`)).status, 200);
  // enough tickets for a second page: some the agent's, some unassigned in their group
  for (let i = 0; i < 64; i++) {
    const body = { title: `Poste ${i} : écran qui scintille`, requester_id: aliceId, group_id: groupId };
    if (i % 4 === 0) Object.assign(body, { assignee_id: agentId, status: 'open' });
    const r = await agent('POST', '/api/v1/tickets', body);
    assert.equal(r.status, 201, r.text);
  }
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const WORDS = {
  fr: { myOpen: 'Mes tickets ouverts', mine: 'Mes vues', news: '1 nouveau ticket', show: 'Afficher', selected: '3 tickets sélectionnés',
    changed: '3 tickets modifiés', dash: 'Tableau de bord',
    refused: 'Le ticket {id} ne peut pas passer à ce statut depuis le sien\u00a0: aucun ticket n’a été modifié.' },
  en: { myOpen: 'My open tickets', mine: 'My views', news: '1 new ticket', show: 'Show', selected: '3 tickets selected',
    changed: '3 tickets changed', dash: 'Dashboard',
    refused: 'Ticket {id} cannot go to this status from its own: no ticket was changed.' },
};
const viewsOf = async () => (await agent('GET', '/api/v1/views')).json.items;
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const missingKeys = (page) => page.evaluate(() => document.documentElement.dataset.i18nMissing || '');
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: false });

for (const [locale, lang] of [['fr-FR', 'fr'], ['en-GB', 'en']]) {
  for (const width of [1400, 390]) {
    test(`views, bulk assignment, the queue refreshing itself and the dashboard (${lang}, ${width} px)`, async () => {
      const w = WORDS[lang];
      const ctx = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.clock.install(); // the queue's 30 s refresh, on the test's word
      await uiLogin(page, srv.url, env.accounts.agent.email, env.accounts.agent.password);
      await page.selectOption('#lang', lang);

      // 1. a built-in view, its counter as the API counts it
      await page.waitForSelector('#views-list li[data-view="my_open"]');
      const api = await viewsOf();
      const myOpen = api.find((v) => v.key === 'my_open');
      const entry = page.locator('#views-list li[data-view="my_open"]');
      assert.match(await entry.textContent(), new RegExp(`${w.myOpen}\\s*${myOpen.count}`));
      await entry.locator('a').click();
      await page.waitForFunction(() => location.hash.includes('assignee_id=me'));
      await page.waitForSelector('#views-list li.current[data-view="my_open"]');
      await page.waitForFunction((n) => document.querySelectorAll('tr.ticket').length === n, myOpen.count);
      assert.equal(await page.inputValue('#f-assignee'), 'me', 'the filters show the view');
      await shot(page, `views-queue-${lang}-${width}.png`);

      // 2. a view saved from the filters: the agent's, with its counter
      await page.selectOption('#f-priority', '4');
      await page.click('#filter-apply');
      await page.waitForFunction(() => location.hash.includes('priority=4'));
      await page.waitForSelector('#view-save');
      await page.click('#view-save');
      const name = `P4 ${lang} ${width}`;
      await page.fill('#view-name', name);
      await page.click('#view-save-submit');
      await page.waitForFunction((n) => [...document.querySelectorAll('#views-list li.view')].some((li) => li.textContent.includes(n)), name);
      const saved = (await viewsOf()).find((v) => v.name === name);
      assert.deepEqual(saved.filters, { status: 'new,open,pending', assignee_id: 'me', sort: 'sla_due_at', priority: '4' });
      const li = page.locator(`#views-list li[data-view="${saved.id}"]`);
      assert.equal(await li.getAttribute('class'), 'view current', 'the queue shows it');
      assert.equal((await li.locator('.view-count').textContent()).trim(), String(saved.count));
      assert.equal(await li.locator('.view-count').evaluate((e) => getComputedStyle(e).color), 'rgb(29, 36, 48)',
        'the counter of the current view is dark enough on its highlight (WCAG AA)');
      assert.match(await page.textContent('#views-list'), new RegExp(w.mine));
      // renamed in place, then deleted
      await li.locator('button').first().click();
      await page.fill(`#view-rename-${saved.id}`, name + ' bis');
      await page.press(`#view-rename-${saved.id}`, 'Enter');
      await page.waitForFunction((n) => [...document.querySelectorAll('#views-list .view-name')].some((x) => x.textContent === n), name + ' bis');
      assert.ok((await viewsOf()).some((v) => v.id === saved.id && v.name === name + ' bis'));
      await page.locator(`#views-list li[data-view="${saved.id}"] button`).nth(1).click();
      await page.click('#view-delete-yes');
      await page.waitForSelector(`#views-list li[data-view="${saved.id}"]`, { state: 'detached' });
      assert.ok(!(await viewsOf()).some((v) => v.id === saved.id));

      // 3. a change one ticket refuses changes none, and says which
      const closed = (await agent('POST', '/api/v1/tickets', { title: `Clos ${lang} ${width}`, requester_id: aliceId, status: 'closed' })).json.id;
      await page.goto(`${srv.url}/#/queue`);
      await page.waitForFunction(() => document.getElementById('f-priority')?.value === '' &&
        document.getElementById('f-assignee')?.value === '');
      await page.waitForSelector(`tr.ticket[data-id="${closed}"]`);
      const other = await page.$eval('tr.ticket:nth-child(2)', (tr) => Number(tr.dataset.id));
      const otherBefore = (await agent('GET', `/api/v1/tickets/${other}`)).json;
      await page.check(`tr.ticket[data-id="${closed}"] input.sel`);
      await page.check(`tr.ticket[data-id="${other}"] input.sel`);
      await page.selectOption('#bulk-field', 'status');
      await page.selectOption('#bulk-value', 'open');
      await page.click('#bulk-apply');
      await page.waitForSelector('#toast.error-toast');
      assert.equal(await page.textContent('#toast'), w.refused.replace('{id}', '#' + closed) + '×');
      assert.equal((await agent('GET', `/api/v1/tickets/${other}`)).json.version, otherBefore.version, 'the other one is unchanged');
      await shot(page, `views-bulk-refused-${lang}-${width}.png`);
      await page.click('#toast .toast-close');
      await page.click('#bulk-clear');
      assert.equal(await page.isHidden('#bulk-bar'), true);

      // every row of the page at once, and none again
      const every = width > 640 ? '#select-page' : '#select-page-phone'; // the table's head is hidden on a phone
      await page.check(every);
      assert.equal(await page.locator('tr.ticket input.sel:checked').count(), await page.locator('tr.ticket').count());
      await page.uncheck(every);
      assert.equal(await page.locator('tr.ticket input.sel:checked').count(), 0);
      assert.equal(await page.isHidden('#bulk-bar'), true);

      // 4. three tickets ticked and assigned to a colleague at once
      const ids = (await page.$$eval('tr.ticket', (trs) => trs.slice(1, 4).map((tr) => Number(tr.dataset.id))));
      for (const id of ids) await page.check(`tr.ticket[data-id="${id}"] input.sel`);
      assert.equal((await page.textContent('#bulk-count')).trim(), w.selected);
      await page.selectOption('#bulk-field', 'assignee_id');
      await page.waitForSelector(`#bulk-value option[value="${agent2Id}"]`, { state: 'attached' });
      await page.selectOption('#bulk-value', String(agent2Id));
      await shot(page, `views-bulk-${lang}-${width}.png`);
      await page.click('#bulk-apply');
      await page.waitForFunction((txt) => document.getElementById('toast').textContent === txt, w.changed);
      for (const id of ids) {
        assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.assignee_id, agent2Id, `ticket ${id} of ${ids}`);
        await page.waitForFunction((x) => document.querySelector(`tr.ticket[data-id="${x}"]`)?.textContent.includes('Camille Roux'), id);
      }
      assert.equal(await page.isHidden('#bulk-bar'), true, 'the selection is done with');

      // 5. the queue refreshes itself: the second page, the scroll position,
      //    the search being typed and the ticks all stay; the new ticket waits
      await page.click('#load-more');
      await page.waitForFunction(() => document.querySelectorAll('tr.ticket').length > 50);
      const rows = await page.locator('tr.ticket').count();
      const keep = await page.$$eval('tr.ticket', (trs) => trs.slice(40, 42).map((tr) => Number(tr.dataset.id)));
      for (const id of keep) await page.check(`tr.ticket[data-id="${id}"] input.sel`);
      await page.fill('#q', 'écran');
      await page.evaluate(() => document.querySelector('tr.ticket:nth-child(30)').scrollIntoView({ block: 'center' }));
      assert.ok(await page.evaluate(() => window.scrollY) > 500, 'scrolled down the list');
      // where the row in the middle of the screen is, and which it is
      const spot = () => page.evaluate(() => {
        const tr = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2).closest('tr.ticket');
        return [tr.dataset.id, Math.round(tr.getBoundingClientRect().top)];
      });
      const before = await spot();
      const made = await agent('POST', '/api/v1/tickets', { title: `Nouveau poste ${lang} ${width}`, requester_id: aliceId });
      await page.clock.fastForward(31000);
      await page.waitForFunction((txt) => document.getElementById('queue-news').textContent.startsWith(txt), w.news);
      const after = await spot();
      assert.equal(after[0], before[0], 'the same row in the middle of the screen');
      assert.ok(Math.abs(after[1] - before[1]) <= 1, `at the same height (${before[1]} px, now ${after[1]})`);
      assert.equal(await page.locator('tr.ticket').count(), rows, 'the pages loaded are all still there');
      assert.equal(await page.locator(`tr.ticket[data-id="${made.json.id}"]`).count(), 0, 'not pushed under the cursor');
      assert.equal(await page.inputValue('#q'), 'écran', 'the search being typed');
      for (const id of keep) assert.equal(await page.isChecked(`tr.ticket[data-id="${id}"] input.sel`), true);
      assert.equal(await page.isVisible('#queue-news'), true, 'the notice is in sight');
      await shot(page, `views-refresh-${lang}-${width}.png`);
      await page.click('#news-show');
      await page.waitForSelector(`tr.ticket.fresh[data-id="${made.json.id}"]`);
      for (const id of keep) assert.equal(await page.isChecked(`tr.ticket[data-id="${id}"] input.sel`), true);
      assert.ok(await page.locator('tr.ticket').count() > rows, 'the new one joins the pages loaded');
      assert.ok(await noSideScroll(page), 'nothing wider than the screen');

      // 6. the dashboard: the API's counters, each a link to the queue
      await page.click('#nav-dashboard');
      await page.waitForSelector('#dash-new');
      assert.equal((await page.textContent('h1')).trim(), w.dash);
      const d = (await agent('GET', '/api/v1/dashboard')).json;
      for (const x of d.items) {
        assert.equal(await page.getAttribute(`#dash-${x.key}`, 'data-count'), String(x.count), x.key);
      }
      assert.equal(await page.locator('#dash-urgent tr.ticket').count(), d.urgent.length);
      assert.ok(d.urgent.length >= 1, 'the overdue ticket is among them');
      assert.ok(await noSideScroll(page));
      await page.screenshot({ path: path.join(SHOTS, `views-dashboard-${lang}-${width}.png`), fullPage: true });
      await page.click('#dash-overdue');
      await page.waitForFunction(() => location.hash.includes('sla=breached'));
      await page.waitForSelector('#views-list li.view');
      assert.equal(await page.isChecked('#f-sla'), true);

      assert.equal(await missingKeys(page), '');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}
