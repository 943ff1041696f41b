// The queue's views over the API: the filters the built-in views need
// (group_id=mine, sla=breached, awaiting=true) and when a ticket awaits
// the desk; saved views (personal, or shared by an admin and audited),
// renamed and deleted by their owner only; each view with its live
// counter, right after every change; bad input refused with the field
// named.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, client, cli } = require('../lib/harness');

let env, srv, admin, agent, agent2, alice, anon, ids, agentId, agent2Id;

test.before(async () => {
  env = makeDb((db) => {
    // an open ticket three days old: its targets passed long ago
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
  const me = await agent('GET', '/api/v1/auth/me');
  agentId = me.json.user.id;
  const a2 = await admin('POST', '/api/v1/users', { email: 'agent2@test.example', name: 'Agent Deux', role: 'agent', password: 'password-agent2' });
  assert.equal(a2.status, 201, a2.text);
  agent2Id = a2.json.id;
  const tok = await anon('POST', '/api/v1/auth/login', { email: 'agent2@test.example', password: 'password-agent2' });
  assert.equal(tok.status, 200, tok.text);
  agent2 = client(srv.url, cli(env.db, ['token', 'create', '--email', 'agent2@test.example']));
  const g1 = (await admin('POST', '/api/v1/groups', { name: 'Poste de travail' })).json.id;
  const g2 = (await admin('POST', '/api/v1/groups', { name: 'Réseau' })).json.id;
  assert.equal((await admin('PUT', `/api/v1/groups/${g1}/members/${agentId}`)).status, 200);
  assert.equal((await admin('PUT', `/api/v1/groups/${g2}/members/${agent2Id}`)).status, 200);
  const make = async (body) => {
    const r = await agent('POST', '/api/v1/tickets', { requester_id: me.json.user.id, ...body });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const late = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('oubliée'))).json.items[0].id;
  ids = {
    late,
    mineOpen: await make({ title: 'Écran noir', status: 'open', group_id: g1, assignee_id: agentId }),
    unassigned1: await make({ title: 'Clavier', group_id: g1 }),
    unassigned2: await make({ title: 'Wi-Fi', group_id: g2 }),
    minePending: await make({ title: 'Licence', status: 'pending', group_id: g1, assignee_id: agentId }),
    other: await make({ title: 'VPN', status: 'open', group_id: g2, assignee_id: agent2Id }),
    g1, g2,
  };
});
test.after(async () => { if (srv) await srv.stop(); });

const listIds = async (who, query) => {
  const r = await who('GET', '/api/v1/tickets?limit=200&' + query);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((t) => t.id).sort((a, b) => a - b);
};
const sorted = (...xs) => xs.sort((a, b) => a - b);

function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
  assert.ok(r.json.error.message.length > 10, 'a message a person can read');
}

test('group_id=mine lists the tickets of the caller\'s groups, with assignee_id=none the unassigned ones', async () => {
  assert.deepEqual(await listIds(agent, 'group_id=mine'), sorted(ids.mineOpen, ids.unassigned1, ids.minePending));
  assert.deepEqual(await listIds(agent, 'group_id=mine&assignee_id=none'), [ids.unassigned1]);
  assert.deepEqual(await listIds(agent2, 'group_id=mine&assignee_id=none'), [ids.unassigned2]);
  assert.deepEqual(await listIds(admin, 'group_id=mine'), [], 'the admin is in no group');
  assertError(await agent('GET', '/api/v1/tickets?group_id=mien'), 400, 'invalid', 'group_id');
});

test('sla=breached lists the running targets past due, whatever else the statuses say', async () => {
  assert.deepEqual(await listIds(agent, 'sla=breached'), [ids.late]);
  assert.deepEqual(await listIds(agent, 'sla=breached&status=open,pending'), [ids.late]);
  assert.deepEqual(await listIds(agent, 'sla=breached&status=pending'), [], 'a pending ticket\'s clocks stand still');
  // resolved, its target is no longer running
  assert.equal((await agent('PATCH', `/api/v1/tickets/${ids.late}`, { status: 'resolved' })).status, 200);
  assert.deepEqual(await listIds(agent, 'sla=breached'), []);
  assert.equal((await agent('PATCH', `/api/v1/tickets/${ids.late}`, { status: 'open' })).status, 200);
  assert.deepEqual(await listIds(agent, 'sla=breached&sort=sla_due_at'), [ids.late]);
  const bad = await agent('GET', '/api/v1/tickets?sla=at_risk');
  assertError(bad, 400, 'invalid', 'sla');
  assert.match(bad.json.error.message, /breached/);
});

