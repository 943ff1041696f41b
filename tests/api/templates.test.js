// Request templates over the API (issue "a desk people can work in all
// day": templates in the portal): admins define them (audited); requesters
// read the active ones and file a ticket through one; each extra field is
// checked on the server by its type and limits, a refusal naming the field
// and saying why for a program; the values are stored with the ticket
// (its form, kept as it was), returned with it, written into its
// description (so searches and triage read them) and its title.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, addEntries } = require('../lib/harness');

let env, srv, admin, agent, alice, bob, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
  anon = client(srv.url, null);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Hardware', 'Access'], service: ['Parc PC'] });
});
test.after(async () => { if (srv) await srv.stop(); });

const LAPTOP = {
  name_fr: 'Nouvel ordinateur portable', name_en: 'New laptop',
  description_fr: 'Pour un nouvel arrivant ou un remplacement.', description_en: 'For a newcomer or a replacement.',
  category: 'hardware', service: 'Parc PC',
  title_fr: 'Ordinateur portable {model} pour {requester_name}', title_en: '{model} laptop for {requester_name}',
  fields: [
    { key: 'model', label_fr: 'Modèle', label_en: 'Model', type: 'choice', required: true,
      options: [{ value: 'standard', label_fr: 'Standard 14 pouces', label_en: 'Standard 14-inch' },
        { value: 'dev', label_fr: 'Développeur 16 pouces', label_en: 'Developer 16-inch' }] },
    { key: 'start', label_fr: 'Date souhaitée', label_en: 'Needed by', type: 'date', required: true, min: '2026-01-01', max: '2030-12-31' },
    { key: 'screens', label_fr: 'Écrans supplémentaires', label_en: 'Extra screens', type: 'number', min: 0, max: 3 },
    { key: 'bag', label_fr: 'Sacoche', label_en: 'Bag', type: 'yesno' },
    { key: 'site', label_fr: 'Site', label_en: 'Site', type: 'text', required: true, min: 2, max: 40 },
    { key: 'notes', label_fr: 'Logiciels particuliers', label_en: 'Special software', type: 'long_text', max: 500 },
  ],
};

test('roles: admins define templates (audited), everyone signed in reads the active ones', async () => {
  assert.equal((await anon('GET', '/api/v1/templates')).status, 401);
  for (const who of [alice, agent]) assert.equal((await who('POST', '/api/v1/templates', LAPTOP)).status, 403);
  const t = await admin('POST', '/api/v1/templates', LAPTOP);
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.category, 'Hardware', 'the list entry\'s own name');
  assert.deepEqual(t.json.fields[2], { key: 'screens', label_fr: 'Écrans supplémentaires', label_en: 'Extra screens', type: 'number',
    required: false, min: 0, max: 3, options: [] });
  assert.equal(t.json.fields[4].max, 40);
  assert.equal(t.json.fields[5].type, 'long_text');
  const off = await admin('POST', '/api/v1/templates', { name_en: 'Retired form', title_en: 'Old', active: false });
  assert.equal(off.status, 201, off.text);
  assert.deepEqual((await alice('GET', '/api/v1/templates')).json.items.map((x) => x.name_en), ['New laptop']);
  assert.deepEqual((await admin('GET', '/api/v1/templates')).json.items.map((x) => x.name_en), ['New laptop', 'Retired form']);
  assert.equal((await alice('GET', `/api/v1/templates/${off.json.id}`)).status, 404);
  assert.equal((await alice('PATCH', `/api/v1/templates/${t.json.id}`, { active: false })).status, 403);
  assert.equal((await agent('DELETE', `/api/v1/templates/${t.json.id}`)).status, 403);
  const p = await admin('PATCH', `/api/v1/templates/${off.json.id}`, { description_en: 'Gone' });
  assert.equal(p.status, 200, p.text);
  assert.equal((await admin('DELETE', `/api/v1/templates/${off.json.id}`)).status, 200);
  const rows = (await admin('GET', `/api/v1/audit?target_type=template&target_id=${off.json.id}`)).json.items;
  assert.deepEqual(rows.map((r) => r.action), ['template.delete', 'template.update', 'template.create']);
  assert.deepEqual(rows[1].detail.description_en, ['', 'Gone']);
});

