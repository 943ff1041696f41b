// Drafts: what a person typed into a form and has not saved yet, kept in
// localStorage per user and per form, so that a redraw of the page (after
// another action on it), a reload or a closed tab never loses it.
//
// Each control's draft remembers the value it was typed over. When the page
// is drawn again, a draft comes back only where the saved value is still
// that one: a field someone (or a model) changed meanwhile shows its new
// value, and the agent's old typing is not slipped over it.
import { session } from './api.js';

const PREFIX = 'relais.draft.';
const key = (name) => `${PREFIX}${session.user ? session.user.id : 0}.${name}`;

// A box or a radio button is its state; a radio button is kept under its
// group's name and its own value (the group's buttons share the name).
const checkable = (c) => c.type === 'checkbox' || c.type === 'radio';
const valueOf = (c) => (checkable(c) ? c.checked : c.value);
const keyOf = (c) => (c.type === 'radio' ? c.name + '=' + c.value : c.name);
function setValue(c, v) {
  if (checkable(c)) c.checked = !!v;
  else c.value = v;
}

function read(name) {
  try {
    const d = JSON.parse(localStorage.getItem(key(name)) || '{}');
    return d && typeof d === 'object' ? d : {};
  } catch (e) {
    return {};
  }
}

// Keeps the named controls of form as a draft called name ("reply.42").
// Restores what is still valid now; returns { clear, restored } where
// restored is the number of controls given back their typed value.
export function keepDraft(form, name) {
  const controls = [...form.elements].filter((c) => c.name && !['submit', 'button'].includes(c.type));
  const base = new Map(controls.map((c) => [c, valueOf(c)]));
  const saved = read(name);
  let restored = 0;
  for (const c of controls) {
    const d = saved[keyOf(c)];
    if (!Array.isArray(d) || d[0] !== base.get(c)) continue;
    setValue(c, d[1]);
    if (valueOf(c) !== d[1]) continue; // an option that is gone
    c.classList.add('draft');
    restored++;
  }
  const store = () => {
    const d = {};
    for (const c of controls) {
      const v = valueOf(c);
      c.classList.toggle('draft', v !== base.get(c));
      if (v !== base.get(c)) d[keyOf(c)] = [base.get(c), v];
    }
    try {
      if (Object.keys(d).length) localStorage.setItem(key(name), JSON.stringify(d));
      else localStorage.removeItem(key(name));
    } catch (e) { /* storage full or refused: the form still works */ }
  };
  form.addEventListener('input', store);
  form.addEventListener('change', store);
  store(); // drops what did not come back
  return { restored, clear: () => localStorage.removeItem(key(name)) };
}

// Forgets the signed-in user's drafts (on signing out).
export function dropDrafts() {
  const mine = key('');
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const k = localStorage.key(i);
    if (k && k.startsWith(mine)) localStorage.removeItem(k);
  }
}
