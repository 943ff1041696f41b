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

/* The ITIL priority from impact (a single user when unknown) and urgency
 * (the default when unknown, noted on t). */
static int desk_lc_matrix(const desk_sla_t *sla, store_ticket_t *t) {
  int64_t impact = t->v[STORE_TF_IMPACT].is_null ? 3 : t->v[STORE_TF_IMPACT].i;
  return desk_itil_priority(impact, desk_sla_default_urgency(sla, t));
}

int desk_ticket_insert(store_t *db, store_ticket_t *t, const store_actor_t *a, int64_t *id) {
  int64_t now = util_now();
  desk_sla_t sla;
  int rc = desk_sla_load(db, &sla);
  if (rc) return rc;
  if (t->v[STORE_TF_STATUS].is_null) store_ticket_set_text(t, STORE_TF_STATUS, "new");
  if (t->v[STORE_TF_CREATED_AT].is_null) store_ticket_set_int(t, STORE_TF_CREATED_AT, now);
  if (t->v[STORE_TF_UPDATED_AT].is_null)
    store_ticket_set_int(t, STORE_TF_UPDATED_AT, t->v[STORE_TF_CREATED_AT].i);
  /* a ticket born resolved (an import, the demo) was resolved when last updated */
  if (desk_status_done(t->v[STORE_TF_STATUS].s) && t->v[STORE_TF_RESOLVED_AT].is_null)
    store_ticket_set_int(t, STORE_TF_RESOLVED_AT, t->v[STORE_TF_UPDATED_AT].i);
  /* every ticket has a priority, and so its targets, from the start */
  if (t->v[STORE_TF_PRIORITY].is_null) store_ticket_set_int(t, STORE_TF_PRIORITY, desk_lc_matrix(&sla, t));
  if (t->v[STORE_TF_SLA_PAUSED_AT].is_null)
    desk_sla_status(&sla, NULL, t, t->v[STORE_TF_UPDATED_AT].i);
  desk_sla_refresh(&sla, t);
  /* the requester waits on the desk from the start, unless the desk
   * answered already (an import, the demo) or the ticket is done */
  if (desk_status_done(t->v[STORE_TF_STATUS].s)) store_ticket_set_null(t, STORE_TF_AWAITING_SINCE);
  else if (t->v[STORE_TF_AWAITING_SINCE].is_null && t->v[STORE_TF_FIRST_RESPONSE_AT].is_null)
    store_ticket_set_int(t, STORE_TF_AWAITING_SINCE, t->v[STORE_TF_CREATED_AT].i);
  return store_ticket_insert(db, t, a, id);
}

static int desk_lc_fail(desk_err_t *e, int code, const char *field, const char *msg) {
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  e->why = (util_why_t){.reason = UTIL_WHY_NONE};
  return code;
}

/* The status change from cur to m's: refused when the lifecycle forbids
 * it; resolved_at set on entering resolved/closed, cleared on leaving
 * them; the SLA clocks stop and start with it; a resolved ticket awaits
 * nothing more from the desk. */
static int desk_lc_status(const desk_sla_t *sla, const store_ticket_t *cur, store_ticket_t *m,
                          desk_err_t *e) {
  const char *from = cur->v[STORE_TF_STATUS].s, *to = m->v[STORE_TF_STATUS].s;
  if (desk_status_index(to) < 0) return desk_lc_fail(e, UTIL_E_INVALID, "status", "unknown status");
  if (strcmp(from, to) == 0) return 0;
  if (!desk_status_transition_ok(from, to)) {
    e->code = UTIL_E_CONFLICT;
    snprintf(e->field, sizeof e->field, "status");
    snprintf(e->msg, sizeof e->msg, "status cannot change from '%s' to '%s'", from, to);
    e->why = (util_why_t){.reason = UTIL_WHY_TRANSITION};
    snprintf(e->why.from, sizeof e->why.from, "%s", from);
    snprintf(e->why.to, sizeof e->why.to, "%s", to);
    return UTIL_E_CONFLICT;
  }
  int64_t now = util_now();
  desk_sla_status(sla, cur, m, now);
  if (desk_status_done(to)) store_ticket_set_null(m, STORE_TF_AWAITING_SINCE);
  /* resolved -> closed keeps the time it was resolved */
  if (desk_status_done(to) == desk_status_done(from)) return 0;
  if (desk_status_done(to)) store_ticket_set_int(m, STORE_TF_RESOLVED_AT, now);
  else store_ticket_set_null(m, STORE_TF_RESOLVED_AT);
  return 0;
}

/* Impact or urgency changed and nobody set the priority by hand: the
 * priority follows the ITIL matrix. A set urgency clears the assumed one. */
static void desk_lc_priority(const desk_sla_t *sla, store_ticket_t *m, uint32_t mask) {
  const uint32_t im = 1u << STORE_TF_IMPACT, ur = 1u << STORE_TF_URGENCY, pr = 1u << STORE_TF_PRIORITY;
  if ((mask & (im | ur)) && !(mask & pr)) store_ticket_set_int(m, STORE_TF_PRIORITY, desk_lc_matrix(sla, m));
  else if (!m->v[STORE_TF_URGENCY].is_null) store_ticket_set_null(m, STORE_TF_URGENCY_DEFAULT);
}

