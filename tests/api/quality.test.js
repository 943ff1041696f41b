// The data-quality report over the API, against a real server on a demo
// desk whose labels were spoiled on purpose: the job makes the report, the
// tickets moved to a wrong category come back as probable mislabels with
// the right one as the fix; agents read it and fix one ticket at a time,
// only admins fix in bulk (audited); every fix is in the history with its
// person; a confirmed label is not flagged again; bad requests are refused
// naming what is wrong, and nothing half-done.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BIN, cli, startServer, client } = require('../lib/harness');
const { execFileSync } = require('node:child_process');

let srv, admin, agent, alice;
const spoiled = []; // VPN tickets an agent filed under Printing

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-quality-'));
  const db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '600', '--seed', '5', '--no-passwords']);
  const tok = {};
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent'], ['alice', 'requester']]) {
    cli(db, ['user', 'add', '--email', `${name}@test.example`, '--name', name, '--role', role]);
    tok[name] = cli(db, ['token', 'create', '--email', `${name}@test.example`]);
  }
  srv = await startServer(db);
  admin = client(srv.url, tok.admin);
  agent = client(srv.url, tok.agent);
  alice = client(srv.url, tok.alice);
  // six clear network tickets put under Printing by a person: labels the model will doubt
  const net = (await agent('GET', '/api/v1/tickets?category=Network&limit=100')).json.items
    .filter((t) => /vpn/i.test(t.title)).slice(0, 6);
  assert.equal(net.length, 6);
  for (const t of net) {
    const r = await agent('PATCH', `/api/v1/tickets/${t.id}`, { category: 'Printing', version: t.version });
    assert.equal(r.status, 200, r.text);
    spoiled.push(t.id);
  }
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

