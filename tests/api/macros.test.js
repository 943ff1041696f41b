// Canned responses over the API (issue "a desk people can work in all
// day": macros): an agent's own and the shared ones, placeholders filled
// and unknown ones refused by name, field changes checked by the desk's
// rules, and applying one to a ticket in one transaction: the reply and
// the changes together, or nothing (a stale version, a change the
// lifecycle refuses); admins' shared macros audited.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, cli, addEntries } = require('../lib/harness');

let env, srv, admin, agent, agent2, alice, anon, groupId;

test.before(async () => {
  env = makeDb((db) => cli(db, ['user', 'add', '--email', 'zoe@test.example', '--name', 'Zoé Durand', '--role', 'agent']));
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  agent2 = client(srv.url, cli(env.db, ['token', 'create', '--email', 'zoe@test.example']));
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Access', 'Network'] });
  groupId = (await admin('POST', '/api/v1/groups', { name: 'Réseau & Infrastructure' })).json.id;
});
test.after(async () => { if (srv) await srv.stop(); });

const ticket = async (body = {}) => {
  const r = await alice('POST', '/api/v1/tickets', { title: 'Mot de passe oublié', description: 'Je ne peux plus me connecter à ma session.', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const comments = async (id) => (await agent('GET', `/api/v1/tickets/${id}/comments`)).json.items;
const history = async (id) => (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;

test('roles: signed-out 401, requesters 403, agents list their own and the shared ones', async () => {
  assert.equal((await anon('GET', '/api/v1/macros')).status, 401);
  assert.equal((await alice('GET', '/api/v1/macros')).status, 403);
  assert.equal((await alice('POST', '/api/v1/macros', { name_en: 'x', body_en: 'y' })).status, 403);
  const mine = await agent('POST', '/api/v1/macros', { name_en: 'My note', body_en: 'Looking into it.' });
  assert.equal(mine.status, 201, mine.text);
  assert.deepEqual([mine.json.shared, mine.json.editable, mine.json.owner_name], [false, true, 'Agent']);
  const shared = await admin('POST', '/api/v1/macros', { name_fr: 'Bonjour', name_en: 'Hello', body_fr: 'Bonjour {requester_first_name},',
    body_en: 'Hello {requester_first_name},', shared: true });
  assert.equal(shared.status, 201, shared.text);
  assert.equal(shared.json.shared, true);
  // the other agent sees the shared one, not the first agent's own
  const seen = (await agent2('GET', '/api/v1/macros')).json.items.map((m) => m.id);
  assert.ok(seen.includes(shared.json.id));
  assert.ok(!seen.includes(mine.json.id));
  assert.equal((await agent2('GET', `/api/v1/macros/${mine.json.id}`)).status, 404);
  assert.equal((await agent2('PATCH', `/api/v1/macros/${mine.json.id}`, { name_en: 'Mine now' })).status, 404);
  assert.equal((await agent2('DELETE', `/api/v1/macros/${mine.json.id}`)).status, 404);
  // an agent uses a shared macro but does not change it, nor share their own
  const own = (await agent('GET', '/api/v1/macros')).json.items.find((m) => m.id === shared.json.id);
  assert.equal(own.editable, false);
  assert.equal((await agent('PATCH', `/api/v1/macros/${shared.json.id}`, { name_en: 'Hi' })).status, 403);
  assert.equal((await agent('DELETE', `/api/v1/macros/${shared.json.id}`)).status, 403);
  const share = await agent('PATCH', `/api/v1/macros/${mine.json.id}`, { shared: true });
  assert.equal(share.status, 403);
  assert.equal(share.json.error.field, 'shared');
  assert.equal((await agent('POST', '/api/v1/macros', { name_en: 'x', body_en: 'y', shared: true })).status, 403);
});

test('the shared macros are audited as admin actions, personal ones are not', async () => {
  const m = await admin('POST', '/api/v1/macros', { name_en: 'Audited', body_en: 'Text', shared: true });
  assert.equal((await admin('PATCH', `/api/v1/macros/${m.json.id}`, { name_fr: 'Audité', internal: true })).status, 200);
  assert.equal((await admin('DELETE', `/api/v1/macros/${m.json.id}`)).status, 200);
  const rows = (await admin('GET', '/api/v1/audit?target_type=macro&target_id=' + m.json.id)).json.items;
  assert.deepEqual(rows.map((r) => r.action), ['macro.delete', 'macro.update', 'macro.create']);
  assert.deepEqual(rows[1].detail.name_fr, ['', 'Audité']);
  assert.deepEqual(rows[1].detail.internal, [false, true]);
  const mine = await agent('POST', '/api/v1/macros', { name_en: 'Quiet', body_en: 'Text' });
  assert.equal((await admin('GET', '/api/v1/audit?target_type=macro&target_id=' + mine.json.id)).json.items.length, 0);
  // an admin changing an agent's own macro is audited too
  assert.equal((await admin('PATCH', `/api/v1/macros/${mine.json.id}`, { body_en: 'Fixed' })).status, 200);
  assert.deepEqual((await admin('GET', '/api/v1/audit?target_type=macro&target_id=' + mine.json.id)).json.items.map((r) => r.action),
    ['macro.update']);
});

test('a macro is checked when saved: names, texts, placeholders, fields by the desk\'s rules', async () => {
  const cases = [
    [{ body_en: 'x' }, 'name_fr', /needs a name/],
    [{ name_en: '   ', body_en: 'x' }, 'name_fr', /needs a name/],
    [{ name_en: 'x' }, 'body_fr', /reply .* or a field change/],
    [{ name_en: 'x', body_en: 'Hi {requester_nme}' }, 'body_en', /unknown placeholder \{requester_nme\}/],
    [{ name_en: 'x', body_fr: 'Bonjour {prenom}' }, 'body_fr', /\{prenom\}/],
    [{ name_en: 'x'.repeat(101), body_en: 'x' }, 'name_en', /longer than 100/],
    [{ name_en: 'a\nb', body_en: 'x' }, 'name_en', /control character/],
    [{ name_en: 'x', actions: { status: 'done' } }, 'actions.status', /one of/],
    [{ name_en: 'x', actions: { category: 'Netwrok' } }, 'actions.category', /unknown category 'Netwrok'/],
    [{ name_en: 'x', actions: { group_id: 999 } }, 'actions.group_id', /no group/],
    [{ name_en: 'x', actions: { assignee_id: 'you' } }, 'actions.assignee_id', /integer/],
    [{ name_en: 'x', actions: { title: 'New' } }, 'actions.title', /cannot change 'title'/],
    [{ name_en: 'x', actions: { resolution: 'Done by {who}' } }, 'actions.resolution', /\{who\}/],
    [{ name_en: 'x', actions: [] }, 'actions', /object/],
    [{ name_en: 'x', body_en: 'y', colour: 'red' }, 'colour', /unknown field/],
    [{ name_en: 'x', body_en: 'y', internal: 'yes' }, 'internal', /true or false/],
  ];
  for (const [body, field, msg] of cases) {
    const r = await agent('POST', '/api/v1/macros', body);
    assert.equal(r.status, 400, JSON.stringify(body) + ' ' + r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    assert.match(r.json.error.message, msg);
  }
  // a brace around anything but a word is plain text; a category keeps the list's own name
  const ok = await agent('POST', '/api/v1/macros', { name_en: 'Braces', body_en: 'Keep { this } and {This}',
    actions: { category: 'network', assignee_id: 'me', status: 'pending' } });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.json.actions, { assignee_id: 'me', category: 'network', status: 'pending' });
});

test('the preview fills the placeholders in the ticket\'s language and says the changes, writing nothing', async () => {
  const m = await admin('POST', '/api/v1/macros', {
    name_fr: 'Mot de passe réinitialisé', name_en: 'Password reset done', shared: true,
    body_fr: 'Bonjour {requester_first_name},\nvotre mot de passe est réinitialisé (ticket {ticket_id} « {ticket_title} »).\n{agent_name}, {group_name}',
    body_en: 'Hello {requester_first_name}, your password is reset (ticket {ticket_id}). {agent_first_name}',
    actions: { status: 'resolved', resolution: 'Mot de passe réinitialisé par {agent_name}', group_id: groupId, assignee_id: 'me' },
  });
  assert.equal(m.status, 201, m.text);
  const tk = await ticket({ language: 'fr' });
  const before = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
  const p = await agent('GET', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/preview`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.language, 'fr');
  assert.equal(p.json.name, 'Mot de passe réinitialisé');
  assert.equal(p.json.body, `Bonjour Alice,\nvotre mot de passe est réinitialisé (ticket ${tk.id} « Mot de passe oublié »).\nAgent, Réseau & Infrastructure`);
  const me = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  assert.deepEqual(p.json.changes, { status: 'resolved', resolution: 'Mot de passe réinitialisé par Agent', group_id: groupId, assignee_id: me });
  assert.deepEqual(p.json.labels, { group_id: 'Réseau & Infrastructure', assignee_id: 'Agent' });
  // an English ticket gets the English text
  const en = await ticket({ title: 'Forgot my password', language: 'en' });
  const pe = (await agent('GET', `/api/v1/tickets/${en.id}/macros/${m.json.id}/preview`)).json;
  assert.equal(pe.body, `Hello Alice, your password is reset (ticket ${en.id}). Agent`);
  // nothing written
  const after = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
  assert.equal(after.version, before.version);
  assert.equal((await comments(tk.id)).length, 0);
  assert.equal((await alice('GET', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/preview`)).status, 403);
});

test('applying a macro posts the reply and makes the changes in one step, with the history', async () => {
  const m = await admin('POST', '/api/v1/macros', {
    name_fr: 'Réinitialisation faite', name_en: 'Reset done', shared: true,
    body_fr: 'Bonjour {requester_name}, c\'est fait.', body_en: 'Hello {requester_name}, done.',
    actions: { status: 'resolved', resolution: 'Réinitialisé par {agent_first_name}', assignee_id: 'me', category: 'Access' },
  });
  const tk = await ticket({ language: 'fr' });
  const r = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, { version: tk.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ticket.status, 'resolved');
  assert.equal(r.json.ticket.resolution, 'Réinitialisé par Agent');
  assert.equal(r.json.ticket.category, 'Access');
  assert.equal(r.json.ticket.assignee_name, 'Agent');
  assert.equal(r.headers.get('etag'), `"${r.json.ticket.version}"`);
  assert.equal(r.json.comment.body, 'Bonjour Alice, c\'est fait.');
  assert.equal(r.json.comment.internal, false);
  assert.ok(r.json.ticket.first_response_at, 'a public reply is the first response');
  const cs = await comments(tk.id);
  assert.deepEqual(cs.map((c) => c.body), ['Bonjour Alice, c\'est fait.']);
  // the requester sees the reply, not the macro behind it
  const h = (await history(tk.id)).map((e) => e.field);
  assert.ok(h.includes('macro') && h.includes('status') && h.includes('resolution') && h.includes('comment'), h.join());
  const hm = (await history(tk.id)).find((e) => e.field === 'macro');
  assert.equal(hm.new_value, 'Réinitialisation faite');
  assert.equal(hm.actor_name, 'Agent');
  const theirs = (await alice('GET', `/api/v1/tickets/${tk.id}/history`)).json.items.map((e) => e.field);
  assert.ok(!theirs.includes('macro') && theirs.includes('status'));
});

test('the agent\'s edits of the reply and of the changes are what is applied', async () => {
  const m = await agent('POST', '/api/v1/macros', { name_en: 'Need more information', body_en: 'Could you tell us more, {requester_first_name}?',
    actions: { status: 'pending' } });
  const tk = await ticket({ language: 'en' });
  const r = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`,
    { version: tk.version, body: 'Could you send a screenshot, Alice? {not_a_placeholder}', internal: false, changes: { status: 'open', impact: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.comment.body, 'Could you send a screenshot, Alice? {not_a_placeholder}', 'the edited text is sent as it is');
  assert.equal(r.json.ticket.status, 'open');
  assert.equal(r.json.ticket.impact, 2);
  // an internal note
  const note = await agent('POST', '/api/v1/macros', { name_en: 'Escalate', body_en: 'Escalated to {group_name}.', internal: true,
    actions: { group_id: groupId } });
  const r2 = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${note.json.id}/apply`, {});
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.comment.internal, true);
  assert.equal(r2.json.comment.body, 'Escalated to Réseau & Infrastructure.');
  assert.equal(r2.json.ticket.group_id, groupId);
  assert.ok(!(await alice('GET', `/api/v1/tickets/${tk.id}/comments`)).json.items.some((c) => c.internal));
  // bad edits are refused by name
  for (const [body, field] of [[{ body: 5 }, 'body'], [{ internal: 'no' }, 'internal'], [{ changes: { status: 'gone' } }, 'changes.status'],
    [{ changes: { priority: 9 } }, 'changes.priority'], [{ extra: 1 }, 'extra']]) {
    const bad = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, body);
    assert.equal(bad.status, 400, JSON.stringify(body) + bad.text);
    assert.equal(bad.json.error.field, field);
  }
});

