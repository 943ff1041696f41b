// The audit log: every administrative action (accounts, roles, groups,
// settings, thresholds, tokens, training, jobs; from the API and from the
// console) leaves one row with who, from where, on what and what changed;
// a refused action leaves none; admins list it with filters and pages; no
// one can change or delete a row, not even with SQL on the file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

async function all(query = '') {
  const r = await admin('GET', '/api/v1/audit?limit=500' + (query ? '&' + query : ''));
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('the console\'s accounts and tokens are audited as the console', async () => {
  const rows = await all('actor_id=0');
  const made = rows.filter((r) => r.action === 'user.create');
  assert.deepEqual(made.map((r) => r.target).sort(), Object.values(env.accounts).map((a) => a.email).sort());
  assert.ok(made.every((r) => r.actor === 'console' && r.target_type === 'user' && r.target_id > 0));
  assert.equal(made.find((r) => r.target === env.accounts.agent.email).detail.role, 'agent');
  assert.equal(rows.filter((r) => r.action === 'token.create').length, 4);
});

test('each admin action through the API leaves one row with what changed, never a secret', async () => {
  const before = (await all()).length;
  const u = await admin('POST', '/api/v1/users', { email: 'zoe@test.example', name: 'Zoé', role: 'requester', password: 'Secret-zoe-9' });
  assert.equal(u.status, 201, u.text);
  assert.equal((await admin('PATCH', `/api/v1/users/${u.json.id}`, { role: 'agent', vip: true })).status, 200);
  assert.equal((await admin('PATCH', `/api/v1/users/${u.json.id}`, { password: 'Another-zoe-10' })).status, 200);
  const g = await admin('POST', '/api/v1/groups', { name: 'Réseau', description: 'LAN' });
  assert.equal(g.status, 201, g.text);
  assert.equal((await admin('PATCH', `/api/v1/groups/${g.json.id}`, { name: 'Network' })).status, 200);
  assert.equal((await admin('PUT', `/api/v1/groups/${g.json.id}/members/${u.json.id}`)).status, 200);
  assert.equal((await admin('DELETE', `/api/v1/groups/${g.json.id}/members/${u.json.id}`)).status, 200);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_hours': 2 })).status, 200);
  assert.equal((await admin('PUT', '/api/v1/models/category/thresholds', { mode: 'target', target: 0.9 })).status, 200);
  assert.equal((await admin('POST', '/api/v1/models/train', { field: 'category' })).status, 200);
  assert.equal((await admin('POST', '/api/v1/jobs/search_facets/run')).status, 202);
  const tok = await agent('POST', '/api/v1/tokens', { name: 'script', expires_days: 7 });
  assert.equal((await admin('DELETE', `/api/v1/tokens/${tok.json.id}`)).status, 200);

  const rows = (await all()).slice(0, (await all()).length - before).reverse();
  assert.deepEqual(rows.map((r) => r.action), ['user.create', 'user.update', 'user.password_reset', 'group.create',
    'group.update', 'group.member_add', 'group.member_remove', 'settings.update', 'model.thresholds', 'model.train',
    'job.run', 'token.create', 'token.revoke']);
  const by = (a) => rows.find((r) => r.action === a);
  for (const r of rows.filter((x) => x.action !== 'token.create')) {
    assert.equal(r.actor, env.accounts.admin.email, r.action);
    assert.equal(r.client, '127.0.0.1', r.action);
    assert.ok(Date.now() - Date.parse(r.at) < 120e3, r.at);
  }
  assert.equal(by('token.create').actor, env.accounts.agent.email);
  assert.deepEqual(by('user.update').detail, { role: ['requester', 'agent'], vip: [false, true] });
  assert.deepEqual(by('user.password_reset').detail, { password: 'reset' });
  assert.equal(by('user.create').detail.password, true);
  assert.deepEqual(by('group.update').detail, { name: ['Réseau', 'Network'] });
  assert.equal(by('group.update').target, 'Network');
  assert.deepEqual(by('group.member_add').detail, { user_id: u.json.id, email: 'zoe@test.example' });
  assert.deepEqual(by('settings.update').detail, { 'sla.p1_hours': ['4', '2'] });
  assert.deepEqual(by('model.thresholds').detail, { class: '', mode: 'target', target: 0.9 });
  assert.equal(by('model.train').detail.fields[0].field, 'category');
  assert.equal(by('job.run').target, 'search_facets');
  assert.deepEqual([by('token.revoke').target_id, by('token.revoke').target], [tok.json.id, env.accounts.agent.email]);
  assert.equal(by('token.revoke').detail.name, 'script');
  const text = JSON.stringify(rows);
  for (const secret of ['Secret-zoe-9', 'Another-zoe-10', tok.json.token.slice(4)]) assert.ok(!text.includes(secret), secret);
});

test('a refused action leaves no row', async () => {
  const before = (await all()).length;
  assert.equal((await admin('POST', '/api/v1/users', { email: env.accounts.bob.email, name: 'Bob', role: 'agent' })).status, 409);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_hours': 2, 'sla.p2_hours': -1 })).status, 400);
  assert.equal((await admin('PATCH', '/api/v1/users/1', { role: 'agent' })).status, 409); // the admin demoting themself
  assert.equal((await agent('DELETE', '/api/v1/tokens/1')).status, 404); // the admin's token, not the agent's
  assert.equal((await alice('PUT', '/api/v1/settings', { 'sla.p1_hours': 1 })).status, 403);
  assert.equal((await all()).length, before);
});

test('filters, pages and roles', async () => {
  const users = await all('action=user.');
  assert.ok(users.length >= 7 && users.every((r) => r.action.startsWith('user.')));
  const exact = await all('action=user.update');
  assert.ok(exact.length >= 1 && exact.every((r) => r.action === 'user.update'));
  const adminId = (await admin('GET', '/api/v1/auth/me')).json.user.id;
  assert.ok((await all(`actor_id=${adminId}`)).every((r) => r.actor === env.accounts.admin.email));
  const zoe = (await all('action=user.create')).find((r) => r.target === 'zoe@test.example');
  const hers = await all(`target_type=user&target_id=${zoe.target_id}`);
  assert.deepEqual(hers.map((r) => r.action), ['user.password_reset', 'user.update', 'user.create']);
  assert.equal((await all('from=2000-01-01&to=2000-01-02')).length, 0);
  assert.ok((await all('from=2000-01-01')).length > 10);
  // pages of 3 cover everything once, newest first
  const everything = await all();
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 100; i++) {
    const r = await admin('GET', '/api/v1/audit?limit=3' + (cursor ? '&cursor=' + cursor : ''));
    seen.push(...r.json.items.map((x) => x.id));
    if (!r.json.next_cursor) break;
    cursor = r.json.next_cursor;
  }
  assert.deepEqual(seen, everything.map((x) => x.id));
  for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['actor_id=x', 'actor_id'], ['action=DROP%20TABLE', 'action'],
    ['target_type=user;', 'target_type'], ['from=yesterday', 'from'], ['cursor=c5', 'cursor'], ['colour=red', null]]) {
    const r = await admin('GET', '/api/v1/audit?' + q);
    assert.equal(r.status, 400, q);
    if (field) assert.equal(r.json.error.field, field, q);
  }
  assert.equal((await agent('GET', '/api/v1/audit')).status, 403);
  assert.equal((await alice('GET', '/api/v1/audit')).status, 403);
  assert.equal((await anon('GET', '/api/v1/audit')).status, 401);
});

test('the table is append-only, even to SQL on the file', async () => {
  const n = (await all()).length;
  for (const sql of ["UPDATE audit_log SET actor = 'nobody';", 'DELETE FROM audit_log;']) {
    let err = '';
    try {
      execFileSync('sqlite3', [env.db, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = String(e.stderr);
    }
    assert.match(err, /append-only/, sql);
  }
  const rows = await all();
  assert.equal(rows.length, n);
  assert.ok(!rows.some((r) => r.actor === 'nobody'));
});
