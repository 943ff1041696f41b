// Relais web UI: requester portal and agent workspace. No build step.
// Every piece of user data reaches the page through textContent or
// attribute setters (see el()), never through HTML strings.
'use strict';

// ---- i18n -------------------------------------------------------------------
const TEXT = {
  fr: {
    signin: 'Connexion', email: 'E-mail', password: 'Mot de passe', login: 'Se connecter',
    logout: 'Déconnexion', queue: 'File des tickets', mytickets: 'Mes tickets',
    newticket: 'Nouveau ticket', search: 'Rechercher (texte intégral)', status: 'Statut',
    category: 'Catégorie', group: 'Groupe', assignee: 'Assigné à', priority: 'Priorité',
    impact: 'Impact', urgency: 'Urgence', service: 'Service', ci: 'Élément de configuration',
    resolution: 'Résolution', title: 'Titre', description: 'Description', created: 'Créé',
    updated: 'Mis à jour', requester: 'Demandeur', any: 'Tous', me: 'Moi', unassigned: 'Non assigné',
    none: '—', loadmore: 'Afficher plus', noresult: 'Aucun ticket.', submit: 'Envoyer',
    save: 'Enregistrer', saved: 'Enregistré', reply: 'Répondre', internal: 'Note interne (invisible pour le demandeur)',
    conversation: 'Échanges', history: 'Historique', details: 'Détails', apply: 'Filtrer',
    created_ok: 'Ticket créé', high: 'Haute', medium: 'Moyenne', low: 'Basse',
    st_new: 'Nouveau', st_open: 'Ouvert', st_pending: 'En attente', st_resolved: 'Résolu', st_closed: 'Clos',
    by: 'par', system: 'système', model: 'modèle', ev_created: 'a créé le ticket',
    ev_comment: 'a répondu', ev_internal_note: 'a ajouté une note interne', changed: 'a changé',
    from: 'de', to: 'à', backto: '← Retour', badlogin: 'E-mail ou mot de passe incorrect.',
    internal_badge: 'note interne', empty_conv: 'Pas encore d’échange.',
    ai: 'Suggestions de l’IA', accept: 'Accepter', override: 'Corriger', confidence: 'confiance',
    sg_applied: 'appliqué par le modèle', sg_suggested: 'suggéré', sg_accepted: 'accepté',
    sg_overridden: 'corrigé', words_for: 'Mots qui ont pesé pour', words_against: 'contre',
    then: 'puis', set_by_model: 'fixé par le modèle, non confirmé', models: 'Modèles',
    train: 'Entraîner maintenant', trained: 'Entraînement terminé', version: 'version',
    cls: 'Classe', support: 'Exemples', precision: 'Précision', coverage: 'Couverture',
    threshold: 'Seuil', mode: 'Règle', mode_target: 'Précision visée', mode_always: 'Toujours appliquer',
    mode_never: 'Toujours suggérer', field_default: 'Règle du champ', nomodel: 'Aucun modèle entraîné.',
    accuracy: 'Exactitude', macro_f1: 'F1 macro', ece: 'Erreur de calibration', auto: 'Appliqué automatiquement',
    impact_cue: 'Indice d’impact', group_f: 'Groupe', never: 'jamais', always: 'toujours',
    group_id: 'Groupe', assignee_id: 'Assigné à', sla_due_at: 'Échéance SLA', language: 'Langue', overdue: 'en retard', due: 'Échéance',
    sort: 'Trier par', sort_created: 'Plus récents', sort_due: 'Échéance la plus proche', sort_priority: 'Priorité', sort_updated: 'Derniers modifiés',
    settings: 'Réglages', trained_fields: 'Champs appris', critical: 'Services et CI critiques (séparés par des virgules)',
    retrain_hours: 'Réentraîner après (heures)', retrain_after: 'Réentraîner après (corrections)', sla_hours: 'SLA (heures)',
    people: 'Utilisateurs et groupes', users: 'Utilisateurs', groups: 'Groupes', name: 'Nom', role: 'Rôle',
    r_requester: 'Demandeur', r_agent: 'Agent', r_admin: 'Administrateur', lang_f: 'Langue', vip: 'VIP',
    active: 'Actif', newuser: 'Nouvel utilisateur', newgroup: 'Nouveau groupe', create: 'Créer',
    members: 'Membres', addmember: 'Ajouter', remove: 'Retirer', nomembers: 'Aucun membre.',
    pw_optional: 'Mot de passe (8 caractères au moins ; vide : pas de connexion par mot de passe)',
    user_created: 'Utilisateur créé', group_created: 'Groupe créé', filter_users: 'Filtrer (nom ou e-mail)',
    closed_note: 'Ce ticket est clos. Si le problème revient, ouvrez un nouveau ticket.',
    resolved_note: 'Ce ticket est résolu. Si le problème persiste, répondez : il sera rouvert.',
    others: 'Autres tickets de', take: 'Me l’attribuer',
    requester_for: 'Pour le demandeur (e-mail ; vide : vous-même)', source: 'Canal',
    src_phone: 'Téléphone', src_email: 'E-mail', src_chat: 'Chat', src_web: 'Portail',
    unknown_requester: 'Aucun utilisateur actif avec cet e-mail.',
  },
  en: {
    signin: 'Sign in', email: 'E-mail', password: 'Password', login: 'Sign in',
    logout: 'Sign out', queue: 'Ticket queue', mytickets: 'My tickets',
    newticket: 'New ticket', search: 'Search (full text)', status: 'Status',
    category: 'Category', group: 'Group', assignee: 'Assignee', priority: 'Priority',
    impact: 'Impact', urgency: 'Urgency', service: 'Service', ci: 'Configuration item',
    resolution: 'Resolution', title: 'Title', description: 'Description', created: 'Created',
    updated: 'Updated', requester: 'Requester', any: 'Any', me: 'Me', unassigned: 'Unassigned',
    none: '—', loadmore: 'Load more', noresult: 'No tickets.', submit: 'Submit',
    save: 'Save', saved: 'Saved', reply: 'Reply', internal: 'Internal note (hidden from the requester)',
    conversation: 'Conversation', history: 'History', details: 'Details', apply: 'Filter',
    created_ok: 'Ticket created', high: 'High', medium: 'Medium', low: 'Low',
    st_new: 'New', st_open: 'Open', st_pending: 'Pending', st_resolved: 'Resolved', st_closed: 'Closed',
    by: 'by', system: 'system', model: 'model', ev_created: 'created the ticket',
    ev_comment: 'replied', ev_internal_note: 'added an internal note', changed: 'changed',
    from: 'from', to: 'to', backto: '← Back', badlogin: 'Wrong e-mail or password.',
    internal_badge: 'internal note', empty_conv: 'No messages yet.',
    ai: 'AI suggestions', accept: 'Accept', override: 'Override', confidence: 'confidence',
    sg_applied: 'applied by the model', sg_suggested: 'suggested', sg_accepted: 'accepted',
    sg_overridden: 'overridden', words_for: 'Words that pushed for it', words_against: 'against',
    then: 'then', set_by_model: 'set by the model, not confirmed', models: 'Models',
    train: 'Train now', trained: 'Training finished', version: 'version',
    cls: 'Class', support: 'Examples', precision: 'Precision', coverage: 'Coverage',
    threshold: 'Threshold', mode: 'Rule', mode_target: 'Target precision', mode_always: 'Always apply',
    mode_never: 'Always suggest', field_default: 'Field rule', nomodel: 'No trained model yet.',
    accuracy: 'Accuracy', macro_f1: 'Macro-F1', ece: 'Calibration error', auto: 'Applied automatically',
    impact_cue: 'Impact cue', group_f: 'Group', never: 'never', always: 'always',
    group_id: 'Group', assignee_id: 'Assignee', sla_due_at: 'SLA due', language: 'Language', overdue: 'overdue', due: 'Due',
    sort: 'Sort by', sort_created: 'Newest', sort_due: 'Due soonest', sort_priority: 'Priority', sort_updated: 'Last updated',
    settings: 'Settings', trained_fields: 'Fields triage learns', critical: 'Critical services and CIs (comma-separated)',
    retrain_hours: 'Retrain after (hours)', retrain_after: 'Retrain after (corrections)', sla_hours: 'SLA (hours)',
    people: 'Users & groups', users: 'Users', groups: 'Groups', name: 'Name', role: 'Role',
    r_requester: 'Requester', r_agent: 'Agent', r_admin: 'Admin', lang_f: 'Language', vip: 'VIP',
    active: 'Active', newuser: 'New user', newgroup: 'New group', create: 'Create',
    members: 'Members', addmember: 'Add', remove: 'Remove', nomembers: 'No members.',
    pw_optional: 'Password (at least 8 characters; empty: no password sign-in)',
    user_created: 'User created', group_created: 'Group created', filter_users: 'Filter (name or e-mail)',
    closed_note: 'This ticket is closed. If the problem comes back, open a new ticket.',
    resolved_note: 'This ticket is resolved. If the problem is still there, reply: it will reopen.',
    others: 'Other tickets from', take: 'Assign to me',
    requester_for: 'On behalf of (e-mail; empty: yourself)', source: 'Channel',
    src_phone: 'Phone', src_email: 'E-mail', src_chat: 'Chat', src_web: 'Portal',
    unknown_requester: 'No active user with this e-mail.',
  },
};
const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
let lang = localStorage.getItem('relais.lang') ||
  ((navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en');
const t = (k) => (TEXT[lang] && TEXT[lang][k]) || TEXT.en[k] || k;

// ---- DOM helper: the only way this file builds elements -----------------------
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}
const $ = (id) => document.getElementById(id);
function fmtTime(iso) {
  if (!iso) return t('none');
  return new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB',
    { dateStyle: 'short', timeStyle: 'short' });
}
function toast(msg) {
  const e = $('toast');
  e.textContent = msg;
  e.className = 'show';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { e.className = ''; }, 2500);
}