test('a template\'s definition is checked, the member at fault named', async () => {
  const f = (over) => ({ name_en: 'x', title_en: 'x', fields: [{ key: 'a', label_en: 'A', type: 'text', ...over }] });
  const cases = [
    [{ title_en: 'x' }, 'name_fr', /needs a name/],
    [{ name_en: 'x' }, 'title_fr', /title pattern/],
    [{ name_en: 'x', title_en: 'For {who}' }, 'title_en', /unknown placeholder \{who\}/],
    [{ name_en: 'x', title_en: 'x', category: 'Netwrok' }, 'category', /unknown category 'Netwrok'/],
    [{ name_en: 'x', title_en: 'x', fields: {} }, 'fields', /array/],
    [f({ key: 'A b' }), 'fields[0].key', /a-z/],
    [f({ key: '' }), 'fields[0].key', /a-z/],
    [{ name_en: 'x', title_en: 'x', fields: [{ key: 'a', label_en: 'A', type: 'text' }, { key: 'a', label_en: 'B', type: 'text' }] }, 'fields[1].key', /twice|two fields/],
    [f({ label_en: '' }), 'fields[0].label_fr', /label/],
    [f({ type: 'colour' }), 'fields[0].type', /one of text, long_text/],
    [f({ type: 'number', min: 5, max: 2 }), 'fields[0]', /min is above max/],
    [f({ type: 'number', min: 'low' }), 'fields[0].min', /whole number/],
    [f({ type: 'date', max: '2026-02-30' }), 'fields[0].max', /date/],
    [f({ type: 'text', max: 5000 }), 'fields[0].max', /from 0 to 1000/],
    [f({ type: 'choice' }), 'fields[0].options', /1 to 50 options/],
    [f({ type: 'choice', options: [{ value: 'a' }, { value: 'a' }] }), 'fields[0].options[1].value', /twice/],
    [f({ type: 'yesno', max: 1 }), 'fields[0].max', /takes no 'max'/],
    [f({ type: 'text', options: [{ value: 'a' }] }), 'fields[0].options', /only a choice/],
    [f({ colour: 'red' }), 'fields[0]', /unknown member 'colour'/],
    [f({ required: 'yes' }), 'fields[0].required', /true or false/],
    [{ name_en: 'x', title_en: 'x', fields: Array.from({ length: 31 }, (_, i) => ({ key: 'k' + i, label_en: 'K', type: 'text' })) }, 'fields', /at most 30/],
  ];
  for (const [body, field, msg] of cases) {
    const r = await admin('POST', '/api/v1/templates', body);
    assert.equal(r.status, 400, JSON.stringify(body) + ' ' + r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body) + ' ' + r.text);
    assert.match(r.json.error.message, msg);
  }
});

let tpl;
const good = () => ({ model: 'dev', start: '2026-09-01', screens: 2, bag: true, site: 'Lyon', notes: 'Docker\nVS Code' });

