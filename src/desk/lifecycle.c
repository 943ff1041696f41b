/* The status lifecycle, the ITIL priority, the SLA due time and the
 * resolution time: what follows from a ticket's status and priority when
 * it is made or changed. The store writes what it is given; these rules
 * decide what that is. */
#include <stdio.h>
#include <string.h>

#include "desk_int.h"

static const char *const desk_lc_statuses[] = {"new", "open", "pending", "resolved", "closed"};
/* allowed[from][to] */
static const unsigned char desk_lc_allowed[5][5] = {
    /* to:    new open pend res clo */
    /* new */ {0, 1, 1, 1, 1},
    /* open */ {0, 0, 1, 1, 1},
    /* pend */ {0, 1, 0, 1, 1},
    /* res */ {0, 1, 0, 0, 1},
    /* clo */ {0, 0, 0, 0, 0},
};

static int desk_status_index(const char *s) {
  for (int i = 0; s && i < 5; i++)
    if (strcmp(s, desk_lc_statuses[i]) == 0) return i;
  return -1;
}

int desk_status_transition_ok(const char *from, const char *to) {
  int a = desk_status_index(from), b = desk_status_index(to);
  return a >= 0 && b >= 0 && desk_lc_allowed[a][b];
}

int desk_status_done(const char *s) {
  return s && (strcmp(s, "resolved") == 0 || strcmp(s, "closed") == 0);
}

int desk_itil_priority(int64_t impact, int64_t urgency) {
  static const int matrix[3][3] = {{1, 2, 3}, {2, 3, 4}, {3, 4, 4}};
  if (impact < 1 || impact > 3 || urgency < 1 || urgency > 3) return 0;
  return matrix[impact - 1][urgency - 1];
}

void desk_sla_apply(store_t *db, store_ticket_t *t) {
  if (t->v[STORE_TF_PRIORITY].is_null) {
    store_ticket_set_null(t, STORE_TF_SLA_DUE_AT);
    return;
  }
  int64_t h = store_sla_hours(db, (int)t->v[STORE_TF_PRIORITY].i);
  if (h > 0) store_ticket_set_int(t, STORE_TF_SLA_DUE_AT, t->v[STORE_TF_CREATED_AT].i + h * 3600);
}

int desk_ticket_insert(store_t *db, store_ticket_t *t, const store_actor_t *a, int64_t *id) {
  int64_t now = util_now();
  if (t->v[STORE_TF_STATUS].is_null) store_ticket_set_text(t, STORE_TF_STATUS, "new");
  if (t->v[STORE_TF_CREATED_AT].is_null) store_ticket_set_int(t, STORE_TF_CREATED_AT, now);
  if (t->v[STORE_TF_UPDATED_AT].is_null)
    store_ticket_set_int(t, STORE_TF_UPDATED_AT, t->v[STORE_TF_CREATED_AT].i);
  /* a ticket born resolved (an import, the demo) was resolved when last updated */
  if (desk_status_done(t->v[STORE_TF_STATUS].s) && t->v[STORE_TF_RESOLVED_AT].is_null)
    store_ticket_set_int(t, STORE_TF_RESOLVED_AT, t->v[STORE_TF_UPDATED_AT].i);
  desk_sla_apply(db, t);
  return store_ticket_insert(db, t, a, id);
}

static int desk_lc_fail(desk_err_t *e, int code, const char *field, const char *msg) {
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  return code;
}

/* The status change of ch over cur: refused when the lifecycle forbids it;
 * resolved_at set on entering resolved/closed, cleared on leaving them. */
static int desk_lc_status(const store_ticket_t *cur, store_ticket_t *ch, uint32_t *mask,
                          desk_err_t *e) {
  const char *from = cur->v[STORE_TF_STATUS].s, *to = ch->v[STORE_TF_STATUS].s;
  if (desk_status_index(to) < 0) return desk_lc_fail(e, UTIL_E_INVALID, "status", "unknown status");
  if (strcmp(from, to) == 0) return 0;
  if (!desk_status_transition_ok(from, to)) {
    e->code = UTIL_E_CONFLICT;
    snprintf(e->field, sizeof e->field, "status");
    snprintf(e->msg, sizeof e->msg, "status cannot change from '%s' to '%s'", from, to);
    return UTIL_E_CONFLICT;
  }
  /* resolved -> closed keeps the time it was resolved */
  if (desk_status_done(to) == desk_status_done(from)) return 0;
  if (desk_status_done(to)) store_ticket_set_int(ch, STORE_TF_RESOLVED_AT, util_now());
  else store_ticket_set_null(ch, STORE_TF_RESOLVED_AT);
  *mask |= 1u << STORE_TF_RESOLVED_AT;
  return 0;
}

/* Impact or urgency changed and nobody set the priority by hand: the
 * priority follows the ITIL matrix (when both are known); a new priority
 * brings its SLA due time. */
