/* What a reply does to a ticket's status. */
#include <stdio.h>
#include <string.h>

#include "desk.h"

int desk_reply_status(int64_t ticket_id, const char *status, store_role_t role, int still_broken,
                      const char **reopen, desk_err_t *e) {
  *reopen = NULL;
  if (role != STORE_ROLE_REQUESTER) return 0;
  if (strcmp(status, "closed") == 0) {
    e->code = UTIL_E_CONFLICT;
    e->field[0] = '\0';
    snprintf(e->msg, sizeof e->msg, "ticket %lld is closed: open a new ticket", (long long)ticket_id);
    e->why = (util_why_t){.reason = UTIL_WHY_TICKET_CLOSED};
    return UTIL_E_CONFLICT;
  }
  /* The ticket waited on the requester, or they say it is still broken:
   * back to the agents' queue. A "thank you" on a resolved ticket is not
   * a reason to reopen it. */
  if (strcmp(status, "pending") == 0 || (still_broken && strcmp(status, "resolved") == 0))
    *reopen = "open";
  return 0;
}
