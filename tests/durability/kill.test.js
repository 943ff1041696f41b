// Durability: clients create tickets concurrently while the server is
// killed with SIGKILL; after a restart every ticket that got a 201 is there
// and PRAGMA integrity_check says ok.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, client } = require('../lib/harness');

test('SIGKILL during concurrent writes loses no acknowledged ticket', async () => {
  const env = makeDb();
  const acked = new Set();
  for (let round = 0; round < 3; round++) {
    const srv = await startServer(env.db);
    // an agent: requesters' writes are rate-limited, and this is about durability
    const c = client(srv.url, env.accounts.agent.token);
    let stop = false;
    const worker = async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await c('POST', '/api/v1/tickets', { title: `round ${round} worker ${w} #${i}`, description: 'x'.repeat(200) });
          if (r.status === 201) acked.add(r.json.id);
          else assert.fail(`unexpected ${r.status} ${r.text}`);
        } catch (e) {
          if (e.code === 'ERR_ASSERTION') throw e;
          return; // connection refused or reset: the server is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 700 + round * 300));
    srv.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await new Promise((r) => srv.proc.exitCode !== null || srv.proc.signalCode ? r() : srv.proc.once('exit', r));
  }
  assert.ok(acked.size > 50, `enough tickets were acknowledged (${acked.size})`);
  const srv = await startServer(env.db);
  const agent = client(srv.url, env.accounts.agent.token);
  const present = new Set();
  let cursor = null;
  do {
    const r = await agent('GET', '/api/v1/tickets?limit=200&sort=id' + (cursor ? '&cursor=' + cursor : ''));
    assert.equal(r.status, 200);
    for (const t of r.json.items) present.add(t.id);
    cursor = r.json.next_cursor;
  } while (cursor);
  await srv.stop();
  const missing = [...acked].filter((id) => !present.has(id));
  assert.deepEqual(missing, [], 'every acknowledged ticket survived');
  const check = execFileSync('sqlite3', [env.db, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  assert.equal(check, 'ok\n');
  // FTS5's own check compares the index with the tickets table; sqlite3
  // exits non-zero (and execFileSync throws) if they disagree.
  execFileSync('sqlite3', [env.db, "INSERT INTO tickets_fts(tickets_fts) VALUES ('integrity-check');"]);
});
