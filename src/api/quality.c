/* The data-quality report over the API, and the job that refreshes it.
 *
 * GET /api/v1/quality?field=F[&kind=K][&limit=N][&offset=N] (agents,
 * admins): the newest report of a triage field (insight.h), its counts,
 * and a page of its findings (all kinds, or one), each ticket with its
 * title and the field's value now, so that a finding fixed since shows it;
 * before the first report, created_at null and nothing found.
 * POST /api/v1/quality/fix {field, action: relabel|confirm, tickets: [ids],
 * value}: relabel sets the field to value on each ticket, confirm keeps
 * each ticket's label; either is recorded in the history with the person,
 * all or nothing. An agent fixes one ticket at a time; an admin fixes up
 * to QUALITY_FIX_MAX at once, and that is audited ("quality.fix").
 * The job "quality" makes each configured field's report when it has none
 * or when its newest is QUALITY_HOURS old; an admin runs it at once from
 * the Jobs page. */
#include <stdlib.h>
#include <string.h>

#include "../insight/insight.h"
#include "api_int.h"

#define QUALITY_FIX_MAX 500
#define QUALITY_HOURS 24
#define QUALITY_PAGE 20

static const char *const quality_kinds[] = {"mislabel", "conflict", "duplicate", "rare_class",
                                            "empty", "low_precision", NULL};

/* The field's value on ticket t as a label ("Network", a group's name,
 * "2"), or JSON null. */
static json_t *label_now(api_call_t *c, int field, const store_ticket_t *t) {
  char v[TRIAGE_MAX_VALUE];
  return triage_label_of(c->db, field, t, v, sizeof v) ? json_null() : json_string(v);
}

/* A finding as the API shows it: its tickets with their titles and the
 * field's value now (a ticket deleted since is left out). */
static json_t *finding_json(api_call_t *c, int field, const json_t *f) {
  json_t *o = json_deep_copy(f), *tickets = json_array(), *id;
  size_t i;
  json_array_foreach(json_object_get(f, "tickets"), i, id) {
    store_ticket_t t;
    store_ticket_init(&t);
    if (store_ticket_get(c->db, json_integer_value(id), &t) == 0) {
      json_t *x = json_pack("{s:I, s:s}", "id", (json_int_t)json_integer_value(id), "title",
                            t.v[STORE_TF_TITLE].s ? t.v[STORE_TF_TITLE].s : "");
      json_object_set_new(x, "value", label_now(c, field, &t));
      json_array_append_new(tickets, x);
    }
    store_ticket_clear(&t);
  }
  json_object_set_new(o, "tickets", tickets);
  return o;
}

/* The field named by the query (default: the first configured), or -1
 * after replying 400. */
static int quality_field(api_call_t *c, const char *name) {
  int conf[TRIAGE_MAX_FIELDS];
  if (!name) return triage_configured_fields(c->db, conf) ? conf[0] : triage_field_index("category");
  int f = triage_field_index(name);
  if (f < 0) api_error(c, UTIL_E_INVALID, "field", "'%.32s' is not a triage field: category, group,"
                       " urgency, service or ci", name);
  return f;
}

void api_quality_get(api_call_t *c) {
  int64_t limit = QUALITY_PAGE, offset = 0, at = 0, id = 0;
  const char *kind = api_arg(c, "kind");
  int field = quality_field(c, api_arg(c, "field"));
  if (field < 0 || api_arg_int(c, "limit", 1, 200, &limit, NULL) ||
      api_arg_int(c, "offset", 0, 10000000, &offset, NULL))
    return;
  int known = !kind;
  for (const char *const *k = quality_kinds; *k && !known; k++) known = strcmp(*k, kind) == 0;
  if (!known) {
    api_error(c, UTIL_E_INVALID, "kind", "'%.32s' is not a kind of finding: mislabel, conflict,"
              " duplicate, rare_class, empty or low_precision", kind);
    return;
  }
  char *text = NULL;
  int rc = store_quality_latest(c->db, triage_field_name(field), &text, &at, &id);
  if (rc == UTIL_E_NOTFOUND) { /* not an error: the job has not made one yet */
    api_reply(c, 200, json_pack("{s:s, s:n, s:n, s:i, s:{}, s:[], s:i, s:n}", "field",
                                triage_field_name(field), "id", "created_at", "rows", 0, "counts",
                                "findings", "total", 0, "next_offset"));
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot read the quality report of %s", triage_field_name(field));
    return;
  }
  json_t *r = json_loads(text, 0, NULL), *page = json_array(), *f;
  free(text);
  if (!r) {
    api_error(c, UTIL_E_INTERNAL, NULL, "the stored quality report cannot be read");
    return;
  }
  size_t i, seen = 0, total = 0;
  json_array_foreach(json_object_get(r, "findings"), i, f) {
    if (kind && strcmp(json_string_value(json_object_get(f, "kind")), kind) != 0) continue;
    total++;
    if (seen++ < (size_t)offset || json_array_size(page) >= (size_t)limit) continue;
    json_array_append_new(page, finding_json(c, field, f));
  }
  json_object_del(r, "findings");
  json_object_set_new(r, "id", json_integer(id));
  json_object_set_new(r, "created_at", api_time_json(at));
  json_object_set_new(r, "findings", page);
  json_object_set_new(r, "total", json_integer((json_int_t)total));
  json_object_set_new(r, "next_offset", (size_t)offset + json_array_size(page) < total
                                            ? json_integer(offset + (json_int_t)json_array_size(page))
                                            : json_null());
  api_reply(c, 200, r);
}

