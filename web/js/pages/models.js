// The Models page (admin): one triage field at a time (tabs), with its
// active version's out-of-fold figures; warnings in plain words on the
// classes the model never or rarely applies, or has too few examples of;
// the classes with their threshold rules; every version with its figures
// and a way to roll back to it or promote it; the confusion matrix of a
// chosen version, and how its settings were chosen; and what agents did with the field's predictions, week
// by week or day by day. Plain tables and CSS bars: no chart library.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, fmtNum, fmtPct, fmtTime, fmtDate } from '../lib/i18n.js';
import { api, errText } from '../lib/api.js';
import { fieldLabel, valueLabel } from '../lib/tickets.js';

// a class with fewer examples is too thin to learn; with at least as many
// and almost never applied (under 5 % of its tickets), the thresholds are
// what keeps it from working
const FEW_EXAMPLES = 20;
const RARE_COVERAGE = 0.05;
const VERSIONS_SHOWN = 10;

// 0.877 → "87.7 %" ("87,7 %" in French), the % kept beside its number
// a share as the language writes it (99 % in French, 99% in English), "—" when unknown
const pct = (x, d = 1) => (x === null || x === undefined ? t('none') : fmtPct(x, d));
const apiErr = (e) => toastError(errText(e), t('dismiss'));
const fill = (key, vars) => Object.entries(vars).reduce((s, [k, v]) => s.replace('{' + k + '}', v), t(key));

function thresholdControls(field, cls, cur, onsaved) {
  const name = cls === '' ? t('field_default') : valueLabel(field, cls);
  const mode = el('select', { class: 'th-mode', 'data-class': cls, 'aria-label': fill('m_rule_of', { cls: name }) },
    ['target', 'always', 'never'].map((m) => el('option', { value: m, selected: m === cur.mode }, t('mode_' + m))));
  const target = el('input', { type: 'number', class: 'th-target', min: '0.5', max: '1', step: '0.01',
    value: cur.target ?? 0.95, 'aria-label': fill('m_target_of', { cls: name }) });
  const save = el('button', { type: 'button', class: 'secondary th-save', onclick: async () => {
    const body = { class: cls, mode: mode.value };
    if (mode.value === 'target') body.target = Number(target.value);
    try { await api('PUT', `/models/${field}/thresholds`, body); toast(t('saved')); onsaved(); } catch (e) { apiErr(e); }
  } }, t('save'));
  return el('span', { class: 'th' }, mode, ' ', target, ' ', save);
}

// The warnings of the active version's classes, in words a desk lead
// reads: never or rarely applied although well supplied with examples,
// or too few examples to learn. A class an admin set to "always suggest"
// is left alone: it is meant never to be applied.
function classWarnings(m, rule) {
  const out = [];
  for (const c of m.classes || []) {
    const r = rule(c.class);
    const vars = { cls: valueLabel(m.field, c.class), n: fmtNum(c.support),
      p: pct(r.mode === 'target' ? r.target : null, 0), c: pct(c.coverage, 0) };
    if (c.support < FEW_EXAMPLES) out.push([c.class, fill('m_warn_few', vars)]);
    else if (r.mode === 'never') continue;
    else if (c.coverage === 0) out.push([c.class, fill('m_warn_never', vars)]);
    else if (c.coverage < RARE_COVERAGE) out.push([c.class, fill('m_warn_rare', vars)]);
  }
  return out;
}

