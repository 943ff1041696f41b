// The command line against real database files: import with bad rows,
// export in both formats, demo determinism, schema on open.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN } = require('../lib/harness');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-cli-'));
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

test('import: RFC 4180 input, bad rows reported by line and skipped, good rows kept', () => {
  const csv = path.join(tmp, 'in.csv');
  fs.writeFileSync(csv, '\ufeffSubject,Body,Prio,Who,When\r\n' +
    'Imprimante HS,"Ligne 1\r\nligne 2, avec virgule",2,anne@corp.example,2026-03-02T09:00:00Z\r\n' +
    'Bad urgency,x,9,anne@corp.example,2026-03-02\r\n' +
    '"VPN ""down""",since 9am,1,bob@corp.example,2026-03-03\r\n' +
    'Bad date,x,1,bob@corp.example,yesterday\r\n' +
    '"broken quote"x,1,2,3,4\r\n' +
    ',,3,bob@corp.example,2026-03-04\r\n');
  const db = path.join(tmp, 'imp.db');
  const r = run('import', csv, '--db', db, '--map', 'Subject=title,Body=description,Prio=urgency,Who=requester,When=created_at');
  assert.equal(r.status, 1, 'exit 1 when rows were skipped');
  // Lines are physical: the first record spans lines 2 and 3.
  assert.match(r.stdout, /imported 2 tickets/);
  // the line, the column (number and header) and the API's own message
  assert.match(r.stderr, /line 4, column 3 \(Prio\): 'urgency' must be between 1 and 3 \(skipped\)/);
  assert.match(r.stderr, /line 6, column 5 \(When\): created_at 'yesterday' is not an ISO-8601 date/);
  assert.match(r.stderr, /line 7: unexpected character after a closing quote/);
  assert.match(r.stderr, /line 8: has no title and no description/);
  const e = run('export', '--db', db, '--format', 'jsonl');
  assert.equal(e.status, 0, e.stderr);
  const rows = e.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 2);
  assert.equal(rows[0].description, 'Ligne 1\r\nligne 2, avec virgule');
  assert.equal(rows[0].created_at, '2026-03-02T09:00:00Z');
  assert.equal(rows[1].title, 'VPN "down"');
  assert.equal(rows[1].source, 'import');
  const bad = run('import', csv, '--db', db, '--map', 'Nope=title');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no column 'Nope'/);
  const badField = run('import', csv, '--db', db, '--map', 'Subject=colour');
  assert.match(badField.stderr, /unknown ticket field 'colour'/);
});

test('export: CSV quoting round-trips through import', () => {
  const db = path.join(tmp, 'imp.db');
  const out = path.join(tmp, 'out.csv');
  const e = run('export', '--db', db, '--out', out, '--raw');
  assert.equal(e.status, 0, e.stderr);
  assert.ok(!fs.existsSync(out + '.tmp'));
  const db2 = path.join(tmp, 'again.db');
  const r = run('import', out, '--db', db2, '--map', 'title=title,description=description,urgency=urgency,created_at=created_at');
  assert.equal(r.status, 0, r.stderr);
  const a = JSON.parse(run('export', '--db', db, '--format', 'jsonl').stdout.split('\n')[0]);
  const b = JSON.parse(run('export', '--db', db2, '--format', 'jsonl').stdout.split('\n')[0]);
  for (const k of ['title', 'description', 'urgency', 'created_at']) assert.equal(b[k], a[k], k);
});

