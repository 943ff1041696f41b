// Bulk changes over the API: one change on many tickets at once, each
// ticket through the same rules as a PATCH (lifecycle, SLA clocks, one
// history row per field changed), all or nothing: one ticket refused (a
// status its lifecycle forbids, no such ticket, a stale version) leaves
// every ticket as it was, and the error names the ticket and the field.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice, anon, agentId, aliceId;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
  agentId = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  aliceId = (await alice('GET', '/api/v1/auth/me')).json.user.id;
});
test.after(async () => { if (srv) await srv.stop(); });

const make = async (title, extra = {}) => {
  const r = await agent('POST', '/api/v1/tickets', { title, description: 'x', requester_id: aliceId });
  assert.equal(r.status, 201, r.text);
  if (Object.keys(extra).length) assert.equal((await agent('PATCH', `/api/v1/tickets/${r.json.id}`, extra)).status, 200);
  return r.json.id;
};
const get = async (id) => (await agent('GET', `/api/v1/tickets/${id}`)).json;
const history = async (id) => (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
const bulk = (who, body) => who('POST', '/api/v1/tickets/bulk', body);

test('three tickets assigned at once: one history row each, by the agent', async () => {
  const ids = [await make('Écran'), await make('Clavier'), await make('Souris')];
  const r = await bulk(agent, { ids, set: { assignee_id: agentId } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 3);
  assert.deepEqual(r.json.items, ids.map((id) => ({ id, changed: 1 })));
  for (const id of ids) {
    assert.equal((await get(id)).assignee_id, agentId);
    const ev = (await history(id)).filter((e) => e.field === 'assignee_id');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].actor_id, agentId);
    assert.equal(ev[0].new_label, 'Agent');
  }
  // the same again changes nothing and writes nothing
  const again = await bulk(agent, { ids, set: { assignee_id: agentId } });
  assert.deepEqual(again.json.items.map((x) => x.changed), [0, 0, 0]);
  for (const id of ids) assert.equal((await history(id)).filter((e) => e.field === 'assignee_id').length, 1);
});

test('each ticket follows the lifecycle and the SLA rules: one row per field changed', async () => {
  const ids = [await make('VPN'), await make('Imprimante')];
  const r = await bulk(agent, { ids, set: { status: 'pending', priority: 1 } });
  assert.equal(r.status, 200, r.text);
  for (const id of ids) {
    const t = await get(id);
    assert.equal(t.status, 'pending');
    assert.equal(t.priority, 1);
    assert.ok(t.sla_paused_at, 'pending stops the clocks');
    assert.equal(t.sla_due_at, null);
    const h = await history(id);
    assert.equal(h.filter((e) => e.field === 'status').length, 1);
    assert.equal(h.filter((e) => e.field === 'priority').length, 1);
  }
});

async function unchanged(ids, before) {
  for (const id of ids) {
    const t = await get(id);
    assert.equal(t.version, before[id].version, `ticket ${id} kept its version`);
    assert.equal(t.status, before[id].status);
    assert.equal(t.assignee_id, before[id].assignee_id);
    assert.equal((await history(id)).length, before[id].events, `ticket ${id} has no new history row`);
  }
}
async function snapshot(ids) {
  const out = {};
  for (const id of ids) out[id] = { ...(await get(id)), events: (await history(id)).length };
  return out;
}

