// Triage over the API against a real server whose models were trained on
// the demo generator's tickets: predictions at creation, suggestions with
// accept and override, the preview, models, thresholds, training and roles.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BIN, cli, startServer, client } = require('../lib/harness');
const { execFileSync } = require('node:child_process');

let dir, db, srv, admin, agent, alice, anon, agentToken;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-triage-'));
  db = path.join(dir, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db, '--tickets', '600', '--seed', '5', '--no-passwords']);
  const tok = {};
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent'], ['alice', 'requester']]) {
    cli(db, ['user', 'add', '--email', `${name}@test.example`, '--name', name, '--role', role]);
    tok[name] = cli(db, ['token', 'create', '--email', `${name}@test.example`]);
  }
  const out = cli(db, ['train']);
  assert.match(out, /category +v1: .* active/);
  srv = await startServer(db);
  admin = client(srv.url, tok.admin);
  agent = client(srv.url, tok.agent);
  agentToken = tok.agent;
  alice = client(srv.url, tok.alice);
  anon = client(srv.url, null);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const vpn = { title: 'VPN ne marche plus', description: 'Impossible de me connecter au VPN depuis ce matin, tout le service est bloqué' };

test('a ticket no class fits is "not sure": nothing applied, its guesses listed', async () => {
  const r = await agent('POST', '/api/v1/tickets', { title: 'Question', description: 'Bonjour, une question rapide, merci.' });
  assert.equal(r.status, 201, r.text);
  const cat = r.json.suggestions.find((s) => s.field === 'category');
  assert.ok(cat, JSON.stringify(r.json.suggestions));
  assert.ok(cat.confidence < 0.4, `confidence ${cat.confidence}`);
  assert.equal(cat.level, 'Unsure');
  assert.equal(cat.state, 'suggested', JSON.stringify(cat));
  assert.equal(r.json.category, null);
  assert.equal(cat.top.length, 3);
  // a clear ticket is not
  const vpnCat = (await agent('POST', '/api/v1/tickets', vpn)).json.suggestions.find((s) => s.field === 'category');
  assert.notEqual(vpnCat.level, 'Unsure');
});

test('creation runs triage in the same request: applied fields carry the model in the history', async () => {
  const r = await agent('POST', '/api/v1/tickets', vpn);
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  assert.equal(t.language, 'fr');
  assert.equal(t.category, 'Network');
  assert.equal(t.impact, 2, 'a whole team is a cue');
  assert.match(t.impact_cue, /tout le service/);
  // the cue is kept with the ticket, read-only, and goes when a person sets the impact
  assert.match((await agent('GET', `/api/v1/tickets/${t.id}`)).json.impact_cue, /tout le service/);
  const ro = await agent('PATCH', `/api/v1/tickets/${t.id}`, { impact_cue: 'x' });
  assert.equal(ro.status, 400);
  assert.equal(ro.json.error.field, 'impact_cue');
  const p = await agent('PATCH', `/api/v1/tickets/${t.id}`, { impact: 3 });
  assert.equal(p.json.impact_cue, null);
  const cat = t.suggestions.find((s) => s.field === 'category');
  assert.equal(cat.state, 'applied');
  assert.ok(cat.confidence > 0.5 && cat.confidence <= 1);
  assert.ok(['High', 'Medium', 'Low', 'Unsure'].includes(cat.level));
  assert.equal(cat.top.length, 3);
  assert.ok(cat.for.some((w) => w.word === 'vpn' && w.weight > 0 && w.in === 'title' && w.offset === 0));
  const h = await agent('GET', `/api/v1/tickets/${t.id}/history`);
  const ev = h.json.items.find((e) => e.field === 'category');
  assert.equal(ev.actor_kind, 'model');
  assert.match(ev.model_version, /^category v1$/);
  assert.ok(ev.confidence > 0);
  // a field the person set is theirs: no prediction replaces it
  const own = await agent('POST', '/api/v1/tickets', { ...vpn, category: 'Hardware' });
  assert.equal(own.json.category, 'Hardware');
  assert.ok(!own.json.suggestions.some((s) => s.field === 'category'));
});