test('export: formula-like text is neutralised for spreadsheets unless --raw', () => {
  const csv = path.join(tmp, 'formula.csv');
  fs.writeFileSync(csv, 'title,description\n"=HYPERLINK(""http://x"")",@SUM(A1)\nplain,-5 degrees\n');
  const db = path.join(tmp, 'formula.db');
  assert.equal(run('import', csv, '--db', db, '--map', 'title=title,description=description').status, 0);
  const safe = run('export', '--db', db).stdout;
  assert.match(safe, /"'=HYPERLINK\(""http:\/\/x""\)",'@SUM\(A1\)/);
  assert.match(safe, /plain,'-5 degrees/);
  const raw = run('export', '--db', db, '--raw').stdout;
  assert.match(raw, /"=HYPERLINK\(""http:\/\/x""\)",@SUM\(A1\)/);
  // JSON Lines is data, not a spreadsheet: always as stored
  assert.match(run('export', '--db', db, '--format', 'jsonl').stdout, /"title":"=HYPERLINK/);
});

test('demo: same seed, same data; refuses to run twice', () => {
  const a = path.join(tmp, 'a.db');
  const b = path.join(tmp, 'b.db');
  const said = {};
  const r0 = (db) => said[db];
  for (const db of [a, b]) {
    const r = run('demo', '--db', db, '--seed', '7', '--tickets', '300', '--end', '2026-06-01', '--no-passwords');
    assert.equal(r.status, 0, r.stderr);
    said[db] = r.stdout;
    assert.match(r.stdout, /300 tickets \+ 48 in an incident burst/);
  }
  const ea = run('export', '--db', a, '--format', 'jsonl').stdout;
  assert.equal(ea, run('export', '--db', b, '--format', 'jsonl').stdout);
  const rows = ea.trim().split('\n').map((l) => JSON.parse(l));
  const fr = rows.filter((t) => t.language === 'fr').length;
  assert.ok(fr > rows.length * 0.35 && fr < rows.length * 0.65, `about half French (${fr}/${rows.length})`);
  assert.ok(new Set(rows.map((t) => t.category)).size >= 8);
  // The burst: 48 tickets on vpn-gw-02 within two hours.
  const burst = rows.filter((t) => t.ci === 'vpn-gw-02').map((t) => Date.parse(t.created_at)).sort();
  assert.equal(burst.length, 48);
  assert.ok(burst[47] - burst[0] <= 2 * 3600 * 1000 + 120000);
  // the knowledge base: every article of demo/kb/, published, each in French and English
  const files = fs.readdirSync(path.join(__dirname, '..', '..', 'demo', 'kb')).filter((f) => f.endsWith('.md'));
  const sql = (q) => spawnSync('sqlite3', [a, q], { encoding: 'utf8' }).stdout.trim();
  assert.ok(files.length >= 40);
  assert.match(r0(a), new RegExp(`${files.length} articles`));
  assert.equal(sql("SELECT count(*) FROM kb_articles WHERE state = 'published'"), String(files.length));
  assert.equal(sql("SELECT count(*) FROM (SELECT family_id FROM kb_articles GROUP BY family_id HAVING count(DISTINCT lang) = 2)"),
    String(files.length / 2));
  assert.equal(sql('SELECT count(DISTINCT public) FROM kb_articles'), '2');
  const again = run('demo', '--db', a, '--no-passwords');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds the demo/);
});

test('export names requester, group and assignee so that the file imports back whole', () => {
  const db = path.join(tmp, 'round.db');
  assert.equal(run('demo', '--db', db, '--seed', '3', '--tickets', '200', '--no-passwords').status, 0);
  const before = run('export', '--db', db, '--format', 'jsonl').stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(before.every((t) => t.requester && t.requester.includes('@')));
  assert.ok(before.filter((t) => t.group && t.assignee).length > 100);
  const out = path.join(tmp, 'round.csv');
  assert.equal(run('export', '--db', db, '--raw', '--out', out).status, 0);
  const header = fs.readFileSync(out, 'utf8').split('\r\n')[0];
  assert.match(header, /,impact_cue,response_due_at,first_response_at,resolve_due_at,sla_paused_at,sla_paused_s,urgency_default,awaiting_since,requester,group,assignee$/);
  const fields = ['title', 'description', 'status', 'category', 'impact', 'urgency', 'priority',
    'service', 'ci', 'language', 'created_at', 'resolution', 'requester', 'group', 'assignee'];
  const r = run('import', out, '--db', db, '--map', fields.map((f) => `${f}=${f}`).join(','));
  assert.equal(r.status, 0, r.stderr);
  const after = run('export', '--db', db, '--format', 'jsonl').stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(after.length, 2 * before.length);
  before.forEach((a, i) => {
    const b = after[before.length + i];
    for (const f of fields) assert.equal(b[f], a[f], `ticket ${a.id}: ${f}`);
  });
});

test('bad usage is explained, not crashed on', () => {
  assert.equal(run('frobnicate').status, 2);
  assert.equal(run('import').status, 2);
  const r = run('serve', '--listen', 'nonsense', '--db', path.join(tmp, 's.db'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is not ADDRESS:PORT/);
  const u = run('user', 'add', '--email', 'x', '--name', 'X', '--role', 'agent', '--db', path.join(tmp, 's.db'));
  assert.equal(u.status, 2);
  for (const cmd of ['serve', 'import', 'export', 'user', 'token', 'demo', 'train', 'classify', 'eval']) {
    const h = run(cmd, '--help');
    assert.equal(h.status, 0, cmd);
    assert.match(h.stdout, /usage: relais/);
  }
  // triage commands on a database without models
  const empty = path.join(tmp, 'nomodel.db');
  let c = run('classify', 'VPN down', '--db', empty);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /no trained model yet/);
  const t = run('train', '--db', empty);
  assert.equal(t.status, 0, 'nothing to learn is not an error');
  assert.match(t.stdout, /category +not trained: 0 labelled tickets; at least 20 are needed/);
  assert.equal(run('train', '--field', 'colour', '--db', empty).status, 1);
  assert.equal(run('import', path.join(tmp, 'in.csv'), '--db', empty, '--map', 'Subject=title', '--triage').status, 1);
});

// A small labelled set made of the demo's own vocabulary, in two languages.
function evalSet(file, n, seed) {
  const cls = {
    Printing: ['printer', 'toner', 'imprimante', 'bourrage', 'paper', 'cartouche'],
    Network: ['vpn', 'wifi', 'réseau', 'gateway', 'connexion', 'latency'],
    Access: ['password', 'mot de passe', 'locked', 'compte', 'login', 'verrouillé'],
  };
  let s = seed;
  const rnd = (k) => { s = (s * 1103515245 + 12345) % 2147483648; return s % k; };
  const names = Object.keys(cls);
  let out = 'id,text,label\n';
  for (let i = 0; i < n; i++) {
    const c = names[i % 3], w = cls[c];
    out += `${i},"${w[rnd(6)]} ne marche plus, ${w[rnd(6)]} since ${w[rnd(6)]} ""${names[rnd(3)]}""",${c}\n`;
  }
  fs.writeFileSync(file, out);
}

test('eval: measures on held-out rows, deterministic for a seed, clear errors', () => {
  const data = path.join(tmp, 'eval.csv');
  evalSet(data, 300, 7);
  const args = ['eval', '--data', data, '--text', 'text', '--label', 'label', '--folds', '3', '--seed', '5', '--json'];
  const a = run(...args), b = run(...args);
  assert.equal(a.status, 0, a.stderr);
  const ja = JSON.parse(a.stdout), jb = JSON.parse(b.stdout);
  for (const k of ['accuracy', 'macro_f1', 'coverage_at_95', 'ece', 'per_class', 'train_seconds'])
    assert.ok(k in ja, `key ${k}`);
  assert.equal(ja.n_test, 300);
  assert.ok(ja.accuracy > 0.9, `accuracy ${ja.accuracy}`);
  assert.deepEqual(Object.keys(ja.per_class).sort(), ['Access', 'Network', 'Printing']);
  // each fold's training chose its settings by the search, on its own rows
  assert.equal(ja.search.length, 3);
  for (const s of ja.search) {
    assert.equal(s.candidates.length, 96);
    assert.equal(s.rungs.at(-1), 200, 'the last sample is the whole training part');
    assert.ok(s.chosen && s.chosen.macro_f1 >= Math.max(...s.candidates.filter((c) => c.rung === s.chosen.rung).map((c) => c.macro_f1)));
  }
  for (const j of [ja, jb]) {
    delete j.train_seconds; delete j.feature_seconds; delete j.predict_per_second;
    for (const s of j.search) delete s.seconds;
  }
  assert.deepEqual(ja, jb, 'same seed, same figures');
  const held = JSON.parse(run(...args, '--no-search', '--C', '2').stdout);
  assert.equal(held.search, undefined, '--no-search keeps the defaults');
  const one = JSON.parse(run(...args, '--C', '2', '--no-stem').stdout);
  assert.ok(one.search.every((s) => s.candidates.length === 16 && s.candidates.every((c) => c.C === 2 && !c.stem)),
    'an option that sets a searched setting holds it');
  const text = run('eval', '--data', data, '--text', 'text', '--label', 'label', '--test', data);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /macro-F1/);
  assert.match(text.stdout, /confusion matrix/);
  assert.match(text.stdout, /precision at coverage: +100% /);
  let r = run('eval', '--data', data, '--text', 'nope', '--label', 'label', '--folds', '3');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no column 'nope'/);
  r = run('eval', '--data', data, '--text', 'text', '--label', 'label');
  assert.equal(r.status, 2, 'one of --folds and --test is required');
  r = run('eval', '--data', data, '--text', 'text', '--label', 'label', '--folds', '3', '--C', 'abc');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--C must be a number/);
  const bad = path.join(tmp, 'bad.csv');
  fs.writeFileSync(bad, 'text,label\n"\xff\xfe broken,X\nok,\n');
  r = run('eval', '--data', bad, '--text', 'text', '--label', 'label', '--folds', '2');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /too few/);
});

