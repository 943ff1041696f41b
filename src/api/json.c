/* Replies and input checking shared by every resource. Errors always say
 * what was wrong and where (field, or line and column). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

void api_reply(api_call_t *c, int status, json_t *j) {
  api_response_t *r = c->resp;
  util_buf_reset(&r->body);
  r->status = status;
  r->content_type = "application/json";
  /* 6 significant digits: confidences and weights need no more, and the
   * shortest round-trip form of a double costs several times as much */
  char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(j);
  if (!s || util_buf_puts(&r->body, s) || util_buf_putc(&r->body, '\n')) {
    util_buf_reset(&r->body);
    util_buf_puts(&r->body, "{\"error\":{\"code\":\"internal\",\"message\":"
                            "\"reply too large\"}}\n");
    r->status = 500;
  }
  free(s);
}

void api_reply_text(api_call_t *c, int status, const char *content_type,
                    const char *text) {
  util_buf_reset(&c->resp->body);
  c->resp->status = status;
  c->resp->content_type = content_type;
  if (util_buf_puts(&c->resp->body, text)) c->resp->status = 500;
}

/* The reason of why and the values it needs, added to the error object e. */
static void json_add_why(json_t *e, const util_why_t *why, int retry_after) {
  const char *name = why ? util_why_name(why->reason) : NULL;
  if (!name) return;
  json_object_set_new(e, "reason", json_string(name));
  if (why->has_min) json_object_set_new(e, "min", json_integer(why->min));
  if (why->has_max) json_object_set_new(e, "max", json_integer(why->max));
  if (why->expected) json_object_set_new(e, "expected", json_string(why->expected));
  if (why->allowed) {
    json_t *a = json_array();
    for (const char *const *v = why->allowed; *v; v++) json_array_append_new(a, json_string(*v));
    json_object_set_new(e, "allowed", a);
  }
  /* from is a stored status and to passed the enum check: both plain ASCII */
  if (why->from[0]) json_object_set_new(e, "from", json_string(why->from));
  if (why->to[0]) json_object_set_new(e, "to", json_string(why->to));
  if (why->ntickets > 0) {
    json_t *a = json_array();
    for (int i = 0; i < why->ntickets && i < UTIL_WHY_TICKETS; i++)
      json_array_append_new(a, json_integer(why->tickets[i]));
    json_object_set_new(e, "tickets", a);
  }
  if (why->reason == UTIL_WHY_RATE_LIMITED && retry_after > 0)
    json_object_set_new(e, "retry_after", json_integer(retry_after));
}

static void json_error_v(api_call_t *c, int err, const char *field, const util_why_t *why,
                         const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  /* the storage's trouble is the reason whatever the request was */
  if (err == UTIL_E_FULL || err == UTIL_E_READONLY || err == UTIL_E_IO) {
    size_t n = strlen(msg);
    snprintf(msg + n, sizeof msg - n, ": %s", util_err_message(err));
  }
  json_t *e = json_pack("{s:s, s:s}", "code", util_err_code(err), "message", msg);
  if (!e) { /* msg quoted invalid UTF-8 from input: say so without it */
    e = json_pack("{s:s, s:s}", "code", util_err_code(err), "message",
                  util_err_message(err));
  }
  if (field) {
    char name[128];
    snprintf(name, sizeof name, "%s%s", c->field_prefix ? c->field_prefix : "", field);
    json_object_set_new(e, "field", json_string(name));
  }
  json_add_why(e, why, c->resp->retry_after);
  api_reply(c, util_err_http_status(err), json_pack("{s:o}", "error", e));
}

void api_error(api_call_t *c, int err, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_error_v(c, err, field, NULL, fmt, ap);
  va_end(ap);
}

void api_refuse(api_call_t *c, int err, const char *field, const util_why_t *why,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_error_v(c, err, field, why, fmt, ap);
  va_end(ap);
}

int api_body_object(api_call_t *c) {
  const api_request_t *q = c->req;
  size_t bad;
  if (!q->body || q->body_len == 0) {
    api_error(c, UTIL_E_BADJSON, NULL, "request body is empty: a JSON object is expected");
    return UTIL_E_BADJSON;
  }
  if (!util_utf8_valid(q->body, q->body_len, &bad)) {
    api_error(c, UTIL_E_BADUTF8, NULL, "request body is not valid UTF-8 (byte %zu)", bad);
    return UTIL_E_BADUTF8;
  }
  json_error_t je;
  json_t *j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    api_error(c, UTIL_E_BADJSON, NULL, "malformed JSON at line %d, column %d: %s",
              je.line, je.column, je.text);
    return UTIL_E_BADJSON;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    api_error(c, UTIL_E_BADJSON, NULL, "the body must be a JSON object");
    return UTIL_E_BADJSON;
  }
  c->body = j;
  return 0;
}

int api_body_only(api_call_t *c, const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach(c->body, key, v) {
    int ok = 0;
    for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, key) == 0;
    if (!ok) {
      api_refuse(c, UTIL_E_INVALID, key, API_WHY(UNKNOWN_FIELD), "unknown field '%s'", key);
      return UTIL_E_INVALID;
    }
  }
  return 0;
}

/* Control characters other than tab and newlines have no place in helpdesk
 * text and break exports and terminals. */
static int json_has_control(const char *s, int allow_newlines) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == 0x7f) return 1;
    if (ch < 0x20 && !(ch == '\t' || (allow_newlines && (ch == '\n' || ch == '\r'))))
      return 1;
  }
  return 0;
}

