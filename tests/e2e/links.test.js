// Browser test of links between tickets and merges: an agent opens a
// duplicate, links it to a parent (a refused link says why beside the
// number, in the agent's language), merges it into another ticket by
// number through the confirm step, and lands on the master with the
// conversation copied and the link shown; on a parent, a public reply goes
// to the open children with the checkbox. The requester of the duplicate
// reads the reply that tells them of the merge. At 1400 and 390 px, in
// French and English: nothing wider than the screen, no serious or
// critical axe-core finding.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { makeDb, startServer, client, launchBrowser, uiLogin, axeViolations, SHOTS } = require('../lib/harness');

let env, srv, browser, agent, alice, bob;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
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
  // a text missing from a dictionary is said on the console (lib/i18n.js)
  page.on('console', (m) => { if (m.type() === 'error' && /^i18n:/.test(m.text())) errors.push(m.text()); });
  await uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
  return { ctx, page, errors };
}

async function file(who, title, description) {
  const r = await who('POST', '/api/v1/tickets', { title, description });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

const cases = [[1400, 'en-GB'], [390, 'fr-FR']];
for (const [width, locale] of cases) {
  const fr = locale === 'fr-FR';
  test(`an agent links a duplicate, then merges it into its master by number (${width} px, ${locale})`, async () => {
    // the duplicate's requester reads the desk in the language of this case
    const bobId = (await bob('GET', '/api/v1/auth/me')).json.user.id;
    const lang = await client(srv.url, env.accounts.admin.token)('PATCH', `/api/v1/users/${bobId}`, { lang: fr ? 'fr' : 'en' });
    assert.equal(lang.status, 200, lang.text);
    const master = await file(alice, `VPN down at HQ ${width}`, 'Nobody at HQ can reach the VPN.');
    const dup = await file(bob, `Cannot connect to VPN ${width}`, 'Error 809 since 9:00.');
    const parent = await file(alice, `Network incident ${width}`, 'The HQ uplink is down.');
    await bob('POST', `/api/v1/tickets/${dup}/comments`, { body: `Still failing ${width}` });
    const { ctx, page, errors } = await open(width, locale, 'agent');
    await page.goto(`${srv.url}/#/ticket/${dup}`);
    await page.waitForSelector('#links');
    assert.match(await page.textContent('#links-none'), fr ? /Aucun ticket lié/ : /No linked ticket/);

    // a link to itself is refused beside the number, in the page's language
    await page.selectOption('#link-kind', 'parent');
    await page.fill('#link-ticket', String(dup));
    await page.click('#link-add');
    await page.waitForSelector('#link-ticket-error');
    assert.match(await page.textContent('#link-ticket-error'), fr ? /ni lié ni fusionné à lui-même/ : /cannot be linked to or merged into itself/);
    assert.equal(await page.getAttribute('#link-ticket', 'aria-invalid'), 'true');
    // a parent by number
    await page.fill('#link-ticket', '#' + parent);
    await page.click('#link-add');
    await page.waitForSelector(`.link-item[data-kind=parent][data-ticket="${parent}"]`);
    assert.match(await page.textContent('#history'), fr ? /a lié ce ticket\u00a0: enfant de #\d+/ : /linked this ticket: child of #\d+/);
    await fits(page, 'links card');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, `links-${width}.png`), fullPage: true });

    // merge: the number, the confirm step that says what happens, then the merge
    await page.click('#merge-details summary');
    await page.fill('#merge-into', String(master));
    await page.click('#merge-next');
    await page.waitForSelector('#merge-confirm:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'merge-confirm-title');
    const said = await page.textContent('#merge-confirm');
    assert.ok(said.includes(`#${master}`) && said.includes(`VPN down at HQ ${width}`), said);
    assert.match(said, fr ? /ne se défait pas/ : /not undone/);
    assert.ok(await page.isVisible('#merge-private')); // two requesters: the copies are internal
    await fits(page, 'merge confirm');
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#merge-do');
    await page.waitForSelector('#merged-note');
    assert.match(await page.textContent('#merged-note'), new RegExp(`#${master}`));
    assert.ok(await page.isVisible(`.badge.st-closed, .st-closed`));
    assert.match(await page.textContent('#comments'), fr ? /fusionnée avec le ticket n° \d+/ : /merged into ticket #\d+/);
    assert.equal(await page.$('#merge-details'), null);
    await page.screenshot({ path: path.join(SHOTS, `links-merged-${width}.png`), fullPage: true });

    // the master, through the note's link: the conversation copied, the link shown
    await page.click('#merged-note a');
    await page.waitForSelector(`#ticket-title:has-text("#${master}")`);
    await page.waitForSelector(`.link-item[data-kind=duplicates][data-ticket="${dup}"]`);
    const convo = await page.textContent('#comments');
    assert.ok(convo.includes('Error 809 since 9:00.') && convo.includes(`Still failing ${width}`), convo);
    assert.equal(await page.locator('#comments .copied').count(), 2);
    assert.match(await page.textContent('#history'), fr ? new RegExp(`a fusionné #${dup} avec ce ticket`) : new RegExp(`merged #${dup} into this ticket`));
    await fits(page, 'master');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, `links-master-${width}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();

    // the duplicate's requester reads why their ticket was closed
    const rq = await open(width, locale, 'bob');
    await rq.page.goto(`${srv.url}/#/ticket/${dup}`);
    await rq.page.waitForSelector('#comments');
    assert.match(await rq.page.textContent('#comments'), fr ? /fusionnée avec le ticket n° \d+/ : /merged into ticket #\d+/);
    assert.equal(await rq.page.$('#links'), null);
    assert.deepEqual(rq.errors, []);
    await rq.ctx.close();
  });
}

test('a public reply on a parent goes to its open children with the checkbox', async () => {
  const parent = await file(alice, 'Mail outage', 'No mail since 8:00.');
  const kids = [await file(bob, 'No mail', 'Outlook is empty.'), await file(alice, 'Mail stuck', 'Outbox full.')];
  for (const k of kids) assert.equal((await agent('POST', `/api/v1/tickets/${parent}/links`, { kind: 'child', ticket: k })).status, 201);
  const { ctx, page, errors } = await open(1400, 'en-GB', 'agent');
  await page.goto(`${srv.url}/#/ticket/${parent}`);
  await page.waitForSelector('#reply-children');
  assert.match(await page.textContent('#reply-children-label'), /Also send to the 2 open child tickets/);
  // an internal note never goes to the children
  await page.check('#reply-internal');
  assert.equal(await page.isDisabled('#reply-children'), true);
  await page.uncheck('#reply-internal');
  await page.fill('#reply-body', 'Mail is back for everyone.');
  await page.check('#reply-children');
  await page.click('#reply-submit');
  await page.waitForSelector('#toast.show');
  assert.match(await page.textContent('#toast'), /Reply sent to 2 child tickets too/);
  for (const k of kids) {
    const items = (await agent('GET', `/api/v1/tickets/${k}/comments`)).json.items;
    assert.equal(items[items.length - 1].body, 'Mail is back for everyone.');
  }
  await page.goto(`${srv.url}/#/ticket/${kids[0]}`);
  await page.waitForSelector(`#ticket-title:has-text("#${kids[0]}")`);
  assert.match(await page.textContent('#history'), new RegExp(`sent here too the reply made on parent ticket #${parent}`));
  assert.deepEqual(errors, []);
  await ctx.close();
});