// ---- API ---------------------------------------------------------------------
const session = { user: null, csrf: null };
class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.field = body && body.error && body.error.field;
  }
}
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const r = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await r.json().catch(() => null);
  if (r.status === 401 && path !== '/auth/login') { session.user = null; go('#/login'); }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}
const isAgent = () => session.user && session.user.role !== 'requester';
// An API error as one line: the field it names, then the message.
const errText = (e) => (e.field ? e.field + ': ' : '') + e.message;

// Plain words become quoted terms so that "can't" or "l'imprimante" never trip
// the full-text syntax; a query with quotes or operators is sent as written.
function ftsQuery(text) {
  const s = text.trim();
  if (!s) return '';
  if (/["*]|\b(AND|OR|NOT|NEAR)\b/.test(s)) return s;
  return s.split(/\s+/).map((w) => '"' + w.replace(/"/g, '""') + '"').join(' ');
}

// ---- Shell -------------------------------------------------------------------
function go(hash) { if (location.hash !== hash) location.hash = hash; else route(); }
function renderShell() {
  document.documentElement.lang = lang;
  $('lang').value = lang;
  const nav = $('nav');
  nav.replaceChildren();
  const who = $('who');
  who.replaceChildren();
  if (!session.user) return;
  if (isAgent()) nav.append(el('a', { href: '#/queue', id: 'nav-queue' }, t('queue')));
  else nav.append(el('a', { href: '#/mine', id: 'nav-mine' }, t('mytickets')));
  nav.append(el('a', { href: '#/new', id: 'nav-new' }, t('newticket')));
  if (session.user.role === 'admin') {
    nav.append(el('a', { href: '#/models', id: 'nav-models' }, t('models')));
    nav.append(el('a', { href: '#/people', id: 'nav-people' }, t('people')));
  }
  who.append(el('span', { class: 'muted', id: 'whoami' }, session.user.name), ' ',
    el('button', { class: 'secondary', id: 'logout', onclick: logout }, t('logout')));
}
function page(...kids) { $('main').replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined)); }
function badge(status) { return el('span', { class: 'badge st-' + status }, t('st_' + status)); }
function prio(p) { return p ? el('span', { class: 'badge' + (p <= 2 ? ' p' + p : '') }, 'P' + p) : t('none'); }

async function logout() {
  try { await api('POST', '/auth/logout', {}); } catch (e) { /* already gone */ }
  session.user = null; session.csrf = null;
  renderShell();
  go('#/login');
}

// ---- Login -------------------------------------------------------------------
function viewLogin() {
  const err = el('div', { class: 'error', id: 'login-error' });
  const form = el('form', { class: 'card login', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/auth/login', { email: form.email.value, password: form.password.value });
      session.user = r.user; session.csrf = r.csrf_token;
      if (r.user.lang && !localStorage.getItem('relais.lang')) lang = r.user.lang;
      renderShell();
      go(isAgent() ? '#/queue' : '#/mine');
    } catch (e) { err.textContent = e.status === 401 ? t('badlogin') : e.message; }
  } },
    el('h1', {}, t('signin')),
    el('label', { for: 'email' }, t('email')),
    el('input', { type: 'email', id: 'email', name: 'email', required: true, autocomplete: 'username' }),
    el('label', { for: 'password' }, t('password')),
    el('input', { type: 'password', id: 'password', name: 'password', required: true, autocomplete: 'current-password' }),
    err,
    el('p', {}, el('button', { type: 'submit', id: 'login-submit' }, t('login'))));
  page(form);
}

