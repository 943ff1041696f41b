/* Service levels: each priority has a first-response target and a
 * resolution target, counted in the desk's working time (calendar.c). The
 * clocks stop while a ticket waits on its requester (pending) and while it
 * is resolved; a reopened ticket's clocks go on from where they stopped.
 *
 * A ticket keeps what the clocks need (created_at, sla_paused_s: working
 * seconds stopped so far, sla_paused_at: since when it is stopped now,
 * first_response_at) and the due times follow from them alone
 * (desk_sla_refresh), so that every change recomputes them the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"

/* The SLA's settings, their defaults and ranges. The API's settings table
 * lists the same keys with the same defaults for admins to change. */
static const struct {
  const char *key;
  int64_t dflt, min, max, unit; /* value * unit = seconds (or the number itself) */
} sla_keys[] = {
    {"sla.p1_response_minutes", 30, 1, 525600, 60}, {"sla.p2_response_minutes", 60, 1, 525600, 60},
    {"sla.p3_response_minutes", 240, 1, 525600, 60}, {"sla.p4_response_minutes", 480, 1, 525600, 60},
    {"sla.p1_hours", 4, 1, 8760, 3600},             {"sla.p2_hours", 8, 1, 8760, 3600},
    {"sla.p3_hours", 24, 1, 8760, 3600},            {"sla.p4_hours", 72, 1, 8760, 3600},
    {"sla.default_urgency", 2, 1, 3, 1},            {"sla.at_risk_percent", 25, 1, 99, 1},
};
#define SLA_NKEYS (sizeof sla_keys / sizeof sla_keys[0])

typedef struct {
  int64_t v[SLA_NKEYS];
  char zone[UTIL_TZ_NAME_MAX + 1];
  char *hours, *holidays; /* owned */
} sla_read_t;

static int sla_setting(const char *key, const char *value, void *arg) {
  sla_read_t *r = arg;
  if (strcmp(key, "calendar.timezone") == 0) snprintf(r->zone, sizeof r->zone, "%s", value);
  else if (strcmp(key, "calendar.hours") == 0) r->hours = util_xstrdup(value);
  else if (strcmp(key, "calendar.holidays") == 0) r->holidays = util_xstrdup(value);
  for (size_t i = 0; i < SLA_NKEYS; i++) {
    if (strcmp(key, sla_keys[i].key) != 0) continue;
    char *end;
    long long x = strtoll(value, &end, 10);
    /* a value the API would refuse (one written into the file by hand)
     * leaves the default */
    if (*value && !*end && x >= sla_keys[i].min && x <= sla_keys[i].max) r->v[i] = x;
  }
  return 0;
}

int desk_sla_load(store_t *db, desk_sla_t *s) {
  sla_read_t r = {.zone = "UTC"};
  for (size_t i = 0; i < SLA_NKEYS; i++) r.v[i] = sla_keys[i].dflt;
  int rc = store_settings_each(db, sla_setting, &r);
  desk_err_t e;
  /* a calendar the API would refuse counts around the clock, in UTC */
  if (desk_cal_parse(r.zone, r.hours, r.holidays, &s->cal, &e)) {
    util_log(UTIL_LOG_WARN, "sla: %s: %s; counting around the clock", e.field, e.msg);
    desk_cal_parse("UTC", "", "", &s->cal, &e);
  }
  for (int p = 0; p < 4; p++) {
    s->response_s[p] = r.v[p] * sla_keys[p].unit;
    s->resolve_s[p] = r.v[4 + p] * sla_keys[4 + p].unit;
  }
  s->default_urgency = (int)r.v[8];
  s->at_risk_pct = (int)r.v[9];
  free(r.hours);
  free(r.holidays);
  return rc;
}

int64_t desk_sla_default(const char *key) {
  for (size_t i = 0; i < SLA_NKEYS; i++)
    if (strcmp(key, sla_keys[i].key) == 0) return sla_keys[i].dflt;
  return 0;
}

static int64_t sla_int(const store_ticket_t *t, store_tf_t f, int64_t dflt) {
  return t->v[f].is_null ? dflt : t->v[f].i;
}

static void sla_set(store_ticket_t *t, store_tf_t f, int64_t v, int null) {
  if (null) store_ticket_set_null(t, f);
  else store_ticket_set_int(t, f, v);
}

void desk_sla_refresh(const desk_sla_t *s, store_ticket_t *t) {
  int64_t p = sla_int(t, STORE_TF_PRIORITY, 0);
  if (p < 1 || p > 4 || t->v[STORE_TF_CREATED_AT].is_null) {
    store_ticket_set_null(t, STORE_TF_RESPONSE_DUE_AT);
    store_ticket_set_null(t, STORE_TF_RESOLVE_DUE_AT);
    store_ticket_set_null(t, STORE_TF_SLA_DUE_AT);
    return;
  }
  int64_t start = t->v[STORE_TF_CREATED_AT].i, stopped = sla_int(t, STORE_TF_SLA_PAUSED_S, 0);
  int64_t resp = desk_cal_add(&s->cal, start, s->response_s[p - 1] + stopped);
  int64_t res = desk_cal_add(&s->cal, start, s->resolve_s[p - 1] + stopped);
  store_ticket_set_int(t, STORE_TF_RESPONSE_DUE_AT, resp);
  store_ticket_set_int(t, STORE_TF_RESOLVE_DUE_AT, res);
  /* the queue sorts by the next target still running; a done ticket
   * keeps its resolution target */
  int done = desk_status_done(t->v[STORE_TF_STATUS].s);
  int64_t next = !done && t->v[STORE_TF_FIRST_RESPONSE_AT].is_null && resp < res ? resp : res;
  sla_set(t, STORE_TF_SLA_DUE_AT, next, !done && !t->v[STORE_TF_SLA_PAUSED_AT].is_null);
}

