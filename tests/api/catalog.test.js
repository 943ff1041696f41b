// Managed lists over the API: a category, service or configuration item is
// an entry of the desk's list, never free text. Unknown values are refused
// with the allowed ones named (a typo never becomes a training label);
// admins add entries with French and English labels, rename them, retire
// them and merge one into another (its tickets move, each with a history
// event); every change is audited; import maps or reports what it does not
// know.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
});
test.after(async () => { if (srv) await srv.stop(); });

const add = (kind, body) => admin('POST', `/api/v1/catalog/${kind}`, body);

test('a value outside the list is refused, the allowed ones named; a known one is stored under its own name', async () => {
  const none = await agent('POST', '/api/v1/tickets', { title: 'Réseau lent', category: 'Network' });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.field, 'category');
  assert.match(none.json.error.message, /no category is defined yet/);
  const net = await add('category', { name: 'Network', label_fr: 'Réseau', label_en: 'Network' });
  assert.equal(net.status, 201, net.text);
  assert.deepEqual([net.json.kind, net.json.name, net.json.label_fr, net.json.active], ['category', 'Network', 'Réseau', true]);
  assert.equal((await add('category', { name: 'Hardware', label_fr: 'Matériel', label_en: 'Hardware' })).status, 201);
  const typo = await agent('POST', '/api/v1/tickets', { title: 'Réseau lent', category: 'Netwrok' });
  assert.equal(typo.status, 400);
  assert.equal(typo.json.error.message, "unknown category 'Netwrok': one of Hardware, Network");
  const t = await agent('POST', '/api/v1/tickets', { title: 'Réseau lent', category: 'network' });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.category, 'Network', 'stored under the entry\'s own name');
  const p = await agent('PATCH', `/api/v1/tickets/${t.json.id}`, { category: 'Netwrok' });
  assert.equal(p.status, 400);
  assert.equal((await agent('GET', `/api/v1/tickets/${t.json.id}`)).json.category, 'Network', 'nothing changed');
  // a requester may name a category when filing, under the same rule
  assert.equal((await alice('POST', '/api/v1/tickets', { title: 'x', category: 'Printers' })).status, 400);
  // services and configuration items have lists of their own
  assert.equal((await agent('POST', '/api/v1/tickets', { title: 'x', service: 'Network' })).json.error.field, 'service');
  assert.equal((await add('ci', { name: 'vpn-gw-01' })).status, 201);
  assert.equal((await agent('POST', '/api/v1/tickets', { title: 'x', ci: 'VPN-GW-01' })).json.ci, 'vpn-gw-01');
});