// ---- Lists -------------------------------------------------------------------
const lookups = { users: null, groups: null };
async function loadLookups() {
  if (!isAgent() || lookups.users) return;
  const [u, g] = await Promise.all([api('GET', '/users?role=agent,admin'), api('GET', '/groups')]);
  lookups.users = u.items; lookups.groups = g.items;
}

// A small "AI" mark beside a value the model set and nobody confirmed.
function aiMark(tk, field) {
  const p = tk.model_set && tk.model_set[field];
  if (p === undefined) return null;
  return el('span', { class: 'ai-mark', 'data-field': field, title: t('set_by_model') + ' · ' + Math.round(p * 100) + ' %' }, lang === 'fr' ? 'IA' : 'AI');
}
function ticketRow(tk) {
  return el('tr', { class: 'ticket', 'data-id': tk.id, onclick: () => go('#/ticket/' + tk.id) },
    el('td', {}, '#' + tk.id),
    el('td', {}, el('a', { href: '#/ticket/' + tk.id, class: 'ticket-title' }, tk.title)),
    el('td', {}, badge(tk.status)),
    el('td', {}, prio(tk.priority)),
    el('td', {}, tk.category || t('none'), ' ', aiMark(tk, 'category')),
    isAgent() ? el('td', {}, tk.group_name || t('none'), ' ', aiMark(tk, 'group')) : null,
    isAgent() ? el('td', {}, tk.assignee_name || t('none')) : null,
    isAgent() ? dueCell(tk) : null,
    el('td', { class: 'muted' }, fmtTime(tk.created_at)));
}

// When the SLA of a ticket falls due, flagged once it has passed while the
// ticket is still being worked.
function isLate(tk) {
  const done = tk.status === 'resolved' || tk.status === 'closed';
  return !!tk.sla_due_at && !done && new Date(tk.sla_due_at) < new Date();
}
function dueCell(tk) {
  if (!tk.sla_due_at) return el('td', { class: 'due muted' }, t('none'));
  const late = isLate(tk);
  return el('td', { class: 'due' + (late ? ' sla-late' : ''), 'data-late': String(late), 'data-due': tk.sla_due_at },
    fmtTime(tk.sla_due_at), late ? el('div', { class: 'small' }, t('overdue')) : null);
}

async function viewList(mine) {
  await loadLookups();
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const body = el('tbody', { id: 'ticket-rows' });
  const more = el('div', { class: 'more' });
  const head = el('tr', {}, el('th', {}, '#'), el('th', {}, t('title')), el('th', {}, t('status')),
    el('th', {}, t('priority')), el('th', {}, t('category')),
    isAgent() ? el('th', {}, t('group')) : null, isAgent() ? el('th', {}, t('assignee')) : null,
    isAgent() ? el('th', {}, t('due')) : null, el('th', {}, t('created')));
  let filters = null;
  if (!mine) {
    const opt = (v, label, cur) => el('option', { value: v, selected: v === cur }, label);
    filters = el('form', { class: 'card filters row', id: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams();
      for (const k of ['q', 'status', 'group_id', 'assignee_id', 'priority', 'sort']) {
        const v = filters.elements[k].value;
        if (v) p.set(k, v);
      }
      go('#/queue?' + p.toString());
    } },
      el('div', { class: 'grow' }, el('label', { for: 'q' }, t('search')),
        el('input', { type: 'search', id: 'q', name: 'q', value: params.get('q') || '' })),
      el('div', {}, el('label', { for: 'f-status' }, t('status')),
        el('select', { id: 'f-status', name: 'status' }, opt('', t('any'), params.get('status') || ''),
          opt('new,open,pending', t('st_new') + ' + ' + t('st_open') + ' + ' + t('st_pending'), params.get('status')),
          STATUSES.map((s) => opt(s, t('st_' + s), params.get('status'))))),
      el('div', {}, el('label', { for: 'f-group' }, t('group')),
        el('select', { id: 'f-group', name: 'group_id' }, opt('', t('any'), params.get('group_id') || ''),
          lookups.groups.map((g) => opt(String(g.id), g.name, params.get('group_id'))))),
      el('div', {}, el('label', { for: 'f-assignee' }, t('assignee')),
        el('select', { id: 'f-assignee', name: 'assignee_id' }, opt('', t('any'), params.get('assignee_id') || ''),
          opt('me', t('me'), params.get('assignee_id')), opt('none', t('unassigned'), params.get('assignee_id')))),
      el('div', {}, el('label', { for: 'f-priority' }, t('priority')),
        el('select', { id: 'f-priority', name: 'priority' }, opt('', t('any'), params.get('priority') || ''),
          [1, 2, 3, 4].map((p) => opt(String(p), 'P' + p, params.get('priority'))))),
      el('div', {}, el('label', { for: 'f-sort' }, t('sort')),
        el('select', { id: 'f-sort', name: 'sort' }, opt('', t('sort_created'), params.get('sort') || ''),
          opt('sla_due_at', t('sort_due'), params.get('sort')), opt('priority', t('sort_priority'), params.get('sort')),
          opt('-updated_at', t('sort_updated'), params.get('sort')))),
      el('div', {}, el('button', { type: 'submit', id: 'filter-apply' }, t('apply'))));
  }
  page(el('h1', {}, mine ? t('mytickets') : t('queue')), filters,
    el('table', {}, el('thead', {}, head), body), more);
  const q = new URLSearchParams();
  if (!mine) {
    for (const k of ['status', 'group_id', 'assignee_id', 'priority', 'sort']) if (params.get(k)) q.set(k, params.get(k));
    if (params.get('q')) q.set('q', ftsQuery(params.get('q')));
  }
  q.set('limit', '50');
  const load = async (cursor) => {
    if (cursor) q.set('cursor', cursor);
    try {
      const r = await api('GET', '/tickets?' + q.toString());
      body.append(...r.items.map(ticketRow));
      if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, t('noresult'))));
      more.replaceChildren(r.next_cursor
        ? el('button', { class: 'secondary', id: 'load-more', onclick: () => load(r.next_cursor) }, t('loadmore')) : '');
    } catch (e) { more.replaceChildren(el('div', { class: 'error' }, e.message)); }
  };
  await load(null);
}

