// The settings describe themselves: GET /api/v1/settings gives each key's
// type and range (what the Settings page draws its inputs from), and the
// server accepts and refuses exactly what that description says.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
});
test.after(async () => { if (srv) await srv.stop(); });

test('every setting has a type, a default and a help text; integers their range', async () => {
  const r = await admin('GET', '/api/v1/settings');
  assert.equal(r.status, 200);
  const keys = Object.keys(r.json);
  assert.ok(keys.length >= 13, keys.join(' '));
  for (const k of keys) {
    const s = r.json[k];
    assert.ok(['integer', 'text', 'fields'].includes(s.type), `${k}: ${s.type}`);
    assert.equal(typeof s.default, 'string', k);
    assert.ok(s.help.length > 10, k);
    if (s.type === 'integer') {
      assert.ok(Number.isInteger(s.min) && Number.isInteger(s.max) && s.min < s.max, k);
      assert.ok(s.value >= s.min && s.value <= s.max, k);
    }
    if (s.type === 'text') assert.ok(Number.isInteger(s.max_bytes), k);
  }
  assert.deepEqual([r.json['sla.p1_hours'].min, r.json['sla.p1_hours'].max], [1, 8760]);
  assert.equal(r.json['triage.fields'].type, 'fields');
  assert.equal(r.json['triage.critical'].type, 'text');
});

test('the range given is the range checked, at both ends', async () => {
  const all = (await admin('GET', '/api/v1/settings')).json;
  for (const [k, s] of Object.entries(all)) {
    if (s.type !== 'integer') continue;
    for (const [v, ok] of [[s.min - 1, false], [s.min, true], [s.max, true], [s.max + 1, false]]) {
      const put = await admin('PUT', '/api/v1/settings', { [k]: v });
      assert.equal(put.status, ok ? 200 : 400, `${k} = ${v}: ${put.text}`);
      if (!ok) {
        assert.equal(put.json.error.field, k);
        assert.match(put.json.error.message, new RegExp(`from ${s.min} to ${s.max}`));
      }
    }
    assert.equal((await admin('PUT', '/api/v1/settings', { [k]: Number(s.default) })).status, 200);
  }
  const long = 'x'.repeat(all['triage.critical'].max_bytes + 1);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'triage.critical': long })).status, 400);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'triage.critical': long.slice(1) })).status, 200);
});
