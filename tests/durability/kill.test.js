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
  // the full-text index holds each of them: a search for a word of their
  // titles (stemmed by the server's tokenizer) finds every one
  const found = new Set();
  cursor = null;
  do {
    const r = await agent('GET', '/api/v1/tickets?q=workers&limit=200&sort=id' + (cursor ? '&cursor=' + cursor : ''));
    assert.equal(r.status, 200);
    for (const t of r.json.items) found.add(t.id);
    cursor = r.json.next_cursor;
  } while (cursor);
  await srv.stop();
  const missing = [...acked].filter((id) => !present.has(id));
  assert.deepEqual(missing, [], 'every acknowledged ticket survived');
  assert.deepEqual([...acked].filter((id) => !found.has(id)), [], 'every acknowledged ticket is found by a search');
  const check = execFileSync('sqlite3', [env.db, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  assert.equal(check, 'ok\n');
  // one row of the index per ticket, and none for a ticket that is not
  // there (the sqlite3 shell cannot run FTS5's own check: it lacks the
  // server's tokenizer; the unit tests run it, test_tokenizer)
  const orphans = execFileSync('sqlite3', [env.db, 'SELECT (SELECT count(*) FROM tickets t WHERE NOT EXISTS' +
    ' (SELECT 1 FROM tickets_fts_docsize d WHERE d.id = t.id)) + (SELECT count(*) FROM tickets_fts_docsize d' +
    ' WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.id));'], { encoding: 'utf8' });
  assert.equal(orphans, '0\n');
});