// ---- New ticket --------------------------------------------------------------
// Agents also file tickets for someone else (a phone call, a walk-in): the
// requester is picked by e-mail and the source says how the request came.
async function viewNew() {
  const people = isAgent() ? (await api('GET', '/users')).items.filter((u) => u.active) : [];
  const err = el('div', { class: 'error', id: 'new-error' });
  const form = el('form', { class: 'card', id: 'new-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = { title: form.title.value, description: form.description.value, language: lang };
    if (form.urgency.value) body.urgency = Number(form.urgency.value);
    if (isAgent()) {
      const who = form.requester.value.trim().toLowerCase();
      if (who) {
        const u = people.find((p) => p.email.toLowerCase() === who);
        if (!u) { err.textContent = t('unknown_requester'); return; }
        body.requester_id = u.id;
      }
      body.source = form.source.value;
    }
    try {
      const tk = await api('POST', '/tickets', body);
      toast(t('created_ok') + ' #' + tk.id);
      go('#/ticket/' + tk.id);
    } catch (e) { err.textContent = e.message; }
  } },
    isAgent() ? el('div', { class: 'row' },
      el('div', { class: 'grow' }, el('label', { for: 'requester' }, t('requester_for')),
        el('input', { type: 'email', id: 'requester', name: 'requester', list: 'people', autocomplete: 'off' }),
        el('datalist', { id: 'people' }, people.map((u) => el('option', { value: u.email }, u.name)))),
      el('div', {}, el('label', { for: 'source' }, t('source')),
        el('select', { id: 'source', name: 'source' },
          ['phone', 'email', 'chat', 'web'].map((v) => el('option', { value: v }, t('src_' + v)))))) : null,
    el('label', { for: 'title' }, t('title')),
    el('input', { type: 'text', id: 'title', name: 'title', required: true, maxlength: 300 }),
    el('label', { for: 'description' }, t('description')),
    el('textarea', { id: 'description', name: 'description' }),
    el('label', { for: 'urgency' }, t('urgency')),
    el('select', { id: 'urgency', name: 'urgency' }, el('option', { value: '' }, t('none')),
      el('option', { value: '1' }, t('high')), el('option', { value: '2' }, t('medium')),
      el('option', { value: '3' }, t('low'))),
    err,
    el('p', {}, el('button', { type: 'submit', id: 'new-submit' }, t('submit'))));
  page(el('h1', {}, t('newticket')), form);
}

// ---- Ticket page -------------------------------------------------------------
function commentView(c) {
  return el('div', { class: 'comment' + (c.internal ? ' internal' : ''), 'data-internal': c.internal ? '1' : '0' },
    el('div', { class: 'meta' }, (c.author_name || '?') + ' · ' + fmtTime(c.created_at),
      c.internal ? el('span', { class: 'badge' }, t('internal_badge')) : null),
    el('div', { class: 'body' }, c.body));
}

// A history value as people read it: names for ids, local times, P1…P4,
// levels and statuses in the reader's language.
function eventValue(e, which) {
  const v = e[which + '_value'];
  if (v === null) return t('none');
  if (e[which + '_label'] != null) return e[which + '_label'];
  if (/_at$/.test(e.field)) return fmtTime(v);
  if (e.field === 'priority') return 'P' + v;
  if (e.field === 'status') return t('st_' + v) || v;
  if (e.field === 'urgency' || e.field === 'impact') {
    const lv = { 1: 'high', 2: 'medium', 3: 'low' }[v];
    return lv ? v + ' · ' + t(lv) : v;
  }
  return v;
}

function eventView(e) {
  const who = e.actor_kind === 'person' ? (e.actor_name || '?') : t(e.actor_kind);
  let what;
  if (e.field === 'created') what = t('ev_created');
  else if (e.field === 'comment') what = t('ev_comment');
  else if (e.field === 'internal_note') what = t('ev_internal_note');
  else what = [t('changed') + ' ' + (t(e.field) || e.field) + ' ', t('from') + ' ',
    el('b', {}, eventValue(e, 'old')), ' ' + t('to') + ' ', el('b', {}, eventValue(e, 'new'))];
  return el('div', { class: 'event', 'data-field': e.field },
    el('div', { class: 'meta' }, fmtTime(e.at)), el('div', {}, el('b', {}, who), ' ', what,
      e.actor_kind === 'model' && e.confidence !== undefined
        ? ' (' + e.model_version + ', ' + Math.round(e.confidence * 100) + ' %)' : null));
}

// The SLA due time of an open ticket, flagged once it has passed.
function slaLine(tk) {
  if (!tk.sla_due_at) return null;
  const late = isLate(tk);
  return el('p', { class: 'small' + (late ? ' sla-late' : ''), id: 'sla-due' },
    t('sla_due_at') + ' : ', el('b', {}, fmtTime(tk.sla_due_at)), late ? ' · ' + t('overdue') : '');
}

