// Browser test of triage in Debian's Chromium: on a database trained on the
// demo tickets, an agent sees the model's suggestions with their confidence
// and the words behind them highlighted in the ticket text, accepts one,
// overrides another, and finds both decisions in the history; the queue
// marks what the model set; an admin sees per-class precision and coverage
// and makes a class suggest-only.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let db, srv, browser, agentApi;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-triage-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '500', '--seed', '9']);
  cli(db, ['train']);
  srv = await startServer(db);
  agentApi = client(srv.url, cli(db, ['token', 'create', '--email', 'agent@relais.demo']));
  browser = await launchBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function login(page, email, password) {
  return uiLogin(page, srv.url, email, password);
}

test('an agent accepts one suggestion and overrides another; both are in the history', async () => {
  // A requester writes in French through the portal; triage runs at creation.
  const rq = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await login(rq, 'claire.martin@relais.demo', 'relais-demo');
  await rq.click('#nav-new');
  await rq.fill('#title', 'VPN impossible depuis ce matin');
  await rq.fill('#description', "Je n'arrive plus à me connecter au VPN, le client AnyConnect affiche une erreur.");
  await rq.click('#new-submit');
  await rq.waitForSelector('#ticket-title');
  const id = Number(rq.url().split('/').pop());
  assert.equal(await rq.locator('#suggestions').count(), 0, 'requesters never see suggestions');
  const created = (await agentApi('GET', `/api/v1/tickets/${id}/suggestions`)).json.items;
  const byField = Object.fromEntries(created.map((s) => [s.field, s]));
  assert.ok(byField.category && byField.urgency && byField.group, JSON.stringify(created));

  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await login(page, 'agent@relais.demo', 'relais-agent');
  await page.selectOption('#lang', 'en'); /* the demo agent's own language is French */
  // the queue marks the fields the model set
  await page.waitForSelector(`tr.ticket[data-id="${id}"]`);
  if (byField.category.state === 'applied')
    assert.equal(await page.locator(`tr.ticket[data-id="${id}"] .ai-mark[data-field="category"]`).count(), 1);
  await page.goto(`${srv.url}/#/ticket/${id}`);
  await page.waitForSelector('#suggestions .suggestion[data-field="category"]');
  const head = await page.textContent('.suggestion[data-field="category"] .sg-head');
  assert.match(head, /Category\s+Network/);
  assert.match(head, /(High|Medium|Low) · \d+%/); // English: no space before %
  // an urgency reads as in the form, "3 · Low", never as a bare digit; one
  // no value is likely for says so, its guesses named the same way
  const urgValue = (await page.textContent('.suggestion[data-field="urgency"] .sg-value')).trim();
  if (byField.urgency.level === 'Unsure') {
    assert.equal(urgValue, 'Not sure: no value is likely');
    assert.match(await page.textContent('.suggestion[data-field="urgency"] .sg-guesses'),
      /^Best guesses: [1-3] · (High|Medium|Low) \d+%, [1-3] · (High|Medium|Low) \d+%/);
  } else {
    assert.match(urgValue, /^[1-3] · (High|Medium|Low)$/);
  }
  // the words that drove the category are highlighted in the ticket text
  const marked = await page.locator('#ticket-title-text mark.w-for, #ticket-desc mark.w-for').allTextContents();
  assert.ok(marked.map((w) => w.toLowerCase()).includes('vpn'), JSON.stringify(marked));
  // the requester's other tickets, newest first, this one left out
  const mine = (await agentApi('GET', '/api/v1/tickets?requester_id=' +
    (await agentApi('GET', `/api/v1/tickets/${id}`)).json.requester_id + '&limit=6')).json.items
    .filter((x) => x.id !== id).slice(0, 5).map((x) => String(x.id));
  assert.ok(mine.length > 0, 'the demo requester has earlier tickets');
  await page.waitForSelector('#requester-others');
  assert.deepEqual(await page.$$eval('#requester-others p[data-id]', (ps) => ps.map((p) => p.dataset.id)), mine);
  await page.screenshot({ path: path.join(SHOTS, 'agent-suggestions.png'), fullPage: true });

  // accept urgency, override the group
  await page.click('#sugg-accept-urgency');
  await page.waitForSelector('.suggestion[data-field="urgency"][data-state="accepted"]');
  // urgency known: the priority and its SLA due time follow
  assert.match(await page.textContent('#sla-due'), /SLA due: \S+/);
  await page.waitForSelector('#sugg-value-group');
  const other = await page.$$eval('#sugg-value-group option', (os) =>
    os.map((o) => o.value).find((v) => v !== document.querySelector('#sugg-value-group').value));
  await page.selectOption('#sugg-value-group', other);
  await page.click('#sugg-override-group');
  await page.waitForSelector('.suggestion[data-field="group"][data-state="overridden"]');
  // the card now shows the value set, who corrected it and what the model had said
  const modelGroup = byField.group.value;
  const card = page.locator('.suggestion[data-field="group"]');
  assert.equal((await card.locator('.sg-value').textContent()).trim(), other);
  assert.match(await card.locator('.sg-state').textContent(), /^corrected by Nadia Benali$/);
  assert.equal((await card.locator('.sg-model').textContent()).trim(),
    `The model had said ${modelGroup} (${Math.round(byField.group.confidence * 100)}%).`);
  assert.match(await page.locator('.suggestion[data-field="urgency"] .sg-state').textContent(), /^confirmed by Nadia Benali$/);
  await page.screenshot({ path: path.join(SHOTS, 'agent-overridden.png'), fullPage: true });
  // both decisions are in the history, made by a person (no model version)
  const history = await page.locator('#history .event').allTextContents();
  assert.ok(history.some((e) => /changed Urgency/.test(e) && !/urgency v\d/.test(e)), history.join('\n'));
  assert.ok(history.some((e) => /changed Group from/.test(e) && !/group v\d/.test(e)), history.join('\n'));
  // the timeline speaks as the form does: P1…P4, named levels, local times
  // (the priority first rested on the default urgency: it changes only if
  // the urgency accepted is another)
  for (const e of history.filter((x) => /changed Priority/.test(x)))
    assert.match(e.trim(), /changed Priority from P[1-4] to P[1-4]$/);
  assert.ok(history.some((e) => /changed Urgency from — to [1-3] · (High|Medium|Low)/.test(e)), history.join('\n'));
  assert.ok(!history.some((e) => /\d{4}-\d\d-\d\dT\d\d:\d\d/.test(e)), history.join('\n'));
  // groups are named in the timeline, never shown as ids
  assert.ok(history.some((e) => /changed Group from/.test(e) && e.includes(`to ${other}`)), history.join('\n'));
  assert.ok(!history.some((e) => /changed Group from \S+ to \d+\b/.test(e)), history.join('\n'));
  assert.ok(history.some((e) => /Model changed Category/.test(e) && /category v1/.test(e)), history.join('\n'));
  const t = (await agentApi('GET', `/api/v1/tickets/${id}`)).json;
  assert.equal(t.group_name, other);
  assert.equal(String(t.urgency), byField.urgency.value);
  await page.screenshot({ path: path.join(SHOTS, 'agent-decided.png'), fullPage: true });
});