test('a ticket awaits the desk from its creation and after each reply of its requester, until the desk answers or resolves it', async () => {
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Souris', description: 'Elle clignote.' })).json;
  assert.equal(t.awaiting_since, t.created_at, 'a new ticket waits on the desk');
  const get = async () => (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.ok((await listIds(agent, 'awaiting=true')).includes(t.id));
  await agent('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Note pour l\'équipe', internal: true });
  assert.equal((await get()).awaiting_since, t.created_at, 'an internal note answers nobody');
  const v0 = (await get()).version;
  assert.equal((await agent('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Débranchez-la et rebranchez-la.' })).status, 201);
  assert.equal((await get()).awaiting_since, null, 'the desk answered');
  assert.equal((await get()).version, v0, 'no new version: an open form stays current');
  assert.ok(!(await listIds(agent, 'awaiting=true')).includes(t.id));
  const back = await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Toujours pareil.' });
  assert.equal(back.status, 201);
  assert.equal((await get()).awaiting_since, back.json.created_at, 'the requester waits again');
  await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Vous êtes là ?' });
  assert.equal((await get()).awaiting_since, back.json.created_at, 'since their first unanswered reply');
  assert.equal((await agent('PATCH', `/api/v1/tickets/${t.id}`, { status: 'resolved' })).status, 200);
  assert.equal((await get()).awaiting_since, null, 'resolved: nothing more is awaited');
  await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Merci !' });
  assert.equal((await get()).status, 'resolved');
  assert.equal((await get()).awaiting_since, null, 'a thank-you awaits nothing');
  const broken = await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Ça recommence.', still_broken: true });
  assert.equal((await get()).status, 'open');
  assert.equal((await get()).awaiting_since, broken.json.created_at, 'still broken: back to waiting on the desk');
  // the history says nothing of the bookkeeping
  const h = (await agent('GET', `/api/v1/tickets/${t.id}/history`)).json.items;
  assert.ok(!h.some((e) => e.field === 'awaiting_since'));
  assertError(await agent('GET', '/api/v1/tickets?awaiting=yes'), 400, 'invalid', 'awaiting');
  assertError(await agent('PATCH', `/api/v1/tickets/${t.id}`, { awaiting_since: null }), 400, 'invalid', 'awaiting_since');
});

