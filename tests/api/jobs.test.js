// The background jobs over the API against a real server on a demo database
// with no trained model: the retrain job's status (admin only), an admin's
// "run now" that trains the demo's fields, the 404/409 answers, and the job
// lines of /metrics.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BIN, cli, startServer, client } = require('../lib/harness');
const { execFileSync } = require('node:child_process');

let dir, db, srv, admin, agent, alice, anon, adminPassword;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-jobs-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '300', '--seed', '4', '--no-passwords']);
  const tok = {};
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent'], ['alice', 'requester']]) {
    cli(db, ['user', 'add', '--email', `${name}@test.example`, '--name', name, '--role', role, '--password-stdin'],
      `password-${name}\n`);
    tok[name] = cli(db, ['token', 'create', '--email', `${name}@test.example`]);
  }
  adminPassword = 'password-admin';
  // the default check period (300 s): nothing runs unless asked during the test
  srv = await startServer(db);
  admin = client(srv.url, tok.admin);
  agent = client(srv.url, tok.agent);
  alice = client(srv.url, tok.alice);
  anon = client(srv.url, null);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function retrainJob() {
  const r = await admin('GET', '/api/v1/jobs');
  assert.equal(r.status, 200, r.text);
  const j = r.json.items.find((x) => x.name === 'retrain');
  assert.ok(j, r.text);
  return j;
}

test('only an admin sees the jobs; the retrain job is listed before it ever ran', async () => {
  assert.equal((await anon('GET', '/api/v1/jobs')).status, 401);
  for (const who of [agent, alice]) {
    const r = await who('GET', '/api/v1/jobs');
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal((await who('POST', '/api/v1/jobs/retrain/run')).status, 403);
  }
  const j = await retrainJob();
  assert.equal(j.schedule_seconds, 300, 'the --retrain-check period');
  assert.match(j.description, /triage\.retrain_after/);
  assert.match(j.description, /not worse than the active one\.$/, 'the whole description');
  assert.equal(j.running, false);
  assert.equal(j.runs, 0);
  assert.equal(j.failures, 0);
  assert.equal(j.consecutive_failures, 0);
  assert.equal(j.last_started_at, null);
  assert.equal(j.last_duration_ms, null);
  assert.equal(j.last_result, null);
  assert.equal(j.last_message, null);
  assert.match(j.next_run_at, iso);
  const next = Date.parse(j.next_run_at);
  assert.ok(next > Date.now() + 200 * 1000 && next <= Date.now() + 301 * 1000, j.next_run_at);
});

test('unknown jobs are 404; a cookie session must send its CSRF token', async () => {
  const r = await admin('POST', '/api/v1/jobs/no_such_job/run');
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'not_found');
  assert.match(r.json.error.message, /no_such_job/);
  assert.equal((await admin('GET', '/api/v1/jobs/retrain/run')).status, 405);
  const login = await anon('POST', '/api/v1/auth/login', { email: 'admin@test.example', password: adminPassword });
  assert.equal(login.status, 200, login.text);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const noCsrf = await anon('POST', '/api/v1/jobs/retrain/run', undefined, { Cookie: cookie });
  assert.equal(noCsrf.status, 403, noCsrf.text);
  assert.match(noCsrf.json.error.message, /CSRF/);
  assert.equal((await retrainJob()).runs, 0, 'a refused request runs nothing');
});

test('run now trains the demo fields; the status turns ok with a duration; a second ask while it is pending or running is 409', async () => {
  const before = (await admin('GET', '/api/v1/models')).json.models.length;
  assert.equal(before, 0, 'the demo database has no model yet');
  const t0 = Date.now();
  const r = await admin('POST', '/api/v1/jobs/retrain/run');
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.name, 'retrain');
  assert.equal(r.json.schedule_seconds, 300);
  const again = await admin('POST', '/api/v1/jobs/retrain/run');
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'conflict');
  let j;
  for (let i = 0; i < 240; i++) {
    j = await retrainJob();
    if (j.runs >= 1 && !j.running) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.equal(j.runs, 1, JSON.stringify(j));
  assert.equal(j.last_result, 'ok', JSON.stringify(j));
  assert.equal(j.failures, 0);
  assert.ok(Number.isInteger(j.last_duration_ms) && j.last_duration_ms > 0, JSON.stringify(j));
  assert.match(j.last_started_at, iso);
  assert.ok(Math.abs(Date.parse(j.last_started_at) - t0) < 5000, j.last_started_at);
  assert.match(j.last_message, /category activated/);
  // the back to its period: the next turn is a full period after this start
  assert.equal(Date.parse(j.next_run_at) - Date.parse(j.last_started_at), 300 * 1000);
  const models = (await admin('GET', '/api/v1/models')).json.models;
  assert.deepEqual(models.filter((m) => m.active).map((m) => m.field).sort(), ['category', 'group', 'urgency']);
  // and the new models are in use at once
  const tk = await agent('POST', '/api/v1/tickets', { title: 'VPN ne marche plus', description: 'Impossible de me connecter au VPN' });
  assert.equal(tk.status, 201, tk.text);
  assert.ok(tk.json.suggestions.length >= 3, JSON.stringify(tk.json.suggestions));
});

