// Errors beside the input they are about: the message right under the
// input (or under `after`, e.g. a group of checkboxes), in the reader's
// language, and the input marked invalid and described by the message for
// screen readers (an input's own description, such as its help, is kept in
// data-describedby and comes after). A field keeps at most one message.
import { el } from './dom.js';

const msgId = (input) => (input.id || input.name) + '-error';

// Shows msg for input (null or '' clears it).
export function fieldError(input, msg, after = input) {
  const old = document.getElementById(msgId(input));
  if (old) old.remove();
  if (!msg) {
    unmark(input);
    return;
  }
  after.after(el('p', { class: 'field-error', id: msgId(input), role: 'alert' }, msg));
  input.setAttribute('aria-invalid', 'true');
  // the message first, then what described the input before (its help)
  input.setAttribute('aria-describedby', [msgId(input), input.dataset.describedby].filter(Boolean).join(' '));
}

function unmark(input) {
  input.removeAttribute('aria-invalid');
  if (input.dataset.describedby) input.setAttribute('aria-describedby', input.dataset.describedby);
  else input.removeAttribute('aria-describedby');
}

// Clears every message inside root (a form).
export function clearFieldErrors(root) {
  for (const p of root.querySelectorAll('.field-error')) p.remove();
  for (const i of root.querySelectorAll('[aria-invalid]')) unmark(i);
}
