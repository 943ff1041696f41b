/* What the requester does once the desk answered: confirm that a resolved
 * ticket is solved (it closes), rate the service (1 to 5, with a comment),
 * and mark a ticket read (the unread marker of "My tickets"). "Still
 * broken" is a reply that says so (comments.c). */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

json_t *api_rating_json(store_t *db, int64_t ticket_id) {
  store_rating_t r;
  if (store_rating_get(db, ticket_id, &r)) return json_null();
  json_t *j = json_pack("{s:i, s:s}", "rating", r.rating, "comment", r.comment ? r.comment : "");
  json_object_set_new(j, "rated_at", api_time_json(r.updated_at));
  store_rating_clear(&r);
  return j;
}

/* POST /api/v1/tickets/{id}/confirm: the requester (or the desk) says a
 * resolved ticket is solved; it closes. 409 on a ticket that is not
 * resolved. */
void api_tickets_confirm(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  int resolved = strcmp(t.v[STORE_TF_STATUS].s, "resolved") == 0;
  store_ticket_clear(&t);
  if (!resolved) {
    api_error(c, UTIL_E_CONFLICT, "status", "ticket %lld is not resolved: there is nothing to confirm",
              (long long)c->id[0]);
    return;
  }
  store_ticket_t ch;
  desk_err_t e = {0};
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_STATUS, "closed");
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  int rc = store_begin(c->db);
  if (!rc) rc = desk_ticket_update(c->db, c->id[0], &ch, 1u << STORE_TF_STATUS, &a, NULL, &e);
  rc = api_txn_end(c, rc);
  store_ticket_clear(&ch);
  if (rc == UTIL_E_CONFLICT) api_desk_error(c, &e);
  else if (rc) api_error(c, rc, NULL, "cannot close ticket %lld", (long long)c->id[0]);
  else api_reply(c, 200, json_pack("{s:I, s:s}", "id", (json_int_t)c->id[0], "status", "closed"));
}

/* PUT /api/v1/tickets/{id}/rating {rating: 1..5, comment}: the ticket's
 * requester rates it once it is resolved or closed (a second rating
 * replaces the first); the history records a rating whose value is new,
 * not a comment added to the same one. */
void api_tickets_rating_put(api_call_t *c) {
  static const char *const allowed[] = {"rating", "comment", NULL};
  const char *comment = NULL;
  int64_t rating = 0;
  int present = 0;
  store_ticket_t t;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_int(c, "rating", 1, 5, 0, &rating, &present, NULL) ||
      api_field_string(c, "comment", 0, STORE_RATING_COMMENT_MAX, 0, &comment, NULL))
    return;
  if (!present) {
    api_error(c, UTIL_E_INVALID, "rating", "'rating' (1 to 5) is required");
    return;
  }
  if (api_ticket_visible(c, c->id[0], &t)) return;
  int mine = t.v[STORE_TF_REQUESTER_ID].i == c->user.id;
  int done = desk_status_done(t.v[STORE_TF_STATUS].s);
  store_ticket_clear(&t);
  if (!mine) {
    api_error(c, UTIL_E_FORBIDDEN, NULL, "only the ticket's requester rates it");
    return;
  }
  if (!done) {
    api_error(c, UTIL_E_CONFLICT, "rating", "ticket %lld is not resolved yet: rate it once it is",
              (long long)c->id[0]);
    return;
  }
  store_rating_t r = {.ticket_id = c->id[0], .user_id = c->user.id, .rating = (int)rating,
                      .comment = (char *)(comment ? comment : "")};
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  char val[8];
  snprintf(val, sizeof val, "%d", (int)rating);
  int64_t now = util_now();
  int same = 0; /* the rating stands as it was: only its comment changes */
  int rc = store_begin(c->db);
  if (!rc) {
    store_rating_t old;
    rc = store_rating_get(c->db, c->id[0], &old);
    same = !rc && old.rating == r.rating;
    store_rating_clear(&old);
    if (rc == UTIL_E_NOTFOUND) rc = 0;
  }
  if (!rc) rc = store_rating_put(c->db, &r, now, NULL);
  if (!rc && !same) rc = store_history_add(c->db, c->id[0], now, &a, "rating", NULL, val);
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot record the rating");
  else api_reply(c, 200, api_rating_json(c->db, c->id[0]));
}

/* POST /api/v1/tickets/{id}/read: the caller has read the ticket as it is
 * now; its new replies are no longer marked. */
void api_tickets_read(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  int64_t now = util_now();
  int rc = store_ticket_read(c->db, c->user.id, c->id[0], now);
  if (rc) api_error(c, rc, NULL, "cannot note the reading");
  else api_reply(c, 200, json_pack("{s:o}", "read_at", api_time_json(now)));
}
