/* The rules of links between tickets and of merges (desk.h). The store
 * keeps the links; what may be linked, and what a merge does, is here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "desk_int.h"

/* Most steps a walk up a chain of parents or masters takes: the rules
 * keep chains free of loops, the bound keeps a damaged file from spinning. */
#define LINK_WALK_MAX 100000

const char *desk_link_view(const store_link_t *l, int64_t id) {
  int from = l->from_id == id;
  if (strcmp(l->kind, "duplicate") == 0) return from ? "duplicate_of" : "duplicates";
  if (strcmp(l->kind, "parent") == 0) return from ? "parent" : "child";
  return "related";
}

int desk_link_fail(desk_err_t *e, int code, const char *field, int reason, const int64_t *tickets,
                     int n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  e->why = (util_why_t){.reason = reason};
  for (int i = 0; i < n && i < UTIL_WHY_TICKETS; i++) e->why.tickets[e->why.ntickets++] = tickets[i];
  return code;
}

int desk_link_store_fail(desk_err_t *e, int rc, const char *what) {
  e->code = rc;
  e->field[0] = '\0';
  e->why = (util_why_t){0};
  snprintf(e->msg, sizeof e->msg, "cannot %s", what);
  return rc;
}

/* Whether linking from up to `to` by kind ("parent", "duplicate") closes a
 * loop: the walk up from `to` reaches from. Returns 1 with the loop's
 * path (from, to, …, from; cut to the room the error has) in e, 0 when
 * not, or a store error. */
static int link_loops(store_t *db, int64_t from, int64_t to, const char *kind, desk_err_t *e) {
  int64_t path[UTIL_WHY_TICKETS], cur = to;
  int n = 0;
  path[n++] = from;
  path[n++] = to;
  for (int step = 0; step < LINK_WALK_MAX && cur != from; step++) {
    int rc = store_link_up(db, cur, kind, &cur, NULL);
    if (rc == UTIL_E_NOTFOUND) return 0;
    if (rc) return rc;
    if (n < UTIL_WHY_TICKETS) path[n++] = cur;
  }
  if (cur != from) return 0;
  if (path[n - 1] != from) path[n - 1] = from; /* a long loop: its end shown */
  desk_link_fail(e, UTIL_E_CONFLICT, "ticket", UTIL_WHY_LINK_CYCLE, path, n,
            "this link would make a loop of %s links: #%lld -> #%lld -> ... -> #%lld", kind,
            (long long)from, (long long)to, (long long)from);
  return 1;
}

/* The rules of a new link from -> to of kind (stored kinds); 0 or the
 * refusal in e. */
static int link_allowed(store_t *db, int64_t from, int64_t to, const char *kind, desk_err_t *e) {
  char have[12];
  int64_t up;
  int rc = store_link_between(db, from, to, NULL, have, NULL, NULL);
  if (!rc)
    return desk_link_fail(e, UTIL_E_CONFLICT, "ticket", UTIL_WHY_LINKED_ALREADY, (int64_t[]){from, to}, 2,
                     "tickets #%lld and #%lld are linked already (%s): remove that link first",
                     (long long)from, (long long)to, have);
  if (rc != UTIL_E_NOTFOUND) return desk_link_store_fail(e, rc, "read the links");
  if (strcmp(kind, "related") == 0) return 0;
  int dup = strcmp(kind, "duplicate") == 0;
  rc = store_link_up(db, from, kind, &up, NULL);
  if (!rc)
    return desk_link_fail(e, UTIL_E_CONFLICT, "ticket", dup ? UTIL_WHY_HAS_MASTER : UTIL_WHY_HAS_PARENT,
                     (int64_t[]){from, up}, 2, "ticket #%lld %s #%lld already: remove that link first",
                     (long long)from, dup ? "is a duplicate of" : "has a parent,", (long long)up);
  if (rc != UTIL_E_NOTFOUND) return desk_link_store_fail(e, rc, "read the links");
  rc = link_loops(db, from, to, kind, e);
  if (rc) return rc == 1 ? UTIL_E_CONFLICT : desk_link_store_fail(e, rc, "read the links");
  if (!dup) return 0;
  rc = store_link_up(db, to, "duplicate", &up, NULL);
  if (!rc)
    return desk_link_fail(e, UTIL_E_CONFLICT, "ticket", UTIL_WHY_IS_DUPLICATE, (int64_t[]){to, up}, 2,
                     "ticket #%lld is itself a duplicate of #%lld: use #%lld instead", (long long)to,
                     (long long)up, (long long)up);
  return rc == UTIL_E_NOTFOUND ? 0 : desk_link_store_fail(e, rc, "read the links");
}