function fieldsForm(tk, onsaved) {
  const sel = (name, options, cur) => el('select', { id: 'f-' + name, name },
    options.map(([v, label]) => el('option', { value: v, selected: String(cur ?? '') === v }, label)));
  const txt = (name, cur) => el('input', { type: 'text', id: 'f-' + name, name, value: cur || '' });
  const lvl = [['', t('none')], ['1', '1 · ' + t('high')], ['2', '2 · ' + t('medium')], ['3', '3 · ' + t('low')]];
  const err = el('div', { class: 'error', id: 'fields-error' });
  const save = async (patch) => {
    try {
      const nt = await api('PATCH', '/tickets/' + tk.id, patch);
      toast(t('saved'));
      onsaved(nt);
    } catch (e) { err.textContent = errText(e); }
  };
  const form = el('form', { class: 'card', id: 'fields-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const f = form.elements;
    const num = (v) => (v === '' ? null : Number(v));
    const str = (v) => (v.trim() === '' ? null : v);
    const patch = {};
    const want = {
      status: f.status.value, category: str(f.category.value), group_id: num(f.group_id.value),
      assignee_id: num(f.assignee_id.value), impact: num(f.impact.value), urgency: num(f.urgency.value),
      priority: num(f.priority.value), service: str(f.service.value), ci: str(f.ci.value),
      resolution: str(f.resolution.value),
    };
    for (const [k, v] of Object.entries(want)) if ((tk[k] ?? null) !== v) patch[k] = v;
    // Priority follows impact × urgency unless the agent changed it by hand.
    if (('impact' in patch || 'urgency' in patch) && !('priority' in patch)) delete patch.priority;
    if (!Object.keys(patch).length) return;
    await save(patch);
  } },
    el('h2', {}, t('details')),
    slaLine(tk),
    el('label', { for: 'f-status' }, t('status')), sel('status', STATUSES.map((s) => [s, t('st_' + s)]), tk.status),
    el('label', { for: 'f-category' }, t('category')), txt('category', tk.category),
    el('label', { for: 'f-group_id' }, t('group')),
    sel('group_id', [['', t('none')], ...lookups.groups.map((g) => [String(g.id), g.name])], tk.group_id),
    el('label', { for: 'f-assignee_id' }, t('assignee')),
    sel('assignee_id', [['', t('none')], ...lookups.users.filter((u) => u.role !== 'requester' && u.active)
      .map((u) => [String(u.id), u.name])], tk.assignee_id),
    // one click to take a ticket: assigned to me, and a new one becomes open
    tk.assignee_id === session.user.id ? null : el('p', {}, el('button', {
      type: 'button', class: 'secondary small', id: 'take-it', onclick: () =>
        save(tk.status === 'new' ? { assignee_id: session.user.id, status: 'open' } : { assignee_id: session.user.id }),
    }, t('take'))),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'f-impact' }, t('impact')), sel('impact', lvl, tk.impact)),
      el('div', {}, el('label', { for: 'f-urgency' }, t('urgency')), sel('urgency', lvl, tk.urgency)),
      el('div', {}, el('label', { for: 'f-priority' }, t('priority')),
        sel('priority', [['', t('none')], ['1', 'P1'], ['2', 'P2'], ['3', 'P3'], ['4', 'P4']], tk.priority))),
    el('label', { for: 'f-service' }, t('service')), txt('service', tk.service),
    el('label', { for: 'f-ci' }, t('ci')), txt('ci', tk.ci),
    el('label', { for: 'f-resolution' }, t('resolution')),
    el('textarea', { id: 'f-resolution', name: 'resolution' }, tk.resolution || ''),
    err, el('p', {}, el('button', { type: 'submit', id: 'fields-save' }, t('save'))));
  return form;
}

// ---- AI suggestions ------------------------------------------------------------
// Words are matched the way the server folds them: no case, no accents.
const fold = (w) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// The text as text nodes, with <mark> around the words that drove the
// selected suggestion ("for" and "against" styled apart).
function highlighted(text, words) {
  const out = [];
  const re = /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|[._@:\\/-](?=[\p{L}\p{N}]))*/gu;
  let last = 0;
  const mark = (w, key) => {
    const hit = words.get(key);
    return hit ? el('mark', { class: 'w-' + hit.kind, title: (hit.weight > 0 ? '+' : '') + hit.weight.toFixed(2) }, w) : w;
  };
  for (const m of text.matchAll(re)) {
    out.push(text.slice(last, m.index));
    const w = m[0];
    if (words.has(fold(w))) out.push(mark(w, fold(w)));
    else for (const part of w.split(/(-)/)) out.push(part === '-' ? part : mark(part, fold(part)));
    last = m.index + w.length;
  }
  out.push(text.slice(last));
  return out;
}

function suggestionWords(sg) {
  const words = new Map();
  for (const w of sg.against || []) words.set(w.word, { kind: 'against', weight: w.weight });
  for (const w of sg.for || []) words.set(w.word, { kind: 'for', weight: w.weight });
  return words;
}

function fieldLabel(f) { return f === 'group' ? t('group_f') : t(f); }

function overrideInput(sg) {
  const id = 'sugg-value-' + sg.field;
  if (sg.field === 'group')
    return el('select', { id }, lookups.groups.map((g) => el('option', { value: g.name, selected: g.name === sg.value }, g.name)));
  if (sg.field === 'urgency')
    return el('select', { id }, ['1', '2', '3'].map((v) => el('option', { value: v, selected: v === sg.value },
      v + ' · ' + t(['high', 'medium', 'low'][Number(v) - 1]))));
  const list = el('datalist', { id: id + '-list' }, (sg.top || []).map((x) => el('option', { value: x.value })));
  return el('span', {}, el('input', { type: 'text', id, list: id + '-list', value: sg.value }), list);
}

function suggestionsCard(tk, items, onSelect, onChange) {
  if (!items.length && !tk.impact_cue) return null;
  const card = el('div', { class: 'card', id: 'suggestions' }, el('h2', {}, t('ai')),
    tk.impact_cue ? el('p', { class: 'small', id: 'impact-cue' }, t('impact_cue') + ' : ', el('b', {}, tk.impact_cue),
      ' → ' + t('impact') + ' ' + tk.impact) : null);
  const decide = async (sg, how) => {
    const body = how === 'override' ? { value: $('sugg-value-' + sg.field).value } : undefined;
    try {
      await api('POST', `/tickets/${tk.id}/suggestions/${sg.field}/${how}`, body);
      onChange();
    } catch (e) { toast(e.message); }
  };
  for (const sg of items) {
    const pct = Math.round(sg.confidence * 100);
    const lvl = sg.level === 'High' ? 'high' : sg.level === 'Medium' ? 'medium' : 'low';
    const open = sg.state === 'applied' || sg.state === 'suggested';
    const box = el('div', { class: 'suggestion', 'data-field': sg.field, 'data-state': sg.state,
      onclick: () => onSelect(sg) },
      el('div', { class: 'sg-head' },
        el('b', {}, fieldLabel(sg.field)), ' ',
        el('span', { class: 'sg-value' }, sg.value), ' ',
        el('span', { class: 'badge conf-' + lvl, title: t('confidence') }, t(lvl) + ' · ' + pct + ' %'), ' ',
        el('span', { class: 'muted sg-state' }, t('sg_' + sg.state))),
      sg.top && sg.top.length > 1 ? el('div', { class: 'muted small' }, t('then') + ' ' +
        sg.top.slice(1).map((x) => x.value + ' ' + Math.round(x.confidence * 100) + ' %').join(', ')) : null,
      el('div', { class: 'small' }, t('words_for') + ' : ',
        (sg.for || []).map((w) => [el('mark', { class: 'w-for' }, w.word), ' ']),
        sg.against && sg.against.length ? ['· ' + t('words_against') + ' : ',
          sg.against.map((w) => [el('mark', { class: 'w-against' }, w.word), ' '])] : null),
      open ? el('div', { class: 'sg-actions', onclick: (ev) => ev.stopPropagation() },
        el('button', { type: 'button', class: 'secondary', id: 'sugg-accept-' + sg.field,
          onclick: () => decide(sg, 'accept') }, t('accept')),
        overrideInput(sg),
        el('button', { type: 'button', class: 'secondary', id: 'sugg-override-' + sg.field,
          onclick: () => decide(sg, 'override') }, t('override'))) : null);
    card.append(box);
  }
  return card;
}

