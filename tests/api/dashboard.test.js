// The agent's dashboard over the API: the caller's counters (by status,
// unassigned in their groups, overdue, at risk, waiting on their reply),
// each equal to what the queue lists with the filters it gives, and the
// tickets most urgent for them, overdue first, then at risk.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, client, cli } = require('../lib/harness');

let env, srv, admin, agent, alice, anon, ids, agentId;

test.before(async () => {
  env = makeDb((db) => {
    const csv = path.join(path.dirname(db), 'old.csv');
    const old = new Date(Date.now() - 3 * 86400 * 1000).toISOString().slice(0, 16);
    fs.writeFileSync(csv, `title,status,created_at,requester\nImprimante oubliée,open,${old},bob@test.example\n`);
    cli(db, ['import', csv, '--map', 'title=title,status=status,created_at=created_at,requester=requester']);
  });
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
  agentId = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  const aliceId = (await alice('GET', '/api/v1/auth/me')).json.user.id;
  const g = (await admin('POST', '/api/v1/groups', { name: 'Support' })).json.id;
  assert.equal((await admin('PUT', `/api/v1/groups/${g}/members/${agentId}`)).status, 200);
  // a P1 whose one-minute answer target is nearly spent
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_response_minutes': 1, 'sla.at_risk_percent': 99 })).status, 200);
  const make = async (body) => {
    const r = await agent('POST', '/api/v1/tickets', { requester_id: aliceId, ...body });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const late = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('oubliée'))).json.items[0].id;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${late}`, { assignee_id: agentId })).status, 200);
  ids = {
    late,
    risk: await make({ title: 'Serveur arrêté', impact: 1, urgency: 1, assignee_id: agentId }),
    fresh: await make({ title: 'Écran', assignee_id: agentId }),
    open: await make({ title: 'Clavier', status: 'open', assignee_id: agentId }),
    pending: await make({ title: 'Licence', status: 'pending', assignee_id: agentId }),
    unassigned: await make({ title: 'Wi-Fi', group_id: g }),
    answered: await make({ title: 'Souris', status: 'open', assignee_id: agentId }),
  };
  assert.equal((await agent('POST', `/api/v1/tickets/${ids.answered}/comments`, { body: 'Essayez une autre prise USB.' })).status, 201);
  await new Promise((r) => setTimeout(r, 1500)); // into the last 99 % of the P1's minute
});
test.after(async () => { if (srv) await srv.stop(); });

test('every counter is what the queue lists with the filters it gives', async () => {
  const r = await agent('GET', '/api/v1/dashboard');
  assert.equal(r.status, 200, r.text);
  const items = Object.fromEntries(r.json.items.map((x) => [x.key, x]));
  assert.deepEqual(Object.keys(items).sort(), ['at_risk', 'awaiting_me', 'new', 'open', 'overdue', 'pending', 'unassigned_mine']);
  for (const [key, x] of Object.entries(items)) {
    const list = (await agent('GET', '/api/v1/tickets?limit=200&' + new URLSearchParams(x.filters))).json.items;
    const want = key === 'at_risk' ? list.filter((t) => t.sla_state === 'at_risk').length : list.length;
    assert.equal(x.count, want, key);
    assert.equal(x.more, false, key);
  }
  assert.equal(items.new.count, 2);
  assert.equal(items.open.count, 3, 'the overdue one too');
  assert.equal(items.pending.count, 1);
  assert.equal(items.unassigned_mine.count, 1);
  assert.equal(items.overdue.count, 1);
  assert.equal(items.at_risk.count, 1);
  assert.equal(items.awaiting_me.count, 4, 'all but the answered one, and not the pending one');
  assert.equal(r.json.count_cap, 10000);
});

test('the most urgent tickets: overdue first, then at risk', async () => {
  const r = await agent('GET', '/api/v1/dashboard');
  assert.deepEqual(r.json.urgent.map((t) => [t.id, t.sla_state]), [[ids.late, 'breached'], [ids.risk, 'at_risk']]);
  assert.equal(r.json.urgent[0].title, 'Imprimante oubliée');
  // another agent has nothing urgent, and the admin's groups are none
  const a = (await admin('GET', '/api/v1/dashboard')).json;
  assert.deepEqual(a.urgent, []);
  assert.equal(a.items.find((x) => x.key === 'unassigned_mine').count, 0);
});

test('the dashboard is the desk\'s', async () => {
  assert.equal((await alice('GET', '/api/v1/dashboard')).status, 403);
  assert.equal((await anon('GET', '/api/v1/dashboard')).status, 401);
});