test('each type\'s values are checked on the server; the refusal names the field and says why', async () => {
  tpl = (await alice('GET', '/api/v1/templates')).json.items.find((x) => x.name_en === 'New laptop');
  const cases = [
    [{ model: undefined }, 'fields.model', { reason: 'required' }],
    [{ model: 'gaming' }, 'fields.model', { reason: 'not_allowed', allowed: ['standard', 'dev'] }],
    [{ start: '01/09/2026' }, 'fields.start', { reason: 'wrong_type', expected: 'date' }],
    [{ start: '2026-02-30' }, 'fields.start', { reason: 'wrong_type', expected: 'date' }],
    [{ start: '2025-12-31' }, 'fields.start', { reason: 'out_of_range', min: '2026-01-01', max: '2030-12-31' }],
    [{ screens: 4 }, 'fields.screens', { reason: 'out_of_range', min: 0, max: 3 }],
    [{ screens: '2' }, 'fields.screens', { reason: 'wrong_type', expected: 'integer' }],
    [{ screens: 1.5 }, 'fields.screens', { reason: 'wrong_type', expected: 'integer' }],
    [{ bag: 'yes' }, 'fields.bag', { reason: 'wrong_type', expected: 'boolean' }],
    [{ site: '  ' }, 'fields.site', { reason: 'required' }],
    [{ site: 'L' }, 'fields.site', { reason: 'too_short', max: 40, min: 2 }],
    [{ site: 'é'.repeat(41) }, 'fields.site', { reason: 'too_long', max: 40, min: 2 }],
    [{ site: 'Lyon\nParis' }, 'fields.site', { reason: 'control_char' }],
    [{ site: 7 }, 'fields.site', { reason: 'wrong_type', expected: 'string' }],
    [{ notes: 'x'.repeat(501) }, 'fields.notes', { reason: 'too_long', max: 500 }],
    [{ colour: 'red' }, 'fields.colour', { reason: 'unknown_field' }],
  ];
  for (const [over, field, why] of cases) {
    const fields = { ...good(), ...over };
    for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
    const r = await alice('POST', '/api/v1/tickets', { template_id: tpl.id, fields });
    assert.equal(r.status, 400, JSON.stringify(over) + ' ' + r.text);
    const { code, message, field: f, ...rest } = r.json.error;
    assert.equal(f, field, JSON.stringify(over));
    assert.equal(code, 'invalid');
    assert.ok(message.length > 10);
    assert.deepEqual(rest, why, JSON.stringify(over));
  }
  // 'é' counts as one character: 40 of them pass
  const ok = await alice('POST', '/api/v1/tickets', { template_id: tpl.id, fields: { ...good(), site: 'é'.repeat(40) } });
  assert.equal(ok.status, 201, ok.text);
  // the ticket's envelope
  for (const [body, field] of [[{ template_id: 'x', fields: {} }, 'template_id'], [{ template_id: 999999, fields: {} }, 'template_id'],
    [{ fields: {} }, 'fields'], [{ template_id: tpl.id, fields: [] }, 'fields'], [{ template_id: tpl.id, fields: good(), form_lang: 'de' }, 'form_lang']]) {
    const r = await alice('POST', '/api/v1/tickets', body);
    assert.equal(r.status, 400, JSON.stringify(body) + r.text);
    assert.equal(r.json.error.field, field);
  }
});

test('the values are stored with the ticket, returned with it, and make its title and description', async () => {
  const r = await alice('POST', '/api/v1/tickets', { template_id: tpl.id, fields: good(), form_lang: 'fr',
    description: 'Pour mon arrivée dans l\'équipe data.' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.title, 'Ordinateur portable Développeur 16 pouces pour Alice');
  assert.equal(r.json.category, 'Hardware');
  assert.equal(r.json.service, 'Parc PC');
  assert.equal(r.json.description, 'Pour mon arrivée dans l\'équipe data.\n\nNouvel ordinateur portable\nModèle\u00a0: Développeur 16 pouces\n' +
    'Date souhaitée\u00a0: 2026-09-01\nÉcrans supplémentaires\u00a0: 2\nSacoche\u00a0: Oui\nSite\u00a0: Lyon\nLogiciels particuliers\u00a0: Docker\nVS Code');
  const form = (await agent('GET', `/api/v1/tickets/${id}`)).json.form;
  assert.deepEqual(form, { template_id: tpl.id, name_fr: 'Nouvel ordinateur portable', name_en: 'New laptop', lang: 'fr',
    text: r.json.description.slice(r.json.description.indexOf('Nouvel ordinateur portable')), fields: [
    { key: 'model', type: 'choice', label_fr: 'Modèle', label_en: 'Model', value: 'dev', choice_fr: 'Développeur 16 pouces', choice_en: 'Developer 16-inch' },
    { key: 'start', type: 'date', label_fr: 'Date souhaitée', label_en: 'Needed by', value: '2026-09-01' },
    { key: 'screens', type: 'number', label_fr: 'Écrans supplémentaires', label_en: 'Extra screens', value: 2 },
    { key: 'bag', type: 'yesno', label_fr: 'Sacoche', label_en: 'Bag', value: true },
    { key: 'site', type: 'text', label_fr: 'Site', label_en: 'Site', value: 'Lyon' },
    { key: 'notes', type: 'long_text', label_fr: 'Logiciels particuliers', label_en: 'Special software', value: 'Docker\nVS Code' },
  ] });
  assert.deepEqual((await alice('GET', `/api/v1/tickets/${id}`)).json.form, form, 'the requester reads it too');
  assert.equal((await bob('GET', `/api/v1/tickets/${id}`)).status, 404);
  // found by a search on a value
  const found = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('Développeur'))).json.items.map((t) => t.id);
  assert.ok(found.includes(id), 'searchable through the description');
  // in English, optional fields left out are not stored; a ticket without a template has no form
  const en = await bob('POST', '/api/v1/tickets', { template_id: tpl.id, fields: { model: 'standard', start: '2027-01-04', site: 'Leeds', screens: null, notes: '' } });
  assert.equal(en.status, 201, en.text);
  assert.equal(en.json.title, 'Standard 14-inch laptop for Bob');
  assert.equal(en.json.description, 'New laptop\nModel: Standard 14-inch\nNeeded by: 2027-01-04\nSite: Leeds');
  assert.deepEqual(en.json.form.fields.map((f) => f.key), ['model', 'start', 'site']);
  const plain = await bob('POST', '/api/v1/tickets', { title: 'Souris cassée' });
  assert.equal(plain.json.form, null);
  assert.equal((await bob('GET', `/api/v1/tickets/${plain.json.id}`)).json.form, null);
  // the caller's own title and category win over the template's
  const own = await agent('POST', '/api/v1/tickets', { template_id: tpl.id, fields: good(), title: 'Portable pour Marc', category: 'Access' });
  assert.deepEqual([own.json.title, own.json.category], ['Portable pour Marc', 'Access']);
});