static void desk_lc_priority(store_t *db, const store_ticket_t *cur, store_ticket_t *ch,
                             uint32_t *mask) {
  const uint32_t im = 1u << STORE_TF_IMPACT, ur = 1u << STORE_TF_URGENCY, pr = 1u << STORE_TF_PRIORITY;
  if ((*mask & (im | ur)) && !(*mask & pr)) {
    const store_val_t *i = *mask & im ? &ch->v[STORE_TF_IMPACT] : &cur->v[STORE_TF_IMPACT];
    const store_val_t *u = *mask & ur ? &ch->v[STORE_TF_URGENCY] : &cur->v[STORE_TF_URGENCY];
    if (!i->is_null && !u->is_null) {
      store_ticket_set_int(ch, STORE_TF_PRIORITY, desk_itil_priority(i->i, u->i));
      *mask |= pr;
    }
  }
  if (!(*mask & pr)) return;
  const store_val_t *np = &ch->v[STORE_TF_PRIORITY], *op = &cur->v[STORE_TF_PRIORITY];
  if (np->is_null == op->is_null && (np->is_null || np->i == op->i)) return;
  /* the due time counts from the ticket's creation */
  store_ticket_set_int(ch, STORE_TF_CREATED_AT, cur->v[STORE_TF_CREATED_AT].i);
  desk_sla_apply(db, ch);
  store_ticket_set_null(ch, STORE_TF_CREATED_AT);
  *mask |= 1u << STORE_TF_SLA_DUE_AT;
}

int desk_ticket_update(store_t *db, int64_t id, const store_ticket_t *ch, uint32_t mask,
                       const store_actor_t *a, int *changed, desk_err_t *e) {
  store_ticket_t cur, w;
  store_ticket_init(&w);
  if (changed) *changed = 0;
  int rc = store_ticket_get(db, id, &cur);
  if (rc) {
    desk_lc_fail(e, rc, NULL, rc == UTIL_E_NOTFOUND ? "no such ticket" : "cannot read the ticket");
    goto out;
  }
  for (int f = 0; f < STORE_TF_COUNT; f++) { /* a copy the rules may add to */
    if (!(mask & (1u << f)) || ch->v[f].is_null) continue;
    if (store_tf_type((store_tf_t)f) == STORE_TYPE_TEXT) store_ticket_set_text(&w, (store_tf_t)f, ch->v[f].s);
    else store_ticket_set_int(&w, (store_tf_t)f, ch->v[f].i);
  }
  /* the derived fields are the rules', never the caller's */
  mask &= ~(1u << STORE_TF_RESOLVED_AT | 1u << STORE_TF_SLA_DUE_AT);
  if (mask & (1u << STORE_TF_STATUS)) {
    rc = desk_lc_status(&cur, &w, &mask, e);
    if (rc) goto out;
  }
  desk_lc_priority(db, &cur, &w, &mask);
  rc = store_ticket_update(db, id, &w, mask, a, changed);
  if (rc) desk_lc_fail(e, rc, NULL, "cannot update the ticket");
out:
  store_ticket_clear(&cur);
  store_ticket_clear(&w);
  return rc;
}

int desk_refresh_priority(store_t *db, int64_t id) {
  store_ticket_t t;
  int rc = store_ticket_get(db, id, &t);
  if (rc) return rc;
  if (!t.v[STORE_TF_URGENCY].is_null) {
    /* a single user is hit when nothing says otherwise */
    int64_t impact = t.v[STORE_TF_IMPACT].is_null ? 3 : t.v[STORE_TF_IMPACT].i;
    int p = desk_itil_priority(impact, t.v[STORE_TF_URGENCY].i);
    if (t.v[STORE_TF_PRIORITY].is_null || t.v[STORE_TF_PRIORITY].i != p) {
      store_ticket_t ch;
      desk_err_t e = {0};
      store_ticket_init(&ch);
      store_ticket_set_int(&ch, STORE_TF_PRIORITY, p);
      store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
      rc = desk_ticket_update(db, id, &ch, 1u << STORE_TF_PRIORITY, &sys, NULL, &e);
      store_ticket_clear(&ch);
    }
  }
  store_ticket_clear(&t);
  return rc;
}

void desk_priority_after_triage(desk_intake_t *in) {
  store_ticket_t *t = &in->t;
  in->tr.priority_set = 0;
  if ((in->given & (1u << STORE_TF_PRIORITY)) || t->v[STORE_TF_URGENCY].is_null) return;
  int64_t impact = t->v[STORE_TF_IMPACT].is_null ? 3 : t->v[STORE_TF_IMPACT].i;
  int pr = desk_itil_priority(impact, t->v[STORE_TF_URGENCY].i);
  if (t->v[STORE_TF_PRIORITY].is_null || t->v[STORE_TF_PRIORITY].i != pr) {
    store_ticket_set_int(t, STORE_TF_PRIORITY, pr);
    in->tr.priority_set = 1;
  }
}