int desk_link_events(store_t *db, const char *field, int64_t from, int64_t to, const char *kind,
                       const store_actor_t *a) {
  store_link_t l = {.from_id = from, .to_id = to, .kind = kind};
  char idtxt[24];
  int64_t now = util_now();
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)to);
  int rc = store_history_add(db, from, now, a, field, desk_link_view(&l, from), idtxt);
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)from);
  if (!rc) rc = store_history_add(db, to, now, a, field, desk_link_view(&l, to), idtxt);
  return rc;
}

int desk_link_add(store_t *db, int64_t id, const char *kind, int64_t other, const store_actor_t *a,
                  desk_err_t *e) {
  static const char *const kinds[] = {"duplicate_of", "parent", "child", "related", NULL};
  int64_t from = id, to = other;
  const char *stored = kind;
  if (!kind || !(strcmp(kind, "duplicate_of") == 0 || strcmp(kind, "parent") == 0 ||
                 strcmp(kind, "child") == 0 || strcmp(kind, "related") == 0)) {
    desk_link_fail(e, UTIL_E_INVALID, "kind", UTIL_WHY_NOT_ALLOWED, NULL, 0,
              "'kind' must be one of duplicate_of, parent, child, related");
    e->why.allowed = kinds;
    return UTIL_E_INVALID;
  }
  if (id == other)
    return desk_link_fail(e, UTIL_E_INVALID, "ticket", UTIL_WHY_LINK_SELF, (int64_t[]){id}, 1,
                     "a ticket cannot be linked to itself");
  if (strcmp(kind, "duplicate_of") == 0) stored = "duplicate";
  else if (strcmp(kind, "child") == 0) { /* stored from the child up */
    from = other;
    to = id;
    stored = "parent";
  }
  int rc = link_allowed(db, from, to, stored, e);
  if (rc) return rc;
  rc = store_link_insert(db, from, to, stored, 0, a->user_id, NULL);
  if (!rc) rc = desk_link_events(db, "link_added", from, to, stored, a);
  /* a duplicate marked is what the similar-ticket ranker learns from */
  if (!rc && strcmp(stored, "duplicate") == 0) rc = store_similar_signal(db, from, to, "duplicate", a->user_id);
  return rc ? desk_link_store_fail(e, rc, "link the tickets") : 0;
}

int desk_link_remove(store_t *db, int64_t id, int64_t other, const store_actor_t *a, desk_err_t *e) {
  char kind[12];
  int64_t lid, from;
  int merged;
  int rc = store_link_between(db, id, other, &lid, kind, &from, &merged);
  if (rc == UTIL_E_NOTFOUND)
    return desk_link_fail(e, rc, NULL, UTIL_WHY_NONE, NULL, 0, "tickets #%lld and #%lld are not linked",
                     (long long)id, (long long)other);
  if (rc) return desk_link_store_fail(e, rc, "read the links");
  int64_t to = from == id ? other : id;
  if (merged)
    return desk_link_fail(e, UTIL_E_CONFLICT, NULL, UTIL_WHY_MERGE_KEPT, (int64_t[]){from, to}, 2,
                     "ticket #%lld was merged into #%lld: a merge is not undone", (long long)from,
                     (long long)to);
  rc = store_link_delete(db, lid);
  if (!rc) rc = desk_link_events(db, "link_removed", from, to, kind, a);
  return rc ? desk_link_store_fail(e, rc, "remove the link") : 0;
}