test('the agent queue sorts open work by SLA due time and flags what is overdue', async () => {
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await login(page, 'agent@relais.demo', 'relais-agent');
  await page.waitForSelector('#filters');
  await page.selectOption('#f-status', 'new,open,pending');
  await page.selectOption('#f-sort', 'sla_due_at');
  await page.click('#filter-apply');
  await page.waitForFunction(() => location.hash.includes('sort=sla_due_at'));
  await page.waitForSelector('tr.ticket td.due');
  const cells = await page.$$eval('tr.ticket td.due', (tds) =>
    tds.map((td) => ({ due: td.dataset.due || null, late: td.dataset.late === 'true', text: td.textContent })));
  assert.ok(cells.length > 10);
  const keys = cells.map((c) => (c.due ? Date.parse(c.due) : Infinity));
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] <= keys[i], 'soonest due first');
  // the demo holds open tickets from past days: the first ones are late
  assert.ok(cells[0].late, JSON.stringify(cells[0]));
  assert.match(cells[0].text, /overdue|en retard/i);
  for (const c of cells) assert.equal(c.late, !!c.due && Date.parse(c.due) < Date.now());
});

test('an admin reads per-class precision and coverage and makes a class suggest-only', async () => {
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await login(page, 'admin@relais.demo', 'relais-admin');
  await page.click('#nav-models');
  await page.waitForSelector('.model[data-field="category"] tr[data-class="Network"]');
  const row = page.locator('.model[data-field="category"] tr[data-class="Network"]');
  await row.locator('select.th-mode').selectOption('never');
  await row.locator('button.th-save').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('.model[data-field="category"] tr[data-class="Network"] .th-value');
    return c && c.textContent === 'jamais';
  });
  // a class that is never applied has no precision to show
  assert.equal(await row.locator('.th-precision').textContent(), '—');
  await page.screenshot({ path: path.join(SHOTS, 'admin-models.png'), fullPage: true });
  const r = await agentApi('POST', '/api/v1/tickets', { title: 'VPN down', description: 'cannot connect to the VPN' });
  assert.equal(r.json.category, null, 'Network is now only suggested');
  assert.equal(r.json.suggestions.find((s) => s.field === 'category').state, 'suggested');
});

test('what raised the impact is said in the reader\'s language, the ticket\'s own words kept', async () => {
  const t = (await agentApi('POST', '/api/v1/tickets', { title: 'Imprimantes HS', description: '15 users cannot print since 9' })).json;
  assert.equal(t.impact_cue, '"15 users" (15 people affected)');
  for (const [lang, want] of [['fr', '«\u00a015 users\u00a0»\u00a0: 15\u00a0personnes touchées'], ['en', '“15 users”: 15 people affected']]) {
    const page = await (await browser.newContext()).newPage();
    await login(page, 'admin@relais.demo', 'relais-admin');
    await page.selectOption('#lang', lang);
    await page.goto(`${srv.url}/#/ticket/${t.id}`);
    await page.waitForSelector('#impact-cue');
    assert.equal(await page.textContent('#impact-cue b'), want);
    await page.context().close();
  }
});