/* ---- fixes ---------------------------------------------------------------------- */

/* The tickets of the body into ids (room for QUALITY_FIX_MAX); replies 400
 * naming 'tickets'. */
static int fix_tickets(api_call_t *c, int64_t *ids, size_t *n) {
  json_t *a = json_object_get(c->body, "tickets"), *v;
  size_t i, cap = c->user.role == STORE_ROLE_ADMIN ? QUALITY_FIX_MAX : 1;
  if (!json_is_array(a) || !json_array_size(a)) {
    api_error(c, UTIL_E_INVALID, "tickets", "'tickets' must be a non-empty array of ticket ids");
    return UTIL_E_INVALID;
  }
  if (json_array_size(a) > cap) {
    api_error(c, cap == 1 ? UTIL_E_FORBIDDEN : UTIL_E_INVALID, "tickets",
              cap == 1 ? "only an admin fixes several tickets at once (%zu given)"
                       : "at most 500 tickets at once (%zu given)", json_array_size(a));
    return UTIL_E_INVALID;
  }
  json_array_foreach(a, i, v) {
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
      api_error(c, UTIL_E_INVALID, "tickets", "'tickets' item %zu is not a ticket id", i + 1);
      return UTIL_E_INVALID;
    }
    ids[i] = json_integer_value(v);
    for (size_t j = 0; j < i; j++)
      if (ids[j] == ids[i]) {
        api_error(c, UTIL_E_INVALID, "tickets", "ticket %lld is given twice", (long long)ids[i]);
        return UTIL_E_INVALID;
      }
  }
  *n = json_array_size(a);
  return 0;
}

/* value (a label) as the change of triage field `field`, by desk's rules
 * for an agent (a category of the desk's list, a group that exists, an
 * urgency 1..3); replies 400 naming 'value'. */
static int fix_change(api_call_t *c, int field, const char *value, store_ticket_t *ch,
                      uint32_t *mask) {
  desk_err_t e = {0};
  store_tf_t tf = triage_field_tf(field);
  const desk_field_t *sp = desk_field_of(tf);
  desk_value_t dv = {DESK_V_STRING, value, strlen(value), 0};
  store_group_t g = {0};
  char *end = NULL;
  if (tf == STORE_TF_GROUP_ID) {
    if (store_group_by_name(c->db, value, &g)) {
      api_error(c, UTIL_E_INVALID, "value", "no group is named '%.64s'", value);
      return UTIL_E_INVALID;
    }
    dv = (desk_value_t){DESK_V_INT, NULL, 0, g.id};
    store_group_clear(&g);
  } else if (tf == STORE_TF_URGENCY) {
    dv = (desk_value_t){DESK_V_INT, NULL, 0, strtol(value, &end, 10)};
    if (*end) dv.kind = DESK_V_OTHER;
  }
  c->field_prefix = NULL;
  if (!sp || desk_field_set(c->db, sp, STORE_ROLE_AGENT, 0, &dv, ch, &e)) {
    if (sp) snprintf(e.field, sizeof e.field, "value");
    api_desk_error(c, &e);
    return UTIL_E_INVALID;
  }
  *mask = 1u << tf;
  return 0;
}

/* One ticket's fix inside the transaction. */
static int fix_one(api_call_t *c, int field, int relabel, int64_t id, const store_ticket_t *ch,
                   uint32_t mask, desk_err_t *e) {
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  store_ticket_t t;
  store_ticket_init(&t);
  int rc = store_ticket_get(c->db, id, &t);
  char v[TRIAGE_MAX_VALUE];
  if (!rc && relabel) rc = desk_ticket_update(c->db, id, ch, mask, &a, NULL, e);
  else if (!rc && triage_label_of(c->db, field, &t, v, sizeof v)) rc = UTIL_E_CONFLICT;
  else if (!rc) rc = store_label_confirm(c->db, id, triage_field_name(field), v, &a, util_now());
  store_ticket_clear(&t);
  return rc;
}