function classesTable(m, rule, warned, redraw) {
  return el('table', { class: 'classes stack flow' },
    el('thead', {}, el('tr', {}, [t('cls'), t('support'), t('precision'), t('coverage'), t('threshold'), t('mode')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, (m.classes || []).map((c) => el('tr', { 'data-class': c.class, class: warned.has(c.class) ? 'warned' : null },
      el('td', { class: 'lead' }, valueLabel(m.field, c.class),
        warned.has(c.class) ? el('span', { class: 'badge warn-badge' }, t('m_warn_badge')) : null),
      el('td', { 'data-label': t('support') }, fmtNum(c.support)),
      el('td', { class: 'th-precision', 'data-label': t('precision') }, c.coverage > 0 ? pct(c.precision) : '—'), // nothing applied: no precision
      el('td', { 'data-label': t('coverage') }, pct(c.coverage)),
      el('td', { class: 'th-value', 'data-label': t('threshold') }, typeof c.threshold === 'number' ? fmtNum(c.threshold, 3) : t(c.threshold)),
      el('td', { 'data-label': t('mode') }, thresholdControls(m.field, c.class, rule(c.class), redraw))))));
}

// Every version, newest first (the ten newest until asked for all), each
// with its figures; the others than the active one can be activated.
function versionsTable(field, versions, active, redraw) {
  const body = el('tbody', {});
  const row = (m) => {
    const mt = m.metrics || {};
    const act = m.active ? el('span', { class: 'badge active-badge' }, t('m_active'))
      : el('button', { type: 'button', class: 'secondary small m-activate', 'data-version': m.version, onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          await api('PUT', `/models/${field}/active`, { version: m.version });
          toast(fill('m_activated', { v: m.version }));
          await redraw();
        } catch (e) { ev.target.disabled = false; apiErr(e); }
      } }, active && m.version < active.version ? t('m_rollback') : t('m_promote'));
    return el('tr', { 'data-version': m.version, class: m.active ? 'is-active' : null },
      el('td', { class: 'lead' }, t('m_col_version') + ' ' + m.version),
      el('td', { 'data-label': t('m_col_date') }, fmtTime(m.created_at)),
      el('td', { 'data-label': t('m_col_tickets') }, fmtNum(m.n_train)),
      el('td', { 'data-label': t('accuracy') }, pct(mt.accuracy)),
      el('td', { 'data-label': t('macro_f1') }, pct(mt.macro_f1)),
      el('td', { 'data-label': t('auto') }, pct(mt.coverage_at_target)),
      el('td', { class: 'm-state' }, act));
  };
  const show = (n) => body.replaceChildren(...versions.slice(0, n).map(row));
  show(VERSIONS_SHOWN);
  const all = versions.length > VERSIONS_SHOWN ? el('button', { type: 'button', class: 'secondary small', id: 'm-all-versions',
    onclick: (ev) => { show(versions.length); ev.target.remove(); } }, fill('m_all_versions', { n: fmtNum(versions.length) })) : null;
  return [el('table', { class: 'versions stack flow', id: 'm-versions' },
    el('thead', {}, el('tr', {}, [t('m_col_version'), t('m_col_date'), t('m_col_tickets'), t('accuracy'), t('macro_f1'), t('auto'), t('m_col_state')]
      .map((h) => el('th', { scope: 'col' }, h)))), body), all];
}

// The out-of-fold confusion matrix of version m: a row per real class, a
// column per predicted one, the diagonal marked, a cell shaded by its share
// of the row. On a phone each row is a card listing only the classes its
// tickets were predicted as.
function confusionTable(m) {
  const cm = m.metrics && m.metrics.confusion;
  if (!cm) return el('p', { class: 'muted', id: 'm-cm-none' }, t('m_cm_none'));
  const names = cm.classes.map((c) => valueLabel(m.field, c));
  const cell = (n, total, hit, p) => {
    const td = el('td', { class: 'cm-cell' + (hit ? ' cm-hit' : n ? ' cm-miss' : ' cm-zero'),
      'data-label': fill('m_cm_pred', { cls: names[p] }) }, fmtNum(n));
    if (n && total) td.style.setProperty('--share', String(Math.max(0.08, n / total)));
    return td;
  };
  // a region that may scroll sideways: reached by Tab, named, so a keyboard can scroll it
  return el('div', { class: 'cm-wrap', tabindex: '0', role: 'region', 'aria-label': t('m_cm') }, el('table', { class: 'confusion stack', id: 'm-confusion' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('m_cm_truth')),
      names.map((n) => el('th', { scope: 'col' }, n)))),
    el('tbody', {}, cm.counts.map((row, r) => {
      const total = row.reduce((a, b) => a + b, 0);
      return el('tr', { 'data-class': cm.classes[r] }, el('th', { scope: 'row', class: 'lead' }, names[r],
        el('span', { class: 'muted small' }, ' (' + fmtNum(total) + ')')),
      row.map((n, p) => cell(n, total, p === r, p)));
    }))));
}