test('all or nothing: a stale version (412) and a change the lifecycle refuses (409) write nothing', async () => {
  const m = await agent('POST', '/api/v1/macros', { name_en: 'Waiting', body_en: 'We wait for you, {requester_name}.', actions: { status: 'pending' } });
  const tk = await ticket({ language: 'en' });
  // someone else changed the ticket since the agent read it
  assert.equal((await agent2('PATCH', `/api/v1/tickets/${tk.id}`, { impact: 1, version: tk.version })).status, 200);
  const stale = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, { version: tk.version });
  assert.equal(stale.status, 412, stale.text);
  assert.equal(stale.json.error.changed_by, 'Zoé Durand');
  const ifm = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, undefined, { 'If-Match': `"${tk.version}"` });
  assert.equal(ifm.status, 412, ifm.text);
  assert.equal((await comments(tk.id)).length, 0, 'no reply written');
  assert.equal((await agent('GET', `/api/v1/tickets/${tk.id}`)).json.status, 'new');
  // a closed ticket cannot go back to pending: nothing written either
  const cur = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
  assert.equal((await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'closed', version: cur.version })).status, 200);
  const hBefore = (await history(tk.id)).length;
  const closed = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
  const refused = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, { version: closed.version });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.error.field, 'status');
  assert.match(refused.json.error.message, /from 'closed' to 'pending'/);
  assert.equal((await comments(tk.id)).length, 0);
  assert.equal((await history(tk.id)).length, hBefore, 'no history row: not even the macro\'s');
  const now = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
  assert.deepEqual([now.status, now.version], ['closed', closed.version]);
});