void api_quality_fix(api_call_t *c) {
  static const char *const allowed[] = {"field", "action", "tickets", "value", NULL};
  const char *fname = NULL, *action = NULL, *value = NULL;
  int64_t ids[QUALITY_FIX_MAX] = {0};
  size_t n = 0, k = 0;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "field", 1, 16, 1, &fname, NULL) ||
      api_field_string(c, "action", 1, 16, 1, &action, NULL) ||
      api_field_string(c, "value", 1, TRIAGE_MAX_VALUE - 1, 0, &value, NULL))
    return;
  int field = quality_field(c, fname), relabel = strcmp(action, "relabel") == 0;
  if (field < 0) return;
  if (!relabel && strcmp(action, "confirm") != 0) {
    api_error(c, UTIL_E_INVALID, "action", "'action' must be relabel or confirm");
    return;
  }
  if (relabel && !value) {
    api_error(c, UTIL_E_INVALID, "value", "relabel needs the 'value' to set");
    return;
  }
  if (fix_tickets(c, ids, &n)) return;
  store_ticket_t ch;
  store_ticket_init(&ch);
  uint32_t mask = 0;
  desk_err_t e = {0};
  int rc = relabel && fix_change(c, field, value, &ch, &mask) ? -1 : 0;
  if (rc) goto out;
  rc = store_begin(c->db);
  for (; !rc && k < n; k++) rc = fix_one(c, field, relabel, ids[k], &ch, mask, &e);
  if (!rc && n > 1) {
    json_t *d = json_pack("{s:s, s:s, s:I}", "field", triage_field_name(field), "action", action,
                          "tickets", (json_int_t)n);
    if (value) json_object_set_new(d, "value", json_string(value));
    rc = api_audit(c, "quality.fix", "field", 0, triage_field_name(field), d);
  }
  rc = api_txn_end(c, rc);
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, "tickets", "ticket %lld does not exist: nothing was changed", (long long)ids[k - 1]);
  else if (rc == UTIL_E_CONFLICT && e.code) api_desk_error(c, &e);
  else if (rc == UTIL_E_CONFLICT) api_error(c, rc, "tickets", "ticket %lld has no %s to confirm: nothing was changed", (long long)ids[k - 1], triage_field_name(field));
  else if (rc) api_error(c, rc, NULL, "cannot fix the tickets: nothing was changed");
  else api_reply(c, 200, json_pack("{s:s, s:s, s:I}", "field", triage_field_name(field), "action",
                                   action, "fixed", (json_int_t)n));
out:
  store_ticket_clear(&ch);
}

/* ---- the job ------------------------------------------------------------------------- */

/* Due when a configured field has no report or one QUALITY_HOURS old. */
static int quality_due(void *arg, char *msg, size_t len) {
  store_t *s = arg;
  int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf);
  int64_t oldest = util_now();
  for (int i = 0; i < nconf; i++) {
    int64_t at = 0;
    if (store_quality_latest(s, triage_field_name(conf[i]), NULL, &at, NULL) || util_now() - at >= (int64_t)QUALITY_HOURS * 3600)
      return 1;
    if (at < oldest) oldest = at;
  }
  snprintf(msg, len, "the oldest report is %lld h old (made again after %d h)",
           (long long)((util_now() - oldest) / 3600), QUALITY_HOURS);
  return 0;
}

static int quality_run(void *arg, const jobs_call_t *call, char *msg, size_t len) {
  store_t *s = arg;
  int conf[TRIAGE_MAX_FIELDS], nconf = triage_configured_fields(s, conf), rc = 0;
  ml_params_t p;
  ml_params_defaults(&p);
  p.threads = 1; /* beside the server's requests */
  msg[0] = '\0';
  for (int i = 0; i < nconf && !jobs_stopping(call); i++) {
    const char *f = triage_field_name(conf[i]);
    char err[200];
    int64_t id = 0;
    int e = insight_quality_refresh(s, f, &p, &id, err, sizeof err);
    size_t used = strlen(msg);
    if (used < len)
      snprintf(msg + used, len - used, "%s%s %s", used ? "; " : "", f,
               e == UTIL_E_INVALID ? "skipped (too few labels)" : e ? err : "done");
    if (e && e != UTIL_E_INVALID && !rc) rc = e;
  }
  return rc;
}

static void quality_free(void *arg) {
  store_t *s = arg;
  store_close(&s);
}

int api_quality_job_register(jobs_runner_t *r, const char *db_path) {
  char err[256];
  store_t *s = NULL;
  int rc = store_open(db_path, &s, err, sizeof err);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "quality job: %s", err);
    return rc;
  }
  jobs_spec_t spec = {
      .name = "quality",
      .description = "Makes the data-quality report of each triage field (probable mislabels, "
                     "conflicting labels, duplicates, rare classes, empty texts, imprecise "
                     "classes) when it has none or its newest is a day old.",
      .period = 600,
      .trigger = quality_due,
      .run = quality_run,
      .arg = s,
      .free_arg = quality_free,
  };
  rc = jobs_register(r, &spec);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "quality job: %s", util_err_message(rc));
    store_close(&s);
  }
  return rc;
}