// A section about one version at a time (id, title and intro keys), the
// version chosen in a list; draw(m) makes its content.
function versionSection(id, keys, versions, active, draw) {
  const holder = el('div', {});
  const pick = el('select', { id: id + '-version', onchange: () => show() },
    versions.map((m) => el('option', { value: m.version, selected: m === active }, t('m_col_version') + ' ' + m.version + (m.active ? ' · ' + t('m_active') : ''))));
  const show = () => holder.replaceChildren(...[draw(versions.find((m) => String(m.version) === pick.value))].flat().filter(Boolean));
  show();
  return el('section', { id, 'aria-labelledby': id + '-h' }, el('h3', { id: id + '-h' }, t(keys[0])),
    el('p', { class: 'muted small' }, t(keys[1])),
    el('p', { class: 'inline-field' }, el('label', { for: id + '-version' }, t('m_cm_of')), pick), holder);
}

// One setting of the search in the reader's words: [stemming, stop words,
// bigram and title-word weights, character trigrams, class weights, C].
function settingCells(c) {
  const dec = (x) => fmtNum(x, 0, { maximumFractionDigits: 2 }); // 0.6 → "0,6" in French
  const w = c.head_weight > 0 ? fill('m_s_w_on', { p: dec(c.pair_weight), h: dec(c.head_weight) }) : fill('m_s_w_off', { p: dec(c.pair_weight) });
  return [c.stem ? t('yes') : t('no'), c.stopwords ? t('m_s_dropped') : t('m_s_kept'), w,
    c.char_ngrams ? t('yes') : t('no'), c.class_weight === 'balanced' ? t('m_s_balanced') : t('m_s_plain'), dec(c.C)];
}

const SEARCH_SHOWN = 10;

// How version m's settings were chosen: the chosen setting in words, then
// every setting tried, best first (those that reached the largest sample
// first), with the sample it last ran on and its cross-validated scores.
function searchTable(m) {
  const s = m.metrics && m.metrics.search;
  if (!s) return el('p', { class: 'muted', id: 'm-search-none' }, t('m_search_none'));
  const heads = [t('m_s_stem'), t('m_s_stop'), t('m_s_weights'), t('m_s_char'), t('m_s_cw'), 'C'];
  const ranked = s.candidates.slice().sort((a, b) => b.rung - a.rung || b.macro_f1 - a.macro_f1 || b.accuracy - a.accuracy);
  const same = (a, b) => ['stem', 'stopwords', 'pair_weight', 'head_weight', 'char_ngrams', 'class_weight', 'C'].every((k) => a[k] === b[k]);
  const row = (c) => el('tr', { class: same(c, s.chosen) ? 'is-active' : null },
    settingCells(c).map((v, i) => el('td', { 'data-label': heads[i], class: i ? null : 'lead' }, v)),
    el('td', { 'data-label': t('m_s_sample') }, fmtNum(s.rungs[c.rung])),
    el('td', { 'data-label': t('macro_f1') }, pct(c.macro_f1)),
    el('td', { 'data-label': t('accuracy') }, pct(c.accuracy)));
  const body = el('tbody', {});
  const show = (n) => body.replaceChildren(...ranked.slice(0, n).map(row));
  show(SEARCH_SHOWN);
  const chosen = settingCells(s.chosen);
  return [el('p', { id: 'm-search-chosen' }, tColon('m_s_chosen'),
    heads.map((h, i) => h + ' ' + chosen[i]).join(' · ')),
  el('p', { class: 'muted small' }, fill('m_search_how', { n: fmtNum(s.candidates.length), k: s.folds,
    rungs: s.rungs.map((x) => fmtNum(x)).join(', '), secs: fmtNum(s.seconds, 1) })),
  el('div', { class: 'cm-wrap', tabindex: '0', role: 'region', 'aria-label': t('m_search') },
    el('table', { class: 'search-grid stack flow', id: 'm-search' },
      el('thead', {}, el('tr', {}, [...heads, t('m_s_sample'), t('macro_f1'), t('accuracy')].map((h) => el('th', { scope: 'col' }, h)))), body)),
  ranked.length > SEARCH_SHOWN ? el('button', { type: 'button', class: 'secondary small', id: 'm-search-all',
    onclick: (ev) => { show(ranked.length); ev.target.remove(); } }, fill('m_search_all', { n: fmtNum(ranked.length) })) : null];
}

const STATES = ['accepted', 'overridden', 'applied', 'suggested'];