test('a macro whose field values went out of use refuses to apply, naming the field', async () => {
  const e = await admin('POST', '/api/v1/catalog/category', { name: 'Printing' });
  const m = await agent('POST', '/api/v1/macros', { name_en: 'Printer', body_en: 'A printer issue.', actions: { category: 'Printing' } });
  assert.equal(m.status, 201, m.text);
  assert.equal((await admin('PATCH', `/api/v1/catalog/category/${e.json.id}`, { active: false })).status, 200);
  const tk = await ticket();
  const r = await agent('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, {});
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'actions.category');
  assert.match(r.json.error.message, /retired/);
  assert.equal((await comments(tk.id)).length, 0);
  // another agent's own macro cannot be applied; unknown ones are 404
  assert.equal((await agent2('POST', `/api/v1/tickets/${tk.id}/macros/${m.json.id}/apply`, {})).status, 404);
  assert.equal((await agent('POST', `/api/v1/tickets/${tk.id}/macros/999999/apply`, {})).status, 404);
  assert.equal((await agent('POST', `/api/v1/tickets/999999/macros/${m.json.id}/apply`, {})).status, 404);
});

test('owners change and delete their own macros', async () => {
  const m = await agent('POST', '/api/v1/macros', { name_en: 'Old', body_en: 'Old text', actions: { status: 'open' } });
  const p = await agent('PATCH', `/api/v1/macros/${m.json.id}`, { name_fr: 'Nouveau', body_fr: 'Texte', actions: null });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual([p.json.name_fr, p.json.name_en, p.json.body_fr, p.json.actions], ['Nouveau', 'Old', 'Texte', {}]);
  const bad = await agent('PATCH', `/api/v1/macros/${m.json.id}`, { body_en: 'Hi {nobody}' });
  assert.equal(bad.status, 400);
  assert.equal((await agent('GET', `/api/v1/macros/${m.json.id}`)).json.body_en, 'Old text', 'unchanged');
  assert.equal((await agent('DELETE', `/api/v1/macros/${m.json.id}`)).status, 200);
  assert.equal((await agent('GET', `/api/v1/macros/${m.json.id}`)).status, 404);
});