void desk_sla_status(const desk_sla_t *s, const store_ticket_t *from, store_ticket_t *t,
                     int64_t now) {
  const char *a = from ? from->v[STORE_TF_STATUS].s : NULL, *b = t->v[STORE_TF_STATUS].s;
  int was_pending = a && strcmp(a, "pending") == 0, pending = b && strcmp(b, "pending") == 0;
  int64_t stopped = sla_int(from ? from : t, STORE_TF_SLA_PAUSED_S, 0);
  if (was_pending && !pending && from && !from->v[STORE_TF_SLA_PAUSED_AT].is_null) {
    stopped += desk_cal_between(&s->cal, from->v[STORE_TF_SLA_PAUSED_AT].i, now);
    store_ticket_set_null(t, STORE_TF_SLA_PAUSED_AT);
  }
  if (pending && !was_pending) store_ticket_set_int(t, STORE_TF_SLA_PAUSED_AT, now);
  /* a reopened ticket counts the time it was resolved as stopped */
  if (from && desk_status_done(a) && !desk_status_done(b) && !from->v[STORE_TF_RESOLVED_AT].is_null)
    stopped += desk_cal_between(&s->cal, from->v[STORE_TF_RESOLVED_AT].i, now);
  store_ticket_set_int(t, STORE_TF_SLA_PAUSED_S, stopped);
}

int desk_sla_default_urgency(const desk_sla_t *s, store_ticket_t *t) {
  if (!t->v[STORE_TF_URGENCY].is_null) {
    store_ticket_set_null(t, STORE_TF_URGENCY_DEFAULT);
    return (int)t->v[STORE_TF_URGENCY].i;
  }
  int64_t u = sla_int(t, STORE_TF_URGENCY_DEFAULT, s->default_urgency);
  if (u < 1 || u > 3) u = s->default_urgency;
  store_ticket_set_int(t, STORE_TF_URGENCY_DEFAULT, u);
  return (int)u;
}

/* ---- What the queue shows --------------------------------------------------------- */
static const char *const sla_state_names[] = {"none", "ok", "at_risk", "breached",
                                              "paused", "met", "missed"};

int64_t desk_sla_risk_horizon(const desk_sla_t *s, int64_t now) {
  int64_t longest = 0;
  for (int p = 0; p < 4; p++) {
    if (s->response_s[p] > longest) longest = s->response_s[p];
    if (s->resolve_s[p] > longest) longest = s->resolve_s[p];
  }
  /* at risk: left * 100 < whole * pct, so left < the share, rounded up */
  int64_t share = (longest * s->at_risk_pct + 99) / 100;
  return desk_cal_add(&s->cal, now, share);
}

const char *desk_sla_state_name(desk_sla_state_t st) {
  return (unsigned)st < sizeof sla_state_names / sizeof *sla_state_names ? sla_state_names[st]
                                                                          : "none";
}

void desk_sla_view(const desk_sla_t *s, const store_ticket_t *t, int64_t now, desk_sla_view_t *v) {
  memset(v, 0, sizeof *v);
  int64_t p = sla_int(t, STORE_TF_PRIORITY, 0);
  if (p < 1 || p > 4 || t->v[STORE_TF_RESOLVE_DUE_AT].is_null) return;
  if (desk_status_done(t->v[STORE_TF_STATUS].s)) {
    int64_t done = sla_int(t, STORE_TF_RESOLVED_AT, now);
    v->state = done <= t->v[STORE_TF_RESOLVE_DUE_AT].i ? DESK_SLA_MET : DESK_SLA_MISSED;
    v->due = t->v[STORE_TF_RESOLVE_DUE_AT].i;
    return;
  }
  if (!t->v[STORE_TF_SLA_PAUSED_AT].is_null || t->v[STORE_TF_SLA_DUE_AT].is_null) {
    v->state = DESK_SLA_PAUSED;
    return;
  }
  v->due = t->v[STORE_TF_SLA_DUE_AT].i;
  v->response = t->v[STORE_TF_FIRST_RESPONSE_AT].is_null &&
                v->due == sla_int(t, STORE_TF_RESPONSE_DUE_AT, 0);
  if (now >= v->due) {
    v->state = DESK_SLA_BREACHED;
    v->left = -desk_cal_between(&s->cal, v->due, now);
    return;
  }
  v->left = desk_cal_between(&s->cal, now, v->due);
  int64_t whole = v->response ? s->response_s[p - 1] : s->resolve_s[p - 1];
  v->state = v->left * 100 < whole * s->at_risk_pct ? DESK_SLA_AT_RISK : DESK_SLA_OK;
}
