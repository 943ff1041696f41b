// API tests of the user search behind the UI's pickers:
// GET /api/v1/users?q=&role=&active=&limit=&cursor= against a real server.
// q is a substring of the name or the e-mail, compared without case or
// accents; pages are key-set on id with an opaque next_cursor.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice, anon;
const made = []; // the users this file creates, in creation (id) order

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
  // 130 requesters "Pat Lemaire NNN", every tenth an agent, and three
  // names that only match once accents and case are folded.
  for (let i = 0; i < 130; i++) {
    const role = i % 10 === 0 ? 'agent' : 'requester';
    const r = await admin('POST', '/api/v1/users',
      { email: `pat.lemaire${String(i).padStart(3, '0')}@corp.example`, name: `Pat Lemaire ${i}`, role });
    assert.equal(r.status, 201, r.text);
    made.push(r.json);
  }
  for (const [email, name] of [['zoe.durand@corp.example', 'Zoé DURAND'], ['elodie@corp.example', 'Élodie Faure'],
    ['marc@other.example', 'Marc Øster']]) {
    const r = await admin('POST', '/api/v1/users', { email, name, role: 'requester' });
    assert.equal(r.status, 201, r.text);
    made.push(r.json);
  }
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  assert.ok(r.json.error.message.length > 0);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

// Follows next_cursor to the end; returns every page.
async function allPages(who, query) {
  const pages = [];
  let cursor = null;
  for (let guard = 0; guard < 100; guard++) {
    const sep = query ? '&' : '';
    const r = await who('GET', '/api/v1/users?' + query + (cursor ? sep + 'cursor=' + encodeURIComponent(cursor) : ''));
    assert.equal(r.status, 200, r.text);
    pages.push(r.json.items);
    cursor = r.json.next_cursor;
    if (cursor === null) return pages;
    assert.equal(typeof cursor, 'string');
  }
  assert.fail('next_cursor never ran out');
}

test('q matches a substring of the name or the e-mail, whatever the case and accents', async () => {
  const names = async (q) => (await agent('GET', '/api/v1/users?limit=100&q=' + encodeURIComponent(q))).json.items
    .map((u) => u.name);
  assert.deepEqual(await names('zoé'), ['Zoé DURAND']);
  assert.deepEqual(await names('ZOE'), ['Zoé DURAND'], 'case and accent ignored');
  assert.deepEqual(await names('durand'), ['Zoé DURAND'], 'substring inside the name');
  assert.deepEqual(await names('elodie'), ['Élodie Faure']);
  assert.deepEqual(await names('ÉLODIE@CORP'), ['Élodie Faure'], 'the e-mail matches too');
  assert.deepEqual(await names('other.example'), ['Marc Øster'], 'substring inside the e-mail');
  assert.deepEqual(await names('lemaire 12'), ['Pat Lemaire 12', 'Pat Lemaire 120', 'Pat Lemaire 121',
    'Pat Lemaire 122', 'Pat Lemaire 123', 'Pat Lemaire 124', 'Pat Lemaire 125', 'Pat Lemaire 126',
    'Pat Lemaire 127', 'Pat Lemaire 128', 'Pat Lemaire 129'], 'id order');
  assert.deepEqual(await names('nobody-has-this'), []);
  // an empty q is no filter
  const all = (await agent('GET', '/api/v1/users?limit=100&q=')).json;
  assert.equal(all.items.length, 100);
  assert.equal(typeof all.next_cursor, 'string');
});

test('q combines with the role and active filters', async () => {
  const team = (await agent('GET', '/api/v1/users?limit=100&role=agent&q=LEMAIRE')).json.items;
  assert.deepEqual(team.map((u) => u.name), made.filter((u) => u.role === 'agent').map((u) => u.name));
  assert.ok(team.every((u) => u.role === 'agent'));
  const pat = made.find((u) => u.name === 'Pat Lemaire 7');
  assert.equal((await admin('PATCH', `/api/v1/users/${pat.id}`, { active: false })).status, 200);
  const q = '/api/v1/users?q=' + encodeURIComponent('PAT.LEMAIRE007@');
  assert.deepEqual((await agent('GET', q)).json.items.map((u) => u.name), ['Pat Lemaire 7']);
  assert.deepEqual((await agent('GET', q + '&active=true')).json.items, [], 'inactive users left out');
  assert.deepEqual((await agent('GET', q + '&active=false')).json.items.map((u) => u.name), ['Pat Lemaire 7']);
  // active=false lists the disabled users only (the Users page's "Disabled" filter)
  const off = (await agent('GET', '/api/v1/users?limit=100&active=false&q=lemaire')).json.items;
  assert.deepEqual(off.map((u) => u.name), ['Pat Lemaire 7']);
  assert.equal((await agent('GET', '/api/v1/users?limit=100&q=lemaire')).json.items.length, 100, 'without active: both');
});

