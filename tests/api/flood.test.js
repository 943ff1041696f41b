// API tests of a requester flooding a ticket: comments and history come a
// page at a time; a ticket takes a capped number and size of comments; a
// requester's writes are rate-limited (429, Retry-After), the desk's are not.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

async function settings(values) {
  const r = await admin('PUT', '/api/v1/settings', values);
  assert.equal(r.status, 200, r.text);
}

// Follows next_cursor; returns every item and the number of pages.
async function allPages(who, path, limit) {
  const items = [];
  let cursor = null, pages = 0;
  do {
    const r = await who('GET', `${path}?limit=${limit}${cursor ? '&cursor=' + cursor : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

test('a ticket takes a capped number of comments, read a page at a time', async () => {
  await settings({ 'limits.writes_per_minute': 0, 'limits.ticket_comments': 40, 'limits.ticket_comments_mb': 2 });
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Flooded ticket' })).json.id;
  const big = 'x'.repeat(64 * 1024);
  let made = 0, last;
  for (let i = 0; i < 45 && !last; i++) {
    const r = await alice('POST', `/api/v1/tickets/${id}/comments`, { body: big.slice(0, 40000) + i });
    if (r.status === 201) made++;
    else last = r;
  }
  assert.equal(made, 40);
  assert.equal(last.status, 409, last.text);
  assert.match(last.json.error.message, /has 40 comments, the most one ticket takes: open a new ticket/);
  // size: another ticket, bigger comments, 2 MB in all
  const id2 = (await alice('POST', '/api/v1/tickets', { title: 'Big comments' })).json.id;
  let sized = null;
  for (let i = 0; i < 40 && !sized; i++) {
    const r = await alice('POST', `/api/v1/tickets/${id2}/comments`, { body: big });
    if (r.status !== 201) sized = r;
  }
  assert.equal(sized.status, 413, sized.text);
  assert.match(sized.json.error.message, /would pass 2 MB in all/);
  // everyone still reads the flooded ticket, a page at a time
  const one = await agent('GET', `/api/v1/tickets/${id}/comments`);
  assert.equal(one.status, 200);
  assert.equal(one.json.items.length, 40);
  assert.equal(one.json.next_cursor, null);
  const paged = await allPages(agent, `/api/v1/tickets/${id}/comments`, 7);
  assert.equal(paged.items.length, 40);
  assert.equal(paged.pages, 6);
  assert.equal(new Set(paged.items.map((c) => c.id)).size, 40, 'no comment twice');
  const hist = await allPages(alice, `/api/v1/tickets/${id}/history`, 9);
  assert.equal(hist.items.length, 41, 'created + 40 comments');
  for (const [q, field] of [['limit=0', 'limit'], ['limit=201', 'limit'], ['cursor=x5', 'cursor'], ['cursor=c0', 'cursor']]) {
    const r = await agent('GET', `/api/v1/tickets/${id}/comments?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.field, field, q);
  }
  assert.equal((await agent('GET', `/api/v1/tickets/${id}/history?cursor=c5`)).status, 400, 'a comments cursor is not a history one');
});

test("a requester's writes are rate-limited; the desk's are not", async () => {
  await settings({ 'limits.writes_per_minute': 5, 'limits.ticket_comments': 1000 });
  const statuses = [];
  let limited = null;
  for (let i = 0; i < 8; i++) {
    const r = await alice('POST', '/api/v1/tickets', { title: `burst ${i}` });
    statuses.push(r.status);
    if (r.status === 429 && !limited) limited = r;
  }
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429, 429]);
  assert.match(limited.json.error.message, /more than 5 changes in a minute; try again in \d+ s/);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await alice('GET', '/api/v1/tickets')).status, 200, 'reads are not limited');
  for (let i = 0; i < 10; i++) assert.equal((await agent('POST', '/api/v1/tickets', { title: `desk ${i}` })).status, 201);
  // sign-ins from one address count too
  const anon = client(srv.url, null);
  const logins = [];
  for (let i = 0; i < 7; i++) logins.push((await anon('POST', '/api/v1/auth/login', { email: env.accounts.bob.email, password: env.accounts.bob.password })).status);
  assert.deepEqual(logins.slice(0, 5), [200, 200, 200, 200, 200]);
  assert.equal(logins[5], 429);
  await settings({ 'limits.writes_per_minute': 60 });
});

test('an agent hides an abusive reply: kept for the desk, hidden from the requester, in the history', async () => {
  await settings({ 'limits.writes_per_minute': 0 });
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Rude reply' })).json.id;
  const bad = (await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'abusive words' })).json;
  const note = (await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'internal', internal: true })).json;
  assert.equal((await alice('POST', `/api/v1/tickets/${id}/comments/${bad.id}/hide`)).status, 403, 'requesters cannot hide');
  let r = await agent('POST', `/api/v1/tickets/${id}/comments/${bad.id}/hide`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.hidden, r.json.changed], [true, true]);
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/comments/${bad.id}/hide`)).json.changed, false, 'once');
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/comments/${note.id}/hide`)).status, 404, 'notes are never shown anyway');
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/comments/999999/hide`)).status, 404);
  const mine = (await alice('GET', `/api/v1/tickets/${id}/comments`)).json.items.find((c) => c.id === bad.id);
  assert.deepEqual([mine.hidden, mine.body, 'hidden_by' in mine], [true, null, false]);
  const desk = (await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items.find((c) => c.id === bad.id);
  assert.deepEqual([desk.hidden, desk.body, desk.hidden_by], [true, 'abusive words', 'Agent']);
  const ev = (await alice('GET', `/api/v1/tickets/${id}/history`)).json.items.find((e) => e.field === 'comment_hidden');
  assert.equal(ev.new_value, String(bad.id));
  r = await agent('POST', `/api/v1/tickets/${id}/comments/${bad.id}/show`);
  assert.equal(r.json.changed, true);
  assert.equal((await alice('GET', `/api/v1/tickets/${id}/comments`)).json.items.find((c) => c.id === bad.id).body, 'abusive words');
});