test('a ticket keeps its form when the template changes or goes', async () => {
  const t = await admin('POST', '/api/v1/templates', { name_en: 'Software install', title_en: 'Install {app}',
    fields: [{ key: 'app', label_en: 'Software', type: 'text', required: true }] });
  const tk = await alice('POST', '/api/v1/tickets', { template_id: t.json.id, fields: { app: 'Inkscape' } });
  assert.equal(tk.status, 201, tk.text);
  assert.equal(tk.json.title, 'Install Inkscape');
  assert.equal((await admin('PATCH', `/api/v1/templates/${t.json.id}`, { fields: [{ key: 'app', label_en: 'Application', type: 'text' }] })).status, 200);
  assert.equal((await admin('DELETE', `/api/v1/templates/${t.json.id}`)).status, 200);
  const form = (await agent('GET', `/api/v1/tickets/${tk.json.id}`)).json.form;
  assert.equal(form.fields[0].label_en, 'Software');
  assert.equal(form.name_en, 'Software install');
  const gone = await alice('POST', '/api/v1/tickets', { template_id: t.json.id, fields: { app: 'x' } });
  assert.equal(gone.status, 400);
  assert.equal(gone.json.error.field, 'template_id');
  // a pattern naming a field the new definition lacks is refused
  const t2 = await admin('POST', '/api/v1/templates', { name_en: 'Access request', title_en: 'Access to {system}',
    fields: [{ key: 'system', label_en: 'System', type: 'text' }] });
  const drop = await admin('PATCH', `/api/v1/templates/${t2.json.id}`, { fields: [] });
  assert.equal(drop.status, 400);
  assert.equal(drop.json.error.field, 'title_en');
  // a category retired after the template was saved is said to be the template's
  const cat = (await admin('POST', '/api/v1/catalog/category', { name: 'Onboarding' })).json;
  assert.equal((await admin('PATCH', `/api/v1/templates/${t2.json.id}`, { category: 'Onboarding' })).status, 200);
  assert.equal((await admin('PATCH', `/api/v1/catalog/category/${cat.id}`, { active: false })).status, 200);
  const r = await alice('POST', '/api/v1/tickets', { template_id: t2.json.id, fields: { system: 'SAP' } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'template_id');
  assert.match(r.json.error.message, /an admin must change the template/);
});
