// SIGKILL in the middle of the long writes that are not requests: an
// import (batches of 5,000 rows, one transaction each) and a retraining
// (a model is stored, then activated with its audit row, one transaction
// each). After every kill the file passes integrity_check, holds whole
// transactions only, and serves; the next run finishes the work. (Kills
// during a migration: tests/unit/test_crash.c; during API writes:
// kill.test.js.)
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client } = require('../lib/harness');

const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const num = (db, q) => Number(sql(db, q));

// Runs relais with args; kills it with SIGKILL after ms (null: let it end).
// Resolves { ms, killed, code }.
function run(args, ms) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(BIN, args, { stdio: 'ignore' });
    const timer = ms === null ? null : setTimeout(() => p.kill('SIGKILL'), ms);
    p.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - t0, killed: signal === 'SIGKILL', code });
    });
  });
}

function copyDb(from, to) {
  for (const s of ['', '-wal', '-shm']) {
    fs.rmSync(to + s, { force: true });
    if (fs.existsSync(from + s)) fs.copyFileSync(from + s, to + s);
  }
}

async function serves(db, token) {
  const srv = await startServer(db);
  const r = await client(srv.url, token)('GET', '/api/v1/tickets?limit=1');
  assert.equal(r.status, 200, r.text);
  assert.equal((await client(srv.url, null)('GET', '/healthz')).status, 200);
  assert.equal((await srv.stop()).code, 0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-crash-'));

test('SIGKILL during an import leaves whole batches only', async () => {
  const base = path.join(dir, 'import-base.db');
  cli(base, ['user', 'add', '--email', 'agent@test.example', '--name', 'Agent', '--role', 'agent']);
  const token = cli(base, ['token', 'create', '--email', 'agent@test.example']);
  const csv = path.join(dir, 'tickets.csv');
  const rows = 40000;
  const lines = ['title,description,category'];
  for (let i = 0; i < rows; i++) lines.push(`imported ${i},"VPN drops, again (${i})",${['Network', 'Hardware', 'Access'][i % 3]}`);
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const args = (db) => ['import', csv, '--add-values', '--map', 'title=title,description=description,category=category', '--db', db];
  const db = path.join(dir, 'import.db');
  copyDb(base, db);
  const full = await run(args(db), null);
  assert.equal(full.code, 0);
  assert.equal(num(db, "SELECT count(*) FROM tickets WHERE title LIKE 'imported %'"), rows);
  let mid = 0;
  for (const frac of [0.15, 0.3, 0.45, 0.6, 0.75]) {
    copyDb(base, db);
    const r = await run(args(db), Math.round(full.ms * frac));
    if (!r.killed) assert.equal(r.code, 0, 'a run the kill came too late for ended well'); // a busy machine
    assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
    const n = num(db, "SELECT count(*) FROM tickets WHERE title LIKE 'imported %'");
    assert.equal(n % 5000, 0, `${n} rows: whole batches of 5,000 only`);
    if (n > 0 && n < rows) mid++;
    // each ticket has its search row and its history, and ids run without a gap
    // (the index's own rows: the shell lacks the tokenizer to open tickets_fts)
    assert.equal(num(db, 'SELECT count(*) FROM tickets_fts_docsize'), n);
    assert.equal(num(db, "SELECT count(*) FROM history WHERE field = 'created'"), n);
    if (n) assert.equal(num(db, 'SELECT max(id) - min(id) + 1 FROM tickets'), n);
    await serves(db, token);
    // the console can run the import again: it adds every row once more
    const again = await run(args(db), null);
    assert.equal(again.code, 0);
    assert.equal(num(db, "SELECT count(*) FROM tickets WHERE title LIKE 'imported %'"), n + rows);
  }
  assert.ok(mid >= 2, `${mid} kills landed in the middle of the import`);
});

test('SIGKILL during a retraining leaves whole models and their audit rows', async () => {
  const base = path.join(dir, 'train-base.db');
  execFileSync(BIN, ['demo', '--db', base, '--tickets', '1500', '--seed', '9', '--no-passwords']);
  cli(base, ['user', 'add', '--email', 'agent@test.example', '--name', 'Agent', '--role', 'agent']);
  const token = cli(base, ['token', 'create', '--email', 'agent@test.example']);
  assert.match(cli(base, ['train']), /category +v1: .* active/);
  const db = path.join(dir, 'train.db');
  copyDb(base, db);
  const full = await run(['train', '--force', '--db', db], null);
  assert.equal(full.code, 0);
  const fields = num(db, 'SELECT count(DISTINCT field) FROM models');
  assert.ok(fields >= 3);
  const seen = new Set();
  for (const frac of [0.15, 0.3, 0.45, 0.6, 0.75, 0.9]) {
    copyDb(base, db);
    const r = await run(['train', '--force', '--db', db], Math.round(full.ms * frac));
    if (!r.killed) assert.equal(r.code, 0, 'a run the kill came too late for ended well');
    assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
    const models = num(db, 'SELECT count(*) FROM models');
    seen.add(models);
    assert.equal(num(db, 'SELECT count(*) FROM models WHERE length(data) = 0 OR metrics = \'\''), 0, 'no half model');
    assert.equal(num(db, 'SELECT count(*) FROM (SELECT field FROM models WHERE active GROUP BY field HAVING count(*) <> 1)'), 0,
      'one active model per field');
    assert.equal(num(db, 'SELECT count(DISTINCT field) FROM models WHERE active'), fields, 'no field lost its model');
    // every activation has its audit row, and every row its activation
    const activeV2 = num(db, 'SELECT count(*) FROM models WHERE active AND version = 2');
    assert.equal(num(db, "SELECT count(*) FROM audit_log WHERE action = 'model.activate' AND json_extract(detail, '$.version') = 2"),
      activeV2);
    await serves(db, token);
    const again = await run(['train', '--db', db], null);
    assert.equal(again.code, 0, 'the next training runs');
  }
  assert.ok(seen.size >= 2, `kills at different points (model counts ${[...seen]})`);
});