test('/metrics has a line per job for runs, failures, running, duration, last success and next run', async () => {
  const j = await retrainJob();
  const m = await admin('GET', '/metrics');
  assert.equal(m.status, 200);
  const gauge = (name) => {
    const line = m.text.split('\n').find((l) => l.startsWith(`${name}{job="retrain"} `));
    assert.ok(line, `${name} missing:\n${m.text}`);
    return Number(line.split(' ').pop());
  };
  assert.match(m.text, /# TYPE relais_job_runs_total counter/);
  assert.equal(gauge('relais_job_runs_total'), j.runs);
  assert.equal(gauge('relais_job_failures_total'), 0);
  assert.equal(gauge('relais_job_running'), 0);
  assert.equal(gauge('relais_job_last_duration_seconds'), j.last_duration_ms / 1000);
  assert.equal(gauge('relais_job_last_success_timestamp_seconds'), Date.parse(j.last_started_at) / 1000);
  assert.equal(gauge('relais_job_next_run_timestamp_seconds'), Date.parse(j.next_run_at) / 1000);
  // the 202 of "run now" is counted by route and status like every request
  assert.match(m.text, /relais_http_requests_total\{route="POST \/api\/v1\/jobs\/\{name\}\/run",status="202"\} 1\n/);
});

test('SIGTERM with a retraining asked for or under way: the job is stopped or finishes, the server exits 0', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-jobs-stop-'));
  const db2 = path.join(d2, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db2, '--tickets', '300', '--seed', '6', '--no-passwords']);
  cli(db2, ['user', 'add', '--email', 'admin@test.example', '--name', 'admin', '--role', 'admin']);
  const s2 = await startServer(db2);
  const ad = client(s2.url, cli(db2, ['token', 'create', '--email', 'admin@test.example']));
  assert.equal((await ad('POST', '/api/v1/jobs/retrain/run')).status, 202);
  const t0 = Date.now();
  const r = await s2.stop();
  assert.equal(r.code, 0, `signal ${r.signal}; stderr:\n${s2.stderr()}`);
  assert.ok(Date.now() - t0 < 15000, 'stops without waiting for a whole training of every field');
  assert.match(s2.stderr(), /stopped cleanly/);
  assert.doesNotMatch(s2.stderr(), /Z (error|warn) |runtime error|AddressSanitizer/);
  // whatever the job had committed is there; the database opens and is whole
  const check = execFileSync('sqlite3', [db2, 'PRAGMA integrity_check']).toString().trim();
  assert.equal(check, 'ok');
});

test('a failing run is recorded, retried after the back-off and never stops the server; a success resets it', async () => {
  const d3 = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-jobs-fail-'));
  const db3 = path.join(d3, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db3, '--tickets', '300', '--seed', '8', '--no-passwords']);
  cli(db3, ['user', 'add', '--email', 'admin@test.example', '--name', 'admin', '--role', 'admin']);
  // the database refuses to store any model, as a full disk would
  execFileSync('sqlite3', [db3, "CREATE TRIGGER no_models BEFORE INSERT ON models BEGIN SELECT RAISE(ABORT, 'no room for models'); END;"]);
  const s3 = await startServer(db3);
  try {
    const ad = client(s3.url, cli(db3, ['token', 'create', '--email', 'admin@test.example']));
    const waitRun = async (n) => {
      let j;
      for (let i = 0; i < 240; i++) {
        j = (await ad('GET', '/api/v1/jobs')).json.items.find((x) => x.name === 'retrain');
        if (j.runs >= n && !j.running) return j;
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.fail('the job did not run: ' + JSON.stringify(j));
    };
    assert.equal((await ad('POST', '/api/v1/jobs/retrain/run')).status, 202);
    let j = await waitRun(1);
    assert.equal(j.last_result, 'error', JSON.stringify(j));
    assert.equal(j.failures, 1);
    assert.equal(j.consecutive_failures, 1);
    assert.match(j.last_message, /category/, 'the message says what failed');
    assert.equal(Date.parse(j.next_run_at) - Date.parse(j.last_started_at), 60 * 1000, 'first retry after 60 s, not the 300 s period');
    assert.equal((await ad('GET', '/healthz')).status, 200, 'the server still serves');
    assert.match(s3.stderr(), /job retrain failed \(1 in a row\)/);
    const m = (await ad('GET', '/metrics')).text;
    assert.match(m, /relais_job_failures_total\{job="retrain"\} 1\n/);
    assert.match(m, /relais_job_consecutive_failures\{job="retrain"\} 1\n/);
    assert.match(m, /relais_job_last_success_timestamp_seconds\{job="retrain"\} 0\n/);
    // room again: the next run succeeds and puts the job back on its period
    execFileSync('sqlite3', [db3, 'DROP TRIGGER no_models']);
    assert.equal((await ad('POST', '/api/v1/jobs/retrain/run')).status, 202);
    j = await waitRun(2);
    assert.equal(j.last_result, 'ok', JSON.stringify(j));
    assert.equal(j.failures, 1);
    assert.equal(j.consecutive_failures, 0);
    assert.equal(Date.parse(j.next_run_at) - Date.parse(j.last_started_at), 300 * 1000);
  } finally {
    const r = await s3.stop();
    assert.equal(r.code, 0, s3.stderr());
  }
});
