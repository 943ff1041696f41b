// API tests of the machine-readable reason of a refused input: beside code,
// message and field (unchanged), an error says what exactly was wrong
// ("reason") with the numbers and words a client needs to say it in its own
// language (max, min, allowed, expected, from, to, retry_after).
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

// r is refused with status and code, on field, for reason; extra: the other
// members the error must hold (and no others besides code, message, field,
// reason and those listed in also).
function refused(r, status, code, field, reason, extra = {}, also = []) {
  assert.equal(r.status, status, r.text);
  const e = r.json.error;
  assert.equal(e.code, code, r.text);
  assert.equal(typeof e.message, 'string', r.text);
  assert.equal(e.field, field, r.text);
  assert.equal(e.reason, reason, r.text);
  for (const [k, v] of Object.entries(extra)) assert.deepEqual(e[k], v, `${k} in ${r.text}`);
  const known = ['code', 'message', 'field', 'reason', ...Object.keys(extra), ...also];
  assert.deepEqual(Object.keys(e).filter((k) => !known.includes(k)), [], r.text);
}

test('ticket fields: required, too long, control characters, wrong type, out of range', async () => {
  refused(await alice('POST', '/api/v1/tickets', { description: 'no title' }), 400, 'invalid', 'title', 'required');
  refused(await alice('POST', '/api/v1/tickets', { title: '   ' }), 400, 'invalid', 'title', 'required');
  refused(await alice('POST', '/api/v1/tickets', { title: 'é'.repeat(151) }), 400, 'invalid', 'title', 'too_long', { max: 300 });
  refused(await alice('POST', '/api/v1/tickets', { title: 'a\nb' }), 400, 'invalid', 'title', 'control_char');
  refused(await alice('POST', '/api/v1/tickets', { title: 7 }), 400, 'invalid', 'title', 'wrong_type', { expected: 'string' });
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', impact: 'high' }), 400, 'invalid', 'impact', 'wrong_type', { expected: 'integer' });
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', priority: 9 }), 400, 'invalid', 'priority', 'out_of_range', { min: 1, max: 4 });
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', category: 'c'.repeat(101) }), 400, 'invalid', 'category', 'too_long', { max: 100 });
});

test('allowed values, fields one may not set, unknown and read-only fields, references', async () => {
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', source: 'fax' }), 400, 'invalid', 'source', 'not_allowed',
    { allowed: ['web', 'email', 'phone', 'api', 'chat', 'import'] });
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', language: 'de' }), 400, 'invalid', 'language', 'not_allowed',
    { allowed: ['fr', 'en'] });
  refused(await alice('POST', '/api/v1/tickets', { title: 'x', status: 'open' }), 403, 'forbidden', 'status', 'agents_only');
  refused(await alice('POST', '/api/v1/tickets', { title: 'x', colour: 'red' }), 400, 'invalid', 'colour', 'unknown_field');
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', created_at: '2026-01-01' }), 400, 'invalid', 'created_at', 'read_only_field');
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', group_id: 999 }), 400, 'invalid', 'group_id', 'no_such_group');
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', category: 'Netwrok' }), 400, 'invalid', 'category', 'unknown_entry');
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', requester_id: 999 }), 400, 'invalid', 'requester_id', 'no_such_user');
  const aliceId = (await alice('GET', '/api/v1/auth/me')).json.user.id;
  refused(await agent('POST', '/api/v1/tickets', { title: 'x', assignee_id: aliceId }), 400, 'invalid', 'assignee_id', 'not_agent');
  // a query parameter the list does not take
  refused(await agent('GET', '/api/v1/tickets?colour=red'), 400, 'invalid', 'colour', 'unknown_field');
  refused(await agent('GET', '/api/v1/tickets?limit=900'), 400, 'invalid', 'limit', 'out_of_range', { min: 1, max: 200 });
});