test('quality: the findings of a CSV file with their rows, the desk\'s reports stored, clear errors', () => {
  const data = path.join(tmp, 'quality.csv');
  evalSet(data, 300, 11);
  // two rows that say the same with two labels, and a label moved
  fs.appendFileSync(data, '300,"imprimante en panne au deuxième étage depuis lundi matin",Printing\n' +
    '301,"imprimante en panne au deuxième étage depuis lundi matin",Network\n');
  let r = run('quality', '--data', data, '--text', 'text', '--label', 'label', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.rows, 302);
  const conflict = j.findings.find((f) => f.kind === 'conflict' && f.rows.includes(300));
  assert.ok(conflict && conflict.rows.includes(301), JSON.stringify(j.counts));
  assert.equal(conflict.label, null);
  r = run('quality', '--data', data, '--text', 'text', '--label', 'label');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^302 rows, 3 classes, held-out accuracy/);
  assert.match(r.stdout, /conflict: \d+ findings?/);
  const db = path.join(tmp, 'quality.db');
  assert.equal(run('demo', '--db', db, '--tickets', '400', '--seed', '3', '--no-passwords').status, 0);
  r = run('quality', '--db', db);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^category +report 1: \d+ tickets, held-out accuracy/m);
  assert.match(r.stdout, /^urgency +report 3:/m);
  r = run('quality', '--db', db, '--field', 'colour');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'colour' is not a triage field/);
  r = run('quality', '--data', data, '--text', 'nope', '--label', 'label');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no column 'nope'/);
});

test('user add refuses a common password or the e-mail as one, as the API does', () => {
  const db = path.join(tmp, 'users.db');
  const add = (email, pw) => spawnSync(BIN, ['user', 'add', '--email', email, '--name', 'N', '--role', 'agent', '--password-stdin', '--db', db],
    { encoding: 'utf8', input: pw + '\n' });
  let r = add('n1@test.example', 'Password1');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /one of the most common passwords/);
  r = add('n2@test.example', 'n2@test.example');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /must not be the account's e-mail address/);
  r = add('n3@test.example', 'copper-kettle-19');
  assert.equal(r.status, 0, r.stderr);
});
