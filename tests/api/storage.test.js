// API tests of a database that cannot take writes: a damaged file is not
// served; a full one (its size cap here, a full disk in life) answers 507
// and /healthz says not ready; a file that goes read-only answers 503 and
// recovers with it; the log stays readable meanwhile.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, client } = require('../lib/harness');

test('a damaged database file is refused at start, with what to do', async () => {
  const env = makeDb();
  const size = fs.statSync(env.db).size;
  assert.ok(size > 20 * 4096, `the database has ${size} bytes`);
  // scribble over pages 10 to 12 (index and table pages of the schema)
  const fd = fs.openSync(env.db, 'r+');
  fs.writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, 9 * 4096);
  fs.closeSync(fd);
  await assert.rejects(startServer(env.db), (e) => {
    assert.match(e.message, /server exited 1/);
    assert.match(e.message, /is damaged \(SQLite's quick_check: .+\): not serving it; restore the latest backup/);
    return true;
  });
});

test('a full database answers 507, healthz turns not ready, reads go on, the log stays short', async () => {
  const env = makeDb();
  const mb = Math.ceil(fs.statSync(env.db).size / 1048576) + 1;
  const srv = await startServer(env.db, { args: ['--max-db-mb', String(mb)] });
  try {
    const agentc = client(srv.url, env.accounts.agent.token); // staff: no write rate limit
    const anon = client(srv.url, null);
    assert.equal((await anon('GET', '/healthz')).status, 200);
    let full = null, made = 0;
    for (let i = 0; i < 400 && !full; i++) {
      const r = await agentc('POST', '/api/v1/tickets', { title: `big ${i}`, description: 'x'.repeat(60000) });
      if (r.status === 201) made++;
      else full = r;
    }
    assert.ok(made > 0 && full, `${made} tickets made, then ${full && full.text}`);
    assert.equal(full.status, 507, full.text);
    assert.equal(full.json.error.code, 'storage_full');
    assert.match(full.json.error.message, /the database is full/);
    const h = await anon('GET', '/healthz');
    assert.equal(h.status, 503);
    assert.equal(h.json.status, 'not_ready');
    assert.match(h.json.reason, /full/);
    const list = await agentc('GET', '/api/v1/tickets?limit=5');
    assert.equal(list.status, 200, 'reads still work');
    assert.equal(list.json.items.length, 5);
    // a flood of failing writes does not flood the log
    const before = srv.stderr().split('\n').length;
    for (let k = 0; k < 10; k++) { // 30 at a time: under the server's 64 connections a client
      await Promise.all(Array.from({ length: 30 }, (_, i) =>
        agentc('POST', '/api/v1/tickets', { title: `more ${k} ${i}`, description: 'y'.repeat(60000) })));
    }
    const lines = srv.stderr().split('\n').length - before;
    assert.ok(lines < 120, `${lines} log lines for 300 failing writes`);
  } catch (e) {
    await srv.stop();
    throw e;
  }
  const r = await srv.stop();
  assert.equal(r.code, 0);
  const fullLines = srv.stderr().split('\n').filter((l) => /database full/.test(l));
  assert.ok(fullLines.length <= 2, `the same error written ${fullLines.length} times`);
});

test('a read-only database file serves reads, answers writes 503, says not ready, and logs it once', async () => {
  const env = makeDb();
  // a file the server may read but not write: as root, the server runs as
  // nobody, since root writes any file
  fs.chmodSync(env.dir, 0o777);
  fs.chmodSync(env.db, 0o444);
  const asNobody = process.getuid && process.getuid() === 0
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : null;
  const srv = await startServer(env.db, { prefix: asNobody, args: ['--skip-check'] });
  try {
    const alice = client(srv.url, env.accounts.alice.token);
    const anon = client(srv.url, null);
    assert.equal((await alice('GET', '/api/v1/tickets')).status, 200, 'reads work');
    for (let i = 0; i < 20; i++) {
      const r = await alice('POST', '/api/v1/tickets', { title: 'while read-only' });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'read_only');
      assert.match(r.json.error.message, /cannot be written/);
    }
    const h = await anon('GET', '/healthz');
    assert.equal(h.status, 503);
    assert.match(h.json.reason, /cannot be written/);
    await new Promise((r) => setTimeout(r, 1500)); // the checkpointer tries every 200 ms
    const ro = srv.stderr().split('\n').filter((l) => /read-only/.test(l));
    assert.ok(ro.length <= 3, `read-only written ${ro.length} times:\n${ro.join('\n')}`);
  } finally {
    await srv.stop();
  }
});
