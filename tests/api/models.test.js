// Model versions over the API against a real server trained twice on the
// demo generator's tickets: an admin activates an older version (roll-back)
// or a newer one (promotion), the server predicts with it at once and the
// audit log says who did it; each version keeps its out-of-fold confusion
// matrix; the override trend counts what people did with the predictions.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, cli, startServer, client } = require('../lib/harness');

let db, srv, admin, agent, alice, anon;

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-models-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '500', '--seed', '11', '--no-passwords']);
  const tok = {};
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent'], ['alice', 'requester']]) {
    cli(db, ['user', 'add', '--email', `${name}@test.example`, '--name', name, '--role', role]);
    tok[name] = cli(db, ['token', 'create', '--email', `${name}@test.example`]);
  }
  cli(db, ['train']);
  cli(db, ['train', '--force']); // version 2 of each field, active
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

const vpn = { title: 'VPN ne marche plus', description: 'Impossible de me connecter au VPN depuis ce matin' };
const versionsOf = async (field) => (await admin('GET', '/api/v1/models')).json.models.filter((m) => m.field === field);
const predictedWith = async (field) => (await agent('POST', '/api/v1/triage', vpn)).json.predictions
  .find((p) => p.field === field).model_version;
const activations = async () => (await admin('GET', '/api/v1/audit?action=model.activate&limit=500')).json.items;

test('every version lists its metrics and its out-of-fold confusion matrix', async () => {
  const cat = await versionsOf('category');
  assert.deepEqual(cat.map((m) => [m.version, m.active]), [[2, true], [1, false]], 'newest first, v2 active');
  for (const m of cat) {
    const cm = m.metrics.confusion;
    assert.ok(cm, `v${m.version} records its confusion matrix`);
    const K = cm.classes.length;
    assert.deepEqual(new Set(cm.classes), new Set(Object.keys(m.metrics.per_class)));
    assert.equal(cm.counts.length, K);
    let total = 0;
    let diag = 0;
    cm.counts.forEach((row, t) => {
      assert.equal(row.length, K);
      assert.equal(row.reduce((a, b) => a + b, 0), m.metrics.per_class[cm.classes[t]].support, 'a row is the class\'s examples');
      total += row.reduce((a, b) => a + b, 0);
      diag += row[t];
    });
    assert.equal(total, m.metrics.n);
    // the API writes reals with six significant digits
    assert.ok(Math.abs(diag / total - m.metrics.accuracy) < 1e-5, `the diagonal is the accuracy: ${m.field} v${m.version} ${diag}/${total} ${m.metrics.accuracy}`);
  }
});