async function viewTicket(id) {
  await loadLookups();
  let tk;
  try { tk = await api('GET', '/tickets/' + id); } catch (e) {
    page(el('p', { class: 'error', id: 'ticket-error' }, e.message)); return;
  }
  const [comments, history, sugg, others] = await Promise.all([
    api('GET', '/tickets/' + id + '/comments'), api('GET', '/tickets/' + id + '/history'),
    isAgent() ? api('GET', '/tickets/' + id + '/suggestions') : Promise.resolve({ items: [] }),
    isAgent() && tk.requester_id
      ? api('GET', '/tickets?requester_id=' + tk.requester_id + '&limit=6') : Promise.resolve({ items: [] })]);
  // the requester's other recent tickets: a repeat problem shows at once
  const otherList = others.items.filter((o) => o.id !== tk.id).slice(0, 5);
  const othersCard = isAgent() && otherList.length
    ? el('div', { class: 'card', id: 'requester-others' }, el('h2', {}, t('others') + ' ' + (tk.requester_name || '')),
      otherList.map((o) => el('p', { class: 'small', 'data-id': o.id }, badge(o.status), ' ',
        el('a', { href: '#/ticket/' + o.id }, '#' + o.id + ' ' + o.title), ' ',
        el('span', { class: 'muted' }, fmtTime(o.created_at)))))
    : null;
  const titleEl = el('span', { id: 'ticket-title-text' }, tk.title);
  const descEl = el('div', { class: 'desc', id: 'ticket-desc' }, tk.description);
  // Selecting a suggestion highlights the words that drove it.
  const select = (sg) => {
    const words = suggestionWords(sg);
    titleEl.replaceChildren(...highlighted(tk.title, words));
    descEl.replaceChildren(...highlighted(tk.description || '', words));
    for (const b of document.querySelectorAll('.suggestion')) b.classList.toggle('selected', b.dataset.field === sg.field);
  };
  const suggCard = suggestionsCard(tk, sugg.items, select, () => viewTicket(id));
  const convo = el('div', { id: 'comments' }, comments.items.length
    ? comments.items.map(commentView) : el('p', { class: 'muted' }, t('empty_conv')));
  const err = el('div', { class: 'error', id: 'reply-error' });
  const reply = el('form', { class: 'card', id: 'reply-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = { body: reply.body.value };
    if (isAgent() && reply.internal.checked) body.internal = true;
    try { await api('POST', '/tickets/' + id + '/comments', body); viewTicket(id); } catch (e) { err.textContent = e.message; }
  } },
    el('label', { for: 'reply-body' }, t('reply')),
    el('textarea', { id: 'reply-body', name: 'body', required: true }),
    isAgent() ? el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'reply-internal', name: 'internal' }), t('internal')) : null,
    !isAgent() && tk.status === 'resolved' ? el('p', { class: 'small muted', id: 'resolved-note' }, t('resolved_note')) : null,
    err, el('p', {}, el('button', { type: 'submit', id: 'reply-submit' }, t('submit'))));
  // a closed ticket is final: its requester is sent to a new ticket instead
  const replyArea = !isAgent() && tk.status === 'closed'
    ? el('p', { class: 'card muted', id: 'closed-note' }, t('closed_note'), ' ',
      el('a', { href: '#/new' }, t('newticket')))
    : reply;
  const side = isAgent()
    ? fieldsForm(tk, () => viewTicket(id))
    : el('div', { class: 'card' }, el('h2', {}, t('details')),
      el('p', {}, t('status') + ' : ', badge(tk.status)),
      el('p', {}, t('priority') + ' : ', prio(tk.priority)),
      slaLine(tk),
      el('p', {}, t('category') + ' : ' + (tk.category || t('none'))),
      tk.resolution ? el('p', {}, t('resolution') + ' : ' + tk.resolution) : null);
  page(el('p', {}, el('a', { href: isAgent() ? '#/queue' : '#/mine' }, t('backto'))),
    el('div', { class: 'layout' },
      el('div', {},
        el('div', { class: 'card' },
          el('h1', { id: 'ticket-title' }, '#' + tk.id + ' ', titleEl),
          el('p', { class: 'muted' }, t('requester') + ' : ' + (tk.requester_name || '?') + ' · ' +
            t('created') + ' ' + fmtTime(tk.created_at), ' ', badge(tk.status)),
          descEl),
        el('h2', {}, t('conversation')), convo, replyArea,
        el('h2', {}, t('history')), el('div', { class: 'card', id: 'history' }, history.items.map(eventView))),
      el('div', {}, suggCard, side, othersCard)));
  if (sugg.items.length) select(sugg.items.find((x) => x.field === 'category') || sugg.items[0]);
}

// ---- Models (admin) ------------------------------------------------------------
const fmtPct = (x) => (x === null || x === undefined ? t('none') : (100 * x).toFixed(1) + ' %');