test('all or nothing: a status one ticket\'s lifecycle forbids changes none, and names that ticket', async () => {
  const closed = await make('Ancien', { status: 'closed' });
  const ids = [await make('Un'), await make('Deux'), closed];
  const before = await snapshot(ids);
  const r = await bulk(agent, { ids, set: { status: 'open', assignee_id: agentId } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.ticket_id, closed);
  assert.equal(r.json.error.field, 'status');
  assert.match(r.json.error.message, new RegExp(`ticket ${closed}: status cannot change from 'closed' to 'open'; no ticket was changed`));
  await unchanged(ids, before);
});

test('all or nothing: a ticket that does not exist, or a version no longer current', async () => {
  const ids = [await make('Trois'), await make('Quatre')];
  const before = await snapshot(ids);
  const gone = await bulk(agent, { ids: [...ids, 999999], set: { priority: 2 } });
  assert.equal(gone.status, 404, gone.text);
  assert.equal(gone.json.error.ticket_id, 999999);
  assert.equal(gone.json.error.field, 'ids');
  await unchanged(ids, before);
  // the second one changed since the page showed it
  assert.equal((await agent('PATCH', `/api/v1/tickets/${ids[1]}`, { priority: 3 })).status, 200);
  const stale = await bulk(agent, { ids: [{ id: ids[0], version: before[ids[0]].version }, { id: ids[1], version: before[ids[1]].version }],
    set: { assignee_id: agentId } });
  assert.equal(stale.status, 412, stale.text);
  assert.equal(stale.json.error.ticket_id, ids[1]);
  assert.equal(stale.json.error.field, 'version');
  assert.equal((await get(ids[0])).assignee_id, null, 'the first one was not assigned either');
  assert.equal((await get(ids[0])).version, before[ids[0]].version);
  // with the current versions it goes through
  const cur = await Promise.all(ids.map(get));
  const ok = await bulk(agent, { ids: cur.map((t) => ({ id: t.id, version: t.version })), set: { assignee_id: agentId } });
  assert.equal(ok.status, 200, ok.text);
});

test('bad requests are refused with the field named, and change nothing', async () => {
  const id = await make('Cinq');
  const before = await snapshot([id]);
  const cases = [
    [{ set: { priority: 1 } }, 'ids'],
    [{ ids: [], set: { priority: 1 } }, 'ids'],
    [{ ids: [id, id], set: { priority: 1 } }, 'ids'],
    [{ ids: [id, 'x'], set: { priority: 1 } }, 'ids'],
    [{ ids: [{ id, version: 0 }], set: { priority: 1 } }, 'ids'],
    [{ ids: [{ id, colour: 1 }], set: { priority: 1 } }, 'ids'],
    [{ ids: Array.from({ length: 201 }, (_, i) => i + 1), set: { priority: 1 } }, 'ids'],
    [{ ids: [id] }, 'set'],
    [{ ids: [id], set: {} }, 'set'],
    [{ ids: [id], set: 'priority=1' }, 'set'],
    [{ ids: [id], set: { title: 'Nouveau' } }, 'set.title'],
    [{ ids: [id], set: { status: 'bogus' } }, 'set.status'],
    [{ ids: [id], set: { priority: 9 } }, 'set.priority'],
    [{ ids: [id], set: { assignee_id: aliceId } }, 'set.assignee_id'],
    [{ ids: [id], set: { group_id: 424242 } }, 'set.group_id'],
    [{ ids: [id], set: { priority: 1 }, colour: 'red' }, 'colour'],
    [{ ids: [id], macro_id: 'x' }, 'macro_id'],
  ];
  for (const [body, field] of cases) {
    const r = await bulk(agent, body);
    assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80) + ' ' + r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body).slice(0, 80) + ' ' + r.text);
  }
  assert.equal((await bulk(agent, { ids: [id], macro_id: 424242 })).status, 404, 'no such macro');
  assert.equal((await bulk(alice, { ids: [id], set: { priority: 1 } })).status, 403);
  assert.equal((await bulk(anon, { ids: [id], set: { priority: 1 } })).status, 401);
  await unchanged([id], before);
});

test('two hundred tickets in one change; an admin may too', async () => {
  const ids = [];
  for (let i = 0; i < 200; i++) { // filed by the desk: a requester's writes are rate-limited
    const r = await agent('POST', '/api/v1/tickets', { title: 'Lot ' + i, requester_id: aliceId });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  const r = await bulk(admin, { ids, set: { status: 'open', priority: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 200);
  const list = (await agent('GET', '/api/v1/tickets?status=open&priority=2&limit=200')).json.items.map((t) => t.id);
  assert.ok(ids.every((id) => list.includes(id)));
});
