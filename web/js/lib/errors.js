// An error as one sentence in the user's language. The API's errors carry
// a code, a field and, for a refused input, a reason with the values it
// needs (max, allowed, from, to, retry_after; see the README): the sentence
// is built from the reason, with the field named by its label in the
// user's language; an error without a reason the UI knows says its code's
// sentence, followed by the server's own words for the detail. Errors that
// are not the API's (the network is down) get a sentence too.
import { t, has, fmtNum, fmtSize } from './i18n.js';

// The label of each field the API may name, as a text key.
const LABELS = {
  title: 'title', description: 'description', category: 'category', service: 'service', ci: 'ci',
  status: 'status', priority: 'priority', impact: 'impact', urgency: 'urgency', resolution: 'resolution',
  language: 'language', group_id: 'group', assignee_id: 'assignee', requester_id: 'requester', source: 'source',
  created_at: 'created', updated_at: 'updated', resolved_at: 'resolved_at', sla_due_at: 'sla_due_at',
  impact_cue: 'impact_cue', version: 'version', body: 'fld_body', internal: 'fld_internal', email: 'email',
  password: 'password', name: 'name', role: 'role', lang: 'lang_f', vip: 'vip', active: 'active',
  current_password: 'pw_current', new_password: 'fld_new_password', expires_days: 'fld_expires_days',
  value: 'fld_value', class: 'cls', mode: 'mode', target: 'fld_target', q: 'search', sort: 'sort',
  public: 'kb_audience', translation_of: 'kb_translation_of', ticket: 'link_ticket', into: 'link_ticket',
};

const quoted = (x) => t('quoted').replace('{x}', x);

// A field's label (a setting's as the Settings page names it); a field the
// UI does not know keeps its name, quoted.
export function fieldName(f) {
  if (LABELS[f]) return t(LABELS[f]);
  if (has('set_' + f)) return t('set_' + f);
  return quoted(f);
}

// A value the API lists (allowed, from, to) in the user's words when the
// field's values have texts: statuses, channels, roles, rules, languages.
const VALUE_KEYS = { status: 'st_', source: 'src_', role: 'r_', mode: 'mode_' };
function valueName(field, v) {
  if ((field === 'lang' || field === 'language') && (v === 'fr' || v === 'en')) return v === 'fr' ? 'Français' : 'English';
  if (v === '') return t('none');
  const p = VALUE_KEYS[field];
  if (p && has(p + v)) return quoted(t(p + v));
  return quoted(has('kb_st_' + v) ? t('kb_st_' + v) : v); // an article's states
}

const num = (x) => (typeof x === 'number' ? fmtNum(x) : '');

// The sentence of a reason, its placeholders filled; null for a reason this
// UI does not know (or one that lacks the values its sentence needs).
function reasonText(d) {
  const key = 'why_' + d.reason;
  if (!d.reason || !has(key)) return null;
  if (d.reason === 'rate_limited' && typeof d.retry_after !== 'number') return null;
  const list = Array.isArray(d.allowed) ? d.allowed.map((v) => valueName(d.field, v)).join(', ') : '';
  const bytes = d.reason === 'file_too_large' || d.reason === 'ticket_full'; // a size, as sizes are written
  // the tickets a link's refusal names (a loop's path), as numbers people read
  const tickets = Array.isArray(d.tickets) ? d.tickets.map((n) => '#' + n) : [];
  if (/\{t[01]\}|\{tickets\}/.test(t(key)) && tickets.length < (t(key).includes('{t1}') ? 2 : 1)) return null;
  return t(key).replace(/\{t0\}/g, tickets[0]).replace(/\{t1\}/g, tickets[1]).replace('{tickets}', tickets.join(' → '))
    .replace('{max}', bytes ? fmtSize(d.max) : num(d.max)).replace('{min}', num(d.min)).replace('{allowed}', list)
    .replace('{expected}', has('type_' + d.expected) ? t('type_' + d.expected) : d.expected || '')
    .replace('{from}', valueName('status', d.from || '')).replace('{to}', valueName('status', d.to || ''))
    .replace('{n}', num(d.retry_after));
}

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// Codes whose sentence says all a person can act on; for the others the
// server's message follows, as the detail (which value, which word).
const WHOLE = new Set(['not_found', 'unauthenticated', 'forbidden', 'too_many_requests', 'busy', 'storage_full',
  'read_only', 'out_of_memory', 'internal', 'database_error', 'io_error', 'precondition_failed']);

// The sentence of an error whose reason the UI does not know: its code's,
// then the server's words as the detail when the code does not say it all.
function codeText(e, d) {
  const sentence = has('err_' + d.code) ? t('err_' + d.code) : t('err_unknown').replace('{n}', e.status);
  if (WHOLE.has(d.code) || !d.message) return sentence;
  return sentence + ' (' + t('err_detail') + t('colon') + d.message + ')';
}

// An error that is not the API's: the network is down, or a page's own.
function otherText(e) {
  if (e instanceof TypeError) return t('err_network'); // fetch failed: no answer at all
  return e && e.status ? t('err_unknown').replace('{n}', e.status) : String((e && e.message) || e);
}

// e: an ApiError (status, detail = the error object) or any Error.
export function errText(e) {
  const d = e && e.detail;
  if (!d || !d.code) return otherText(e);
  const why = reasonText(d);
  if (why) return d.field ? fieldName(d.field) + t('colon') + why : capital(why);
  return codeText(e, d);
}

// The same without the field's label, for a message shown beside the
// field's own input.
export function errBeside(e) {
  const d = e && e.detail;
  if (!d || !d.code) return otherText(e);
  const why = reasonText(d);
  return why ? capital(why) : codeText(e, d);
}