function thresholdControls(field, cls, cur, onsaved) {
  const mode = el('select', { class: 'th-mode', 'data-class': cls },
    ['target', 'always', 'never'].map((m) => el('option', { value: m, selected: m === cur.mode }, t('mode_' + m))));
  const target = el('input', { type: 'number', class: 'th-target', min: '0.5', max: '1', step: '0.01',
    value: cur.target ?? 0.95 });
  const save = el('button', { type: 'button', class: 'secondary th-save', onclick: async () => {
    const body = { class: cls, mode: mode.value };
    if (mode.value === 'target') body.target = Number(target.value);
    try { await api('PUT', `/models/${field}/thresholds`, body); toast(t('saved')); onsaved(); } catch (e) { toast(e.message); }
  } }, t('save'));
  return el('span', { class: 'th' }, mode, ' ', target, ' ', save);
}

async function viewModels() {
  const r = await api('GET', '/models');
  const active = r.models.filter((m) => m.active);
  const rules = new Map(r.thresholds.map((x) => [x.field + '\u0000' + x.class, x]));
  const train = el('button', { id: 'models-train', onclick: async (ev) => {
    ev.target.disabled = true;
    try { await api('POST', '/models/train', {}); toast(t('trained')); viewModels(); } catch (e) { toast(e.message); ev.target.disabled = false; }
  } }, t('train'));
  const blocks = active.map((m) => {
    const mt = m.metrics || {};
    const rule = (cls) => rules.get(m.field + '\u0000' + cls) || { mode: 'target', target: mt.target_precision || 0.95 };
    return el('div', { class: 'card model', 'data-field': m.field },
      el('h2', {}, fieldLabel(m.field) + ' · ' + t('version') + ' ' + m.version),
      el('p', { class: 'muted' }, `${m.n_train} tickets · ${t('accuracy')} ${fmtPct(mt.accuracy)} · ${t('macro_f1')} ${fmtPct(mt.macro_f1)} · ` +
        `${t('ece')} ${fmtPct(mt.ece)} · ${t('auto')} ${fmtPct(mt.coverage_at_target)} · ${fmtTime(m.created_at)}`),
      el('p', {}, t('field_default') + ' : ', thresholdControls(m.field, '', rule(''), viewModels)),
      el('table', { class: 'classes' },
        el('thead', {}, el('tr', {}, [t('cls'), t('support'), t('precision'), t('coverage'), t('threshold'), t('mode')].map((h) => el('th', {}, h)))),
        el('tbody', {}, (m.classes || []).map((c) => el('tr', { 'data-class': c.class },
          el('td', {}, c.class), el('td', {}, String(c.support)),
          el('td', { class: 'th-precision' }, c.coverage > 0 ? fmtPct(c.precision) : '—'), // nothing applied: no precision
          el('td', {}, fmtPct(c.coverage)),
          el('td', { class: 'th-value' }, typeof c.threshold === 'number' ? c.threshold.toFixed(3) : t(c.threshold)),
          el('td', {}, thresholdControls(m.field, c.class, rule(c.class), viewModels)))))));
  });
  page(el('h1', {}, t('models')), await settingsCard(), el('p', {}, train),
    blocks.length ? blocks : el('p', { class: 'muted' }, t('nomodel')));
}

async function settingsCard() {
  const st = await api('GET', '/settings');
  const fields = new Set(st['triage.fields'].value.split(','));
  const num = (key, label) => el('div', {}, el('label', { for: 'set-' + key }, label),
    el('input', { type: 'number', id: 'set-' + key, value: st[key].value, min: 0 }));
  const form = el('form', { class: 'card', id: 'settings-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = {
      'triage.fields': [...form.querySelectorAll('input[name=field]:checked')].map((x) => x.value).join(','),
      'triage.critical': $('set-triage.critical').value,
    };
    for (const k of ['triage.retrain_hours', 'triage.retrain_after', 'sla.p1_hours', 'sla.p2_hours', 'sla.p3_hours', 'sla.p4_hours'])
      body[k] = Number($('set-' + k).value);
    try { await api('PUT', '/settings', body); toast(t('saved')); } catch (e) { toast(errText(e)); }
  } },
    el('h2', {}, t('settings')),
    el('label', {}, t('trained_fields')),
    el('div', { class: 'row' }, ['category', 'group', 'urgency', 'service', 'ci'].map((f) =>
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'field', value: f, checked: fields.has(f) }), fieldLabel(f)))),
    el('label', { for: 'set-triage.critical' }, t('critical')),
    el('input', { type: 'text', id: 'set-triage.critical', value: st['triage.critical'].value }),
    el('div', { class: 'row' }, num('triage.retrain_hours', t('retrain_hours')), num('triage.retrain_after', t('retrain_after'))),
    el('div', { class: 'row' }, [1, 2, 3, 4].map((p) => num(`sla.p${p}_hours`, `P${p} · ${t('sla_hours')}`))),
    el('p', {}, el('button', { type: 'submit', id: 'settings-save' }, t('save'))));
  return form;
}

// ---- Users and groups (admin) --------------------------------------------------
const ROLES = ['requester', 'agent', 'admin'];
const apiErr = (e) => toast(errText(e));

