// Attachments in the UI: the file picker of the new-ticket and reply forms
// (choose or drop files, see them listed before sending), the checks the
// server's caps allow before anything is sent, the uploads one file at a
// time with their progress, errors in the reader's language, and the files
// of a ticket and of each message, safe images shown as thumbnails.
import { el } from './dom.js';
import { t, fmtSize, fmtNum } from './i18n.js';
import { api, apiUpload, session, isAgent, errText } from './api.js';
import { errBeside } from './errors.js';

// The caps (limits.attachment_mb and the two per ticket), from the server.
export async function attachLimits() {
  if (!session.limits) session.limits = (await api('GET', '/auth/me')).limits;
  return session.limits;
}

const fill = (key, vars) => Object.entries(vars).reduce((s, [k, v]) => s.replace('{' + k + '}', v), t(key));

// What went wrong with a file, in the reader's words, from the server's
// answer (its reason and limit) or a check made before sending.
export function attachErrorText(e, name) {
  const d = (e && e.detail) || {};
  const max = d.max;
  if (d.reason === 'file_too_large') return fill('att_too_big', { name, max: fmtSize(max) });
  if (d.reason === 'ticket_full') return fill('att_ticket_full', { name, max: fmtSize(max) });
  if (d.reason === 'limit_reached') return fill('att_too_many', { name, n: max });
  if (d.reason === 'file_type_refused') return fill('att_refused', { name });
  if (d.reason === 'empty_file') return fill('att_empty', { name });
  if (e && e.status === 429) return fill('att_later', { name });
  if (e && e.status === 503) return fill('att_busy', { name });
  if (e && e.status === 0) return fill('att_offline', { name });
  return fill('att_failed', { name, why: e ? errBeside(e) : '' });
}

// The checks the caps allow before sending (the server makes them again):
// each file within the per-file cap and not empty, the batch within the
// per-ticket ones. An array of messages, empty when all is well.
export async function attachPrecheck(files) {
  if (!files.length) return [];
  const lim = await attachLimits();
  const out = [];
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (!f.size) out.push(fill('att_empty', { name: f.name }));
    else if (f.size > lim.attachment_bytes) out.push(fill('att_too_big', { name: f.name, max: fmtSize(lim.attachment_bytes) }));
  }
  if (files.length > lim.ticket_attachments) out.push(fill('att_too_many', { name: files[files.length - 1].name, n: lim.ticket_attachments }));
  else if (total > lim.ticket_attachments_bytes) out.push(fill('att_ticket_full', { name: files[files.length - 1].name, max: fmtSize(lim.ticket_attachments_bytes) }));
  return out;
}

// Sends files one after the other to the ticket (and the comment, when
// commentId is given), telling status how far each is. Returns the
// messages of the files that failed (the others are stored).
export async function attachUpload(ticketId, commentId, files, status) {
  const failed = [];
  for (const f of files) {
    const q = '?filename=' + encodeURIComponent(f.name) + (commentId ? '&comment_id=' + commentId : '');
    const show = (p) => { if (status) status.textContent = fill('att_sending', { name: f.name, pct: fmtNum(p, 0, { style: 'percent' }) }); };
    show(0);
    try {
      await apiUpload('/tickets/' + ticketId + '/attachments' + q, f, show);
    } catch (e) {
      failed.push(attachErrorText(e, f.name));
    }
  }
  if (status) status.textContent = '';
  return failed;
}

// The file picker: a labelled <input type=file multiple> in a zone that
// also takes dropped files, and the list of what is chosen (each with a
// button to take it out). The input has no name: drafts (lib/drafts.js)
// keep typed text only, and a file input's value cannot be set back.
// Returns { node, files(), clear(), status }.
export function filePicker(id) {
  const input = el('input', { type: 'file', id, multiple: true, class: 'file-input' });
  const chosen = el('ul', { class: 'chosen', id: id + '-chosen' });
  const status = el('p', { class: 'small muted att-status', id: id + '-status', role: 'status', 'aria-live': 'polite' });
  const set = (list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(f);
    input.files = dt.files;
    draw();
  };
  function draw() {
    chosen.replaceChildren(...[...input.files].map((f, i) => el('li', {},
      el('span', { class: 'att-name' }, f.name), ' ', el('span', { class: 'muted small' }, fmtSize(f.size)), ' ',
      el('button', { type: 'button', class: 'secondary small', 'aria-label': fill('att_remove', { name: f.name }),
        onclick: () => set([...input.files].filter((_, k) => k !== i)) }, '×'))));
  }
  input.addEventListener('change', draw);
  const zone = el('div', { class: 'dropzone', 'data-for': id,
    ondragover: (e) => { e.preventDefault(); zone.classList.add('over'); },
    ondragleave: () => zone.classList.remove('over'),
    ondrop: (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (e.dataTransfer && e.dataTransfer.files.length) set([...input.files, ...e.dataTransfer.files]);
    } },
  // the label is the button people see: the browser's own one speaks the
  // browser's language, not the reader's
  el('label', { for: id, class: 'pick' }, t('att_add')), input, el('span', { class: 'small muted' }, t('att_drop')));
  return { node: el('div', { class: 'picker-files' }, zone, chosen, status), status,
    files: () => [...input.files], clear: () => set([]) };
}

// One file: a thumbnail for a safe image (opens full size), the name as a
// download link, its size; for the desk, hidden files are marked and any
// public one can be hidden from the requester (or shown again).
function fileItem(a, redraw, onError) {
  const toggle = isAgent() && !a.internal
    ? el('button', { type: 'button', class: 'secondary small', 'data-hide-file': a.id,
      'aria-label': fill(a.hidden ? 'att_show_label' : 'att_hide_label', { name: a.name }), onclick: async () => {
        try {
          await api('POST', `/tickets/${a.ticket_id}/attachments/${a.id}/${a.hidden ? 'show' : 'hide'}`);
          redraw();
        } catch (e) { onError(errText(e)); }
      } }, t(a.hidden ? 'att_show' : 'att_hide'))
    : null;
  const full = a.url + '?inline=1';
  return el('li', { class: 'attachment' + (a.hidden ? ' hidden-file' : ''), 'data-id': a.id, 'data-name': a.name,
    'data-inline': a.inline ? '1' : '0', 'data-hidden': a.hidden ? '1' : '0' },
  a.inline ? el('a', { class: 'thumb', href: full, target: '_blank', rel: 'noopener',
    'aria-label': fill('att_open', { name: a.name }) }, el('img', { src: full, alt: a.name, loading: 'lazy' })) : null,
  el('div', { class: 'att-line' },
    el('a', { class: 'att-name', href: a.url, download: a.name, title: fill('att_download', { name: a.name }) }, a.name),
    ' ', el('span', { class: 'muted small att-size' }, fmtSize(a.size)),
    a.hidden ? [' ', el('span', { class: 'badge' }, a.hidden_by ? t('hidden_by').replace('{name}', a.hidden_by) : t('hidden_badge'))] : null,
    toggle ? [' ', toggle] : null));
}

// The files of a list (of the ticket, or of one message), or null.
export function fileList(items, id, redraw, onError) {
  if (!items.length) return null;
  return el('ul', { class: 'attachments', id, 'aria-label': t('att_title') },
    items.map((a) => fileItem(a, redraw, onError)));
}
