// The knowledge base over the API (issue "Knowledge base, similar tickets
// and duplicates"): every state and role (requesters never see drafts,
// articles under review, archived or internal ones), versions kept with
// the differences between them, translations linked, votes and views,
// a draft made from a solved ticket, Markdown rendered inert, bad input
// refused naming the field, state changes audited.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, addEntries } = require('../lib/harness');

let env, srv, admin, agent, alice, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  anon = client(srv.url, null);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Access', 'Network'], service: ['VPN'] });
});
test.after(async () => { if (srv) await srv.stop(); });

const article = async (body) => {
  const r = await agent('POST', '/api/v1/kb/articles', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const move = (who, id, state) => who('POST', `/api/v1/kb/articles/${id}/state`, { state });

test('an article goes from draft to published; requesters see it only then, and only when public', async () => {
  const a = await article({ title: 'Reset your VPN token', body: '1. Open the portal\n2. Choose **Reset**', lang: 'en', public: true,
    category: 'network', service: 'VPN' });
  assert.deepEqual([a.state, a.version, a.lang, a.public, a.category, a.service], ['draft', 1, 'en', true, 'Network', 'VPN']);
  assert.match(a.html, /<strong>Reset<\/strong>/);
  assert.equal(a.author.name, 'Agent');
  const internal = await article({ title: 'VPN concentrator failover', body: 'Switch to the backup node.', lang: 'en' });
  assert.equal(internal.public, false);
  const list = async (who, q = '') => (await who('GET', `/api/v1/kb/articles${q}`)).json.items.map((x) => x.id);
  for (const state of ['draft', 'review']) {
    if (state === 'review') assert.equal((await move(agent, a.id, 'review')).status, 200);
    assert.equal((await alice('GET', `/api/v1/kb/articles/${a.id}`)).status, 404, state);
    assert.ok(!(await list(alice)).includes(a.id), state);
    assert.ok((await list(agent)).includes(a.id), state);
  }
  const pub = await move(agent, a.id, 'published');
  assert.equal(pub.status, 200, pub.text);
  assert.ok(pub.json.published_at);
  const seen = await alice('GET', `/api/v1/kb/articles/${a.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.json.author, undefined); // who wrote it is the desk's business
  assert.ok((await list(alice)).includes(a.id));
  // the internal one, even published, stays with the desk
  assert.equal((await move(agent, internal.id, 'published')).status, 200);
  assert.equal((await alice('GET', `/api/v1/kb/articles/${internal.id}`)).status, 404);
  assert.ok(!(await list(alice)).includes(internal.id));
  assert.ok(!(await list(alice, '?public=false&state=draft')).includes(internal.id)); // filters cannot widen it
  // archived: gone for requesters, kept for agents
  assert.equal((await move(agent, a.id, 'archived')).status, 200);
  assert.equal((await alice('GET', `/api/v1/kb/articles/${a.id}`)).status, 404);
  assert.ok((await list(agent, '?state=archived')).includes(a.id));
  // roles
  assert.equal((await anon('GET', '/api/v1/kb/articles')).status, 401);
  assert.equal((await alice('POST', '/api/v1/kb/articles', { title: 't', body: 'b' })).status, 403);
  assert.equal((await alice('PATCH', `/api/v1/kb/articles/${internal.id}`, { title: 't' })).status, 403);
  assert.equal((await move(alice, internal.id, 'archived')).status, 403);
  assert.equal((await alice('GET', `/api/v1/kb/articles/${internal.id}/versions`)).status, 403);
});

test('the lifecycle refuses moves it does not allow, naming them; an archived article is restored before a change', async () => {
  const a = await article({ title: 'Printer jam', body: 'Open tray 2.', lang: 'en' });
  const bad = await move(agent, a.id, 'archived');
  assert.equal(bad.status, 409);
  assert.deepEqual([bad.json.error.field, bad.json.error.reason, bad.json.error.from, bad.json.error.to],
    ['state', 'transition', 'draft', 'archived']);
  const unknown = await move(agent, a.id, 'gone');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.reason, 'not_allowed');
  assert.deepEqual(unknown.json.error.allowed, ['draft', 'review', 'published', 'archived']);
  assert.equal((await move(agent, a.id, 'published')).status, 200);
  assert.equal((await move(agent, a.id, 'archived')).status, 200);
  const frozen = await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { body: 'Open tray 3.' });
  assert.equal(frozen.status, 409);
  assert.equal((await move(agent, a.id, 'draft')).status, 200);
  assert.equal((await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { body: 'Open tray 3.' })).status, 200);
  // each move is audited, with the states
  const audit = (await admin('GET', `/api/v1/audit?target_type=article&target_id=${a.id}`)).json.items;
  assert.deepEqual(audit.map((x) => [x.action, ...x.detail.state]).reverse(),
    [['kb.state', 'draft', 'published'], ['kb.state', 'published', 'archived'], ['kb.state', 'archived', 'draft']]);
});

test('every version is kept, with who made it, and the lines that changed between two', async () => {
  const a = await article({ title: 'Outlook keeps asking for a password', body: 'Step one\nStep two\nStep three', lang: 'en' });
  const v2 = await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { body: 'Step one\nStep 2, better\nStep three\nStep four', version: 1 });
  assert.equal(v2.status, 200, v2.text);
  assert.equal(v2.json.version, 2);
  // tags alone make no new version of the text
  const tag = await admin('PATCH', `/api/v1/kb/articles/${a.id}`, { category: 'Access' });
  assert.equal(tag.json.version, 2);
  // a change made from an older version is refused
  const stale = await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { title: 'Outlook password prompts', version: 1 });
  assert.equal(stale.status, 412);
  assert.equal(stale.json.error.reason, 'changed_meanwhile');
  const v3 = await admin('PATCH', `/api/v1/kb/articles/${a.id}`, { title: 'Outlook password prompts' });
  assert.equal(v3.json.version, 3);
  const vs = (await agent('GET', `/api/v1/kb/articles/${a.id}/versions`)).json;
  assert.deepEqual(vs.versions.map((v) => [v.version, v.editor_name]), [[3, 'Admin'], [2, 'Agent'], [1, 'Agent']]);
  assert.deepEqual(vs.events.map((e) => [e.kind, e.version, e.user.name]),
    [['created', 1, 'Agent'], ['edited', 2, 'Agent'], ['edited', null, 'Admin'], ['edited', 3, 'Admin']]);
  const one = await agent('GET', `/api/v1/kb/articles/${a.id}/versions/1`);
  assert.equal(one.json.body, 'Step one\nStep two\nStep three');
  assert.equal((await agent('GET', `/api/v1/kb/articles/${a.id}/versions/9`)).status, 404);
  const d = (await agent('GET', `/api/v1/kb/articles/${a.id}/diff?from=1&to=2`)).json;
  assert.deepEqual(d.lines.map((l) => l.op + l.text),
    [' Step one', '-Step two', '+Step 2, better', ' Step three', '+Step four']);
  assert.equal(d.title, null);
  const t = (await agent('GET', `/api/v1/kb/articles/${a.id}/diff?from=2&to=3`)).json;
  assert.deepEqual(t.title, { from: 'Outlook keeps asking for a password', to: 'Outlook password prompts' });
  assert.equal((await agent('GET', `/api/v1/kb/articles/${a.id}/diff?from=0&to=3`)).status, 400);
  // admins' writing is audited, as is every change of state
  const audit = (await admin('GET', `/api/v1/audit?target_type=article&target_id=${a.id}`)).json.items.map((x) => x.action);
  assert.deepEqual(audit.sort(), ['kb.update', 'kb.update']);
});

test('translations share a family; one article per language in it', async () => {
  const en = await article({ title: 'Connect to the guest Wi-Fi', body: 'Choose the network **Guest** and accept the terms.', public: true });
  assert.equal(en.lang, 'en'); // told by its words
  const fr = await article({ title: 'Se connecter au Wi-Fi invité', body: 'Choisissez le réseau **Invités** et acceptez les conditions.',
    translation_of: en.id, public: true });
  assert.equal(fr.lang, 'fr');
  assert.equal(fr.family_id, en.family_id);
  assert.deepEqual(fr.translations.map((x) => [x.id, x.lang]), [[en.id, 'en']]);
  const twice = await agent('POST', '/api/v1/kb/articles', { title: 'Wi-Fi again', body: 'Other text.', lang: 'en', translation_of: fr.id });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.field, 'lang');
  const none = await agent('POST', '/api/v1/kb/articles', { title: 'x', body: 'y', translation_of: 999999 });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.field, 'translation_of');
  // a requester sees a translation only once it is published
  await move(agent, en.id, 'published');
  assert.deepEqual((await alice('GET', `/api/v1/kb/articles/${en.id}`)).json.translations, []);
  await move(agent, fr.id, 'published');
  assert.deepEqual((await alice('GET', `/api/v1/kb/articles/${en.id}`)).json.translations.map((x) => x.lang), ['fr']);
});

test('search finds articles by their words, accents and case aside; requesters search the published public ones in their language', async () => {
  const a = await article({ title: 'Imprimante hors ligne', body: "Redémarrez l'imprimante puis videz la file d'impression.", lang: 'fr', public: true });
  await move(agent, a.id, 'published');
  const draft = await article({ title: 'Imprimante bloquée', body: 'Brouillon.', lang: 'fr', public: true });
  const q = async (who, s) => (await who('GET', `/api/v1/kb/articles?q=${encodeURIComponent(s)}`)).json.items.map((x) => x.id);
  assert.ok((await q(alice, 'IMPRIMANTE redemarrez')).includes(a.id));
  assert.ok((await q(alice, 'impr')).includes(a.id)); // the words typed so far
  assert.ok(!(await q(alice, 'imprimante')).includes(draft.id));
  assert.ok((await q(agent, 'imprimante')).includes(draft.id));
  assert.deepEqual(await q(alice, 'imprimante scanner'), []);
  const fr = (await alice('GET', '/api/v1/kb/articles?lang=fr')).json.items;
  assert.ok(fr.length && fr.every((x) => x.lang === 'fr'));
  assert.ok(fr[0].excerpt !== undefined && fr[0].body === undefined);
  // hostile or empty queries are words or nothing, never an error
  for (const s of ['"', 'NEAR(a b', '*', 'a OR', '-x', '—', "l'", '漢字', ' ']) {
    const r = await agent('GET', `/api/v1/kb/articles?q=${encodeURIComponent(s)}`);
    assert.equal(r.status, 200, `${s}: ${r.text}`);
  }
  assert.equal((await agent('GET', '/api/v1/kb/articles?state=gone')).status, 400);
  assert.equal((await agent('GET', '/api/v1/kb/articles?lang=de')).status, 400);
  assert.equal((await agent('GET', '/api/v1/kb/articles?limit=0')).status, 400);
  assert.equal((await agent('GET', '/api/v1/kb/articles?sort=x')).status, 400);
});

test('votes are one per person and can change; views count readings of published articles', async () => {
  const a = await article({ title: 'Full disk on your laptop', body: 'Empty the Downloads folder.', lang: 'en', public: true });
  assert.equal((await alice('POST', `/api/v1/kb/articles/${a.id}/vote`, { helpful: true })).status, 404); // a draft
  await move(agent, a.id, 'published');
  let v = await alice('POST', `/api/v1/kb/articles/${a.id}/vote`, { helpful: true });
  assert.deepEqual([v.status, v.json.helpful, v.json.unhelpful], [200, 1, 0]);
  v = await alice('POST', `/api/v1/kb/articles/${a.id}/vote`, { helpful: false });
  assert.deepEqual([v.json.helpful, v.json.unhelpful, v.json.my_vote], [0, 1, false]);
  v = await agent('POST', `/api/v1/kb/articles/${a.id}/vote`, { helpful: true });
  assert.deepEqual([v.json.helpful, v.json.unhelpful], [1, 1]);
  assert.equal((await alice('GET', `/api/v1/kb/articles/${a.id}`)).json.my_vote, false);
  const bad = await alice('POST', `/api/v1/kb/articles/${a.id}/vote`, { helpful: 'yes' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'helpful');
  assert.equal((await alice('POST', `/api/v1/kb/articles/${a.id}/vote`, {})).status, 400);
  await alice('POST', `/api/v1/kb/articles/${a.id}/view`);
  const seen = await alice('POST', `/api/v1/kb/articles/${a.id}/view`);
  assert.equal(seen.json.views, 2);
});

test('a solved ticket becomes a draft in one call, its resolution as the solution', async () => {
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Mon VPN se déconnecte', description: 'Le VPN coupe toutes les dix minutes depuis hier.' })).json;
  const early = await agent('POST', `/api/v1/tickets/${t.id}/kb`);
  assert.equal(early.status, 409);
  const solved = await agent('PATCH', `/api/v1/tickets/${t.id}`, { status: 'resolved', resolution: 'Mise à jour du client VPN en version 5.2.', category: 'Network' });
  assert.equal(solved.status, 200, solved.text);
  const r = await agent('POST', `/api/v1/tickets/${t.id}/kb`);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.state, r.json.lang, r.json.title, r.json.category, r.json.source_ticket_id],
    ['draft', 'fr', 'Mon VPN se déconnecte', 'Network', t.id]);
  assert.match(r.json.body, /## Problème\n\nLe VPN coupe toutes les dix minutes/);
  assert.match(r.json.body, /## Solution\n\nMise à jour du client VPN en version 5.2./);
  assert.equal((await alice('POST', `/api/v1/tickets/${t.id}/kb`)).status, 403);
  assert.equal((await agent('POST', '/api/v1/tickets/999999/kb')).status, 404);
});

test('Markdown comes out inert: raw HTML and script links are dropped', async () => {
  const body = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(2)>',
    '[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org/help)',
    '![pic](vbscript:msgbox) <a href="javascript:alert(4)">a</a>',
    '`<b>code</b>` and **bold**',
  ].join('\n\n');
  const a = await article({ title: 'Hostile <b>title</b>', body, lang: 'en' });
  assert.doesNotMatch(a.html, /<script|onerror|javascript:|vbscript:|data:text|<a href="javascript/i);
  assert.match(a.html, /<a href="https:\/\/example.org\/help">ok<\/a>/);
  assert.match(a.html, /<code>&lt;b&gt;code&lt;\/b&gt;<\/code>/);
  assert.equal(a.title, 'Hostile <b>title</b>'); // kept as typed; the UI shows it as text
  // the tree the UI builds from: no raw HTML node, the script link without a target
  const flat = JSON.stringify(a.doc);
  assert.doesNotMatch(flat, /script|onerror|javascript|vbscript|data:text/i);
  assert.match(flat, /"href":"https:\/\/example.org\/help"/);
  const prev = await agent('POST', '/api/v1/kb/preview', { body: '# Hi\n\n<i>x</i> *y*' });
  assert.equal(prev.status, 200);
  assert.deepEqual(prev.json.doc.c.map((n) => n.t), ['h', 'p']);
  assert.equal((await alice('POST', '/api/v1/kb/preview', { body: 'x' })).status, 403);
});

test('bad input is refused naming the field: empty, oversized, wrong types, unknown fields and tags', async () => {
  const cases = [
    [{ body: 'x' }, 'title', 'required'],
    [{ title: 'x' }, 'body', 'required'],
    [{ title: '  ', body: 'x' }, 'title', 'required'],
    [{ title: 'x'.repeat(201), body: 'x' }, 'title', 'too_long'],
    [{ title: 'x', body: 'x'.repeat(100001) }, 'body', 'too_long'],
    [{ title: 'a\nb', body: 'x' }, 'title', 'control_char'],
    [{ title: 7, body: 'x' }, 'title', 'wrong_type'],
    [{ title: 'x', body: 'x', public: 'yes' }, 'public', 'wrong_type'],
    [{ title: 'x', body: 'x', lang: 'de' }, 'lang', 'not_allowed'],
    [{ title: 'x', body: 'x', category: 'Nowhere' }, 'category', 'unknown_entry'],
    [{ title: 'x', body: 'x', colour: 'red' }, 'colour', 'unknown_field'],
  ];
  for (const [body, field, reason] of cases) {
    const r = await agent('POST', '/api/v1/kb/articles', body);
    assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
    assert.deepEqual([r.json.error.field, r.json.error.reason], [field, reason], JSON.stringify(body).slice(0, 80));
  }
  const raw = await agent('POST', '/api/v1/kb/articles', '{"title": "x", "body": ');
  assert.equal(raw.status, 400);
  assert.equal((await agent('GET', '/api/v1/kb/articles/999999')).status, 404);
  assert.equal((await agent('PATCH', '/api/v1/kb/articles/999999', { title: 'x' })).status, 404);
  // a big, valid article is kept whole
  const big = 'Line of help text.\n'.repeat(5000);
  const ok = await article({ title: 'Long guide', body: big, lang: 'en' });
  assert.equal((await agent('GET', `/api/v1/kb/articles/${ok.id}`)).json.body, big);
});

test('suggestions for a text being typed: the published articles holding its words, in its language first; a deflection recorded', async () => {
  const fr = await article({ title: 'Imprimante hors ligne au 3e étage', body: "Redémarrez l'imprimante puis relancez la file d'impression.", lang: 'fr', public: true });
  const en = await article({ title: 'Printer shows offline', body: 'Restart the printer, then restart the print queue.', lang: 'en', public: true, translation_of: fr.id });
  const internal = await article({ title: 'Print server spooler restart', body: 'Restart the spooler on the print server when the queue is stuck.', lang: 'en' });
  const draft = await article({ title: 'Printer offline again', body: 'Draft about the printer being offline.', lang: 'en', public: true });
  for (const a of [fr, en, internal]) await move(agent, a.id, 'published');
  const ids = async (who, text) => (await who('GET', `/api/v1/kb/suggest?text=${encodeURIComponent(text)}`)).json.items.map((x) => x.id);
  const frFound = (await alice('GET', `/api/v1/kb/suggest?text=${encodeURIComponent("Mon imprimante est hors ligne depuis ce matin")}`)).json.items;
  assert.ok(frFound.some((x) => x.id === fr.id));
  assert.ok(frFound.every((x) => x.lang === 'fr'), JSON.stringify(frFound));
  const enFound = (await alice('GET', `/api/v1/kb/suggest?text=${encodeURIComponent('the printer is offline on floor 3')}`)).json.items;
  assert.equal(enFound[0].id, en.id);
  assert.deepEqual(enFound[0].words.sort(), ['offline', 'printer']);
  assert.ok(!enFound.some((x) => x.id === internal.id || x.id === draft.id)); // internal and drafts stay with the desk
  assert.ok((await ids(agent, 'print queue stuck, spooler')).includes(internal.id)); // agents get the internal ones
  // a single shared common word is not enough when the text has several
  assert.deepEqual(await ids(alice, 'my screen is offline and flickers'), []);
  assert.deepEqual(await ids(alice, 'the and of'), []); // stop words alone
  assert.deepEqual(await ids(alice, ''), []);
  assert.equal((await alice('GET', `/api/v1/kb/suggest?text=${'a'.repeat(20001)}`)).status, 400);
  assert.equal((await alice('GET', '/api/v1/kb/suggest?text=x&limit=50')).status, 400);
  for (const s of ['"', 'NEAR(', 'a"b c"d', '*', '漢字 テスト']) assert.equal((await alice('GET', `/api/v1/kb/suggest?text=${encodeURIComponent(s)}`)).status, 200, s);
  // "this solved my problem"
  const d = await alice('POST', `/api/v1/kb/articles/${en.id}/deflect`, { text: 'the printer is offline on floor 3' });
  assert.equal(d.status, 201, d.text);
  assert.equal((await agent('GET', `/api/v1/kb/articles/${en.id}`)).json.deflections, 1);
  assert.equal((await alice('GET', `/api/v1/kb/articles/${en.id}`)).json.deflections, undefined);
  assert.equal((await alice('POST', `/api/v1/kb/articles/${internal.id}/deflect`, {})).status, 404);
  assert.equal((await alice('POST', `/api/v1/kb/articles/${draft.id}/deflect`, {})).status, 404);
  assert.equal((await alice('POST', `/api/v1/kb/articles/${en.id}/deflect`, { text: 5 })).status, 400);
});

test('text that is not UTF-8 is refused naming its parameter; unchanged retired tags do not block a save', async () => {
  for (const [path, field] of [['/api/v1/kb/articles?q=%FF%FEabc', 'q'], ['/api/v1/kb/suggest?text=%C3', 'text'], ['/api/v1/search/similar?text=ab%80cd', 'text']]) {
    const r = await agent('GET', path);
    assert.deepEqual([r.status, r.json.error.field, r.json.error.reason], [400, field, 'invalid_utf8'], path);
  }
  const a = await article({ title: 'Old VPN client', body: 'Use the old client.', lang: 'en', service: 'VPN' });
  const list = (await admin('GET', '/api/v1/catalog/service?q=VPN')).json.items.find((e) => e.name === 'VPN');
  assert.equal((await admin('PATCH', `/api/v1/catalog/service/${list.id}`, { active: false })).status, 200);
  const r = await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { body: 'Use the new client.', service: 'VPN', version: 1 });
  assert.equal(r.status, 200, r.text);
  assert.equal((await agent('PATCH', `/api/v1/kb/articles/${a.id}`, { service: 'vpn' })).json.service, 'VPN');
  assert.equal((await admin('PATCH', `/api/v1/catalog/service/${list.id}`, { active: true })).status, 200);
});