/* The fields callers never set: the rules derive them. */
#define DESK_LC_DERIVED                                                                     \
  (1u << STORE_TF_RESOLVED_AT | 1u << STORE_TF_SLA_DUE_AT | 1u << STORE_TF_RESPONSE_DUE_AT |   \
   1u << STORE_TF_RESOLVE_DUE_AT | 1u << STORE_TF_SLA_PAUSED_AT | 1u << STORE_TF_SLA_PAUSED_S | \
   1u << STORE_TF_FIRST_RESPONSE_AT | 1u << STORE_TF_URGENCY_DEFAULT |                        \
   1u << STORE_TF_AWAITING_SINCE)

/* Writes m over ticket id: the fields of mask, and every derived field the
 * rules moved. */
static int desk_lc_write(store_t *db, int64_t id, const store_ticket_t *cur, const store_ticket_t *m,
                         uint32_t mask, const store_actor_t *a, int *changed) {
  for (int f = 0; f < STORE_TF_COUNT; f++)
    if ((DESK_LC_DERIVED & (1u << f) || f == STORE_TF_PRIORITY) &&
        !store_ticket_field_equal(cur, m, (store_tf_t)f))
      mask |= 1u << f;
  return store_ticket_update(db, id, m, mask, a, changed);
}

int desk_ticket_update(store_t *db, int64_t id, const store_ticket_t *ch, uint32_t mask,
                       const store_actor_t *a, int *changed, desk_err_t *e) {
  store_ticket_t cur, m;
  desk_sla_t sla;
  store_ticket_init(&m);
  if (changed) *changed = 0;
  int rc = store_ticket_get(db, id, &cur);
  if (!rc) rc = desk_sla_load(db, &sla);
  if (rc) {
    desk_lc_fail(e, rc, NULL, rc == UTIL_E_NOTFOUND ? "no such ticket" : "cannot read the ticket");
    goto out;
  }
  /* the ticket as it will be: the derived fields are the rules', never the caller's */
  mask &= ~DESK_LC_DERIVED;
  for (int f = 0; f < STORE_TF_COUNT; f++)
    store_ticket_copy_field(&m, mask & (1u << f) ? ch : &cur, (store_tf_t)f);
  if (mask & (1u << STORE_TF_STATUS)) {
    rc = desk_lc_status(&sla, &cur, &m, e);
    if (rc) goto out;
  }
  desk_lc_priority(&sla, &m, mask);
  desk_sla_refresh(&sla, &m);
  rc = desk_lc_write(db, id, &cur, &m, mask, a, changed);
  if (rc) desk_lc_fail(e, rc, NULL, "cannot update the ticket");
out:
  store_ticket_clear(&cur);
  store_ticket_clear(&m);
  return rc;
}

int desk_refresh_priority(store_t *db, int64_t id) {
  store_ticket_t t;
  int rc = store_ticket_get(db, id, &t);
  if (rc) return rc;
  if (!t.v[STORE_TF_URGENCY].is_null) {
    /* the urgency changes nothing, but its bit makes the priority follow it */
    store_ticket_t ch;
    desk_err_t e = {0};
    store_ticket_init(&ch);
    store_ticket_set_int(&ch, STORE_TF_URGENCY, t.v[STORE_TF_URGENCY].i);
    store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
    rc = desk_ticket_update(db, id, &ch, 1u << STORE_TF_URGENCY, &sys, NULL, &e);
    store_ticket_clear(&ch);
  }
  store_ticket_clear(&t);
  return rc;
}

int desk_ticket_replied(store_t *db, int64_t id, int64_t at, int from_desk) {
  store_ticket_t cur, m;
  desk_sla_t sla;
  store_ticket_init(&m);
  int rc = store_ticket_get(db, id, &cur);
  if (!rc) rc = desk_sla_load(db, &sla);
  if (!rc) {
    for (int f = 0; f < STORE_TF_COUNT; f++) store_ticket_copy_field(&m, &cur, (store_tf_t)f);
    if (from_desk && cur.v[STORE_TF_FIRST_RESPONSE_AT].is_null) {
      store_ticket_set_int(&m, STORE_TF_FIRST_RESPONSE_AT, at);
      desk_sla_refresh(&sla, &m);
    }
    if (from_desk) store_ticket_set_null(&m, STORE_TF_AWAITING_SINCE);
    else if (cur.v[STORE_TF_AWAITING_SINCE].is_null && !desk_status_done(cur.v[STORE_TF_STATUS].s))
      store_ticket_set_int(&m, STORE_TF_AWAITING_SINCE, at);
    store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
    rc = desk_lc_write(db, id, &cur, &m, 0, &sys, NULL);
  }
  store_ticket_clear(&cur);
  store_ticket_clear(&m);
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
