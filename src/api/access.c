/* Who may see a ticket: the one rule every ticket resource (tickets,
 * comments, history, suggestions) applies before it reads or writes. */
#include "api_int.h"

int api_ticket_visible(api_call_t *c, int64_t id, store_ticket_t *t) {
  int rc = store_ticket_get(c->db, id, t);
  if (!rc && c->user.role == STORE_ROLE_REQUESTER &&
      t->v[STORE_TF_REQUESTER_ID].i != c->user.id)
    rc = UTIL_E_NOTFOUND; /* another requester's ticket does not exist for them */
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, NULL, "no ticket %lld", (long long)id);
  else if (rc) api_error(c, rc, NULL, "cannot read ticket %lld", (long long)id);
  if (rc) store_ticket_clear(t);
  return rc;
}
