// One set of intake rules: every class of bad ticket input is fed to the
// API and to `relais import`, and both must refuse it with the same message
// (import adds the CSV line and column). What they refuse is never stored.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, makeDb, startServer, client, addEntries } = require('../lib/harness');

let env, srv, agent;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Hardware'], service: ['VPN'] });
  agent = client(srv.url, env.accounts.agent.token);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const COLS = ['title', 'description', 'category', 'source', 'status', 'impact', 'urgency', 'language', 'service'];
const OK = { title: 'Printer jams on floor 2', description: 'Since this morning', category: 'Hardware' };

// [what, field, value]: one bad value per case, the other fields good.
const CASES = [
  ['400-byte category', 'category', 'c'.repeat(400)],
  ['unknown source', 'source', 'carrier-pigeon'],
  ['70 kB description', 'description', 'd'.repeat(70000)],
  ['C0 control in a title', 'title', 'Printer \u0007 beeps'],
  ['escape in a category', 'category', 'Hard\u001bware'],
  ['DEL in a service', 'service', 'VPN\u007f'],
  ['line break in a title', 'title', 'two\nlines'],
  ['301-byte title', 'title', 't'.repeat(301)],
  ['blank title', 'title', '   '],
  ['impact out of range', 'impact', 7],
  ['urgency out of range', 'urgency', 0],
  ['unknown status', 'status', 'lost'],
  ['unknown language', 'language', 'de'],
  ['over-long enum value', 'source', 's'.repeat(40)],
];

function csvCell(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// A CSV row (as a Buffer) with the good values and one cell replaced.
function csvRow(field, raw) {
  const cells = COLS.map((c) => (c === field ? raw : Buffer.from(csvCell(OK[c] ?? ''))));
  const parts = [];
  cells.forEach((b, i) => { if (i) parts.push(Buffer.from(',')); parts.push(b); });
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

function runImport(csv, db) {
  const file = path.join(env.dir, 'intake-' + Date.now() + '.csv');
  fs.writeFileSync(file, csv);
  // a new database knows no category yet: the import brings its values
  return spawnSync(BIN, ['import', file, '--db', db, '--add-values', '--map', COLS.map((c) => `${c}=${c}`).join(',')],
    { encoding: 'utf8', maxBuffer: 1 << 26 });
}

// The import's message for the row at `line`, with its column.
function importMessage(stderr, line, field) {
  const col = COLS.indexOf(field) + 1;
  const re = new RegExp(`line ${line}, column ${col} \\(${field}\\): (.*) \\(skipped\\)$`, 'm');
  const m = stderr.match(re);
  assert.ok(m, `no message for line ${line}, column ${col} in:\n${stderr.slice(0, 4000)}`);
  return m[1];
}

test('API and import refuse the same values with the same messages', async () => {
  const rows = [Buffer.from(COLS.join(',') + '\n')];
  const lines = [];
  let line = 2;
  for (const [, field, value] of CASES) {
    lines.push(line);
    const row = csvRow(field, Buffer.from(csvCell(value)));
    line += row.toString('latin1').split('\n').length - 1;
    rows.push(row);
  }
  rows.push(csvRow(null));
  const db = path.join(env.dir, 'intake.db');
  const r = runImport(Buffer.concat(rows), db);
  assert.equal(r.status, 1, 'exit 1 when rows were skipped');
  assert.match(r.stdout, new RegExp(`imported 1 tickets.*, ${CASES.length} rows skipped`));
  for (let i = 0; i < CASES.length; i++) {
    const [what, field, value] = CASES[i];
    const api = await agent('POST', '/api/v1/tickets', { ...OK, [field]: value });
    assert.equal(api.status, 400, `${what}: ${api.text}`);
    assert.equal(api.json.error.field, field, what);
    assert.equal(importMessage(r.stderr, lines[i], field), api.json.error.message, what);
  }
  const list = await agent('GET', '/api/v1/tickets?limit=200');
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 0, 'the API stored none of the refused tickets');
  const e = spawnSync(BIN, ['export', '--db', db, '--format', 'jsonl'], { encoding: 'utf8' });
  const kept = e.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((t) => t.title), [OK.title], 'import kept the good row only');
  // Imported into the live server's database, the same file leaves the
  // queue listable: only the good row is there to list.
  const live = runImport(Buffer.concat(rows), env.db);
  assert.equal(live.status, 1, live.stderr);
  const after = await agent('GET', '/api/v1/tickets?limit=200');
  assert.equal(after.status, 200, after.text);
  assert.deepEqual(after.json.items.map((t) => t.title), [OK.title]);
});

test('NUL bytes, invalid UTF-8 and a 3.9 MB description are refused, never cut or stored', async () => {
  const bad = [
    ['category', Buffer.from('Hard\u0000ware', 'latin1'), "'category' contains a NUL byte"],
    ['description', Buffer.from('first part\u0000hidden part', 'latin1'), "'description' contains a NUL byte"],
    ['service', Buffer.from([0x56, 0x50, 0x4e, 0xc3, 0x28]), "'service' is not valid UTF-8"],
    ['title', Buffer.from([0xed, 0xa0, 0x80, 0x41]), "'title' is not valid UTF-8"], /* a UTF-16 surrogate */
    ['description', Buffer.from('x'.repeat(3900000)), "'description' is longer than 65536 bytes"],
  ];
  const rows = [Buffer.from(COLS.join(',') + '\n')];
  for (const [field, raw] of bad) rows.push(csvRow(field, raw));
  rows.push(csvRow(null));
  const db = path.join(env.dir, 'intake-bytes.db');
  const r = runImport(Buffer.concat(rows), db);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`imported 1 tickets.*, ${bad.length} rows skipped`));
  bad.forEach(([field, , msg], i) => assert.equal(importMessage(r.stderr, i + 2, field), msg));
  const e = spawnSync(BIN, ['export', '--db', db, '--format', 'jsonl'], { encoding: 'utf8' });
  assert.equal(e.stdout.trim().split('\n').length, 1, 'only the good row was stored');

  // The API's parser refuses NUL and bad UTF-8 before any rule runs; the
  // size cap refuses the 3.9 MB body. Each is a 4xx that names the problem.
  const nul = await agent('POST', '/api/v1/tickets', '{"title":"a\\u0000b"}', { 'Content-Type': 'application/json' });
  assert.equal(nul.status, 400, nul.text);
  assert.match(nul.json.error.message, /\\u0000|NUL/i);
  const utf = await agent('POST', '/api/v1/tickets', Buffer.concat([Buffer.from('{"title":"VPN'),
    Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), { 'Content-Type': 'application/json' });
  assert.equal(utf.status, 400, utf.text);
  assert.match(utf.json.error.message, /UTF-8/i);
  const big = await agent('POST', '/api/v1/tickets', { title: 'big', description: 'x'.repeat(3900000) });
  assert.equal(big.status, 413, big.text);
  const list = await agent('GET', '/api/v1/tickets?limit=200');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.every((t) => t.title !== 'a' && t.title !== 'big'), 'nothing was stored');
});

test('a requester is refused the agent-only fields, with the rule named', async () => {
  const alice = client(srv.url, env.accounts.alice.token);
  for (const field of ['status', 'priority', 'source', 'resolution']) {
    const r = await alice('POST', '/api/v1/tickets', { title: 'x', [field]: field === 'priority' ? 1 : 'open' });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.message, `only agents may set '${field}'`);
  }
});