test('an admin rolls a field back and promotes it again; triage uses the version at once, audited', async () => {
  assert.equal(await predictedWith('category'), 2);
  const before = (await activations()).length;
  let r = await admin('PUT', '/api/v1/models/category/active', { version: 1 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { field: 'category', version: 1, active: true, changed: true });
  assert.equal(await predictedWith('category'), 1, 'the running server predicts with v1 now');
  assert.deepEqual((await versionsOf('category')).map((m) => [m.version, m.active]), [[2, false], [1, true]]);
  // the other fields keep their version
  assert.equal(await predictedWith('urgency'), 2);
  // a ticket made now is triaged by v1, and says so
  const t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  assert.equal(t.suggestions.find((s) => s.field === 'category').model_version, 1);
  let rows = await activations();
  assert.equal(rows.length, before + 1);
  assert.equal(rows[0].actor, 'admin@test.example');
  assert.equal(rows[0].target_type, 'model');
  assert.equal(rows[0].target, 'category');
  assert.deepEqual(rows[0].detail, { field: 'category', version: 1, previous_version: 2 });
  // asking again changes nothing and writes nothing
  r = await admin('PUT', '/api/v1/models/category/active', { version: 1 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.changed, false);
  assert.equal((await activations()).length, before + 1);
  // promoted back to v2
  r = await admin('PUT', '/api/v1/models/category/active', { version: 2 });
  assert.equal(r.status, 200, r.text);
  assert.equal(await predictedWith('category'), 2);
  rows = await activations();
  assert.deepEqual(rows[0].detail, { field: 'category', version: 2, previous_version: 1 });
});

test('activation: roles, and bad input refused with the parameter named', async () => {
  const put = (who, field, body) => who('PUT', `/api/v1/models/${field}/active`, body);
  assert.equal((await put(anon, 'category', { version: 1 })).status, 401);
  assert.equal((await put(alice, 'category', { version: 1 })).status, 403);
  assert.equal((await put(agent, 'category', { version: 1 })).status, 403);
  const cases = [
    [{}, 400, 'version', /required/],
    [{ version: 0 }, 400, 'version'],
    [{ version: -2 }, 400, 'version'],
    [{ version: '1' }, 400, 'version'],
    [{ version: 1.5 }, 400, 'version'],
    [{ version: null }, 400, 'version'],
    [{ version: 1, force: true }, 400, 'force'],
    [{ version: 99 }, 404, 'version', /no version 99/],
  ];
  for (const [body, status, field, msg] of cases) {
    const r = await put(admin, 'category', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    if (msg) assert.match(r.json.error.message, msg);
  }
  const unknown = await put(admin, 'colour', { version: 1 });
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error.message, /no triage field 'colour'/);
  assert.equal((await admin('PUT', '/api/v1/models/category/active', '{"version": 1')).status, 400);
  assert.equal((await admin('POST', '/api/v1/models/category/active', { version: 1 })).status, 405);
  // nothing above changed the active version
  assert.equal(await predictedWith('category'), 2);
});

test('a version that cannot be loaded is refused before it replaces a working one', async () => {
  execFileSync('sqlite3', [db, "INSERT INTO models(field, version, created_at, n_train, metrics, data, active)" +
    " VALUES ('group', 3, 0, 20, '{}', X'0102', 0)"]);
  const before = (await activations()).length;
  const r = await admin('PUT', '/api/v1/models/group/active', { version: 3 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'version');
  assert.match(r.json.error.message, /cannot be loaded/);
  assert.equal(await predictedWith('group'), 2);
  assert.equal((await activations()).length, before, 'no audit row for a refused activation');
  assert.deepEqual((await versionsOf('group')).filter((m) => m.active).map((m) => m.version), [2]);
});

test('the trend counts what became of the predictions, per day and per week', async () => {
  const trend = async (q) => {
    const r = await agent('GET', '/api/v1/models/category/trend' + q);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  // the last two days, summed, so that a run across midnight still counts each ticket once
  const sum = (j) => j.items.reduce((a, x) => ({ applied: a.applied + x.applied, suggested: a.suggested + x.suggested,
    accepted: a.accepted + x.accepted, overridden: a.overridden + x.overridden }),
  { applied: 0, suggested: 0, accepted: 0, overridden: 0 });
  const before = sum(await trend('?bucket=day&periods=2'));
  const made = [];
  for (const title of ['VPN coupé en télétravail', 'Imprimante bloquée au 2e', 'Mot de passe expiré', 'Écran noir au démarrage'])
    made.push((await agent('POST', '/api/v1/tickets', { title, description: title })).json);
  for (const t of made) assert.ok(t.suggestions.some((s) => s.field === 'category'), JSON.stringify(t.suggestions));
  // one accepted, one overridden, two left as triage left them
  assert.equal((await agent('POST', `/api/v1/tickets/${made[0].id}/suggestions/category/accept`)).status, 200);
  const other = made[1].suggestions.find((s) => s.field === 'category').value === 'Access' ? 'Hardware' : 'Access';
  assert.equal((await agent('POST', `/api/v1/tickets/${made[1].id}/suggestions/category/override`, { value: other })).status, 200);
  const after = sum(await trend('?bucket=day&periods=2'));
  assert.equal(after.accepted - before.accepted, 1);
  assert.equal(after.overridden - before.overridden, 1);
  assert.equal((after.applied + after.suggested) - (before.applied + before.suggested), 2);
  // a ticket whose category a person gave has no prediction to count
  await agent('POST', '/api/v1/tickets', { ...vpn, category: 'Hardware' });
  assert.deepEqual(sum(await trend('?bucket=day&periods=2')), after);
  // days start at midnight UTC, weeks on Monday; oldest first, empty periods listed
  const days = await trend('?bucket=day&periods=3');
  assert.equal(days.bucket, 'day');
  assert.equal(days.items.length, 3);
  days.items.forEach((x, i) => {
    assert.match(x.start, /T00:00:00Z$/);
    if (i) assert.equal(Date.parse(x.start) - Date.parse(days.items[i - 1].start), 86400000);
  });
  const weeks = await trend('');
  assert.equal(weeks.bucket, 'week');
  assert.equal(weeks.items.length, 12, 'twelve weeks by default');
  for (const x of weeks.items) assert.equal(new Date(x.start).getUTCDay(), 1, x.start);
  const thisWeek = weeks.items[11];
  assert.ok(Date.parse(thisWeek.start) <= Date.now() && Date.now() < Date.parse(thisWeek.start) + 7 * 86400000);
  assert.ok(thisWeek.accepted >= 1 && thisWeek.overridden >= 1);
  assert.equal((await trend('?bucket=day')).items.length, 30, 'thirty days by default');
});

test('the trend says how often people kept the predictions, what they overrode most, and whether tickets drift', async () => {
  const trend = async (q) => (await agent('GET', '/api/v1/models/category/trend' + q)).json;
  let w = await trend('');
  const week = w.items[11];
  assert.equal(week.accuracy, week.accepted / (week.accepted + week.overridden));
  assert.ok(week.mean_confidence > 0 && week.mean_confidence <= 1, JSON.stringify(week));
  assert.ok(w.items.slice(0, 11).every((x) => x.accepted + x.overridden > 0 || x.accuracy === null));
  // the override of the test above: the predicted class, and what it became
  const top = w.overridden_most[0];
  assert.ok(top && top.overrides >= 1, JSON.stringify(w.overridden_most));
  assert.ok(top.became.length >= 1 && top.became.every((b) => b.count >= 1 && b.value !== top.value));
  assert.equal(top.overrides, top.became.reduce((a, b) => a + b.count, 0));
  // the mix drifts: forty printer tickets in a row against the training's spread
  const before = w.drift;
  assert.deepEqual([before.signal, before.enough], [false, before.tickets >= 30], JSON.stringify(before));
  for (let i = 0; i < 40; i++)
    assert.equal((await agent('POST', '/api/v1/tickets', { title: `Imprimante bloquée ${i}`,
      description: 'Bourrage papier dans le bac 2, la cartouche de toner clignote' })).status, 201);
  w = await trend('');
  assert.ok(w.drift.tickets >= 40 && w.drift.enough);
  assert.ok(w.drift.label_mix_distance > 0.5, JSON.stringify(w.drift));
  assert.equal(w.drift.signal, true);
  assert.ok(w.drift.reasons.includes('label_mix'));
  assert.ok(w.drift.training_mean_confidence > 0.5, 'the active model recorded its held-out confidence');
});

test('trend: roles, and bad input refused with the parameter named', async () => {
  assert.equal((await anon('GET', '/api/v1/models/category/trend')).status, 401);
  assert.equal((await alice('GET', '/api/v1/models/category/trend')).status, 403);
  assert.equal((await admin('GET', '/api/v1/models/category/trend')).status, 200);
  for (const [q, field] of [['bucket=month', 'bucket'], ['bucket=', 'bucket'], ['periods=0', 'periods'],
    ['periods=105', 'periods'], ['bucket=day&periods=367', 'periods'], ['periods=x', 'periods'],
    ['since=2026-01-01', 'since'], ['bucket=day&bucket=week', null]]) {
    const r = await agent('GET', '/api/v1/models/category/trend?' + q);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, q);
  }
  assert.equal((await agent('GET', '/api/v1/models/colour/trend')).status, 404);
});
