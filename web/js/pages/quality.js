// The Data quality page (agents and admins): the newest data-quality report
// of one triage field at a time (tabs), its counts, then each kind of
// finding with its tickets and the fix it offers. A probable mislabel is
// relabelled as the model suggests or its label kept; an agent fixes one
// ticket at a time, an admin may tick several and fix them at once, give
// the tickets of any group one label or keep their labels, or merge a rare
// class of a managed list into the class offered. A ticket fixed since the report shows its
// value now instead of buttons.
// Every fix goes to the ticket's history with the person who made it.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, fmtNum, fmtPct, fmtTime } from '../lib/i18n.js';
import { api, errText, isAdmin } from '../lib/api.js';
import { fieldLabel, valueLabel } from '../lib/tickets.js';

const PAGE = 20;
const KINDS = ['mislabel', 'conflict', 'duplicate', 'rare_class', 'empty', 'low_precision'];
const FIELDS = ['category', 'group', 'urgency', 'service', 'ci'];
const apiErr = (e) => toastError(errText(e), t('dismiss'));
const fill = (key, vars) => Object.entries(vars).reduce((s, [k, v]) => s.replace('{' + k + '}', v), t(key));

const ticketLink = (tk) => el('a', { href: '#/ticket/' + tk.id, class: 'q-ticket' }, '#' + tk.id + ' ', tk.title);

// POST the fix; true when done (the caller draws the page again)
async function fix(field, action, tickets, value) {
  try {
    await api('POST', '/quality/fix', value ? { field, action, tickets, value } : { field, action, tickets });
    toast(fill(action === 'relabel' ? 'q_relabelled' : 'q_kept', { n: fmtNum(tickets.length) }));
    return true;
  } catch (e) { apiErr(e); return false; }
}

// One probable mislabel: the ticket, what it is filed as, what the model
// says instead, and its two fixes (or its value now, when fixed since).
function mislabelRow(field, f, redraw) {
  const tk = f.tickets[0];
  if (!tk) return null;
  const fixed = tk.value !== f.label;
  const label = valueLabel(field, f.label), suggest = valueLabel(field, f.suggest);
  return el('li', { class: 'q-finding', 'data-ticket': tk.id },
    isAdmin() && !fixed ? el('input', { type: 'checkbox', class: 'q-pick', 'data-ticket': tk.id, 'data-suggest': f.suggest,
      'aria-label': fill('q_pick', { id: tk.id }) }) : null,
    ticketLink(tk),
    el('div', { class: 'small' }, fill('q_mislabel_says', { label, self: fmtPct(f.self), suggest, p: fmtPct(f.score) })),
    fixed ? el('div', { class: 'small q-now' }, tColon('q_now'), el('b', {}, valueLabel(field, tk.value)))
      : el('div', { class: 'q-actions' },
        el('button', { type: 'button', class: 'secondary small q-relabel', onclick: async () => { if (await fix(field, 'relabel', [tk.id], f.suggest)) redraw(); } },
          fill('q_relabel_to', { v: suggest })),
        el('button', { type: 'button', class: 'secondary small q-keep', onclick: async () => { if (await fix(field, 'confirm', [tk.id])) redraw(); } },
          fill('q_keep', { v: label }))));
}

// The entry of a managed list named name (category, service, ci), or null.
async function entryNamed(field, name) {
  const r = await api('GET', `/catalog/${field}?q=${encodeURIComponent(name)}&limit=50`);
  return r.items.find((e) => e.name === name) || null;
}

// The fixes an admin makes to a group: a rare class of a managed list
// merged into the class offered; any other group given one label (the
// group's own values first, then every class) or its labels kept.
function groupFix(field, f, classes, redraw) {
  if (!isAdmin()) return null;
  if (f.kind === 'rare_class') {
    if (!f.suggest || !['category', 'service', 'ci'].includes(field)) return null;
    return el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'secondary small q-merge', onclick: async () => {
      try {
        const [from, into] = [await entryNamed(field, f.label), await entryNamed(field, f.suggest)];
        if (!from || !into) { toastError(t('q_merge_gone'), t('dismiss')); return; }
        if (!window.confirm(t('list_merge_confirm').replace('{from}', from.name).replace('{into}', into.name))) return;
        await api('POST', `/catalog/${field}/${from.id}/merge`, { into: into.id });
        toast(fill('q_merged', { v: valueLabel(field, f.label), into: valueLabel(field, f.suggest) }));
        redraw();
      } catch (e) { apiErr(e); }
    } }, fill('q_merge', { into: valueLabel(field, f.suggest) })));
  }
  const ids = f.tickets.map((tk) => tk.id);
  if (!ids.length) return null;
  const own = [...new Set(f.tickets.map((tk) => tk.value).filter(Boolean))];
  const pick = el('select', { class: 'q-one-value', 'aria-label': t('q_one_label') },
    [...own, ...classes.filter((c) => !own.includes(c))].map((v) => el('option', { value: v }, valueLabel(field, v))));
  return el('div', { class: 'q-actions' }, pick,
    el('button', { type: 'button', class: 'secondary small q-one', onclick: async () => { if (await fix(field, 'relabel', ids, pick.value)) redraw(); } }, t('q_one_label')),
    own.length ? el('button', { type: 'button', class: 'secondary small q-keep-all', onclick: async () => { if (await fix(field, 'confirm', ids)) redraw(); } }, t('q_keep_all')) : null);
}