test('pages cover every match once, in order, with no gap', async () => {
  for (const [query, want] of [
    ['limit=7&q=lemaire', made.filter((u) => /Lemaire/.test(u.name))],
    ['limit=1&q=lemaire&role=agent', made.filter((u) => u.role === 'agent')],
    ['limit=13&q=corp.example', made.filter((u) => u.email.endsWith('@corp.example'))],
  ]) {
    const pages = await allPages(agent, query);
    const limit = Number(/limit=(\d+)/.exec(query)[1]);
    for (const p of pages.slice(0, -1)) assert.equal(p.length, limit, query + ': only the last page is short');
    assert.ok(pages.at(-1).length >= 1 && pages.at(-1).length <= limit, query + ': no empty last page');
    const ids = pages.flat().map((u) => u.id);
    assert.deepEqual(ids, want.map((u) => u.id), query);
  }
  // the whole table: the four accounts of the harness and everyone made here
  const everyone = (await allPages(admin, 'limit=100')).flat();
  assert.equal(everyone.length, 4 + made.length);
  assert.equal(new Set(everyone.map((u) => u.id)).size, everyone.length);
  // a page ending exactly on the last match says there is no more
  const exact = (await agent('GET', '/api/v1/users?role=agent&q=lemaire&limit=13')).json;
  assert.equal(exact.items.length, 13);
  assert.equal(exact.next_cursor, null);
});

test('the default page is 50 users and the next page starts after it', async () => {
  const first = (await agent('GET', '/api/v1/users')).json;
  assert.equal(first.items.length, 50);
  assert.equal(typeof first.next_cursor, 'string');
  const second = (await agent('GET', '/api/v1/users?cursor=' + encodeURIComponent(first.next_cursor))).json;
  assert.equal(second.items.length, 50);
  assert.ok(second.items[0].id > first.items.at(-1).id);
});

test('bad limit, cursor, q and active are refused, naming the parameter', async () => {
  for (const bad of ['0', '101', '-1', 'ten', '', '5.5'])
    assertError(await agent('GET', '/api/v1/users?limit=' + encodeURIComponent(bad)), 400, 'invalid', 'limit');
  for (const bad of ['x', 'u', 'u0', 'u-3', 'u12abc', '12', 'u99999999999999999999999'])
    assertError(await agent('GET', '/api/v1/users?cursor=' + encodeURIComponent(bad)), 400, 'invalid', 'cursor');
  assertError(await agent('GET', '/api/v1/users?q=' + 'a'.repeat(201)), 400, 'invalid', 'q');
  assertError(await agent('GET', '/api/v1/users?active=yes'), 400, 'invalid', 'active');
  const notUtf8 = await agent('GET', '/api/v1/users?q=%FF%FEpat');
  assert.equal(notUtf8.status, 400, notUtf8.text);
  assert.equal(notUtf8.json.error.field, 'q', notUtf8.text);
  assertError(await agent('GET', '/api/v1/users?role=wizard&q=pat'), 400, 'invalid', 'role');
  const unknown = await agent('GET', '/api/v1/users?q=pat&page=2');
  assertError(unknown, 400, 'invalid', 'page');
  assert.match(unknown.json.error.message, /unknown query parameter 'page'/);
  // a cursor past the last user is a valid, empty last page
  const past = (await agent('GET', '/api/v1/users?cursor=u999999')).json;
  assert.deepEqual(past, { items: [], next_cursor: null });
});

test('only agents and admins search users', async () => {
  assert.equal((await anon('GET', '/api/v1/users?q=pat')).status, 401);
  assertError(await alice('GET', '/api/v1/users?q=pat'), 403, 'forbidden');
  assert.equal((await agent('GET', '/api/v1/users?q=pat')).status, 200);
  assert.equal((await admin('GET', '/api/v1/users?q=pat')).status, 200);
});
