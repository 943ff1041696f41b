/* GET /api/v1/dashboard: an agent's queue at a glance. Counters (each
 * with the queue's filters that list its tickets): the caller's tickets by
 * status, unassigned in their groups, overdue, at risk, and waiting on
 * their reply; and the few tickets most urgent for them (overdue, then
 * at risk, soonest due first).
 *
 * "At risk" depends on the working time left (the calendar) against the
 * target's length, which no index holds: the tickets at risk are among
 * the caller's tickets due between now and the risk horizon
 * (desk_sla_risk_horizon), which the list walks in due order from now,
 * judging each with desk_sla_view; at most DASH_WALK of them. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define DASH_URGENT 10  /* tickets listed */
#define DASH_WALK 1000  /* tickets due soon judged for the at-risk counter */
#define DASH_PAGE 200   /* tickets a page of that walk */

/* The counters the index answers, with the queue's filters of each. */
static const struct {
  const char *key, *filters;
} dash_counts[] = {
    {"new", "{\"status\":\"new\",\"assignee_id\":\"me\",\"sort\":\"sla_due_at\"}"},
    {"open", "{\"status\":\"open\",\"assignee_id\":\"me\",\"sort\":\"sla_due_at\"}"},
    {"pending", "{\"status\":\"pending\",\"assignee_id\":\"me\",\"sort\":\"-updated_at\"}"},
    {"unassigned_mine", "{\"status\":\"new,open,pending\",\"group_id\":\"mine\","
                        "\"assignee_id\":\"none\",\"sort\":\"sla_due_at\"}"},
    {"overdue", "{\"sla\":\"breached\",\"assignee_id\":\"me\",\"sort\":\"sla_due_at\"}"},
    {"awaiting_me", "{\"status\":\"new,open\",\"assignee_id\":\"me\",\"awaiting\":\"true\","
                    "\"sort\":\"sla_due_at\"}"},
};
/* The at-risk ones are listed by the queue sorted by due time: right
 * after the overdue ones. */
static const char dash_risk_filters[] =
    "{\"status\":\"new,open\",\"assignee_id\":\"me\",\"sort\":\"sla_due_at\"}";

typedef struct {
  api_call_t *c;
  desk_sla_t sla;
  int64_t now, horizon;
  json_t *urgent;  /* the tickets listed */
  int64_t at_risk; /* counted so far */
  int more;        /* the walk stopped at DASH_WALK */
} dash_t;

/* The caller's overdue tickets, most overdue first, into the list. */
static int dash_overdue(dash_t *d) {
  store_query_t q = {.assignee_id = d->c->user.id, .sla = STORE_SLA_BREACHED, .now = d->now,
                     .sort = STORE_SORT_DUE, .limit = DASH_URGENT};
  store_page_t p;
  int rc = store_ticket_list(d->c->db, &q, &p);
  for (size_t i = 0; !rc && i < p.n; i++)
    json_array_append_new(d->urgent, api_ticket_json(d->c, &p.items[i], &d->sla));
  store_page_clear(&p);
  return rc;
}

/* Judges the caller's tickets due from now on, soonest first, until the
 * horizon: counts those at risk, lists them after the overdue ones. */
static int dash_at_risk(dash_t *d) {
  char cursor[64];
  store_query_t q = {.status = {"new", "open"}, .nstatus = 2, .assignee_id = d->c->user.id,
                     .sort = STORE_SORT_DUE, .limit = DASH_PAGE, .cursor = cursor};
  store_list_cursor_at(STORE_SORT_DUE, d->now, cursor);
  int judged = 0, done = 0, rc = 0;
  while (!done && !rc) {
    store_page_t p;
    rc = store_ticket_list(d->c->db, &q, &p);
    for (size_t i = 0; !rc && i < p.n && !done; i++) {
      const store_ticket_t *t = &p.items[i];
      if (t->v[STORE_TF_SLA_DUE_AT].is_null || t->v[STORE_TF_SLA_DUE_AT].i >= d->horizon) {
        done = 1;
        break;
      }
      if (judged++ == DASH_WALK) {
        d->more = done = 1;
        break;
      }
      desk_sla_view_t v;
      desk_sla_view(&d->sla, t, d->now, &v);
      if (v.state != DESK_SLA_AT_RISK) continue;
      d->at_risk++;
      if (json_array_size(d->urgent) < DASH_URGENT)
        json_array_append_new(d->urgent, api_ticket_json(d->c, t, &d->sla));
    }
    if (!rc && !done && p.next_cursor[0]) snprintf(cursor, sizeof cursor, "%s", p.next_cursor);
    else done = 1;
    store_page_clear(&p);
  }
  return rc;
}

void api_dashboard(api_call_t *c) {
  dash_t d = {.c = c, .now = util_now(), .urgent = json_array()};
  json_t *items = json_array();
  /* every figure from one state of the desk */
  int own, rc = store_read_begin(c->db, &own);
  if (!rc) {
    desk_sla_load(c->db, &d.sla); /* a failed read leaves the defaults */
    d.horizon = desk_sla_risk_horizon(&d.sla, d.now);
    for (size_t i = 0; i < sizeof dash_counts / sizeof dash_counts[0]; i++) {
      json_t *j = json_pack("{s:s, s:o}", "key", dash_counts[i].key, "filters",
                            json_loads(dash_counts[i].filters, 0, NULL));
      api_views_count(c, j, json_object_get(j, "filters"));
      json_array_append_new(items, j);
    }
    rc = dash_overdue(&d);
    if (!rc) rc = dash_at_risk(&d);
    store_read_end(c->db, own);
  }
  if (rc) {
    json_decref(items);
    json_decref(d.urgent);
    api_error(c, rc, NULL, "cannot read the dashboard");
    return;
  }
  json_array_append_new(items, json_pack("{s:s, s:o, s:I, s:b}", "key", "at_risk", "filters",
                                         json_loads(dash_risk_filters, 0, NULL), "count",
                                         (json_int_t)d.at_risk, "more", d.more));
  api_reply(c, 200, json_pack("{s:o, s:o, s:i}", "items", items, "urgent", d.urgent, "count_cap",
                              API_COUNT_CAP));
}