test('the lifecycle, a ticket changed meanwhile, a closed ticket, the comment cap', async () => {
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Lifecycle' })).json.id;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${id}`, { status: 'closed' })).status, 200);
  refused(await agent('PATCH', `/api/v1/tickets/${id}`, { status: 'open' }), 409, 'conflict', 'status', 'transition',
    { from: 'closed', to: 'open' });
  refused(await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'hello?' }), 409, 'conflict', undefined, 'ticket_closed');

  const other = (await alice('POST', '/api/v1/tickets', { title: 'Edited twice' })).json;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${other.id}`, { impact: 2, version: other.version })).status, 200);
  const stale = await agent('PATCH', `/api/v1/tickets/${other.id}`, { impact: 3, version: other.version });
  refused(stale, 412, 'precondition_failed', undefined, 'changed_meanwhile', {}, ['version', 'changed_by', 'changed_at']);
  assert.equal(stale.json.error.changed_by, 'Agent');

  assert.equal((await admin('PUT', '/api/v1/settings', { 'limits.ticket_comments': 1 })).status, 200);
  const capped = (await agent('POST', '/api/v1/tickets', { title: 'One comment only' })).json.id;
  assert.equal((await agent('POST', `/api/v1/tickets/${capped}/comments`, { body: 'first' })).status, 201);
  refused(await agent('POST', `/api/v1/tickets/${capped}/comments`, { body: 'second' }), 409, 'conflict', undefined, 'limit_reached', { max: 1 });
  assert.equal((await admin('PUT', '/api/v1/settings', { 'limits.ticket_comments': 1000 })).status, 200);
  refused(await agent('POST', `/api/v1/tickets/${capped}/comments`, {}), 400, 'invalid', 'body', 'required');
  refused(await alice('POST', `/api/v1/tickets/${other.id}/comments`, { body: 'x', internal: true }), 403, 'forbidden', 'internal', 'agents_only');
});

test('passwords, accounts and groups', async () => {
  const pw = (body) => alice('POST', '/api/v1/auth/password', body);
  refused(await pw({ current_password: 'wrong-one!', new_password: 'a-new-password' }), 403, 'forbidden', 'current_password', 'wrong_password');
  refused(await pw({ current_password: 'password-alice', new_password: 'short' }), 400, 'invalid', 'new_password', 'too_short', { min: 8 });
  refused(await pw({ current_password: 'password-alice', new_password: 'password-alice' }), 400, 'invalid', 'new_password', 'same_password');
  refused(await pw({ current_password: 'password-alice', new_password: 'password123' }), 400, 'invalid', 'new_password', 'common_password');
  refused(await pw({ current_password: 'password-alice', new_password: 'alice@test.example' }), 400, 'invalid', 'new_password', 'password_is_email');
  refused(await pw({ current_password: 'password-alice' }), 400, 'invalid', 'new_password', 'required');

  refused(await admin('POST', '/api/v1/users', { email: 'nobody', name: 'N', role: 'agent' }), 400, 'invalid', 'email', 'not_email');
  refused(await admin('POST', '/api/v1/users', { email: 'agent@test.example', name: 'N', role: 'agent' }), 409, 'conflict', 'email', 'taken');
  refused(await admin('POST', '/api/v1/users', { email: 'n@test.example', name: 'N', role: 'boss' }), 400, 'invalid', 'role', 'not_allowed',
    { allowed: ['requester', 'agent', 'admin'] });
  refused(await admin('POST', '/api/v1/groups', { description: 'no name' }), 400, 'invalid', 'name', 'required');
  assert.equal((await admin('POST', '/api/v1/groups', { name: 'Twice' })).status, 201);
  refused(await admin('POST', '/api/v1/groups', { name: 'Twice' }), 409, 'conflict', 'name', 'taken');
  refused(await admin('PUT', '/api/v1/settings', { 'sla.p1_hours': -1 }), 400, 'invalid', 'sla.p1_hours', 'out_of_range', { min: 1, max: 8760 });
  refused(await admin('PUT', '/api/v1/settings', { 'sla.p9_hours': 1 }), 400, 'invalid', 'sla.p9_hours', 'unknown_field');
  refused(await agent('POST', '/api/v1/tokens', { name: 'x', expires_days: 0 }), 400, 'invalid', 'expires_days', 'out_of_range', { min: 1, max: 3650 });
});

test('rate limited: the reason and the seconds to wait, as in Retry-After', async () => {
  assert.equal((await admin('PUT', '/api/v1/settings', { 'limits.writes_per_minute': 2 })).status, 200);
  let limited = null;
  for (let i = 0; i < 4 && !limited; i++) {
    const r = await alice('POST', '/api/v1/tickets', { title: 'Burst ' + i });
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'the third write in a minute is refused');
  refused(limited, 429, 'too_many_requests', undefined, 'rate_limited', {}, ['retry_after']);
  assert.equal(limited.json.error.retry_after, Number(limited.headers.get('retry-after')));
  assert.ok(limited.json.error.retry_after >= 1);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'limits.writes_per_minute': 60 })).status, 200);
});

test('an error the code says whole has no reason; codes and messages are as before', async () => {
  const r = await agent('GET', '/api/v1/tickets/99999');
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message']);
  const bad = await agent('POST', '/api/v1/tickets', '{"title":');
  assert.equal(bad.json.error.code, 'malformed_json');
  assert.equal(bad.json.error.reason, undefined);
  const long = await agent('POST', '/api/v1/tickets', { title: 'x'.repeat(301) });
  assert.equal(long.json.error.message, "'title' is longer than 300 bytes");
});