const views = async (who) => {
  const r = await who('GET', '/api/v1/views');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const byKey = (items, key) => items.find((v) => v.key === key);

test('the built-in views come first with their live counters, which follow every change', async () => {
  const v = await views(agent);
  assert.deepEqual(v.slice(0, 5).map((x) => x.key),
    ['my_open', 'unassigned_mine', 'overdue', 'waiting_requester', 'awaiting_me']);
  assert.equal(byKey(v, 'my_open').name, 'My open tickets');
  assert.equal(byKey(v, 'my_open').builtin, true);
  assert.equal(byKey(v, 'my_open').editable, false);
  // each counter is what its filters list
  for (const x of v.slice(0, 5)) {
    const q = new URLSearchParams(x.filters).toString();
    assert.equal(x.count, (await listIds(agent, q)).length, x.key);
    assert.equal(x.more, false);
  }
  assert.equal(byKey(v, 'my_open').count, 2);
  assert.equal(byKey(v, 'unassigned_mine').count, 1);
  assert.equal(byKey(v, 'overdue').count, 1);
  assert.equal(byKey(v, 'waiting_requester').count, 1);
  // taking the unassigned ticket moves it from one counter to the other at once
  assert.equal((await agent('PATCH', `/api/v1/tickets/${ids.unassigned1}`, { assignee_id: agentId })).status, 200);
  const w = await views(agent);
  assert.equal(byKey(w, 'my_open').count, 3);
  assert.equal(byKey(w, 'unassigned_mine').count, 0);
  assert.equal(byKey(w, 'awaiting_me').count, (await listIds(agent, 'status=new,open&assignee_id=me&awaiting=true')).length);
  // another agent's counters are theirs
  const o = await views(agent2);
  assert.equal(byKey(o, 'my_open').count, 1);
  assert.equal(byKey(o, 'unassigned_mine').count, 1);
  // in French for a French account
  assert.equal((await admin('PATCH', `/api/v1/users/${agent2Id}`, { lang: 'fr' })).status, 200);
  assert.equal(byKey(await views(agent2), 'my_open').name, 'Mes tickets ouverts');
});

test('an agent saves, renames and deletes personal views; nobody else sees or changes them', async () => {
  const made = await agent('POST', '/api/v1/views', { name: 'Réseau ouvert', filters: { status: 'new,open', group_id: String(ids.g2), sort: 'sla_due_at' } });
  assert.equal(made.status, 201, made.text);
  const v = made.json;
  assert.equal(v.shared, false);
  assert.equal(v.editable, true);
  assert.equal(v.owner_id, agentId);
  assert.equal(v.count, (await listIds(agent, `status=new,open&group_id=${ids.g2}`)).length);
  assert.deepEqual(v.filters, { status: 'new,open', group_id: String(ids.g2), sort: 'sla_due_at' });
  assert.ok((await views(agent)).some((x) => x.id === v.id));
  assert.ok(!(await views(agent2)).some((x) => x.id === v.id), 'personal');
  // the counter follows a new ticket
  await agent('POST', '/api/v1/tickets', { title: 'Switch', group_id: ids.g2, requester_id: agentId });
  assert.equal((await views(agent)).find((x) => x.id === v.id).count, v.count + 1);
  // renamed, its filters changed
  const ren = await agent('PATCH', `/api/v1/views/${v.id}`, { name: 'Réseau, tout', filters: { group_id: String(ids.g2) } });
  assert.equal(ren.status, 200, ren.text);
  assert.equal(ren.json.name, 'Réseau, tout');
  assert.deepEqual(ren.json.filters, { group_id: String(ids.g2) });
  // another agent can neither change nor delete it, nor learn it exists
  assertError(await agent2('PATCH', `/api/v1/views/${v.id}`, { name: 'À moi' }), 404, 'not_found');
  assertError(await agent2('DELETE', `/api/v1/views/${v.id}`), 404, 'not_found');
  // a second view of the same name is refused
  assertError(await agent('POST', '/api/v1/views', { name: 'Réseau, tout', filters: {} }), 409, 'conflict', 'name');
  // personal views are not an admin's business: no audit row
  const audit = (await admin('GET', '/api/v1/audit?action=view.')).json.items;
  assert.ok(!audit.some((a) => a.target_id === v.id));
  const del = await agent('DELETE', `/api/v1/views/${v.id}`);
  assert.equal(del.status, 200, del.text);
  assert.ok(!(await views(agent)).some((x) => x.id === v.id));
  assertError(await agent('DELETE', `/api/v1/views/${v.id}`), 404, 'not_found');
});

test('an admin shares a view with every agent, audited; only the admin changes it; agents cannot share', async () => {
  assertError(await agent('POST', '/api/v1/views', { name: 'Pour tous', filters: {}, shared: true }), 403, 'forbidden', 'shared');
  const made = await admin('POST', '/api/v1/views', { name: 'P1 ouverts', filters: { priority: '1', status: 'new,open' }, shared: true });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  for (const who of [agent, agent2]) {
    const v = (await views(who)).find((x) => x.id === id);
    assert.ok(v, 'every agent sees it');
    assert.equal(v.shared, true);
    assert.equal(v.editable, false);
    assert.equal(v.owner_name, 'Admin');
  }
  assertError(await agent('PATCH', `/api/v1/views/${id}`, { name: 'Mien' }), 403, 'forbidden');
  assertError(await agent('DELETE', `/api/v1/views/${id}`), 403, 'forbidden');
  const ren = await admin('PATCH', `/api/v1/views/${id}`, { name: 'Priorité 1' });
  assert.equal(ren.status, 200, ren.text);
  assert.equal((await admin('DELETE', `/api/v1/views/${id}`)).status, 200);
  const audit = (await admin('GET', '/api/v1/audit?action=view.')).json.items.filter((a) => a.target_id === id);
  assert.deepEqual(audit.map((a) => a.action), ['view.delete', 'view.update', 'view.create']);
  assert.deepEqual(audit[1].detail, { name: ['P1 ouverts', 'Priorité 1'] });
  assert.equal(audit[2].detail.shared, true);
  assert.deepEqual(audit[2].detail.filters, { priority: '1', status: 'new,open' });
});

test('bad views are refused with the field named; requesters and strangers have none', async () => {
  const cases = [
    [{ filters: {} }, 'name'],
    [{ name: '', filters: {} }, 'name'],
    [{ name: 'x'.repeat(81) }, 'name'],
    [{ name: 'A', filters: 'status=open' }, 'filters'],
    [{ name: 'A', filters: { colour: 'red' } }, 'filters.colour'],
    [{ name: 'A', filters: { limit: '5' } }, 'filters.limit'],
    [{ name: 'A', filters: { status: 'opened' } }, 'filters.status'],
    [{ name: 'A', filters: { priority: 7 } }, 'filters.priority'],
    [{ name: 'A', filters: { priority: '7' } }, 'filters.priority'],
    [{ name: 'A', filters: { sort: 'colour' } }, 'filters.sort'],
    [{ name: 'A', filters: { created_from: 'yesterday' } }, 'filters.created_from'],
    [{ name: 'A', filters: { sla: 'at_risk' } }, 'filters.sla'],
    [{ name: 'A', filters: { q: 'NEAR(a b c d e f' } }, undefined],
    [{ name: 'A', shared: 'yes' }, 'shared'],
    [{ name: 'A', owner_id: 1 }, 'owner_id'],
  ];
  for (const [body, field] of cases) {
    const r = await agent('POST', '/api/v1/views', body);
    assert.equal(r.status, 400, JSON.stringify(body) + ' ' + r.text);
    if (field) assert.equal(r.json.error.field, field, JSON.stringify(body) + ' ' + r.text);
  }
  assertError(await agent('PATCH', '/api/v1/views/999999', { name: 'B' }), 404, 'not_found');
  assert.equal((await alice('GET', '/api/v1/views')).status, 403);
  assert.equal((await alice('POST', '/api/v1/views', { name: 'Moi', filters: {} })).status, 403);
  assert.equal((await anon('GET', '/api/v1/views')).status, 401);
  // nothing was saved by any of it
  assert.equal((await views(agent)).filter((v) => !v.builtin).length, 0);
});
