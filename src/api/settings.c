/* /api/v1/settings: what an admin tunes at run time. Every key is known
 * and checked; an unknown key or a bad value is refused with the key named,
 * and nothing is written unless every key of the request is valid. */
#include <stdlib.h>
#include <string.h>

#include "../triage/triage.h"
#include "api_int.h"

/* SET_ZONE, SET_HOURS, SET_HOLIDAYS: text read by the desk's calendar. */
typedef enum { SET_INT, SET_TEXT, SET_FIELDS, SET_ZONE, SET_HOURS, SET_HOLIDAYS } set_kind_t;

static const struct {
  const char *key;
  set_kind_t kind;
  int64_t min, max;  /* SET_INT range; SET_TEXT maximum length */
  const char *dflt;
  const char *help;
} settings[] = {
    {"triage.fields", SET_FIELDS, 0, 0, "category,group,urgency",
     "fields triage learns: category, group, urgency, service, ci"},
    {"triage.critical", SET_TEXT, 0, 2000, "",
     "critical services or configuration items, comma-separated (an impact cue)"},
    {"triage.retrain_hours", SET_INT, 0, 8760, "24", "retrain when the newest model is this old (0: never)"},
    {"triage.retrain_after", SET_INT, 0, 1000000, "50",
     "retrain after this many corrections (0: never)"},
    {"auth.account_fails", SET_INT, 1, 100, "5",
     "wrong passwords for one account, within 15 minutes, before it is locked a while"},
    {"auth.client_fails", SET_INT, 0, 100000, "30",
     "failed sign-ins from one client address, within 15 minutes, before it is locked a"
     " while (0: no limit; behind a proxy, see serve --forwarded-for)"},
    {"limits.ticket_comments", SET_INT, 1, 1000000, "1000",
     "comments one ticket takes (a new one past it: open a new ticket)"},
    {"limits.ticket_comments_mb", SET_INT, 1, 1024, "16", "megabytes of comments one ticket takes"},
    {"limits.attachment_mb", SET_INT, 1, 100, "10",
     "megabytes one attached file may hold (a larger one is refused with 413)"},
    {"limits.ticket_attachments_mb", SET_INT, 1, 100000, "50",
     "megabytes of attached files one ticket takes in all"},
    {"limits.ticket_attachments", SET_INT, 1, 10000, "100", "files one ticket takes"},
    {"duplicates.check", SET_INT, 0, 1, "1",
     "flag a new ticket that likely repeats an open one, with the ticket and the probability (0: off)"},
    {"limits.writes_per_minute", SET_INT, 0, 100000, "60",
     "writes (tickets, comments, sign-ins) a requester, or a client not signed in, makes a"
     " minute; agents and admins are not limited (0: no limit)"},
    /* the SLA's numbers: NULL defaults are desk's own (desk_sla_default) */
    {"sla.p1_hours", SET_INT, 1, 8760, NULL, "working hours to resolve a P1"},
    {"sla.p2_hours", SET_INT, 1, 8760, NULL, "working hours to resolve a P2"},
    {"sla.p3_hours", SET_INT, 1, 8760, NULL, "working hours to resolve a P3"},
    {"sla.p4_hours", SET_INT, 1, 8760, NULL, "working hours to resolve a P4"},
    {"sla.p1_response_minutes", SET_INT, 1, 525600, NULL, "working minutes to answer a P1 first"},
    {"sla.p2_response_minutes", SET_INT, 1, 525600, NULL, "working minutes to answer a P2 first"},
    {"sla.p3_response_minutes", SET_INT, 1, 525600, NULL, "working minutes to answer a P3 first"},
    {"sla.p4_response_minutes", SET_INT, 1, 525600, NULL, "working minutes to answer a P4 first"},
    {"sla.default_urgency", SET_INT, 1, 3, NULL,
     "urgency assumed until a person or a model sets one, so that every ticket has a priority"
     " and due times at once (1 high, 2 medium, 3 low)"},
    {"sla.at_risk_percent", SET_INT, 1, 99, NULL,
     "a running target is at risk when less than this share of its time is left"},
    {"calendar.timezone", SET_ZONE, 0, UTIL_TZ_NAME_MAX, "UTC",
     "the desk's time zone, as in the tz database (Europe/Paris, America/Montreal, UTC)"},
    {"calendar.hours", SET_HOURS, 0, 500, "24x7",
     "working hours: 24x7, or days and periods such as \"mon-fri 08:00-12:00,13:30-17:30;"
     " sat 09:00-12:00\"; SLA clocks run only then"},
    {"calendar.holidays", SET_HOLIDAYS, 0, 8000, "",
     "days off: 2026-12-25 for one day, 12-25 for every year, separated by commas"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* The default of setting i as stored text (into buf). */
static const char *settings_default(size_t i, char *buf, size_t len) {
  if (settings[i].dflt) return settings[i].dflt;
  snprintf(buf, len, "%lld", (long long)desk_sla_default(settings[i].key));
  return buf;
}

/* What a form needs to draw and check the setting: its type ("integer"
 * with min and max, "text" with max_bytes, "fields": a comma list of
 * triage fields) and, for the calendar's texts, their "format" (timezone,
 * hours, holidays): the rules settings_check applies. */
static void settings_shape(json_t *e, size_t i) {
  switch (settings[i].kind) {
    case SET_INT:
      json_object_set_new(e, "type", json_string("integer"));
      json_object_set_new(e, "min", json_integer(settings[i].min));
      json_object_set_new(e, "max", json_integer(settings[i].max));
      break;
    case SET_TEXT:
      json_object_set_new(e, "type", json_string("text"));
      json_object_set_new(e, "max_bytes", json_integer(settings[i].max));
      break;
    case SET_FIELDS:
      json_object_set_new(e, "type", json_string("fields"));
      break;
    case SET_ZONE:
    case SET_HOURS:
    case SET_HOLIDAYS:
      json_object_set_new(e, "type", json_string("text"));
      json_object_set_new(e, "max_bytes", json_integer(settings[i].max));
      json_object_set_new(e, "format", json_string(settings[i].kind == SET_ZONE ? "timezone"
                                                   : settings[i].kind == SET_HOURS ? "hours"
                                                                                  : "holidays"));
      break;
  }
}

void api_settings_get(api_call_t *c) {
  char d[32];
  json_t *o = json_object();
  for (size_t i = 0; i < NSETTINGS; i++) {
    char *v = NULL;
    if (store_setting_get(c->db, settings[i].key, &v)) v = util_xstrdup(settings_default(i, d, sizeof d));
    json_t *e = json_object();
    if (settings[i].kind == SET_INT) json_object_set_new(e, "value", json_integer(strtoll(v, NULL, 10)));
    else json_object_set_new(e, "value", json_string(v));
    json_object_set_new(e, "default", json_string(settings_default(i, d, sizeof d)));
    json_object_set_new(e, "help", json_string(settings[i].help));
    settings_shape(e, i);
    json_object_set_new(o, settings[i].key, e);
    free(v);
  }
  api_reply(c, 200, o);
}

/* A calendar setting is read the way the SLA clocks will read it; each
 * of the three is checked alone. Replies on error. */
static int settings_calendar(api_call_t *c, set_kind_t kind, const char *s) {
  if (kind != SET_ZONE && kind != SET_HOURS && kind != SET_HOLIDAYS) return 0;
  desk_cal_t *cal = util_xmalloc(sizeof *cal);
  desk_err_t e = {0};
  int rc = desk_cal_parse(kind == SET_ZONE ? s : "UTC", kind == SET_HOURS ? s : "",
                          kind == SET_HOLIDAYS ? s : "", cal, &e);
  free(cal);
  if (rc) api_desk_error(c, &e);
  return rc;
}

/* Checks one value; writes its stored text form into out. Replies on error. */
static int settings_check(api_call_t *c, size_t i, json_t *v, char *out, size_t len) {
  const char *key = settings[i].key;
  if (settings[i].kind == SET_INT) {
    if (!json_is_integer(v) || json_integer_value(v) < settings[i].min ||
        json_integer_value(v) > settings[i].max) {
      api_refuse(c, UTIL_E_INVALID, key, API_WHY_RANGE(OUT_OF_RANGE, settings[i].min, settings[i].max),
                 "'%s' must be an integer from %lld to %lld", key, (long long)settings[i].min,
                 (long long)settings[i].max);
      return UTIL_E_INVALID;
    }
    snprintf(out, len, "%lld", (long long)json_integer_value(v));
    return 0;
  }
  int64_t max = settings[i].kind == SET_FIELDS ? 100 : settings[i].max;
  if (!json_is_string(v) || json_string_length(v) > (size_t)max) {
    api_refuse(c, UTIL_E_INVALID, key, json_is_string(v) ? API_WHY_MAX(TOO_LONG, max) : API_WHY_TYPE("string"),
               "'%s' must be a string of at most %lld bytes", key, (long long)max);
    return UTIL_E_INVALID;
  }
  const char *s = json_string_value(v);
  if (!util_utf8_valid(s, json_string_length(v), NULL) || strlen(s) != json_string_length(v)) {
    api_refuse(c, UTIL_E_BADUTF8, key, API_WHY(INVALID_UTF8), "'%s' is not valid UTF-8 text", key);
    return UTIL_E_BADUTF8;
  }
  if (settings[i].kind == SET_FIELDS) {
    /* a non-empty list of distinct triage fields */
    char copy[128], *save = NULL;
    int seen[TRIAGE_MAX_FIELDS] = {0}, n = 0;
    snprintf(copy, sizeof copy, "%s", s);
    for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
      int fi = triage_field_index(f);
      if (fi < 0 || seen[fi]) {
        api_error(c, UTIL_E_INVALID, key, fi < 0 ? "'%s' is not a triage field (category, group,"
                                                   " urgency, service, ci)"
                                                 : "'%s' is listed twice", f);
        return UTIL_E_INVALID;
      }
      seen[fi] = 1;
      n++;
    }
    if (!n) {
      api_error(c, UTIL_E_INVALID, key, "'%s' needs at least one field", key);
      return UTIL_E_INVALID;
    }
  }
  if (settings_calendar(c, settings[i].kind, s)) return UTIL_E_INVALID;
  snprintf(out, len, "%s", s);
  return 0;
}

void api_settings_put(api_call_t *c) {
  if (api_body_object(c)) return;
  const char *key;
  json_t *v;
  size_t n = json_object_size(c->body);
  if (!n) {
    api_error(c, UTIL_E_INVALID, NULL, "send at least one setting");
    return;
  }
  char (*vals)[2048] = util_xcalloc(n, sizeof *vals);
  size_t *idx = util_xcalloc(n, sizeof *idx), k = 0;
  int rc = 0;
  json_object_foreach(c->body, key, v) {
    size_t i = 0;
    while (i < NSETTINGS && strcmp(settings[i].key, key) != 0) i++;
    if (i == NSETTINGS) {
      api_refuse(c, UTIL_E_INVALID, key, API_WHY(UNKNOWN_FIELD), "unknown setting '%s'", key);
      rc = UTIL_E_INVALID;
      break;
    }
    if ((rc = settings_check(c, i, v, vals[k], sizeof vals[k]))) break;
    idx[k++] = i;
  }
  if (!rc) {
    rc = store_begin(c->db);
    json_t *ch = json_object();
    for (size_t j = 0; !rc && j < k; j++) {
      const char *sk = settings[idx[j]].key;
      char *old = NULL;
      rc = store_setting_get(c->db, sk, &old);
      if (rc == UTIL_E_NOTFOUND) rc = 0;
      char d[32];
      api_audit_change(ch, sk, json_string(old ? old : settings_default(idx[j], d, sizeof d)),
                       json_string(vals[j]));
      free(old);
      if (!rc) rc = store_setting_set(c->db, sk, vals[j]);
    }
    if (!rc) rc = api_audit(c, "settings.update", "settings", 0, "", ch);
    else json_decref(ch);
    rc = api_txn_end(c, rc);
    if (rc) api_error(c, rc, NULL, "cannot save the settings");
  }
  free(vals);
  free(idx);
  char err[256];
  if (!rc && triage_holder_reload(c->ctx->triage, c->db, err, sizeof err)) /* the fields triage predicts */
    util_log(UTIL_LOG_ERROR, "%s", err);
  if (!rc) api_settings_get(c);
}
