/* The ticket field rules: one table says each writable field's type,
 * limits, allowed values, who may set it and whether it may be null; one
 * function checks a value against it for every channel. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"

static const char *const desk_statuses[] = {"new", "open", "pending", "resolved", "closed", NULL};
static const char *const desk_sources[] = {"web", "email", "phone", "api", "chat", "import", NULL};
static const char *const desk_langs[] = {"fr", "en", NULL};

/* Enum values are checked as text of 1 to 32 bytes before the list. */
#define DESK_ENUM_MAX 32

static const desk_field_t desk_fields[] = {
    /* field                kind        min  max    values         req null multi */
    {STORE_TF_TITLE,        DESK_TEXT,  1,   300,   NULL,          1,  0,   0},
    {STORE_TF_DESCRIPTION,  DESK_TEXT,  0,   65536, NULL,          1,  0,   1},
    {STORE_TF_REQUESTER_ID, DESK_USER,  1,   0,     NULL,          0,  0,   0},
    {STORE_TF_STATUS,       DESK_ENUM,  0,   0,     desk_statuses, 0,  0,   0},
    {STORE_TF_CATEGORY,     DESK_LIST,  1,   100,   NULL,          1,  1,   0},
    {STORE_TF_GROUP_ID,     DESK_GROUP, 1,   0,     NULL,          0,  1,   0},
    {STORE_TF_ASSIGNEE_ID,  DESK_AGENT, 1,   0,     NULL,          0,  1,   0},
    /* impact and urgency make the priority and its SLA: a requester says
     * how bad it is in words (triage's cues), never through these */
    {STORE_TF_IMPACT,       DESK_INT,   1,   3,     NULL,          0,  1,   0},
    {STORE_TF_URGENCY,      DESK_INT,   1,   3,     NULL,          0,  1,   0},
    {STORE_TF_PRIORITY,     DESK_INT,   1,   4,     NULL,          0,  1,   0},
    {STORE_TF_SERVICE,      DESK_LIST,  1,   100,   NULL,          1,  1,   0},
    {STORE_TF_CI,           DESK_LIST,  1,   100,   NULL,          1,  1,   0},
    {STORE_TF_SOURCE,       DESK_ENUM,  0,   0,     desk_sources,  0,  0,   0},
    {STORE_TF_LANGUAGE,     DESK_ENUM,  0,   0,     desk_langs,    1,  1,   0},
    {STORE_TF_RESOLUTION,   DESK_TEXT,  0,   65536, NULL,          0,  1,   1},
};
#define DESK_NFIELDS (sizeof desk_fields / sizeof desk_fields[0])

/* Fills e and returns code: every refusal goes through here. why may be
 * NULL (no reason for a program). */
static int desk_vrefuse(desk_err_t *e, int code, const char *field, const util_why_t *why,
                        const char *fmt, va_list ap) {
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  if (why) e->why = *why;
  else memset(&e->why, 0, sizeof e->why);
  return code;
}