// One period of the trend: its counts, the share overridden of those a
// person decided, and a bar of the four states (the numbers beside it are
// what a screen reader reads).
function trendRow(x) {
  const total = STATES.reduce((a, k) => a + x[k], 0);
  const decided = x.accepted + x.overridden;
  const bar = el('div', { class: 'trend-bar', 'aria-hidden': 'true' }, STATES.map((k) => {
    const s = el('span', { class: 'tb-' + k });
    s.style.setProperty('width', total ? (100 * x[k] / total) + '%' : '0');
    return s;
  }));
  return el('tr', { 'data-start': x.start, class: total ? null : 'trend-empty' },
    el('th', { scope: 'row', class: 'lead' }, fmtDate(x.start)),
    STATES.map((k) => el('td', { class: 'tr-' + k, 'data-label': t('tr_' + k) }, fmtNum(x[k]))),
    el('td', { class: 'tr-rate', 'data-label': t('tr_rate') }, decided ? pct(x.overridden / decided, 0) : t('none')),
    el('td', { class: 'tr-accuracy', 'data-label': t('tr_accuracy') }, x.accuracy === null ? t('none') : pct(x.accuracy, 0)),
    el('td', { class: 'tr-conf', 'data-label': t('tr_conf') }, x.mean_confidence === null ? t('none') : pct(x.mean_confidence, 0)),
    el('td', { class: 'tr-bar' }, bar));
}

// The classes people overrode most over the periods shown, and what they
// chose instead.
function overridesList(field, most) {
  if (!most.length) return el('p', { class: 'muted', id: 'm-overrides-none' }, t('tr_no_overrides'));
  return el('ul', { id: 'm-overrides' }, most.map((o) => el('li', { 'data-class': o.value },
    el('b', {}, valueLabel(field, o.value)), ' ', fill('tr_overridden_n', { n: fmtNum(o.overrides) }), ' ',
    o.became.map((b) => valueLabel(field, b.value) + ' (' + fmtNum(b.count) + ')').join(', '))));
}

// Drift: the last two weeks' tickets against what the active model learnt.
function driftNote(d) {
  if (!d || !d.enough)
    return el('p', { class: 'muted', id: 'm-drift' }, fill('tr_drift_few', { n: fmtNum(d ? d.tickets : 0) }));
  const figures = fill('tr_drift_figures', { n: fmtNum(d.tickets),
    dist: d.label_mix_distance === null ? t('none') : pct(d.label_mix_distance, 0),
    conf: d.mean_confidence === null ? t('none') : pct(d.mean_confidence, 0),
    base: d.training_mean_confidence === null ? t('none') : pct(d.training_mean_confidence, 0) });
  if (!d.signal) return el('p', { class: 'muted', id: 'm-drift' }, t('tr_drift_none') + ' ' + figures);
  return el('div', { class: 'warnings', id: 'm-drift', role: 'status' }, el('h4', {}, t('tr_drift_title')),
    el('p', {}, d.reasons.map((r) => t('tr_drift_' + r)).join(' ') + ' ' + figures));
}

async function trendSection(field) {
  const holder = el('div', {});
  const bucket = el('select', { id: 'm-trend-bucket', onchange: () => draw().catch(apiErr) },
    el('option', { value: 'week' }, t('m_by_week')), el('option', { value: 'day' }, t('m_by_day')));
  const draw = async () => {
    const r = await api('GET', `/models/${field}/trend?bucket=${bucket.value}`);
    const none = r.items.every((x) => STATES.every((k) => !x[k]));
    holder.replaceChildren(none ? el('p', { class: 'muted', id: 'm-trend-none' }, t('tr_empty')) : '',
      el('table', { class: 'trend stack flow', id: 'm-trend' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t(r.bucket === 'week' ? 'm_week_of' : 'm_day')),
        STATES.map((k) => el('th', { scope: 'col' }, el('span', { class: 'swatch tb-' + k, 'aria-hidden': 'true' }), t('tr_' + k))),
        el('th', { scope: 'col' }, t('tr_rate')), el('th', { scope: 'col' }, t('tr_accuracy')),
        el('th', { scope: 'col' }, t('tr_conf')), el('td', {}))),
      el('tbody', {}, r.items.slice().reverse().map(trendRow))),
      el('h4', {}, t('tr_most')), overridesList(field, r.overridden_most || []),
      el('h4', {}, t('tr_drift')), driftNote(r.drift));
  };
  await draw();
  return el('section', { id: 'm-trend-s', 'aria-labelledby': 'm-trend-h' }, el('h3', { id: 'm-trend-h' }, t('m_trend')),
    el('p', { class: 'muted small' }, t('m_trend_intro')),
    el('p', { class: 'inline-field' }, el('label', { for: 'm-trend-bucket' }, t('m_bucket')), bucket), holder);
}

