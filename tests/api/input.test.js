// API tests of the small input gaps: the body's media type, NUL bytes and
// repeated names in the query string, out-of-range ids, and messages that
// name what is actually wrong.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

function assertError(r, status, code, pattern) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  if (pattern) assert.match(r.json.error.message, pattern);
}

test('a body that is not sent as JSON gets 415, and nothing is stored', async () => {
  const before = (await agent('GET', '/api/v1/tickets?limit=200')).json.items.length;
  const body = JSON.stringify({ title: 'sent as a form' });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
    const r = await agent('POST', '/api/v1/tickets', body, { 'Content-Type': type });
    assertError(r, 415, 'unsupported_media_type', /application\/json/);
  }
  const none = await fetch(srv.url + '/api/v1/tickets', {
    method: 'POST', body: new Uint8Array(Buffer.from(body)), headers: { Authorization: 'Bearer ' + env.accounts.agent.token },
  });
  assert.equal(none.status, 415);
  assert.match((await none.json()).error.message, /none was given/);
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON ; charset=UTF-8'])
    assert.equal((await agent('POST', '/api/v1/tickets', body, { 'Content-Type': type })).status, 201, type);
  const after = (await agent('GET', '/api/v1/tickets?limit=200')).json.items.length;
  assert.equal(after, before + 3);
});

test('the query string: a NUL byte or a name given twice is refused, not cut or dropped', async () => {
  assertError(await agent('GET', '/api/v1/tickets?status=new%00open'), 400, 'invalid', /'status' contains a NUL byte/);
  assertError(await agent('GET', '/api/v1/tickets?q=printer%00x'), 400, 'invalid', /NUL/);
  assertError(await agent('GET', '/api/v1/tickets?status=new&status=closed'), 400, 'invalid', /'status' is given more than once/);
  assertError(await agent('GET', '/api/v1/users?q=a&q=b'), 400, 'invalid', /more than once/);
  assert.equal((await agent('GET', '/api/v1/tickets?status=new,open&limit=5')).status, 200);
});

test('statuses, ids and passwords: the message names what is wrong', async () => {
  assertError(await agent('GET', '/api/v1/tickets?status=new,open,pending,resolved,closed,open'), 400, 'invalid',
    /at most 5 statuses/);
  assertError(await agent('GET', '/api/v1/tickets?status=new,opened'), 400, 'invalid', /unknown status 'opened'/);
  assertError(await agent('GET', '/api/v1/tickets?assignee_id=99999999999999999999'), 400, 'invalid', /between 1 and/);
  assertError(await agent('GET', '/api/v1/tickets?group_id=9223372036854775808'), 400, 'invalid', /between 1 and/);
  const huge = await agent('GET', '/api/v1/tickets/99999999999999999999');
  assertError(huge, 404, 'not_found', /no such resource/);
  const r = await admin('POST', '/api/v1/users', { email: 'short@test.example', name: 'Short', role: 'requester', password: 'a' });
  assertError(r, 400, 'invalid', /'password' must be at least 8 bytes long/);
  assertError(await admin('POST', '/api/v1/users', { email: 'empty@test.example', name: 'E', role: 'requester', password: '' }),
    400, 'invalid', /must not be empty/);
});

// A text whose rules allow no minimum length takes "": a group's
// description is cleared, a user's language set back to none (the
// browser's), the field-wide threshold rule (class "") saved; a required
// text still refuses it.
test('an empty text is taken where the field has no minimum length', async () => {
  const g = await admin('POST', '/api/v1/groups', { name: 'Empty description', description: 'to be cleared' });
  assert.equal(g.status, 201, g.text);
  let r = await admin('PATCH', `/api/v1/groups/${g.json.id}`, { description: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.description, '');
  assert.equal((await admin('POST', '/api/v1/groups', { name: 'No description', description: '' })).status, 201);
  const u = await admin('POST', '/api/v1/users', { email: 'lang@test.example', name: 'Lang', role: 'requester', lang: 'fr' });
  r = await admin('PATCH', `/api/v1/users/${u.json.id}`, { lang: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.lang, '');
  r = await admin('PUT', '/api/v1/models/category/thresholds', { class: '', mode: 'never' });
  assert.equal(r.status, 200, r.text);
  assertError(await admin('PATCH', `/api/v1/groups/${g.json.id}`, { name: '' }), 400, 'invalid', /'name' must not be empty/);
  assertError(await admin('PATCH', `/api/v1/users/${u.json.id}`, { lang: 'de' }), 400, 'invalid', /'lang' must be/);
});
