// relais backup while the server runs and clients keep creating tickets:
// the copy is one moment of the database (every ticket acknowledged before
// the backup started, none that did not exist when it ended), passes
// integrity_check, and serves: restored in place of a lost database, its
// tickets, attached files (byte for byte), active models and audit rows
// are all there.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { BIN, cli, makeDb, startServer, client } = require('../lib/harness');
const { makePng } = require('../lib/files');

const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

test('a backup taken under writes is complete, consistent and restores', async () => {
  const env = makeDb((db) => {
    execFileSync(BIN, ['demo', '--db', db, '--tickets', '400', '--seed', '3', '--no-passwords']);
    assert.match(cli(db, ['train']), /category +v1: .* active/);
  });
  let srv = await startServer(env.db);
  let agent = client(srv.url, env.accounts.agent.token);
  const acked = [];
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      const r = await agent('POST', '/api/v1/tickets', { title: `writer ${w} #${i}`, description: 'y'.repeat(300) });
      assert.equal(r.status, 201, r.text);
      acked.push(r.json.id);
    }
  };
  const workers = Array.from({ length: 4 }, (_, w) => worker(w));
  // a screenshot on a ticket, in the database like the rest
  const shot = makePng(200, 120);
  const withFile = (await agent('POST', '/api/v1/tickets', { title: 'with a screenshot' })).json.id;
  const up = await fetch(`${srv.url}/api/v1/tickets/${withFile}/attachments?filename=screen.png`, { method: 'POST',
    headers: { Authorization: 'Bearer ' + env.accounts.agent.token, 'Content-Type': 'application/octet-stream' }, body: shot });
  const upText = await up.text();
  assert.equal(up.status, 201, upText);
  const fileUrl = JSON.parse(upText).url;
  await new Promise((r) => setTimeout(r, 1500));
  const before = new Set(acked);
  const maxBefore = Math.max(...acked);
  const dest = path.join(env.dir, 'backup.db');
  const out = spawnSync(BIN, ['backup', dest, '--db', env.db], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^backed up .* pages in/);
  const during = acked.length - before.size;
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.length > before.size, 'the server kept writing');
  const maxAfterBackup = Math.max(...acked.slice(0, before.size + during + 8)); // in flight when it ended

  // one moment: all that was acknowledged before, nothing the live file got later
  assert.equal(sql(dest, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sql(dest, 'PRAGMA journal_mode'), 'delete', 'one file, no WAL beside it');
  const ids = new Set(sql(dest, 'SELECT id FROM tickets').split('\n').map(Number));
  for (const id of before) assert.ok(ids.has(id), `ticket ${id}, acknowledged before the backup, is in it`);
  const top = Math.max(...ids);
  assert.ok(top >= maxBefore && top <= maxAfterBackup, `newest ticket ${top} within [${maxBefore}, ${maxAfterBackup}]`);
  const liveTop = Number(sql(env.db, 'SELECT max(id) FROM tickets'));
  assert.ok(liveTop > top, 'the live database went on past the copy');
  // every row of the copy's newest tickets is whole: comments, history and search agree
  assert.equal(sql(dest, "SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.ticket_id = t.id)"), '0');
  // (the index's own rows: the shell lacks the tokenizer to open tickets_fts)
  assert.equal(sql(dest, 'SELECT count(*) FROM tickets'), sql(dest, 'SELECT count(*) FROM tickets_fts_docsize'));
  const models = sql(env.db, 'SELECT field, version FROM models WHERE active ORDER BY field');
  assert.ok(models.length > 0);

  // a second backup to the same name is refused; a missing database is named
  const again = spawnSync(BIN, ['backup', dest, '--db', env.db], { encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists/);
  const missing = spawnSync(BIN, ['backup', dest + '2', '--db', path.join(env.dir, 'none.db')], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open .*none\.db/);
  assert.equal(fs.existsSync(dest + '2'), false);

  // restore: the database is lost, the backup takes its place
  assert.equal((await srv.stop()).code, 0);
  for (const f of [env.db, env.db + '-wal', env.db + '-shm']) fs.rmSync(f, { force: true });
  fs.copyFileSync(dest, env.db);
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  const admin = client(srv.url, env.accounts.admin.token);
  const m = await agent('GET', '/api/v1/models');
  assert.equal(m.status, 200);
  const active = m.json.models.filter((x) => x.active).map((x) => `${x.field}|${x.version}`).sort().join('\n');
  assert.equal(active, models.split('\n').sort().join('\n'), 'the same active models');
  const one = [...before][before.size - 1];
  const t = await agent('GET', `/api/v1/tickets/${one}`);
  assert.equal(t.status, 200);
  assert.match(t.json.title, /^writer \d #\d+$/);
  const triage = await agent('POST', '/api/v1/triage', { title: 'VPN', description: 'Le VPN ne marche plus' });
  assert.equal(triage.status, 200, 'the restored models predict');
  const file = await fetch(srv.url + fileUrl, { headers: { Authorization: 'Bearer ' + env.accounts.agent.token } });
  assert.equal(file.status, 200, 'the attached file came back');
  assert.equal(file.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await file.arrayBuffer()).equals(shot), 'byte for byte');
  const audit = await admin('GET', '/api/v1/audit?action=model.activate');
  assert.ok(audit.json.items.length > 0, 'the audit log came back too');
  const q = await agent('GET', '/api/v1/tickets?q=writer&limit=5');
  assert.equal(q.status, 200);
  assert.equal(q.json.items.length, 5, 'search works on the restored file');
  assert.equal((await srv.stop()).code, 0);
});
