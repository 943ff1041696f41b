// API tests of passwords: users change their own (the current one needed;
// common ones and the e-mail refused, saying why); a change or an admin's
// reset ends the account's other sessions.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  anon = client(srv.url, null);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

// Signs in: a function calling the API with that session's cookie and CSRF token.
async function session(email, password) {
  const r = await anon('POST', '/api/v1/auth/login', { email, password });
  assert.equal(r.status, 200, r.text);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const csrf = r.json.csrf_token;
  const call = client(srv.url, null);
  return (m, p, b) => call(m, p, b, { Cookie: cookie, 'X-CSRF-Token': csrf });
}

test('a user changes their own password; their other sessions end, this one stays', async () => {
  const { email, password } = env.accounts.alice;
  const here = await session(email, password);
  const there = await session(email, password);
  const change = (current_password, new_password) => here('POST', '/api/v1/auth/password', { current_password, new_password });
  let r = await change('not-it', 'a-long-new-secret');
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.field, 'current_password');
  for (const [pw, why] of [['Password123', /most common passwords/], ['azertyuiop', /most common/],
    [email, /e-mail address/], ['alice', /at least 8 bytes/], [password, /is the current one/]]) {
    r = await change(password, pw);
    assert.equal(r.status, 400, `${pw}: ${r.text}`);
    assert.equal(r.json.error.field, 'new_password');
    assert.match(r.json.error.message, why);
  }
  assert.equal((await there('GET', '/api/v1/auth/me')).status, 200, 'refusals end nothing');
  r = await change(password, 'violet-harbour-42');
  assert.equal(r.status, 200, r.text);
  assert.equal((await here('GET', '/api/v1/auth/me')).status, 200, 'this session stays');
  assert.equal((await there('GET', '/api/v1/auth/me')).status, 401, 'the other session ended');
  assert.equal((await anon('POST', '/api/v1/auth/login', { email, password })).status, 401);
  assert.equal((await anon('POST', '/api/v1/auth/login', { email, password: 'violet-harbour-42' })).status, 200);
  assert.equal((await anon('POST', '/api/v1/auth/password', { current_password: 'x', new_password: 'y'.repeat(10) })).status, 401);
});

test("an admin's reset ends the user's sessions; common passwords are refused there too", async () => {
  const { email, password } = env.accounts.bob;
  const bob = await session(email, password);
  const bobId = (await bob('GET', '/api/v1/auth/me')).json.user.id;
  let r = await admin('PATCH', `/api/v1/users/${bobId}`, { password: 'password1' });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /most common/);
  assert.equal((await bob('GET', '/api/v1/auth/me')).status, 200);
  r = await admin('PATCH', `/api/v1/users/${bobId}`, { name: 'Bob B.' });
  assert.equal((await bob('GET', '/api/v1/auth/me')).status, 200, 'a change of name ends nothing');
  r = await admin('PATCH', `/api/v1/users/${bobId}`, { password: 'granite-meadow-7' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await bob('GET', '/api/v1/auth/me')).status, 401, 'the reset ended his session');
  r = await admin('POST', '/api/v1/users', { email: 'new@test.example', name: 'New', role: 'requester', password: '12345678' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /most common/);
});