test('bulk: a macro applied to many tickets through the same path, all or nothing', async () => {
  const m = await agent('POST', '/api/v1/macros', { name_en: 'Bulk info', body_fr: 'Bonjour {requester_first_name}, ticket {ticket_id}.',
    body_en: 'Hello {requester_first_name}, ticket {ticket_id}.', actions: { status: 'pending', assignee_id: 'me' } });
  assert.equal(m.status, 201, m.text);
  const a = await ticket({ language: 'fr' });
  const b = await ticket({ title: 'Password expired', language: 'en' });
  const r = await agent('POST', '/api/v1/tickets/bulk', { ids: [a.id, { id: b.id, version: b.version }], macro_id: m.json.id });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => x.id), [a.id, b.id]);
  for (const [tk, text] of [[a, `Bonjour Alice, ticket ${a.id}.`], [b, `Hello Alice, ticket ${b.id}.`]]) {
    const now = (await agent('GET', `/api/v1/tickets/${tk.id}`)).json;
    assert.deepEqual([now.status, now.assignee_name], ['pending', 'Agent']);
    assert.deepEqual((await comments(tk.id)).map((c) => c.body), [text], 'each its own filled reply');
    assert.ok((await history(tk.id)).some((e) => e.field === 'macro'));
  }
  // with set: its change first, then the macro's
  const c2 = await ticket();
  const both = await agent('POST', '/api/v1/tickets/bulk', { ids: [c2.id], set: { priority: 1 }, macro_id: m.json.id });
  assert.equal(both.status, 200, both.text);
  const now = (await agent('GET', `/api/v1/tickets/${c2.id}`)).json;
  assert.deepEqual([now.priority, now.status], [1, 'pending']);
  // one ticket the macro cannot take (closed: not back to pending) refuses them all
  const d = await ticket();
  const e = await ticket();
  assert.equal((await agent('PATCH', `/api/v1/tickets/${e.id}`, { status: 'closed' })).status, 200);
  const before = await Promise.all([d.id, e.id].map(async (id) => [(await agent('GET', `/api/v1/tickets/${id}`)).json.version,
    (await comments(id)).length, (await history(id)).length]));
  const refused = await agent('POST', '/api/v1/tickets/bulk', { ids: [d.id, e.id], set: { priority: 2 }, macro_id: m.json.id });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.error.ticket_id, e.id);
  assert.equal(refused.json.error.field, 'status');
  const after = await Promise.all([d.id, e.id].map(async (id) => [(await agent('GET', `/api/v1/tickets/${id}`)).json.version,
    (await comments(id)).length, (await history(id)).length]));
  assert.deepEqual(after, before, 'no ticket, reply or history row written');
  // another agent's own macro, or none
  assert.equal((await agent2('POST', '/api/v1/tickets/bulk', { ids: [d.id], macro_id: m.json.id })).status, 404);
  assert.equal((await agent('POST', '/api/v1/tickets/bulk', { ids: [d.id], macro_id: 0 })).json.error.field, 'macro_id');
});
