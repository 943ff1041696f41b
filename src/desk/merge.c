/* Merging a duplicate ticket into its master (desk.h, desk_merge). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk_int.h"

/* The language of the reply that tells the requester of the merge: theirs
 * when their account has one, else the ticket's, else English. */
static const char *merge_lang(store_t *db, const store_ticket_t *t) {
  store_user_t u = {0};
  const char *lang = "en";
  const char *tl = t->v[STORE_TF_LANGUAGE].s;
  if (tl && strcmp(tl, "fr") == 0) lang = "fr";
  if (!store_user_get(db, t->v[STORE_TF_REQUESTER_ID].i, &u) && u.lang && u.lang[0])
    lang = strcmp(u.lang, "fr") == 0 ? "fr" : "en";
  store_user_clear(&u);
  return lang;
}

/* The refusals that depend on the links of id and into; 0 with *relink
 * set when id is marked a duplicate of into already (the merge makes that
 * link a merge's). */
static int merge_links_ok(store_t *db, int64_t id, int64_t into, int *relink, desk_err_t *e) {
  char kind[12];
  int64_t up, from;
  int merged, rc = store_link_up(db, id, "duplicate", &up, &merged);
  *relink = 0;
  if (!rc && merged)
    return desk_link_fail(e, UTIL_E_CONFLICT, NULL, UTIL_WHY_MERGED_ALREADY, (int64_t[]){id, up}, 2,
                          "ticket #%lld was merged into #%lld already", (long long)id, (long long)up);
  if (!rc && up != into)
    return desk_link_fail(e, UTIL_E_CONFLICT, "into", UTIL_WHY_HAS_MASTER, (int64_t[]){id, up}, 2,
                          "ticket #%lld is a duplicate of #%lld already: merge it into #%lld, or remove"
                          " that link first", (long long)id, (long long)up, (long long)up);
  if (!rc) *relink = 1;
  else if (rc != UTIL_E_NOTFOUND) return desk_link_store_fail(e, rc, "read the links");
  rc = store_link_up(db, into, "duplicate", &up, NULL);
  if (!rc && up == id)
    return desk_link_fail(e, UTIL_E_CONFLICT, "into", UTIL_WHY_LINK_CYCLE, (int64_t[]){id, into, id}, 3,
                          "ticket #%lld is a duplicate of #%lld: merging back would make a loop",
                          (long long)into, (long long)id);
  if (!rc)
    return desk_link_fail(e, UTIL_E_CONFLICT, "into", UTIL_WHY_IS_DUPLICATE, (int64_t[]){into, up}, 2,
                          "ticket #%lld is itself a duplicate of #%lld: merge into #%lld instead",
                          (long long)into, (long long)up, (long long)up);
  if (rc != UTIL_E_NOTFOUND) return desk_link_store_fail(e, rc, "read the links");
  rc = store_link_between(db, id, into, NULL, kind, &from, NULL);
  if (!rc && !*relink)
    return desk_link_fail(e, UTIL_E_CONFLICT, "into", UTIL_WHY_LINKED_ALREADY, (int64_t[]){id, into}, 2,
                          "tickets #%lld and #%lld are linked already (%s): remove that link first",
                          (long long)id, (long long)into, kind);
  return rc && rc != UTIL_E_NOTFOUND ? desk_link_store_fail(e, rc, "read the links") : 0;
}

/* The public reply on the duplicate that tells its requester where the
 * request went, and the duplicate closed (unless it is already). */
static int merge_close(store_t *db, const store_ticket_t *dup, int64_t into, const store_actor_t *a,
                       desk_err_t *e) {
  char body[512];
  int64_t id = dup->v[STORE_TF_ID].i;
  if (strcmp(merge_lang(db, dup), "fr") == 0)
    snprintf(body, sizeof body,
             "Cette demande a été fusionnée avec le ticket n° %lld, qui traite le même problème. "
             "Le support en assure le suivi dans ce ticket ; celui-ci est clos.", (long long)into);
  else
    snprintf(body, sizeof body,
             "This request was merged into ticket #%lld, which deals with the same problem. "
             "The service desk follows it up there; this ticket is closed.", (long long)into);
  store_comment_t cm = {.ticket_id = id, .author_id = a->user_id, .body = body};
  int rc = store_comment_insert(db, &cm, a, NULL);
  if (!rc) rc = desk_ticket_replied(db, id, cm.created_at, 1);
  if (rc) return desk_link_store_fail(e, rc, "tell the requester of the merge");
  if (strcmp(dup->v[STORE_TF_STATUS].s, "closed") == 0) return 0;
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_STATUS, "closed");
  rc = desk_ticket_update(db, id, &ch, 1u << STORE_TF_STATUS, a, NULL, e);
  store_ticket_clear(&ch);
  return rc;
}

int desk_merge(store_t *db, int64_t id, int64_t into, const store_actor_t *a, int64_t *copied,
               desk_err_t *e) {
  store_ticket_t dup, master;
  store_ticket_init(&dup);
  store_ticket_init(&master);
  int relink = 0, rc;
  if (id == into) {
    rc = desk_link_fail(e, UTIL_E_INVALID, "into", UTIL_WHY_LINK_SELF, (int64_t[]){id}, 1,
                        "a ticket cannot be merged into itself");
    goto out;
  }
  rc = store_ticket_get(db, id, &dup);
  if (!rc) rc = store_ticket_get(db, into, &master);
  if (rc) {
    desk_link_store_fail(e, rc, "read the tickets");
    goto out;
  }
  rc = merge_links_ok(db, id, into, &relink, e);
  if (rc) goto out;
  if (strcmp(master.v[STORE_TF_STATUS].s, "closed") == 0) {
    rc = desk_link_fail(e, UTIL_E_CONFLICT, "into", UTIL_WHY_MASTER_CLOSED, (int64_t[]){into}, 1,
                        "ticket #%lld is closed: merge into a ticket that is still open", (long long)into);
    goto out;
  }
  /* requesters never read each other's words: another requester's copies
   * are internal notes */
  int same = dup.v[STORE_TF_REQUESTER_ID].i == master.v[STORE_TF_REQUESTER_ID].i;
  int64_t lid = 0;
  if (relink) rc = store_link_between(db, id, into, &lid, NULL, NULL, NULL);
  if (!rc && relink) rc = store_link_delete(db, lid);
  if (!rc) rc = store_merge_copy(db, id, into, same, copied);
  if (!rc) rc = store_link_insert(db, id, into, "duplicate", 1, a->user_id, NULL);
  if (!rc) rc = store_similar_signal(db, id, into, "duplicate", a->user_id); /* the ranker learns from it */
  char idtxt[24];
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)into);
  if (!rc) rc = store_history_add(db, id, util_now(), a, "merged_into", NULL, idtxt);
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
  if (!rc) rc = store_history_add(db, into, util_now(), a, "merged_from", NULL, idtxt);
  if (rc) {
    desk_link_store_fail(e, rc, "merge the tickets");
    goto out;
  }
  rc = merge_close(db, &dup, into, a, e);
out:
  store_ticket_clear(&dup);
  store_ticket_clear(&master);
  return rc;
}