test('entries: labels, search, pages, retire, and the refusals named', async () => {
  const dup = await add('category', { name: 'NETWORK' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.field, 'name');
  for (const [body, field] of [[{}, 'name'], [{ name: '  ' }, 'name'], [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: 'a\nb' }, 'name'], [{ name: 'ok', label_fr: 'y'.repeat(201) }, 'label_fr'], [{ name: 'ok', colour: 'red' }, 'colour'],
    [{ name: 12 }, 'name']]) {
    const r = await add('category', body);
    assert.equal(r.status, 400, JSON.stringify(body) + r.text);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await add('colour', { name: 'red' })).status, 404);
  // search by a label, without accents or case
  const found = (await agent('GET', '/api/v1/catalog/category?q=' + encodeURIComponent('RESEAU'))).json.items;
  assert.deepEqual(found.map((e) => e.name), ['Network']);
  for (let i = 0; i < 12; i++) assert.equal((await add('ci', { name: `laptop-${i}` })).status, 201);
  const seen = [];
  let cursor = null;
  do {
    const r = await agent('GET', '/api/v1/catalog/ci?limit=5' + (cursor ? '&cursor=' + cursor : ''));
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.items.map((e) => e.name));
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.equal(seen.length, 13);
  assert.equal(new Set(seen).size, 13);
  for (const [qs, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=zz', 'cursor'], ['active=yes', 'active'], ['colour=1', 'colour']]) {
    const r = await agent('GET', '/api/v1/catalog/ci?' + qs);
    assert.equal(r.status, 400, qs);
    assert.equal(r.json.error.field, field, qs);
  }
  // renaming is a matter of labels: tickets keep the name
  const hw = (await agent('GET', '/api/v1/catalog/category?q=Hardware')).json.items[0];
  const r = await admin('PATCH', `/api/v1/catalog/category/${hw.id}`, { label_fr: 'Matériel informatique' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.label_fr, 'Matériel informatique');
  assert.equal(r.json.name, 'Hardware');
  // retired: kept on the tickets that hold it, no longer offered nor accepted
  const t = await agent('POST', '/api/v1/tickets', { title: 'Écran', category: 'Hardware' });
  assert.equal((await admin('PATCH', `/api/v1/catalog/category/${hw.id}`, { active: false })).json.active, false);
  assert.equal((await agent('GET', `/api/v1/tickets/${t.json.id}`)).json.category, 'Hardware');
  const refused = await agent('POST', '/api/v1/tickets', { title: 'Écran', category: 'Hardware' });
  assert.equal(refused.json.error.message, "category 'Hardware' is retired");
  const offered = (await agent('GET', '/api/v1/catalog/category?active=true')).json.items.map((e) => e.name);
  assert.ok(!offered.includes('Hardware'));
  assert.equal((await admin('PATCH', `/api/v1/catalog/category/${hw.id}`, { active: true })).json.active, true);
  assert.equal((await admin('PATCH', `/api/v1/catalog/service/${hw.id}`, { active: true })).status, 404, 'the id is a category');
});

test('merging moves the tickets with a history event each and retires the entry for good', async () => {
  const typo = await add('category', { name: 'Netwrok' });
  const tickets = [];
  for (let i = 0; i < 3; i++) tickets.push((await agent('POST', '/api/v1/tickets', { title: `VPN ${i}`, category: 'Netwrok' })).json.id);
  const into = (await agent('GET', '/api/v1/catalog/category?q=Network')).json.items.find((e) => e.name === 'Network');
  for (const [body, field] of [[{}, 'into'], [{ into: typo.json.id }, 'into'], [{ into: 999999 }, 'into'], [{ into: 'Network' }, 'into']]) {
    const r = await admin('POST', `/api/v1/catalog/category/${typo.json.id}/merge`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  const m = await admin('POST', `/api/v1/catalog/category/${typo.json.id}/merge`, { into: into.id });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.tickets_moved, 3);
  assert.equal(m.json.merged_into, into.id);
  for (const id of tickets) {
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Network');
    const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
    const ev = h.find((e) => e.field === 'category' && e.old_value === 'Netwrok');
    assert.ok(ev && ev.new_value === 'Network' && ev.actor_name === 'Admin', JSON.stringify(h));
  }
  const again = await agent('POST', '/api/v1/tickets', { title: 'x', category: 'Netwrok' });
  assert.equal(again.json.error.message, "category 'Netwrok' was merged into 'Network'");
  assert.equal((await admin('PATCH', `/api/v1/catalog/category/${typo.json.id}`, { active: true })).status, 409);
  // the suggestions' corrections follow the list too
  const audit = (await admin('GET', '/api/v1/audit?action=catalog.')).json.items;
  const merge = audit.find((a) => a.action === 'catalog.merge');
  assert.deepEqual(merge.detail, { into_id: into.id, into: 'Network', tickets: 3 });
  assert.ok(audit.some((a) => a.action === 'catalog.update' && a.detail.label_fr));
  assert.ok(audit.some((a) => a.action === 'catalog.create' && a.target === 'Netwrok'));
});

test('roles: everyone signed in reads the lists, admins change them', async () => {
  assert.equal((await anon('GET', '/api/v1/catalog/category')).status, 401);
  assert.equal((await alice('GET', '/api/v1/catalog/category')).status, 200);
  assert.equal((await agent('POST', '/api/v1/catalog/category', { name: 'Agentic' })).status, 403);
  assert.equal((await alice('PATCH', '/api/v1/catalog/category/1', { label_fr: 'x' })).status, 403);
  assert.equal((await agent('POST', '/api/v1/catalog/category/1/merge', { into: 2 })).status, 403);
});

test('import maps the file\'s own words, adds what the desk lacks on request, or reports it', () => {
  const csv = path.join(env.dir, 'values.csv');
  fs.writeFileSync(csv, 'title,category,service\nA,Netwrok,\nB,Reseau,\nC,Printers,Impression\n');
  const run = (...args) => spawnSync(BIN, ['import', csv, '--db', env.db, '--map', 'title=title,category=category,service=service', ...args],
    { encoding: 'utf8' });
  let r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 2, column 2 \(category\): category 'Netwrok' was merged into 'Network' \(skipped\)/);
  assert.match(r.stderr, /line 3, column 2 \(category\): unknown category 'Reseau': one of Hardware, Network \(skipped\)/);
  assert.match(r.stdout, /imported 0 tickets/);
  r = run('--map-values', 'category:Netwrok=Network;category:Reseau=Network;category:Printers=Hardware');
  assert.match(r.stderr, /line 4, column 3 \(service\): unknown service 'Impression'/);
  assert.match(r.stdout, /imported 2 tickets/);
  r = run('--map-values', 'category:Netwrok=Network;category:Reseau=Network', '--add-values');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 3 tickets/);
  assert.match(r.stdout, /added 2 new values/);
  for (const bad of ['colour:a=b', 'category:a', 'category:=b', 'category:a=']) {
    const x = run('--map-values', bad);
    assert.equal(x.status, 2, bad);
    assert.match(x.stderr, /--map-values/);
  }
});