static int desk_refuse(desk_err_t *e, int code, const char *field, const util_why_t *why,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int desk_refuse(desk_err_t *e, int code, const char *field, const util_why_t *why,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = desk_vrefuse(e, code, field, why, fmt, ap);
  va_end(ap);
  return rc;
}

/* desk_refuse without a reason. */
static int desk_fail(desk_err_t *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int desk_fail(desk_err_t *e, int code, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = desk_vrefuse(e, code, field, NULL, fmt, ap);
  va_end(ap);
  return rc;
}

/* A reason alone, and one with bounds (has_min/has_max from which is set). */
#define DESK_WHY(r) (&(util_why_t){.reason = UTIL_WHY_##r})
#define DESK_WHY_MAX(r, mx) (&(util_why_t){.reason = UTIL_WHY_##r, .has_max = 1, .max = (int64_t)(mx)})
#define DESK_WHY_RANGE(r, mn, mx) \
  (&(util_why_t){.reason = UTIL_WHY_##r, .has_min = 1, .min = (mn), .has_max = 1, .max = (mx)})
#define DESK_WHY_TYPE(t) (&(util_why_t){.reason = UTIL_WHY_WRONG_TYPE, .expected = (t)})

const desk_field_t *desk_field_of(store_tf_t f) {
  for (size_t i = 0; i < DESK_NFIELDS; i++)
    if (desk_fields[i].f == f) return &desk_fields[i];
  return NULL;
}

const desk_field_t *desk_field_find(const char *name, desk_err_t *e) {
  int f = store_tf_find(name);
  const desk_field_t *sp = f >= 0 ? desk_field_of((store_tf_t)f) : NULL;
  if (sp) return sp;
  /* the name in the message is cut so that an absurd key stays readable */
  if (f >= 0)
    desk_refuse(e, UTIL_E_INVALID, store_tf_name((store_tf_t)f), DESK_WHY(READ_ONLY_FIELD),
                "'%s' is read-only", name);
  else desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(UNKNOWN_FIELD), "unknown field '%.64s'", name);
  return NULL;
}

/* 1 if s[0..n) holds a byte the text rule refuses besides NUL. */
static int desk_has_control(const char *s, size_t n, int multiline) {
  for (size_t k = 0; k < n; k++) {
    unsigned char ch = (unsigned char)s[k];
    if (ch == 0x7f) return 1;
    if (ch < 0x20 && !(ch == '\t' || (multiline && (ch == '\n' || ch == '\r')))) return 1;
  }
  return 0;
}

int desk_text_check(const char *name, const char *s, size_t n, size_t min, size_t max,
                    int multiline, desk_err_t *e) {
  /* Order as the API has always checked: emptiness, length, then content. */
  if (n < min || (min && strspn(s, " \t\r\n") == n))
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(REQUIRED), "'%s' must not be empty", name);
  if (n > max)
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY_MAX(TOO_LONG, max),
                       "'%s' is longer than %zu bytes", name, max);
  if (memchr(s, '\0', n))
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(NUL_BYTE), "'%s' contains a NUL byte", name);
  if (!util_utf8_valid(s, n, NULL))
    return desk_refuse(e, UTIL_E_BADUTF8, name, DESK_WHY(INVALID_UTF8), "'%s' is not valid UTF-8", name);
  if (desk_has_control(s, n, multiline))
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(CONTROL_CHAR),
                       "'%s' contains a control character", name);
  return 0;
}

static int desk_enum_check(const desk_field_t *sp, const char *name, const char *s, size_t n,
                           desk_err_t *e) {
  util_why_t why = {.reason = UTIL_WHY_NOT_ALLOWED, .allowed = sp->values};
  int rc = desk_text_check(name, s, n, 1, DESK_ENUM_MAX, 0, e);
  if (rc == UTIL_E_INVALID && e->why.reason == UTIL_WHY_TOO_LONG) e->why = why; /* none is that long */
  if (rc) return rc;
  for (const char *const *v = sp->values; *v; v++)
    if (strcmp(*v, s) == 0) return 0;
  char list[128] = "";
  for (const char *const *v = sp->values; *v; v++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", v == sp->values ? "" : ", ", *v);
  return desk_refuse(e, UTIL_E_INVALID, name, &why, "'%s' must be one of: %s", name, list);
}

/* A cell's decimal integer: optional '-', digits only, within int64. */
static int desk_parse_int(const char *s, size_t n, int64_t *out) {
  size_t k = s[0] == '-';
  if (k == n || n > 20) return -1;
  int64_t x = 0;
  for (size_t j = k; j < n; j++) {
    if (s[j] < '0' || s[j] > '9') return -1;
    if (x > (INT64_MAX - (s[j] - '0')) / 10) return -1;
    x = x * 10 + (s[j] - '0');
  }
  *out = k ? -x : x;
  return 0;
}

/* An id must name an active user (an agent for DESK_AGENT) or a group. */
static int desk_check_ref(store_t *db, const desk_field_t *sp, const char *name, int64_t id,
                          desk_err_t *e) {
  if (sp->kind == DESK_GROUP) {
    store_group_t g = {0};
    int rc = store_group_get(db, id, &g);
    store_group_clear(&g);
    if (rc == UTIL_E_NOTFOUND)
      return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(NO_SUCH_GROUP), "no group with id %lld",
                         (long long)id);
    if (rc) return desk_fail(e, rc, name, "cannot check the group");
    return 0;
  }
  store_user_t u = {0};
  int rc = store_user_get(db, id, &u);
  int active = !rc && u.active, agent = !rc && u.role >= STORE_ROLE_AGENT;
  store_user_clear(&u);
  if (rc == UTIL_E_NOTFOUND || (!rc && !active))
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(NO_SUCH_USER), "no active user with id %lld",
                       (long long)id);
  if (rc) return desk_fail(e, rc, name, "cannot check the user");
  if (sp->kind == DESK_AGENT && !agent)
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY(NOT_AGENT), "user %lld is not an agent",
                       (long long)id);
  return 0;
}