int api_field_string(api_call_t *c, const char *key, size_t min_len,
                     size_t max_len, int nullable, const char **out, int *present) {
  json_t *v = json_object_get(c->body, key);
  *out = NULL;
  if (present) *present = v != NULL;
  if (!v) return 0;
  if (json_is_null(v) && nullable) return 0;
  if (!json_is_string(v)) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_TYPE("string"), "'%s' must be a string%s", key,
               nullable ? " or null" : "");
    return UTIL_E_INVALID;
  }
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  /* "" is a value only where the field may be empty (min_len 0: a label
   * left to the name, a group without a description, a user's language
   * ("" for the browser's), a field-wide threshold (class "")) */
  if (min_len && (!n || strspn(s, " \t\r\n") == n)) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY(REQUIRED), "'%s' must not be empty", key);
    return UTIL_E_INVALID;
  }
  if (n < min_len) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_MIN(TOO_SHORT, min_len),
               "'%s' must be at least %zu bytes long", key, min_len);
    return UTIL_E_INVALID;
  }
  if (n > max_len) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_MAX(TOO_LONG, max_len), "'%s' is longer than %zu bytes",
               key, max_len);
    return UTIL_E_INVALID;
  }
  /* Multi-line text is allowed only in long fields (descriptions, bodies). */
  if (json_has_control(s, max_len > 1000)) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY(CONTROL_CHAR), "'%s' contains a control character", key);
    return UTIL_E_INVALID;
  }
  *out = s;
  return 0;
}

int api_field_int(api_call_t *c, const char *key, int64_t min, int64_t max,
                  int nullable, int64_t *out, int *present, int *is_null) {
  json_t *v = json_object_get(c->body, key);
  if (present) *present = v != NULL;
  if (is_null) *is_null = 0;
  if (!v) return 0;
  if (json_is_null(v) && nullable) {
    if (is_null) *is_null = 1;
    return 0;
  }
  if (!json_is_integer(v)) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_TYPE("integer"), "'%s' must be an integer%s", key,
               nullable ? " or null" : "");
    return UTIL_E_INVALID;
  }
  json_int_t i = json_integer_value(v);
  if (i < min || i > max) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_RANGE(OUT_OF_RANGE, min, max),
               "'%s' must be between %lld and %lld", key, (long long)min, (long long)max);
    return UTIL_E_INVALID;
  }
  *out = i;
  return 0;
}

int api_field_bool(api_call_t *c, const char *key, int *out, int *present) {
  json_t *v = json_object_get(c->body, key);
  if (present) *present = v != NULL;
  if (!v) return 0;
  if (!json_is_boolean(v)) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_TYPE("boolean"), "'%s' must be true or false", key);
    return UTIL_E_INVALID;
  }
  *out = json_is_true(v);
  return 0;
}

const char *api_arg(api_call_t *c, const char *key) {
  return c->req->query ? c->req->query(c->req->query_ctx, key) : NULL;
}

int api_arg_int(api_call_t *c, const char *key, int64_t min, int64_t max,
                int64_t *out, int *present) {
  const char *s = api_arg(c, key);
  if (present) *present = s != NULL;
  if (!s) return 0;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || errno == ERANGE || v < min || v > max) {
    api_refuse(c, UTIL_E_INVALID, key, API_WHY_RANGE(OUT_OF_RANGE, min, max),
               "query parameter '%s' must be an integer between %lld and %lld", key,
               (long long)min, (long long)max);
    return UTIL_E_INVALID;
  }
  *out = v;
  return 0;
}

int api_arg_cursor(api_call_t *c, char tag, int64_t *after) {
  const char *cur = api_arg(c, "cursor");
  char *end = NULL;
  *after = 0;
  if (!cur || !*cur) return 0;
  errno = 0;
  long long v = cur[0] == tag && cur[1] >= '1' && cur[1] <= '9' ? strtoll(cur + 1, &end, 10) : 0;
  if (v <= 0 || errno == ERANGE || !end || *end) {
    api_error(c, UTIL_E_INVALID, "cursor", "'cursor' must be a next_cursor this list returned");
    return UTIL_E_INVALID;
  }
  *after = v;
  return 0;
}

json_t *api_time_json(int64_t t) {
  char iso[UTIL_ISO_LEN];
  util_time_iso(t, iso);
  return json_string(iso);
}

json_t *api_user_json(const store_user_t *u) {
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "id",
                   (json_int_t)u->id, "email", u->email ? u->email : "", "name",
                   u->name ? u->name : "", "role", store_role_name(u->role),
                   "lang", u->lang ? u->lang : "", "vip", u->vip, "active",
                   u->active, "created_at", api_time_json(u->created_at));
}

int api_arg_time(api_call_t *c, const char *key, int64_t *out) {
  const char *s = api_arg(c, key);
  if (!s) return 0;
  if (util_time_parse(s, out)) {
    api_error(c, UTIL_E_INVALID, key, "query parameter '%s' must be an ISO-8601"
              " date or time such as 2026-03-01 or 2026-03-01T08:00:00Z", key);
    return UTIL_E_INVALID;
  }
  return 0;
}

int api_txn_end(api_call_t *c, int rc) {
  if (!rc) rc = store_commit(c->db);
  if (rc) store_rollback(c->db);
  return rc;
}

json_t *api_page_json(json_t *items, int more, char tag) {
  char next[32] = "";
  size_t n = json_array_size(items);
  if (more && n)
    snprintf(next, sizeof next, "%c%lld", tag,
             (long long)json_integer_value(json_object_get(json_array_get(items, n - 1), "id")));
  json_t *j = json_pack("{s:o}", "items", items);
  json_object_set_new(j, "next_cursor", next[0] ? json_string(next) : json_null());
  return j;
}