// A group of tickets (conflict, duplicate, empty, a class's tickets).
function groupRow(field, f, classes, redraw) {
  const head = f.kind === 'conflict' ? t('q_conflict_group') : f.kind === 'duplicate' ? fill('q_dup_group', { v: valueLabel(field, f.label) })
    : f.kind === 'rare_class' ? fill(f.suggest ? 'q_rare_merge' : 'q_rare', { v: valueLabel(field, f.label), n: fmtNum(f.score), into: valueLabel(field, f.suggest) })
      : f.kind === 'low_precision' ? fill('q_lowprec', { v: valueLabel(field, f.label), p: fmtPct(f.score) }) : t('q_empty_group');
  return el('li', { class: 'q-finding q-group' }, el('div', {}, head),
    el('ul', { class: 'q-tickets' }, f.tickets.slice(0, 10).map((tk) => el('li', {}, ticketLink(tk), ' ',
      el('span', { class: 'muted small' }, tk.value ? valueLabel(field, tk.value) : t('none'))))),
    f.tickets.length > 10 ? el('div', { class: 'muted small' }, fill('q_and_more', { n: fmtNum(f.tickets.length - 10) })) : null,
    groupFix(field, f, classes, redraw));
}

// The ticked mislabels of the page, fixed at once: each relabelled as its
// own suggestion (one request per value), or their labels kept.
function bulkBar(field, redraw) {
  const picked = () => [...document.querySelectorAll('.q-pick:checked')];
  const run = async (keep) => {
    const p = picked();
    if (!p.length) { toastError(t('q_pick_none'), t('dismiss')); return; }
    const by = new Map();
    for (const c of p) {
      const v = keep ? '' : c.dataset.suggest;
      by.set(v, [...(by.get(v) || []), Number(c.dataset.ticket)]);
    }
    for (const [v, ids] of by) if (!(await fix(field, keep ? 'confirm' : 'relabel', ids, v || undefined))) break;
    redraw();
  };
  return el('div', { class: 'q-bulk', id: 'q-bulk' },
    el('button', { type: 'button', class: 'secondary small', id: 'q-bulk-relabel', onclick: () => run(false) }, t('q_bulk_relabel')),
    el('button', { type: 'button', class: 'secondary small', id: 'q-bulk-keep', onclick: () => run(true) }, t('q_bulk_keep')));
}

// One kind's section: its findings a page at a time.
async function kindSection(field, kind, count, classes, redraw) {
  const list = el('ul', { class: 'q-list', id: 'q-list-' + kind });
  const more = el('button', { type: 'button', class: 'secondary small', id: 'q-more-' + kind });
  let offset = 0;
  const load = async () => {
    const r = await api('GET', `/quality?field=${field}&kind=${kind}&limit=${PAGE}&offset=${offset}`);
    list.append(...r.findings.map((f) => (kind === 'mislabel' ? mislabelRow(field, f, redraw) : groupRow(field, f, classes, redraw))).filter(Boolean));
    offset = r.next_offset;
    more.hidden = offset === null;
    more.textContent = fill('q_more', { n: fmtNum(r.total - list.children.length) });
  };
  more.onclick = () => load().catch(apiErr);
  if (count.findings) await load();
  else more.hidden = true;
  return el('section', { class: 'card q-kind', id: 'q-' + kind, 'aria-labelledby': 'q-h-' + kind },
    el('h2', { id: 'q-h-' + kind }, t('q_k_' + kind), ' ', el('span', { class: 'muted small' },
      fill('q_count', { f: fmtNum(count.findings), n: fmtNum(count.tickets) }))),
    el('p', { class: 'muted small' }, t('q_k_' + kind + '_intro')),
    kind === 'mislabel' && count.findings && isAdmin() ? bulkBar(field, redraw) : null,
    count.findings ? list : el('p', { class: 'muted' }, t('q_none_found')), more);
}

export default async function viewQuality(ctx) {
  const redraw = () => viewQuality(ctx);
  const want = ctx.query.get('field');
  const field = FIELDS.includes(want) ? want : 'category';
  const tabs = el('nav', { class: 'tabs', 'aria-label': t('m_fields') }, FIELDS.slice(0, 3).map((f) =>
    el('a', { href: '#/quality?field=' + f, class: f === field ? 'tab current' : 'tab', id: 'q-tab-' + f, 'aria-current': f === field ? 'page' : null }, fieldLabel(f))));
  const runNow = isAdmin() ? el('button', { type: 'button', id: 'q-run', onclick: async (ev) => {
    ev.target.disabled = true;
    try { await api('POST', '/jobs/quality/run', {}); toast(t('q_started')); } catch (e) { apiErr(e); ev.target.disabled = false; }
  } }, t('q_run')) : null;
  const head = el('div', { class: 'page-head', id: 'quality-head' }, el('h1', {}, t('quality_title')), runNow);
  const r = await api('GET', `/quality?field=${field}&limit=1`);
  if (r.created_at === null) {
    ctx.page(head, tabs, el('p', { class: 'muted', id: 'q-missing' }, t('q_missing')));
    return;
  }
  const sections = [];
  for (const k of KINDS) sections.push(await kindSection(field, k, r.counts[k], r.classes || [], redraw));
  ctx.page(head, tabs,
    el('p', { id: 'q-summary' }, fill('q_summary', { when: fmtTime(r.created_at), n: fmtNum(r.rows), acc: fmtPct(r.accuracy, 1) })),
    el('ul', { class: 'q-counts', id: 'q-counts' }, KINDS.map((k) => el('li', {},
      el('a', { href: '#/quality?field=' + field, onclick: (ev) => { ev.preventDefault(); document.getElementById('q-' + k).scrollIntoView(); } },
        t('q_k_' + k)), ' ', el('b', { 'data-kind': k }, fmtNum(r.counts[k].tickets))))),
    sections);
}