async function runJob() {
  const before = (await admin('GET', '/api/v1/jobs')).json.items.find((j) => j.name === 'quality');
  assert.ok(before, 'the quality job is listed');
  assert.equal((await admin('POST', '/api/v1/jobs/quality/run')).status, 202);
  for (let i = 0; i < 400; i++) {
    const j = (await admin('GET', '/api/v1/jobs')).json.items.find((x) => x.name === 'quality');
    if (j.runs > before.runs && !j.running) {
      assert.equal(j.last_result, 'ok', JSON.stringify(j));
      return j;
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.fail('the quality job did not finish');
}

const mislabelOf = (r, id) => r.json.findings.find((f) => f.tickets.some((t) => t.id === id));

test('before any run there is no report; the job makes one for each field', async () => {
  const none = await agent('GET', '/api/v1/quality?field=category');
  assert.equal(none.status, 200);
  assert.deepEqual([none.json.created_at, none.json.total, none.json.findings], [null, 0, []]);
  const j = await runJob();
  assert.match(j.last_message, /category done/);
  for (const field of ['category', 'group', 'urgency']) {
    const r = await agent('GET', `/api/v1/quality?field=${field}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.field, field);
    assert.ok(r.json.rows > 100);
    assert.deepEqual(Object.keys(r.json.counts).sort(),
      ['conflict', 'duplicate', 'empty', 'low_precision', 'mislabel', 'rare_class']);
  }
});

test('the spoiled labels come back as probable mislabels, Network the fix', async () => {
  const r = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=200');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.findings.every((f) => f.kind === 'mislabel' && f.tickets.length === 1));
  let found = 0;
  for (const id of spoiled) {
    const f = mislabelOf(r, id);
    if (!f) continue;
    found++;
    assert.equal(f.label, 'Printing');
    assert.equal(f.suggest, 'Network');
    assert.ok(f.self < 0.2 && f.score > 0.5, JSON.stringify(f));
    assert.equal(f.tickets[0].value, 'Printing');
    assert.ok(f.tickets[0].title.length > 0);
  }
  assert.ok(found >= 5, `${found} of 6 spoiled labels found`);
  // pages: the same findings, in the same order, a page at a time
  const p1 = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=2');
  const p2 = await agent('GET', `/api/v1/quality?field=category&kind=mislabel&limit=2&offset=${p1.json.next_offset}`);
  assert.deepEqual([...p1.json.findings, ...p2.json.findings].map((f) => f.tickets[0].id),
    r.json.findings.slice(0, 4).map((f) => f.tickets[0].id));
  assert.equal(r.json.total, r.json.counts.mislabel.findings);
});

test('who may read and fix: agents one ticket, admins in bulk, requesters nothing', async () => {
  assert.equal((await alice('GET', '/api/v1/quality?field=category')).status, 403);
  assert.equal((await alice('POST', '/api/v1/quality/fix', { field: 'category', action: 'confirm', tickets: [spoiled[0]] })).status, 403);
  const two = await agent('POST', '/api/v1/quality/fix', { field: 'category', action: 'relabel', value: 'Network', tickets: spoiled.slice(0, 2) });
  assert.equal(two.status, 403);
  assert.equal(two.json.error.field, 'tickets');
  assert.match(two.json.error.message, /only an admin fixes several tickets/);
  for (const id of spoiled.slice(0, 2)) assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Printing');
});

test('an agent relabels one ticket, an admin two more: the history names them, the audit the bulk', async () => {
  const one = await agent('POST', '/api/v1/quality/fix', { field: 'category', action: 'relabel', value: 'Network', tickets: [spoiled[0]] });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.fixed, 1);
  const bulk = await admin('POST', '/api/v1/quality/fix', { field: 'category', action: 'relabel', value: 'Network', tickets: spoiled.slice(1, 3) });
  assert.equal(bulk.status, 200, bulk.text);
  for (const [id, who] of [[spoiled[0], 'agent'], [spoiled[1], 'admin'], [spoiled[2], 'admin']]) {
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Network');
    const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
    const ev = h.filter((e) => e.field === 'category').at(-1);
    assert.deepEqual([ev.old_value, ev.new_value, ev.actor_kind, ev.actor_name], ['Printing', 'Network', 'person', who]);
  }
  const audit = (await admin('GET', '/api/v1/audit?action=quality.fix&limit=1')).json.items[0];
  assert.deepEqual(audit.detail, { field: 'category', action: 'relabel', tickets: 2, value: 'Network' });
  // the report shows the value now set
  const r = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=200');
  const f = mislabelOf(r, spoiled[0]);
  if (f) assert.equal(f.tickets[0].value, 'Network');
});

test('a confirmed label is kept, in the history, and not flagged by the next report', async () => {
  const keep = spoiled.slice(3, 5);
  const r = await admin('POST', '/api/v1/quality/fix', { field: 'category', action: 'confirm', tickets: keep });
  assert.equal(r.status, 200, r.text);
  for (const id of keep) {
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Printing');
    const ev = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items.find((e) => e.field === 'label_confirmed');
    assert.ok(ev, 'a history event');
    assert.deepEqual([ev.old_value, ev.new_value, ev.actor_name], ['category', 'Printing', 'admin']);
  }
  await runJob();
  const after = await agent('GET', '/api/v1/quality?field=category&kind=mislabel&limit=200');
  for (const id of [...keep, ...spoiled.slice(0, 3)]) assert.equal(mislabelOf(after, id), undefined, `ticket ${id}`);
});

test('bad requests say what is wrong and change nothing', async () => {
  const bad = async (who, body, status, field, re) => {
    const r = await who('POST', '/api/v1/quality/fix', body);
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error.field, field, r.text);
    if (re) assert.match(r.json.error.message, re);
  };
  const id = spoiled[5];
  await bad(admin, { field: 'colour', action: 'confirm', tickets: [id] }, 400, 'field', /not a triage field/);
  await bad(admin, { field: 'category', action: 'delete', tickets: [id] }, 400, 'action', /relabel or confirm/);
  await bad(admin, { field: 'category', action: 'relabel', tickets: [id] }, 400, 'value', /needs the 'value'/);
  await bad(admin, { field: 'category', action: 'relabel', value: 'Netwrok', tickets: [id] }, 400, 'value');
  await bad(admin, { field: 'category', action: 'confirm', tickets: [] }, 400, 'tickets');
  await bad(admin, { field: 'category', action: 'confirm', tickets: [id, id] }, 400, 'tickets', /twice/);
  await bad(admin, { field: 'category', action: 'confirm', tickets: ['x'] }, 400, 'tickets');
  await bad(admin, { field: 'category', action: 'confirm', tickets: [id], extra: 1 }, 400, 'extra');
  await bad(admin, { field: 'category', action: 'relabel', value: 'Network', tickets: [id, 99999999] }, 404, 'tickets', /99999999 does not exist: nothing was changed/);
  assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Printing', 'all or nothing');
  for (const q of ['field=colour', 'kind=typo', 'limit=0', 'offset=-1'])
    assert.equal((await agent('GET', `/api/v1/quality?${q}`)).status, 400, q);
});