async function fieldCard(field, versions, thresholds, redraw) {
  const active = versions.find((m) => m.active) || null;
  const mt = (active && active.metrics) || {};
  const rules = new Map(thresholds.filter((x) => x.field === field).map((x) => [x.class, x]));
  const dflt = rules.get('') || { mode: 'target', target: mt.target_precision || 0.95 };
  const rule = (cls) => rules.get(cls) || dflt;
  const warnings = active ? classWarnings(active, rule) : [];
  const warned = new Set(warnings.map(([c]) => c));
  return el('section', { class: 'card model', 'data-field': field, 'aria-labelledby': 'm-h-' + field },
    el('h2', { id: 'm-h-' + field }, fieldLabel(field)),
    active ? [
      el('p', { class: 'm-summary' }, el('strong', {}, fill('m_active_v', { v: active.version })), ' · ',
        fill('m_trained_on', { when: fmtTime(active.created_at), n: fmtNum(active.n_train) })),
      el('p', { class: 'muted' }, `${tColon('accuracy')}${pct(mt.accuracy)} · ${tColon('macro_f1')}${pct(mt.macro_f1)} · ` +
        `${tColon('ece')}${pct(mt.ece)} · ${tColon('auto')}${pct(mt.coverage_at_target)}`),
      warnings.length ? el('div', { class: 'warnings', id: 'm-warnings' }, el('h3', {}, t('m_warn_title')),
        el('ul', {}, warnings.map(([c, text]) => el('li', { 'data-class': c }, text)))) : null,
      el('h3', {}, t('m_classes')),
      el('p', {}, tColon('field_default'), thresholdControls(field, '', dflt, redraw)),
      classesTable(active, rule, warned, redraw)] : el('p', { class: 'muted' }, t('nomodel')),
    el('h3', {}, t('m_versions')),
    versionsTable(field, versions, active, redraw),
    versionSection('m-search-s', ['m_search', 'm_search_intro'], versions, active || versions[0], searchTable),
    versionSection('m-cm', ['m_cm', 'm_cm_intro'], versions, active || versions[0], confusionTable),
    await trendSection(field));
}

export default async function viewModels(ctx) {
  const redraw = () => viewModels(ctx);
  const r = await api('GET', '/models');
  // the configured fields first, in their order, then any other with a model
  const fields = [...new Set([...r.fields.split(',').filter(Boolean), ...r.models.map((m) => m.field)])]
    .filter((f) => r.models.some((m) => m.field === f));
  const want = ctx.query.get('field');
  const field = fields.includes(want) ? want : fields[0];
  const train = el('button', { type: 'button', id: 'models-train', onclick: async (ev) => {
    ev.target.disabled = true;
    try { await api('POST', '/models/train', {}); toast(t('trained')); redraw(); } catch (e) { apiErr(e); ev.target.disabled = false; }
  } }, t('train'));
  const tabs = el('nav', { class: 'tabs', 'aria-label': t('m_fields') }, fields.map((f) => {
    const act = r.models.find((m) => m.field === f && m.active);
    return el('a', { href: '#/models?field=' + f, class: f === field ? 'tab current' : 'tab', id: 'm-tab-' + f, 'aria-current': f === field ? 'page' : null },
      fieldLabel(f), act && act.metrics ? el('span', { class: 'muted small' }, ' · ' + t('macro_f1') + ' ' + pct(act.metrics.macro_f1, 0)) : null);
  }));
  ctx.page(el('div', { class: 'page-head' }, el('h1', {}, t('models')), train),
    field ? [tabs, await fieldCard(field, r.models.filter((m) => m.field === field), r.thresholds, redraw)]
      : el('p', { class: 'muted' }, t('nomodel')));
}
