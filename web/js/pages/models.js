// The Models page (admin): the active model of each field with its
// out-of-fold metrics, per-class precision, coverage and threshold rules,
// and training on demand. The settings have a page of their own.
import { el, toast, toastError } from '../lib/dom.js';
import { t, tColon, fmtNum, fmtTime } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { fieldLabel, valueLabel } from '../lib/tickets.js';

// 0.877 → "87.7 %" ("87,7 %" in French), the % kept beside its number
const fmtPct = (x) => (x === null || x === undefined ? t('none') : fmtNum(100 * x, 1) + '\u00a0%');

function thresholdControls(field, cls, cur, onsaved) {
  const mode = el('select', { class: 'th-mode', 'data-class': cls },
    ['target', 'always', 'never'].map((m) => el('option', { value: m, selected: m === cur.mode }, t('mode_' + m))));
  const target = el('input', { type: 'number', class: 'th-target', min: '0.5', max: '1', step: '0.01',
    value: cur.target ?? 0.95 });
  const save = el('button', { type: 'button', class: 'secondary th-save', onclick: async () => {
    const body = { class: cls, mode: mode.value };
    if (mode.value === 'target') body.target = Number(target.value);
    try { await api('PUT', `/models/${field}/thresholds`, body); toast(t('saved')); onsaved(); } catch (e) { toastError(e.message, t('dismiss')); }
  } }, t('save'));
  return el('span', { class: 'th' }, mode, ' ', target, ' ', save);
}

export default async function viewModels(ctx) {
  const redraw = () => viewModels(ctx);
  const r = await api('GET', '/models');
  const active = r.models.filter((m) => m.active);
  const rules = new Map(r.thresholds.map((x) => [x.field + '\u0000' + x.class, x]));
  const train = el('button', { id: 'models-train', onclick: async (ev) => {
    ev.target.disabled = true;
    try { await api('POST', '/models/train', {}); toast(t('trained')); redraw(); } catch (e) { toastError(e.message, t('dismiss')); ev.target.disabled = false; }
  } }, t('train'));
  const blocks = active.map((m) => {
    const mt = m.metrics || {};
    const rule = (cls) => rules.get(m.field + '\u0000' + cls) || { mode: 'target', target: mt.target_precision || 0.95 };
    return el('div', { class: 'card model', 'data-field': m.field },
      el('h2', {}, fieldLabel(m.field) + ' · ' + t('version') + ' ' + m.version),
      el('p', { class: 'muted' }, `${fmtNum(m.n_train)} tickets · ${t('accuracy')} ${fmtPct(mt.accuracy)} · ${t('macro_f1')} ${fmtPct(mt.macro_f1)} · ` +
        `${t('ece')} ${fmtPct(mt.ece)} · ${t('auto')} ${fmtPct(mt.coverage_at_target)} · ${fmtTime(m.created_at)}`),
      el('p', {}, tColon('field_default'), thresholdControls(m.field, '', rule(''), redraw)),
      el('table', { class: 'classes stack flow' },
        el('thead', {}, el('tr', {}, [t('cls'), t('support'), t('precision'), t('coverage'), t('threshold'), t('mode')].map((h) => el('th', {}, h)))),
        el('tbody', {}, (m.classes || []).map((c) => el('tr', { 'data-class': c.class },
          el('td', { class: 'lead' }, valueLabel(m.field, c.class)), el('td', { 'data-label': t('support') }, fmtNum(c.support)),
          el('td', { class: 'th-precision', 'data-label': t('precision') }, c.coverage > 0 ? fmtPct(c.precision) : '—'), // nothing applied: no precision
          el('td', { 'data-label': t('coverage') }, fmtPct(c.coverage)),
          el('td', { class: 'th-value', 'data-label': t('threshold') }, typeof c.threshold === 'number' ? fmtNum(c.threshold, 3) : t(c.threshold)),
          el('td', { 'data-label': t('mode') }, thresholdControls(m.field, c.class, rule(c.class), redraw)))))));
  });
  ctx.page(el('h1', {}, t('models')), el('p', {}, train),
    blocks.length ? blocks : el('p', { class: 'muted' }, t('nomodel')));
}
