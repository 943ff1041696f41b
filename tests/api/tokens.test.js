// API and CLI tests of API tokens: made with a name and an optional end,
// listed with their last use (never the secret), revoked at once; an admin
// sees and revokes anyone's.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, cli } = require('../lib/harness');

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

test('an agent makes, lists and revokes a token; it stops working at once', async () => {
  const made = await agent('POST', '/api/v1/tokens', { name: 'monitoring script', expires_days: 30 });
  assert.equal(made.status, 201, made.text);
  assert.match(made.json.token, /^rls_[0-9a-f]{64}$/);
  const days = (Date.parse(made.json.expires_at) - Date.now()) / 86400e3;
  assert.ok(days > 29.9 && days < 30.1, `expires in ${days} days`);
  const script = client(srv.url, made.json.token);
  assert.equal((await script('GET', '/api/v1/tickets')).status, 200);
  const list = (await agent('GET', '/api/v1/tokens')).json.items;
  const mine = list.find((t) => t.id === made.json.id);
  assert.equal(mine.name, 'monitoring script');
  assert.ok(mine.last_used_at, 'its use is noted');
  assert.ok(!JSON.stringify(list).includes(made.json.token.slice(4)), 'the secret is never shown again');
  assert.ok(list.every((t) => t.user_email === env.accounts.agent.email), 'only my own');
  assert.equal((await agent('GET', '/api/v1/tokens?user_id=1')).status, 403);
  const del = await agent('DELETE', `/api/v1/tokens/${made.json.id}`);
  assert.equal(del.status, 200, del.text);
  const after = await script('GET', '/api/v1/tickets');
  assert.equal(after.status, 401);
  assert.match(after.json.error.message, /unknown or revoked/);
  assert.equal((await agent('DELETE', `/api/v1/tokens/${made.json.id}`)).status, 404);
});

test("an admin sees and revokes anyone's token; requesters have none; bad input is named", async () => {
  const t = (await agent('POST', '/api/v1/tokens', { name: 'ci' })).json;
  assert.equal(t.expires_at, null);
  const all = (await admin('GET', '/api/v1/tokens?user_id=0')).json.items;
  assert.ok(all.some((x) => x.id === t.id && x.user_email === env.accounts.agent.email));
  assert.equal((await admin('DELETE', `/api/v1/tokens/${t.id}`)).status, 200);
  assert.equal((await client(srv.url, t.token)('GET', '/api/v1/tickets')).status, 401);
  assert.equal((await alice('GET', '/api/v1/tokens')).status, 403);
  assert.equal((await alice('POST', '/api/v1/tokens', { name: 'x' })).status, 403);
  for (const [body, field] of [[{ name: 'x', expires_days: 0 }, 'expires_days'], [{ name: 'x', expires_days: '3' }, 'expires_days'],
    [{ name: '' }, 'name'], [{ name: 'x', scope: 'all' }, 'scope']]) {
    const r = await agent('POST', '/api/v1/tokens', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  // the console: list, revoke
  const u = (await agent('POST', '/api/v1/tokens', { name: 'console' })).json;
  const listed = cli(env.db, ['token', 'list', '--email', env.accounts.agent.email]);
  assert.match(listed, new RegExp(`^${u.id}\\t${env.accounts.agent.email}\\tconsole\\tcreated .*\\texpires never`, 'm'));
  assert.match(cli(env.db, ['token', 'revoke', '--id', String(u.id)]), /revoked/);
  assert.equal((await client(srv.url, u.token)('GET', '/api/v1/tickets')).status, 401);
});

test('an expired token is refused', async () => {
  // the console makes one that lasts a day; the database then says it ended
  const token = cli(env.db, ['token', 'create', '--email', env.accounts.agent.email, '--days', '1', '--name', 'short']);
  const c = client(srv.url, token);
  assert.equal((await c('GET', '/api/v1/tickets')).status, 200);
  const { execFileSync } = require('node:child_process');
  execFileSync('sqlite3', [env.db, "UPDATE api_tokens SET expires_at = strftime('%s','now') - 1 WHERE name = 'short'"]);
  assert.equal((await c('GET', '/api/v1/tickets')).status, 401);
});