/* Integer fields (and references): a JSON integer or a cell's digits. */
static int desk_int_value(store_t *db, const desk_field_t *sp, const char *name,
                          const desk_value_t *v, int64_t *out, desk_err_t *e) {
  const char *ornull = sp->nullable && v->kind != DESK_V_CELL ? " or null" : "";
  if (v->kind == DESK_V_CELL ? desk_parse_int(v->s, v->n, out) != 0 : v->kind != DESK_V_INT)
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY_TYPE("integer"), "'%s' must be an integer%s",
                       name, ornull);
  if (v->kind == DESK_V_INT) *out = v->i;
  int64_t lo = sp->min, hi = sp->kind == DESK_INT ? sp->max : INT64_MAX;
  if (*out < lo || *out > hi)
    return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY_RANGE(OUT_OF_RANGE, lo, hi),
                       "'%s' must be between %lld and %lld", name, (long long)lo, (long long)hi);
  return sp->kind == DESK_INT ? 0 : desk_check_ref(db, sp, name, *out, e);
}

int desk_list_value(store_t *db, store_tf_t f, const char *s, char **canon, desk_err_t *e) {
  const char *kind = store_tf_name(f);
  store_entry_t en;
  *canon = NULL;
  int rc = store_entry_find(db, kind, s, &en);
  if (rc == UTIL_E_NOTFOUND) {
    char *names = store_entry_names(db, kind, 12);
    rc = *names ? desk_refuse(e, UTIL_E_INVALID, kind, DESK_WHY(UNKNOWN_ENTRY), "unknown %s '%.100s': one of %s",
                              kind, s, names)
                : desk_refuse(e, UTIL_E_INVALID, kind, DESK_WHY(UNKNOWN_ENTRY),
                              "unknown %s '%.100s': no %s is defined yet (an admin adds them)", kind, s,
                              kind);
    free(names);
    return rc;
  }
  if (rc) return desk_fail(e, rc, kind, "cannot check the %s", kind);
  if (!en.active) {
    store_entry_t into = {0};
    if (en.merged_into && !store_entry_get(db, en.merged_into, &into))
      rc = desk_refuse(e, UTIL_E_INVALID, kind, DESK_WHY(RETIRED_ENTRY), "%s '%s' was merged into '%s'", kind,
                       en.name, into.name);
    else rc = desk_refuse(e, UTIL_E_INVALID, kind, DESK_WHY(RETIRED_ENTRY), "%s '%s' is retired", kind, en.name);
    store_entry_clear(&into);
  } else {
    *canon = en.name;
    en.name = NULL;
  }
  store_entry_clear(&en);
  return rc;
}

int desk_field_set(store_t *db, const desk_field_t *sp, store_role_t role, int creating,
                   const desk_value_t *v, store_ticket_t *t, desk_err_t *e) {
  const char *name = store_tf_name(sp->f);
  if (creating && !sp->requester && role < STORE_ROLE_AGENT)
    return desk_refuse(e, UTIL_E_FORBIDDEN, name, DESK_WHY(AGENTS_ONLY), "only agents may set '%s'", name);
  if (v->kind == DESK_V_NULL && sp->nullable) {
    store_ticket_set_null(t, sp->f);
    return 0;
  }
  int rc;
  if (sp->kind == DESK_TEXT || sp->kind == DESK_ENUM || sp->kind == DESK_LIST) {
    if (v->kind != DESK_V_STRING && v->kind != DESK_V_CELL)
      return desk_refuse(e, UTIL_E_INVALID, name, DESK_WHY_TYPE("string"), "'%s' must be a string%s",
                         name, sp->nullable ? " or null" : "");
    rc = sp->kind == DESK_ENUM
             ? desk_enum_check(sp, name, v->s, v->n, e)
             : desk_text_check(name, v->s, v->n, (size_t)sp->min, (size_t)sp->max, sp->multiline, e);
    char *canon = NULL;
    if (!rc && sp->kind == DESK_LIST) rc = desk_list_value(db, sp->f, v->s, &canon, e);
    if (!rc) store_ticket_set_text(t, sp->f, canon ? canon : v->s);
    free(canon);
    return rc;
  }
  int64_t x = 0;
  rc = desk_int_value(db, sp, name, v, &x, e);
  if (!rc) store_ticket_set_int(t, sp->f, x);
  return rc;
}
