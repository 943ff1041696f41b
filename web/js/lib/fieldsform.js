// The agent's form of a ticket's fields (status, category, group, assignee,
// impact, urgency, priority, service, CI, resolution): only what changed is
// sent, and "Assign to me" in one click.
import { el, toast } from './dom.js';
import { t } from './i18n.js';
import { api, session, errText } from './api.js';
import { STATUSES, lookups, slaCard, levelLabel } from './tickets.js';
import { userSelect } from './userpicker.js';
import { keepDraft } from './drafts.js';
import { listSelect, ciInput } from './catalog.js';

// What to tell the agent when the form is drawn again for a ticket that
// changed while they edited it: { id, text }, shown once.
let notice = null;

export async function fieldsForm(tk, onsaved) {
  // the team, searched on the server once it outgrows one page
  const assignee = await userSelect({ attrs: { id: 'f-assignee_id', name: 'assignee_id' }, roles: 'agent,admin',
    none: t('none'), current: tk.assignee_id ? { id: tk.assignee_id, name: tk.assignee_name } : null });
  const sel = (name, options, cur) => el('select', { id: 'f-' + name, name },
    options.map(([v, label]) => el('option', { value: v, selected: String(cur ?? '') === v }, label)));
  const lvl = [['', t('none')], ...['1', '2', '3'].map((v) => [v, levelLabel(v)])];
  const err = el('div', { class: 'error', id: 'fields-error', role: 'alert' });
  if (notice && notice.id === tk.id) { err.textContent = notice.text; notice = null; }
  // the change applies only to the version on screen: if someone else
  // changed the ticket meanwhile, it is drawn again as it is now, and the
  // agent is told rather than overwriting what the other one did
  const save = async (patch, saved) => {
    try {
      const nt = await api('PATCH', '/tickets/' + tk.id, { ...patch, version: tk.version });
      toast(t('saved'));
      if (saved) saved();
      onsaved(nt);
    } catch (e) {
      if (e.status !== 412) { err.textContent = errText(e); return; }
      const who = e.detail.changed_by;
      notice = { id: tk.id, text: who ? t('changed_meanwhile').replace('{name}', who) : t('changed_meanwhile_anon') };
      onsaved(null);
    }
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
    await save(patch, () => draft.clear()); // the form is saved whole: no draft left
  } },
    el('h2', {}, t('details')),
    slaCard(tk),
    el('label', { for: 'f-status' }, t('status')), sel('status', STATUSES.map((s) => [s, t('st_' + s)]), tk.status),
    el('label', { for: 'f-category' }, t('category')),
    listSelect('category', { id: 'f-category', name: 'category' }, tk.category),
    el('label', { for: 'f-group_id' }, t('group')),
    sel('group_id', [['', t('none')], ...lookups.groups.map((g) => [String(g.id), g.name])], tk.group_id),
    el('label', { for: 'f-assignee_id' }, t('assignee')),
    assignee.node,
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
    // nobody set the urgency: the priority rests on the desk's default
    tk.urgency_default ? el('p', { class: 'small muted', id: 'urgency-default' },
      t('urgency_assumed').replace('{level}', levelLabel(tk.urgency_default))) : null,
    el('label', { for: 'f-service' }, t('service')),
    listSelect('service', { id: 'f-service', name: 'service' }, tk.service),
    el('label', { for: 'f-ci' }, t('ci')), ciInput({ id: 'f-ci', name: 'ci' }, tk.ci),
    el('label', { for: 'f-resolution' }, t('resolution')),
    el('textarea', { id: 'f-resolution', name: 'resolution' }, tk.resolution || ''),
    err, el('p', {}, el('button', { type: 'submit', id: 'fields-save' }, t('save'))));
  // typed and not saved: kept through redraws (a suggestion accepted, a
  // reply posted) and reloads, unless the field changed meanwhile
  const draft = keepDraft(form, 'fields.' + tk.id);
  return form;
}