async function viewPeople() {
  const [users, groups] = await Promise.all([api('GET', '/users'), api('GET', '/groups')]);
  lookups.users = lookups.groups = null; // the ticket forms reload them after changes here
  const byId = new Map(users.items.map((u) => [u.id, u]));
  const sel = (cls, options, cur) => el('select', { class: cls },
    options.map(([v, label]) => el('option', { value: v, selected: v === cur }, label)));

  // One row per user: role, language, VIP and active are edited in place.
  const userRow = (u) => {
    const role = sel('u-role', ROLES.map((r) => [r, t('r_' + r)]), u.role);
    const lg = sel('u-lang', [['', t('none')], ['fr', 'Français'], ['en', 'English']], u.lang || '');
    const vip = el('input', { type: 'checkbox', class: 'u-vip', checked: u.vip });
    const active = el('input', { type: 'checkbox', class: 'u-active', checked: u.active });
    const save = el('button', { class: 'secondary u-save', onclick: async () => {
      try {
        const r = await api('PATCH', '/users/' + u.id,
          { role: role.value, lang: lg.value, vip: vip.checked, active: active.checked });
        Object.assign(u, r);
        toast(t('saved'));
      } catch (e) { apiErr(e); }
    } }, t('save'));
    return el('tr', { class: 'user', 'data-email': u.email },
      el('td', {}, u.name), el('td', { class: 'muted' }, u.email), el('td', {}, role), el('td', {}, lg),
      el('td', {}, vip), el('td', {}, active), el('td', {}, save));
  };
  const rows = el('tbody', { id: 'user-rows' }, users.items.map(userRow));
  const filter = el('input', { type: 'search', id: 'user-filter', placeholder: t('filter_users'), oninput: () => {
    const q = filter.value.trim().toLowerCase();
    for (const tr of rows.children) {
      const hide = q !== '' && !tr.textContent.toLowerCase().includes(q);
      tr.style.display = hide ? 'none' : '';
    }
  } });

  const nu = el('form', { class: 'card', id: 'user-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { email: nu.elements.email.value.trim(), name: nu.elements.name.value.trim(),
      role: nu.elements.role.value };
    if (nu.elements.lang.value) body.lang = nu.elements.lang.value;
    if (nu.elements.password.value) body.password = nu.elements.password.value;
    try {
      await api('POST', '/users', body);
      toast(t('user_created'));
      await viewPeople();
    } catch (e) { apiErr(e); }
  } },
    el('h2', {}, t('newuser')),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'nu-email' }, t('email')), el('input', { type: 'email', id: 'nu-email', name: 'email', required: true })),
      el('div', {}, el('label', { for: 'nu-name' }, t('name')), el('input', { type: 'text', id: 'nu-name', name: 'name', required: true })),
      el('div', {}, el('label', { for: 'nu-role' }, t('role')),
        el('select', { id: 'nu-role', name: 'role' }, ROLES.map((r) => el('option', { value: r }, t('r_' + r))))),
      el('div', {}, el('label', { for: 'nu-lang' }, t('lang_f')),
        el('select', { id: 'nu-lang', name: 'lang' }, el('option', { value: '' }, t('none')),
          el('option', { value: 'fr' }, 'Français'), el('option', { value: 'en' }, 'English')))),
    el('label', { for: 'nu-password' }, t('pw_optional')),
    el('input', { type: 'password', id: 'nu-password', name: 'password', minlength: 8, autocomplete: 'new-password' }),
    el('p', {}, el('button', { type: 'submit', id: 'nu-submit' }, t('create'))));

  // Groups with their members; only agents and admins can be members.
  const workers = users.items.filter((u) => u.role !== 'requester' && u.active);
  const groupCard = (g) => {
    const members = g.member_ids.map((id) => byId.get(id)).filter(Boolean);
    const add = sel('g-add', workers.filter((u) => !g.member_ids.includes(u.id)).map((u) => [String(u.id), u.name]), '');
    const change = async (method, uid) => {
      try { await api(method, `/groups/${g.id}/members/${uid}`); await viewPeople(); } catch (e) { apiErr(e); }
    };
    const gname = el('input', { type: 'text', class: 'g-name', value: g.name });
    const gdesc = el('input', { type: 'text', class: 'g-desc', value: g.description || '' });
    const rename = el('button', { class: 'secondary g-save', onclick: async () => {
      try {
        await api('PATCH', '/groups/' + g.id, { name: gname.value.trim(), description: gdesc.value.trim() });
        toast(t('saved'));
        await viewPeople();
      } catch (e) { apiErr(e); }
    } }, t('save'));
    return el('div', { class: 'card group', 'data-group': g.name },
      el('h2', {}, g.name),
      el('div', { class: 'row' }, el('div', {}, el('label', {}, t('name')), gname),
        el('div', { class: 'grow' }, el('label', {}, t('description')), gdesc), rename),
      members.length
        ? el('ul', { class: 'members' }, members.map((u) => el('li', { 'data-email': u.email }, u.name, ' ',
          el('button', { class: 'secondary small g-remove', onclick: () => change('DELETE', u.id) }, t('remove')))))
        : el('p', { class: 'muted' }, t('nomembers')),
      add.options.length ? el('div', { class: 'row' }, add,
        el('button', { class: 'secondary g-addbtn', onclick: () => change('PUT', Number(add.value)) }, t('addmember'))) : null);
  };
  const ng = el('form', { class: 'card', id: 'group-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/groups', { name: ng.elements.name.value.trim(), description: ng.elements.description.value.trim() });
      toast(t('group_created'));
      await viewPeople();
    } catch (e) { apiErr(e); }
  } },
    el('h2', {}, t('newgroup')),
    el('div', { class: 'row' },
      el('div', {}, el('label', { for: 'ng-name' }, t('name')), el('input', { type: 'text', id: 'ng-name', name: 'name', required: true })),
      el('div', { class: 'grow' }, el('label', { for: 'ng-description' }, t('description')),
        el('input', { type: 'text', id: 'ng-description', name: 'description' })),
      el('div', {}, el('button', { type: 'submit', id: 'ng-submit' }, t('create')))));

  page(el('h1', {}, t('people')),
    el('h2', {}, t('users')), el('p', {}, filter),
    el('table', { class: 'users' },
      el('thead', {}, el('tr', {}, [t('name'), t('email'), t('role'), t('lang_f'), t('vip'), t('active'), ''].map((h) => el('th', {}, h)))),
      rows),
    nu, el('h2', {}, t('groups')), groups.items.map(groupCard), ng);
}

// ---- Router ------------------------------------------------------------------
async function route() {
  renderShell();
  const h = location.hash || '#/';
  if (!session.user && h !== '#/login') { go('#/login'); return; }
  try {
    if (h === '#/login') viewLogin();
    else if (h.startsWith('#/ticket/')) await viewTicket(Number(h.slice(9)));
    else if (h === '#/new') await viewNew();
    else if (h.startsWith('#/queue') && isAgent()) await viewList(false);
    else if (h.startsWith('#/mine')) await viewList(true);
    else if (h === '#/models' && session.user.role === 'admin') await viewModels();
    else if (h === '#/people' && session.user.role === 'admin') await viewPeople();
    else go(isAgent() ? '#/queue' : '#/mine');
  } catch (e) { page(el('p', { class: 'error' }, e.message)); }
}

async function start() {
  $('lang').addEventListener('change', () => {
    lang = $('lang').value;
    localStorage.setItem('relais.lang', lang);
    route();
  });
  try {
    const me = await fetch('/api/v1/auth/me', { credentials: 'same-origin' });
    if (me.ok) { const r = await me.json(); session.user = r.user; session.csrf = r.csrf_token; }
  } catch (e) { /* offline: the login page will say so */ }
  window.addEventListener('hashchange', route);
  route();
}
start();