test('requesters never see suggestions or models', async () => {
  const r = await alice('POST', '/api/v1/tickets', { title: 'Printer jam', description: 'The printer on floor 2 is jammed again' });
  assert.equal(r.status, 201);
  assert.ok(!('suggestions' in r.json));
  assert.equal(r.json.language, 'en');
  for (const [m, p, b] of [['GET', `/api/v1/tickets/${r.json.id}/suggestions`], ['POST', '/api/v1/triage', vpn],
    ['GET', '/api/v1/models'], ['POST', `/api/v1/tickets/${r.json.id}/suggestions/category/accept`],
    ['POST', '/api/v1/models/train', {}], ['PUT', '/api/v1/models/category/thresholds', { mode: 'never' }]]) {
    assert.equal((await alice(m, p, b)).status, 403, `${m} ${p}`);
    assert.equal((await anon(m, p, b)).status, 401, `${m} ${p}`);
  }
  const s = await agent('GET', `/api/v1/tickets/${r.json.id}/suggestions`);
  assert.equal(s.status, 200);
  assert.ok(s.json.items.length >= 2);
  // the history tells the requester what changed, never the model behind it
  const mine = (await alice('GET', `/api/v1/tickets/${r.json.id}/history`)).json.items;
  const theirs = (await agent('GET', `/api/v1/tickets/${r.json.id}/history`)).json.items;
  assert.ok(theirs.some((e) => e.actor_kind === 'model' && e.model_version), JSON.stringify(theirs));
  assert.equal(mine.length, theirs.length);
  for (const e of mine) {
    assert.notEqual(e.actor_kind, 'model', JSON.stringify(e));
    assert.ok(!('model_version' in e) && !('confidence' in e), JSON.stringify(e));
  }
  assert.ok(!JSON.stringify(mine).match(/ v\d+"/), 'no model version anywhere: ' + JSON.stringify(mine));
});

test('requesters describe impact in words, never through impact or urgency', async () => {
  for (const body of [{ impact: 1 }, { urgency: 1 }, { impact: 1, urgency: 1 }, { priority: 1 }]) {
    const r = await alice('POST', '/api/v1/tickets', { title: 'Everything is down', ...body });
    assert.equal(r.status, 403, JSON.stringify(body) + ' ' + r.text);
    assert.equal(r.json.error.field, Object.keys(body)[0]);
  }
  // the words still count: a whole team is a cue
  const r = await alice('POST', '/api/v1/tickets', vpn);
  assert.equal(r.status, 201, r.text);
  const t = (await agent('GET', `/api/v1/tickets/${r.json.id}`)).json;
  assert.equal(t.impact, 2);
  assert.match(t.impact_cue, /tout le service/);
});

test('accept and override: the ticket changes, the decision is recorded, priority follows', async () => {
  const t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  const urg = t.suggestions.find((s) => s.field === 'urgency');
  assert.ok(urg, 'urgency is predicted');
  let r = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/urgency/accept`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'accepted');
  let cur = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(String(cur.urgency), urg.value);
  assert.ok(cur.priority >= 1 && cur.priority <= 4, 'ITIL priority from impact and urgency');
  assert.ok(cur.sla_due_at, 'an SLA due time comes with the priority');
  r = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/category/override`, { value: 'Access' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'overridden');
  cur = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(cur.category, 'Access');
  const h = (await agent('GET', `/api/v1/tickets/${t.id}/history`)).json.items;
  const person = h.filter((e) => e.actor_kind === 'person').map((e) => e.field);
  assert.ok(person.includes('category') && person.includes('urgency'), JSON.stringify(h));
  const sug = (await agent('GET', `/api/v1/tickets/${t.id}/suggestions`)).json.items;
  assert.equal(sug.find((s) => s.field === 'category').state, 'overridden');
  assert.ok(sug.find((s) => s.field === 'urgency').decided_by > 0);
  // group by name or id
  const groups = (await agent('GET', '/api/v1/groups')).json;
  const g = (groups.items || groups)[0];
  r = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/group/override`, { value: g.id });
  assert.equal(r.status, 200, r.text);
  assert.equal((await agent('GET', `/api/v1/tickets/${t.id}`)).json.group_id, g.id);
});

test('accepting a value the model already set records who confirmed it; requesters do not see it', async () => {
  const t = (await alice('POST', '/api/v1/tickets', vpn)).json;
  const cat = (await agent('GET', `/api/v1/tickets/${t.id}/suggestions`)).json.items.find((s) => s.field === 'category');
  assert.equal(cat.state, 'applied');
  const before = (await agent('GET', `/api/v1/tickets/${t.id}/history`)).json.items.length;
  assert.equal((await agent('POST', `/api/v1/tickets/${t.id}/suggestions/category/accept`)).status, 200);
  const h = (await agent('GET', `/api/v1/tickets/${t.id}/history`)).json.items;
  assert.equal(h.length, before + 1, 'one event: the confirmation');
  const ev = h[h.length - 1];
  assert.deepEqual([ev.field, ev.old_value, ev.new_value, ev.actor_kind, ev.actor_name],
    ['suggestion_accepted', 'category', cat.value, 'person', 'agent']);
  const theirs = (await alice('GET', `/api/v1/tickets/${t.id}/history`)).json.items;
  assert.ok(!theirs.some((e) => e.field === 'suggestion_accepted'), JSON.stringify(theirs));
});

test('a person editing a triaged field in the form is a correction too; the queue mark goes', async () => {
  const t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  assert.equal(t.suggestions.find((s) => s.field === 'category').state, 'applied');
  const listed = async () => (await agent('GET', '/api/v1/tickets?limit=5&sort=-id')).json.items.find((x) => x.id === t.id);
  assert.ok('category' in (await listed()).model_set, 'marked while the model value stands');
  const r = await agent('PATCH', `/api/v1/tickets/${t.id}`, { category: 'Access' });
  assert.equal(r.status, 200, r.text);
  const sug = (await agent('GET', `/api/v1/tickets/${t.id}/suggestions`)).json.items;
  const cat = sug.find((s) => s.field === 'category');
  assert.equal(cat.state, 'overridden');
  assert.ok(cat.decided_by > 0);
  assert.ok(!('category' in (await listed()).model_set), 'no mark once a person chose');
  // choosing the model's own value in the form confirms it
  const urg = sug.find((s) => s.field === 'urgency');
  await agent('PATCH', `/api/v1/tickets/${t.id}`, { urgency: Number(urg.value) });
  const u2 = (await agent('GET', `/api/v1/tickets/${t.id}/suggestions`)).json.items.find((s) => s.field === 'urgency');
  assert.equal(u2.state, 'accepted');
});

test('decisions on bad input are refused with the field named, nothing changes', async () => {
  const t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  const before = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  const cases = [
    ['category/override', {}, 400, 'value'],
    ['category/override', { value: 12 }, 400, 'value'],
    ['category/override', { value: 'x', extra: 1 }, 400, 'extra'],
    ['urgency/override', { value: 7 }, 400, 'value'],
    ['urgency/override', { value: '1x' }, 400, 'value'],
    ['group/override', { value: 'No Such Group' }, 400, 'value'],
    ['group/override', { value: 999999 }, 400, 'value'],
    ['nosuchfield/accept', undefined, 404],
    ['Category/accept', undefined, 404],
  ];
  for (const [p, body, status, field] of cases) {
    const r = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/${p}`, body);
    assert.equal(r.status, status, `${p} ${JSON.stringify(body)}: ${r.text}`);
    if (field) assert.equal(r.json.error.field, field);
  }
  const bad = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/category/override`, '{"value": "x"');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /line 1/);
  const none = await agent('POST', `/api/v1/tickets/${t.id}/suggestions/service/accept`);
  assert.equal(none.status, 404, 'no model for service: no suggestion');
  assert.equal((await agent('POST', '/api/v1/tickets/999999/suggestions/category/accept')).status, 404);
  const after = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.deepEqual(after, before);
});

test('preview: predictions and words, nothing stored; bad input named', async () => {
  const n0 = (await agent('GET', '/api/v1/tickets?limit=1&sort=-id')).json.items[0].id;
  const r = await agent('POST', '/api/v1/triage', { title: 'Imprimante bloquée', description: "l'imprimante du 2e étage affiche bourrage papier" });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.language, 'fr');
  const cat = r.json.predictions.find((p) => p.field === 'category');
  assert.equal(cat.value, 'Printing');
  assert.ok(['would_apply', 'would_suggest'].includes(cat.state));
  assert.ok(cat.for.length > 0);
  assert.equal((await agent('GET', '/api/v1/tickets?limit=1&sort=-id')).json.items[0].id, n0);
  assert.equal((await agent('POST', '/api/v1/triage', { description: 'x' })).json.error.field, 'title');
  assert.equal((await agent('POST', '/api/v1/triage', { title: 'x', language: 'de' })).json.error.field, 'language');
  assert.equal((await agent('POST', '/api/v1/triage', { title: 'x', foo: 1 })).json.error.field, 'foo');
  const inv = await agent('POST', '/api/v1/triage', Buffer.from('{"title":"\xff\xfe"}', 'latin1'));
  assert.equal(inv.status, 400);
  const big = await agent('POST', '/api/v1/triage', { title: 'x', description: 'vpn '.repeat(20000) });
  assert.equal(big.status, 400, 'description over 65536 bytes');
  const many = await agent('POST', '/api/v1/triage', { title: 'x', description: 'vpn '.repeat(16000) });
  assert.equal(many.status, 200, 'a long text is cut, not refused');
});

test('models, thresholds and training', async () => {
  let r = await agent('GET', '/api/v1/models');
  assert.equal(r.status, 200);
  const cat = r.json.models.find((m) => m.field === 'category' && m.active);
  assert.ok(cat.metrics.macro_f1 > 0.5);
  assert.ok(cat.classes.length >= 8);
  for (const c of cat.classes) assert.ok('precision' in c && 'coverage' in c && 'threshold' in c);
  // an admin makes category suggest-only: the next ticket keeps it as a suggestion
  assert.equal((await agent('PUT', '/api/v1/models/category/thresholds', { mode: 'never' })).status, 403);
  for (const [body, field] of [[{ mode: 'sometimes' }, 'mode'], [{ mode: 'target', target: 2 }, 'target'],
    [{ mode: 'target' }, 'target'], [{ mode: 'never', target: 0.9 }, 'target'],
    [{ class: 'Nope', mode: 'never' }, 'class'], [{ class: 7, mode: 'never' }, 'class']]) {
    const e = await admin('PUT', '/api/v1/models/category/thresholds', body);
    assert.equal(e.status, 400, JSON.stringify(body));
    assert.equal(e.json.error.field, field);
  }
  assert.equal((await admin('PUT', '/api/v1/models/nope/thresholds', { mode: 'never' })).status, 404);
  r = await admin('PUT', '/api/v1/models/category/thresholds', { mode: 'never' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.classes.every((c) => c.threshold === 'never'));
  let t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  assert.equal(t.category, null);
  assert.equal(t.suggestions.find((s) => s.field === 'category').state, 'suggested');
  r = await admin('PUT', '/api/v1/models/category/thresholds', { class: 'Network', mode: 'always' });
  assert.equal(r.status, 200);
  t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  assert.equal(t.category, 'Network', 'a per-class setting wins over the field default');
  r = await admin('PUT', '/api/v1/models/category/thresholds', { mode: 'target', target: 0.9 });
  assert.equal(r.status, 200);
  // training: labels the model applied and nobody confirmed are not training data
  const before = cat.n_train;
  assert.equal((await agent('POST', '/api/v1/models/train', {})).status, 403);
  assert.equal((await admin('POST', '/api/v1/models/train', { field: 'colour' })).json.error.field, 'field');
  r = await admin('POST', '/api/v1/models/train', { field: 'category', force: true });
  assert.equal(r.status, 200, r.text);
  const rep = r.json.reports[0];
  assert.equal(rep.trained, true);
  assert.equal(rep.version, 2);
  assert.equal(rep.activated, true);
  // new labels since: one ticket created with 'Hardware' by a person, one
  // overridden to 'Access', one changed to 'Access' in the form and one
  // the model applied and an agent confirmed; the categories the model
  // applied and nobody confirmed are not labels
  assert.equal(rep.n_train, before + 4, JSON.stringify(rep));
  // four tickets newer than v1: too few to score both models on them
  assert.equal(rep.comparison.basis, 'out_of_fold', JSON.stringify(rep));
  assert.equal(rep.comparison.tickets, 0);
  assert.equal(rep.comparison.new_macro_f1, rep.macro_f1);
  assert.ok(rep.comparison.active_macro_f1 > 0.5);
  r = await agent('GET', '/api/v1/models');
  assert.equal(r.json.models.find((m) => m.field === 'category' && m.active).version, 2);
  // 33 tickets v2 never saw, categorised by agents: both models are scored
  // on exactly those, and the decision follows the figures
  const fresh = [
    ['VPN : connexion refusée', 'Le client VPN affiche erreur 691 depuis ce matin en télétravail', 'Network'],
    ['Printer on floor 3 does not print', 'Jobs stay stuck in the queue, the printer shows no error', 'Hardware'],
    ['Mot de passe expiré', 'Mon compte est verrouillé après le changement de mot de passe', 'Access'],
  ];
  for (let i = 0; i < 33; i++) {
    const [title, description, category] = fresh[i % 3];
    const c = await agent('POST', '/api/v1/tickets', { title: `${title} (${i})`, description, category });
    assert.equal(c.status, 201, c.text);
  }
  r = await admin('POST', '/api/v1/models/train', { field: 'category' });
  assert.equal(r.status, 200, r.text);
  const rep3 = r.json.reports[0];
  assert.equal(rep3.version, 3);
  assert.equal(rep3.comparison.basis, 'unseen', JSON.stringify(rep3));
  assert.equal(rep3.comparison.tickets, 33);
  const { new_macro_f1: nf, active_macro_f1: af } = rep3.comparison;
  assert.ok(nf >= 0 && nf <= 1 && af >= 0 && af <= 1, JSON.stringify(rep3));
  assert.equal(rep3.activated, nf >= af - 0.005, JSON.stringify(rep3));
  if (!rep3.activated) assert.match(rep3.note, /33 tickets it had not seen/);
  r = await agent('GET', '/api/v1/models');
  assert.equal(r.json.models.find((m) => m.field === 'category' && m.active).version, rep3.activated ? 3 : 2);
});

test('the server retrains in the background after enough corrections', async () => {
  // a second server on the same database, checking every second, with a
  // trigger of 2 corrections
  execFileSync('sqlite3', [db, "INSERT OR REPLACE INTO settings VALUES ('triage.retrain_after', '2')"]);
  const bg = await startServer(db, { args: ['--retrain-check', '1'] });
  try {
    const ag = client(bg.url, agentToken);
    const before = (await ag('GET', '/api/v1/models')).json.models.filter((m) => m.field === 'urgency').length;
    for (let i = 0; i < 2; i++) {
      const t = (await ag('POST', '/api/v1/tickets', vpn)).json;
      assert.equal((await ag('POST', `/api/v1/tickets/${t.id}/suggestions/urgency/override`, { value: 1 })).status, 200);
    }
    let after = before;
    for (let i = 0; i < 60 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = (await ag('GET', '/api/v1/models')).json.models.filter((m) => m.field === 'urgency').length;
    }
    assert.equal(after, before + 1, 'a new urgency model version was trained');
  } finally {
    const r = await bg.stop();
    assert.equal(r.code, 0, bg.stderr());
  }
});

test('settings: admin only, every key checked, nothing written unless all are valid', async () => {
  assert.equal((await agent('GET', '/api/v1/settings')).status, 403);
  assert.equal((await anon('PUT', '/api/v1/settings', {})).status, 401);
  let r = await admin('GET', '/api/v1/settings');
  assert.equal(r.status, 200);
  assert.equal(r.json['triage.fields'].value, 'category,group,urgency');
  assert.equal(r.json['sla.p1_hours'].value, 4);
  for (const [body, field] of [
    [{ 'sla.p1_hours': 0 }, 'sla.p1_hours'], [{ 'sla.p1_hours': '4' }, 'sla.p1_hours'],
    [{ 'triage.fields': 'category,colour' }, 'triage.fields'], [{ 'triage.fields': 'group,group' }, 'triage.fields'],
    [{ 'triage.fields': '' }, 'triage.fields'], [{ 'no.such': 1 }, 'no.such'],
    [{ 'triage.critical': 'x'.repeat(3000) }, 'triage.critical'],
    [{ 'sla.p2_hours': 6, 'triage.retrain_after': -1 }, 'triage.retrain_after']]) {
    const e = await admin('PUT', '/api/v1/settings', body);
    assert.equal(e.status, 400, JSON.stringify(body));
    assert.equal(e.json.error.field, field);
  }
  assert.equal((await admin('GET', '/api/v1/settings')).json['sla.p2_hours'].value, 8, 'a refused request writes nothing');
  r = await admin('PUT', '/api/v1/settings', { 'triage.fields': 'category,group,urgency,service', 'triage.critical': 'VPN, ERP', 'sla.p2_hours': 6 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json['sla.p2_hours'].value, 6);
  // the named field is learnt at the next training, and predicted at creation
  r = await admin('POST', '/api/v1/models/train', { field: 'service' });
  assert.equal(r.json.reports[0].trained, true, r.text);
  const t = (await agent('POST', '/api/v1/tickets', { title: 'SAP très lent', description: "L'ERP SAP met deux minutes à ouvrir chaque écran" })).json;
  assert.ok(t.suggestions.some((s) => s.field === 'service'), JSON.stringify(t.suggestions));
  // a critical service named in the text is an impact cue
  assert.equal(t.impact, 2);
  assert.match(t.impact_cue, /critical service "ERP"/);
  // a field taken out of triage is no longer predicted, at once
  r = await admin('PUT', '/api/v1/settings', { 'triage.fields': 'category,group,urgency' });
  assert.equal(r.status, 200);
  const t2 = (await agent('POST', '/api/v1/tickets', { title: 'SAP très lent', description: "L'ERP SAP est lent" })).json;
  assert.ok(!t2.suggestions.some((s) => s.field === 'service'), JSON.stringify(t2.suggestions));
  r = await admin('PUT', '/api/v1/settings', { 'triage.fields': 'category,group,urgency,service' });
  assert.equal(r.status, 200);
});

test('models are swapped while tickets are being created: no request fails or waits for training', async () => {
  const before = (await admin('GET', '/api/v1/models')).json.models.filter((m) => m.field === 'category').length;
  const creations = [];
  let stop = false;
  const writer = async () => {
    while (!stop) creations.push((await agent('POST', '/api/v1/tickets', vpn)).status);
  };
  const writers = [writer(), writer(), writer(), writer()];
  for (let i = 0; i < 2; i++) {
    const r = await admin('POST', '/api/v1/models/train', { field: 'category', force: true });
    assert.equal(r.status, 200, r.text);
  }
  stop = true;
  await Promise.all(writers);
  assert.ok(creations.length >= 8, `only ${creations.length} creations`);
  assert.deepEqual([...new Set(creations)], [201]);
  const after = (await admin('GET', '/api/v1/models')).json.models.filter((m) => m.field === 'category');
  assert.equal(after.length, before + 2);
  assert.equal(after.filter((m) => m.active).length, 1);
  // the newest model is the one in use
  const t = (await agent('POST', '/api/v1/tickets', vpn)).json;
  const cat = t.suggestions.find((s) => s.field === 'category');
  assert.equal(cat.model_version, Math.max(...after.map((m) => m.version)));
});

test('a server whose configured fields have no model trains them at its first check', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-untrained-'));
  const db2 = path.join(d2, 'relais.db');
  execFileSync(BIN, ['demo', '--db', db2, '--tickets', '300', '--seed', '3', '--no-passwords']);
  cli(db2, ['user', 'add', '--email', 'agent@test.example', '--name', 'agent', '--role', 'agent']);
  const s2 = await startServer(db2, { args: ['--retrain-check', '1'] });
  try {
    const ag = client(s2.url, cli(db2, ['token', 'create', '--email', 'agent@test.example']));
    let active = [];
    for (let i = 0; i < 80 && active.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      active = (await ag('GET', '/api/v1/models')).json.models.filter((m) => m.active).map((m) => m.field);
    }
    assert.deepEqual(active.sort(), ['category', 'group', 'urgency']);
    const t = (await ag('POST', '/api/v1/tickets', vpn)).json;
    assert.ok(t.suggestions.length >= 3, 'the new models are in use at once');
  } finally {
    const r = await s2.stop();
    assert.equal(r.code, 0, s2.stderr());
  }
});

test('metrics count predictions by field and state and name the active models', async () => {
  assert.equal((await agent('GET', '/metrics')).status, 403);
  const m = await admin('GET', '/metrics');
  assert.equal(m.status, 200);
  const gauge = (name, labels) => {
    const line = m.text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  // earlier tests applied, suggested, accepted and overrode predictions
  for (const state of ['applied', 'overridden'])
    assert.ok(gauge('relais_triage_predictions', `field="category",state="${state}"`) >= 1, `${state}:\n${m.text}`);
  const models = (await admin('GET', '/api/v1/models')).json.models.filter((x) => x.active);
  for (const x of models) {
    assert.equal(gauge('relais_triage_model_version', `field="${x.field}"`), x.version, x.field);
    assert.ok(gauge('relais_triage_model_macro_f1', `field="${x.field}"`) > 0.3, x.field);
  }
  assert.match(m.text, /# TYPE relais_triage_predictions gauge/);
});

test('every activation of a model is audited, by the console or by the admin who trained it', async () => {
  const rows = (await admin('GET', '/api/v1/audit?action=model.activate&limit=500')).json.items;
  const cat = rows.filter((r) => r.target === 'category' && r.actor === 'console');
  assert.ok(cat.length >= 1, JSON.stringify(rows));
  assert.equal(cat[cat.length - 1].detail.previous_version, null, 'the first model replaced none');
  const r = await admin('POST', '/api/v1/models/train', { field: 'category', force: true });
  assert.equal(r.status, 200, r.text);
  const v = r.json.reports[0].version;
  const last = (await admin('GET', '/api/v1/audit?action=model.activate&limit=1')).json.items[0];
  assert.equal(last.actor, 'admin@test.example');
  assert.equal(last.client, '127.0.0.1');
  assert.deepEqual(last.detail, { field: 'category', version: v, previous_version: v - 1 });
  const train = (await admin('GET', '/api/v1/audit?action=model.train&limit=1')).json.items[0];
  assert.deepEqual(train.detail, { force: true, fields: [{ field: 'category', trained: true, version: v, activated: true }] });
});

test('a search lists the best match first (relevance by default), newest first when asked', async () => {
  // the demo holds dozens of VPN tickets; the one that says all three words leads
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Connexion VPN impossible depuis ce matin',
    description: 'Le client VPN refuse la connexion.' })).json;
  const q = encodeURIComponent('"connexion" "vpn" "impossible"');
  const ranked = (await agent('GET', `/api/v1/tickets?q=${q}&limit=200`)).json.items;
  assert.ok(ranked.length > 5, `${ranked.length} matches`);
  assert.ok(ranked.slice(0, 3).some((x) => x.id === t.id), `#${t.id} in the first three of ${ranked.length}`);
  const newest = (await agent('GET', `/api/v1/tickets?q=${q}&sort=-created_at&limit=200`)).json.items;
  assert.equal(newest[0].id, t.id, 'the newest first when asked');
  for (let i = 1; i < newest.length; i++) assert.ok(newest[i - 1].created_at >= newest[i].created_at);
  // without a search, the default is the newest first
  const all = (await agent('GET', '/api/v1/tickets?limit=20')).json.items;
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created_at >= all[i].created_at, 'newest first');
});
