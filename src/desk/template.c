/* Request templates: the definitions of their extra fields, the values a
 * requester gives (the same rules the portal checks in the browser), and
 * what a form becomes on the ticket (its title, the lines of its
 * description). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"

static const char *const tpl_types[] = {"text", "long_text", "number", "date", "yesno", "choice", NULL};
#define TPL_LABEL_MAX 200
#define TPL_OPTIONS_MAX 50
#define TPL_OPTION_MAX 100
#define TPL_NUMBER_MAX 1000000000000LL /* ±10^12: beyond, a person means something else */

static int tpl_fail(desk_err_t *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int tpl_fail(desk_err_t *e, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  e->code = UTIL_E_INVALID;
  snprintf(e->field, sizeof e->field, "%s", field);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  memset(&e->why, 0, sizeof e->why); /* said in words only (a definition's member) */
  return UTIL_E_INVALID;
}

/* Characters (code points) of valid UTF-8 s. */
static size_t tpl_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* 1 if s is a date YYYY-MM-DD of the calendar. */
static int tpl_date_ok(const char *s) {
  static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int y = 0, m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  for (int i = 0; i < 4; i++) y = y * 10 + (s[i] - '0');
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return 0;
  return m != 2 || d < 29 || leap;
}

/* ---- Definitions ------------------------------------------------------------- */
typedef struct {
  char at[64]; /* "fields[3]", "fields[3].options[2]" */
  desk_err_t *e;
} tpl_where_t;

/* A string member of o (absent or null: dflt), at most max bytes, on one
 * line unless multiline; *out borrows from o. */
static int tpl_str(tpl_where_t *w, const json_t *o, const char *key, size_t max, const char *dflt,
                   const char **out) {
  char name[112];
  snprintf(name, sizeof name, "%s.%s", w->at, key);
  const json_t *v = json_object_get(o, key);
  *out = dflt;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v)) return tpl_fail(w->e, name, "'%s' must be a string", name);
  *out = json_string_value(v);
  return desk_text_check(name, *out, json_string_length(v), 0, max, 0, w->e);
}

/* A bound (min or max) by type: characters and numbers are integers, dates
 * strings; absent or null is none. Sets *out to a new reference or null. */
static int tpl_bound(tpl_where_t *w, const json_t *o, const char *key, const char *type,
                     int64_t lo, int64_t hi, json_t **out) {
  char name[112];
  snprintf(name, sizeof name, "%s.%s", w->at, key);
  const json_t *v = json_object_get(o, key);
  *out = json_null();
  if (!v || json_is_null(v)) return 0;
  if (!strcmp(type, "yesno") || !strcmp(type, "choice"))
    return tpl_fail(w->e, name, "a %s field takes no '%s'", type, key);
  if (!strcmp(type, "date")) {
    if (!json_is_string(v) || !tpl_date_ok(json_string_value(v)))
      return tpl_fail(w->e, name, "'%s' must be a date such as 2026-03-01", name);
  } else if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
    return tpl_fail(w->e, name, "'%s' must be a whole number from %lld to %lld", name, (long long)lo,
                    (long long)hi);
  }
  *out = json_deep_copy(v);
  return 0;
}

/* One option of a choice into *out (new reference). */
static int tpl_option(tpl_where_t *w, const json_t *o, json_t *seen, json_t **out) {
  const char *value, *fr, *en;
  if (!json_is_object(o)) return tpl_fail(w->e, w->at, "'%s' must be an object", w->at);
  int rc = tpl_str(w, o, "value", TPL_OPTION_MAX, NULL, &value);
  if (!rc) rc = tpl_str(w, o, "label_fr", TPL_LABEL_MAX, "", &fr);
  if (!rc) rc = tpl_str(w, o, "label_en", TPL_LABEL_MAX, "", &en);
  if (rc) return rc;
  char name[112];
  snprintf(name, sizeof name, "%s.value", w->at);
  if (!value || !*value) return tpl_fail(w->e, name, "'%s' is required", name);
  if (json_object_get(seen, value)) return tpl_fail(w->e, name, "the option '%.100s' is given twice", value);
  json_object_set_new(seen, value, json_true());
  *out = json_pack("{s:s, s:s, s:s}", "value", value, "label_fr", fr, "label_en", en);
  return 0;
}

static int tpl_options(tpl_where_t *w, const json_t *d, const char *type, json_t **out) {
  const json_t *opts = json_object_get(d, "options");
  char name[112];
  snprintf(name, sizeof name, "%s.options", w->at);
  *out = json_array();
  if (strcmp(type, "choice") != 0) {
    if (opts && !json_is_null(opts) && !(json_is_array(opts) && !json_array_size(opts)))
      return tpl_fail(w->e, name, "only a choice field has options");
    return 0;
  }
  if (!json_is_array(opts) || !json_array_size(opts) || json_array_size(opts) > TPL_OPTIONS_MAX)
    return tpl_fail(w->e, name, "a choice field needs 1 to %d options", TPL_OPTIONS_MAX);
  json_t *seen = json_object();
  tpl_where_t ow = {"", w->e};
  int rc = 0;
  for (size_t i = 0; i < json_array_size(opts) && !rc; i++) {
    json_t *one = NULL;
    snprintf(ow.at, sizeof ow.at, "%.40s[%d]", name, (int)i);
    rc = tpl_option(&ow, json_array_get(opts, i), seen, &one);
    if (!rc) json_array_append_new(*out, one);
  }
  json_decref(seen);
  return rc;
}

/* The limits of a type: the bounds min and max may take, and max's default. */
static void tpl_limits(const char *type, int64_t *lo, int64_t *hi, int64_t *dflt_max) {
  *lo = 0;
  *hi = !strcmp(type, "text") ? 1000 : 10000;
  *dflt_max = !strcmp(type, "text") ? 300 : 10000;
  if (!strcmp(type, "number")) *lo = -TPL_NUMBER_MAX, *hi = TPL_NUMBER_MAX, *dflt_max = 0;
}

/* The key, type, labels and required flag of definition d into n. */
static int tpl_head(tpl_where_t *w, const json_t *d, json_t *keys, json_t *n, const char **type) {
  const char *key, *fr, *en;
  char name[112];
  int rc = tpl_str(w, d, "key", 32, NULL, &key);
  if (!rc) rc = tpl_str(w, d, "label_fr", TPL_LABEL_MAX, "", &fr);
  if (!rc) rc = tpl_str(w, d, "label_en", TPL_LABEL_MAX, "", &en);
  if (!rc) rc = tpl_str(w, d, "type", 16, NULL, type);
  if (rc) return rc;
  snprintf(name, sizeof name, "%s.key", w->at);
  if (!key || !*key || key[0] < 'a' || key[0] > 'z' ||
      strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key))
    return tpl_fail(w->e, name, "'%s' must be a word of a-z, 0-9 and _ starting with a letter", name);
  if (json_object_get(keys, key)) return tpl_fail(w->e, name, "two fields have the key '%s'", key);
  if (!strcmp(key, "requester_name"))
    return tpl_fail(w->e, name, "'requester_name' is the title's own placeholder: choose another key");
  json_object_set_new(keys, key, json_true());
  snprintf(name, sizeof name, "%s.label_fr", w->at);
  if (!*fr && !*en) return tpl_fail(w->e, name, "a field needs a label in French or in English");
  snprintf(name, sizeof name, "%s.type", w->at);
  size_t t = 0;
  while (*type && tpl_types[t] && strcmp(tpl_types[t], *type) != 0) t++;
  if (!*type || !tpl_types[t])
    return tpl_fail(w->e, name, "'%s' must be one of text, long_text, number, date, yesno, choice", name);
  const json_t *req = json_object_get(d, "required");
  snprintf(name, sizeof name, "%s.required", w->at);
  if (req && !json_is_boolean(req)) return tpl_fail(w->e, name, "'%s' must be true or false", name);
  json_object_set_new(n, "key", json_string(key));
  json_object_set_new(n, "label_fr", json_string(fr));
  json_object_set_new(n, "label_en", json_string(en));
  json_object_set_new(n, "type", json_string(*type));
  json_object_set_new(n, "required", json_boolean(req && json_is_true(req)));
  return 0;
}

/* One definition d, checked, into *out (new reference). */
static int tpl_def(tpl_where_t *w, const json_t *d, json_t *keys, json_t **out) {
  static const char *const members[] = {"key", "label_fr", "label_en", "type", "required",
                                        "min", "max", "options", NULL};
  const char *type = NULL, *k;
  const json_t *v;
  if (!json_is_object(d)) return tpl_fail(w->e, w->at, "'%s' must be an object", w->at);
  json_object_foreach((json_t *)d, k, v) {
    int known = 0;
    for (const char *const *m = members; *m && !known; m++) known = !strcmp(*m, k);
    if (!known) return tpl_fail(w->e, w->at, "unknown member '%.40s' in '%s'", k, w->at);
  }
  json_t *n = json_object(), *mn = NULL, *mx = NULL, *opts = NULL;
  int64_t lo, hi, dmax;
  int rc = tpl_head(w, d, keys, n, &type);
  if (!rc && !type) rc = UTIL_E_INVALID; /* tpl_head refused it already */
  if (!rc) tpl_limits(type, &lo, &hi, &dmax);
  if (!rc) rc = tpl_bound(w, d, "min", type, lo, hi, &mn);
  if (!rc) rc = tpl_bound(w, d, "max", type, lo, hi, &mx);
  if (!rc) rc = tpl_options(w, d, type, &opts);
  if (!rc && json_is_null(mx) && (!strcmp(type, "text") || !strcmp(type, "long_text"))) {
    json_decref(mx);
    mx = json_integer(dmax);
  }
  int crossed = !rc && !json_is_null(mn) && !json_is_null(mx) &&
                (json_is_string(mn) ? strcmp(json_string_value(mn), json_string_value(mx)) > 0
                                    : json_integer_value(mn) > json_integer_value(mx));
  if (crossed) rc = tpl_fail(w->e, w->at, "in '%s', min is above max", w->at);
  if (!rc) {
    json_object_set_new(n, "min", mn);
    json_object_set_new(n, "max", mx);
    json_object_set_new(n, "options", opts);
    *out = n;
    return 0;
  }
  json_decref(mn);
  json_decref(mx);
  json_decref(opts);
  json_decref(n);
  return rc;
}

int desk_tpl_fields_check(const json_t *defs, json_t **out, desk_err_t *e) {
  *out = NULL;
  if (!json_is_array(defs)) return tpl_fail(e, "fields", "'fields' must be an array of field definitions");
  if (json_array_size(defs) > DESK_TPL_FIELDS_MAX)
    return tpl_fail(e, "fields", "a template has at most %d fields", DESK_TPL_FIELDS_MAX);
  json_t *all = json_array(), *keys = json_object();
  tpl_where_t w = {"", e};
  int rc = 0;
  for (size_t i = 0; i < json_array_size(defs) && !rc; i++) {
    json_t *one = NULL;
    snprintf(w.at, sizeof w.at, "fields[%d]", (int)i);
    rc = tpl_def(&w, json_array_get(defs, i), keys, &one);
    if (!rc) json_array_append_new(all, one);
  }
  json_decref(keys);
  if (rc) json_decref(all);
  else *out = all;
  return rc;
}

/* ---- Title patterns ------------------------------------------------------------ */
/* If s opens a placeholder, its name's length (the name at s + 1); else 0. */
static size_t tpl_slot(const char *s) {
  if (s[0] != '{') return 0;
  size_t n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");
  return n && n <= 32 && s[1 + n] == '}' ? n : 0;
}

/* The definition of key (n bytes) in defs, or NULL. */
static const json_t *tpl_def_of(const json_t *defs, const char *key, size_t n) {
  for (size_t i = 0; i < json_array_size(defs); i++) {
    const char *k = json_string_value(json_object_get(json_array_get(defs, i), "key"));
    if (k && strlen(k) == n && strncmp(k, key, n) == 0) return json_array_get(defs, i);
  }
  return NULL;
}

int desk_tpl_title_check(const char *field, const char *pattern, const json_t *defs,
                         desk_err_t *e) {
  for (const char *p = pattern; p && *p; p++) {
    size_t n = tpl_slot(p);
    if (!n || tpl_def_of(defs, p + 1, n) || (n == 14 && !strncmp(p + 1, "requester_name", 14))) continue;
    tpl_fail(e, field, "unknown placeholder {%.*s} in '%s': it may hold {requester_name}"
             " and the key of each field in braces", (int)n, p + 1, field);
    e->why.reason = UTIL_WHY_UNKNOWN_PLACEHOLDER;
    return UTIL_E_INVALID;
  }
  return 0;
}

/* ---- Values ---------------------------------------------------------------------- */
typedef struct {
  const json_t *def;
  const char *key, *type;
  desk_err_t *e;
  json_t **why;
} tpl_val_t;

static int tpl_refuse(tpl_val_t *x, json_t *why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int tpl_refuse(tpl_val_t *x, json_t *why, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  x->e->code = UTIL_E_INVALID;
  snprintf(x->e->field, sizeof x->e->field, "fields.%s", x->key);
  vsnprintf(x->e->msg, sizeof x->e->msg, fmt, ap);
  va_end(ap);
  memset(&x->e->why, 0, sizeof x->e->why); /* the reason is *why: its bounds may be dates */
  *x->why = why;
  return UTIL_E_INVALID;
}

static json_t *tpl_why(const char *reason) { return json_pack("{s:s}", "reason", reason); }

/* The bound's JSON (a number or a date) as text for a message. */
static void tpl_bound_text(const json_t *b, char *out, size_t n) {
  if (json_is_string(b)) snprintf(out, n, "%s", json_string_value(b));
  else snprintf(out, n, "%lld", (long long)json_integer_value(b));
}

/* why "out_of_range" or a length with the definition's min and max. */
static json_t *tpl_why_bounds(const char *reason, const json_t *def) {
  json_t *w = tpl_why(reason);
  const json_t *mn = json_object_get(def, "min"), *mx = json_object_get(def, "max");
  if (mn && !json_is_null(mn)) json_object_set_new(w, "min", json_deep_copy(mn));
  if (mx && !json_is_null(mx)) json_object_set_new(w, "max", json_deep_copy(mx));
  return w;
}

static int tpl_text_value(tpl_val_t *x, const json_t *v, char **out) {
  if (!json_is_string(v))
    return tpl_refuse(x, json_pack("{s:s, s:s}", "reason", "wrong_type", "expected", "string"),
                      "'%s' must be text", x->key);
  const char *s = json_string_value(v);
  int multi = !strcmp(x->type, "long_text");
  for (const char *p = s; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == 0x7f || (ch < 0x20 && ch != '\t' && !(multi && (ch == '\n' || ch == '\r'))))
      return tpl_refuse(x, tpl_why("control_char"), multi ? "'%s' contains a control character"
                        : "'%s' must be one line (no line break nor control character)", x->key);
  }
  if (strlen(s) != json_string_length(v))
    return tpl_refuse(x, tpl_why("control_char"), "'%s' contains a NUL byte", x->key);
  size_t n = tpl_chars(s);
  const json_t *mn = json_object_get(x->def, "min"), *mx = json_object_get(x->def, "max");
  if (json_is_integer(mn) && (int64_t)n < json_integer_value(mn))
    return tpl_refuse(x, tpl_why_bounds("too_short", x->def), "'%s' needs at least %lld characters",
                      x->key, (long long)json_integer_value(mn));
  if (json_is_integer(mx) && (int64_t)n > json_integer_value(mx))
    return tpl_refuse(x, tpl_why_bounds("too_long", x->def), "'%s' takes at most %lld characters",
                      x->key, (long long)json_integer_value(mx));
  *out = util_xstrdup(s);
  return 0;
}

static int tpl_number_value(tpl_val_t *x, const json_t *v, char **out) {
  if (!json_is_integer(v))
    return tpl_refuse(x, json_pack("{s:s, s:s}", "reason", "wrong_type", "expected", "integer"),
                      "'%s' must be a whole number", x->key);
  int64_t i = json_integer_value(v);
  const json_t *mn = json_object_get(x->def, "min"), *mx = json_object_get(x->def, "max");
  int64_t lo = json_is_integer(mn) ? json_integer_value(mn) : -TPL_NUMBER_MAX;
  int64_t hi = json_is_integer(mx) ? json_integer_value(mx) : TPL_NUMBER_MAX;
  if (i < lo || i > hi)
    return tpl_refuse(x, tpl_why_bounds("out_of_range", x->def), "'%s' must be from %lld to %lld",
                      x->key, (long long)lo, (long long)hi);
  *out = util_xasprintf("%lld", (long long)i);
  return 0;
}

static int tpl_date_value(tpl_val_t *x, const json_t *v, char **out) {
  const char *s = json_is_string(v) ? json_string_value(v) : "";
  if (!tpl_date_ok(s))
    return tpl_refuse(x, json_pack("{s:s, s:s}", "reason", "wrong_type", "expected", "date"),
                      "'%s' must be a date such as 2026-03-01", x->key);
  const json_t *mn = json_object_get(x->def, "min"), *mx = json_object_get(x->def, "max");
  if ((json_is_string(mn) && strcmp(s, json_string_value(mn)) < 0) ||
      (json_is_string(mx) && strcmp(s, json_string_value(mx)) > 0)) {
    char lo[16] = "", hi[16] = "", range[64];
    if (json_is_string(mn)) tpl_bound_text(mn, lo, sizeof lo);
    if (json_is_string(mx)) tpl_bound_text(mx, hi, sizeof hi);
    if (*lo && *hi) snprintf(range, sizeof range, "from %s to %s", lo, hi);
    else if (*lo) snprintf(range, sizeof range, "on or after %s", lo);
    else snprintf(range, sizeof range, "on or before %s", hi);
    return tpl_refuse(x, tpl_why_bounds("out_of_range", x->def), "'%s' must be %s", x->key, range);
  }
  *out = util_xstrdup(s);
  return 0;
}

/* The option of a choice whose value is s, or NULL. */
static const json_t *tpl_option_of(const json_t *def, const char *s) {
  const json_t *opts = json_object_get(def, "options");
  for (size_t i = 0; i < json_array_size(opts); i++)
    if (!strcmp(json_string_value(json_object_get(json_array_get(opts, i), "value")), s))
      return json_array_get(opts, i);
  return NULL;
}

static int tpl_choice_value(tpl_val_t *x, const json_t *v, char **out) {
  const json_t *o = json_is_string(v) ? tpl_option_of(x->def, json_string_value(v)) : NULL;
  if (!o) {
    json_t *why = tpl_why("not_allowed"), *allowed = json_array();
    const json_t *opts = json_object_get(x->def, "options");
    for (size_t i = 0; i < json_array_size(opts); i++)
      json_array_append(allowed, json_object_get(json_array_get(opts, i), "value"));
    json_object_set_new(why, "allowed", allowed);
    return tpl_refuse(x, why, "'%s' must be one of the template's options", x->key);
  }
  *out = util_xstrdup(json_string_value(v));
  return 0;
}

/* A choice's label in a language, the other's or the value when empty. */
static const char *tpl_option_label(const json_t *o, int fr) {
  const char *mine = json_string_value(json_object_get(o, fr ? "label_fr" : "label_en"));
  const char *other = json_string_value(json_object_get(o, fr ? "label_en" : "label_fr"));
  return mine && *mine ? mine : other && *other ? other : json_string_value(json_object_get(o, "value"));
}

/* Whether v counts as no value: absent, null, or text with nothing but spaces. */
static int tpl_blank(const json_t *v) {
  if (!v || json_is_null(v)) return 1;
  if (!json_is_string(v)) return 0;
  const char *s = json_string_value(v);
  return strspn(s, " \t\r\n") == strlen(s);
}

/* The value of definition def in values, checked, appended to form. */
static int tpl_value(const json_t *def, const json_t *values, store_form_t *form, desk_err_t *e,
                     json_t **why) {
  tpl_val_t x = {def, json_string_value(json_object_get(def, "key")),
                 json_string_value(json_object_get(def, "type")), e, why};
  const json_t *v = values ? json_object_get(values, x.key) : NULL;
  if (tpl_blank(v)) {
    if (!json_is_true(json_object_get(def, "required"))) return 0;
    return tpl_refuse(&x, tpl_why("required"), "'%s' is required", x.key);
  }
  char *val = NULL;
  int rc;
  if (!strcmp(x.type, "number")) rc = tpl_number_value(&x, v, &val);
  else if (!strcmp(x.type, "date")) rc = tpl_date_value(&x, v, &val);
  else if (!strcmp(x.type, "choice")) rc = tpl_choice_value(&x, v, &val);
  else if (!strcmp(x.type, "yesno")) {
    rc = json_is_boolean(v) ? 0
         : tpl_refuse(&x, json_pack("{s:s, s:s}", "reason", "wrong_type", "expected", "boolean"),
                      "'%s' must be true or false", x.key);
    if (!rc) val = util_xstrdup(json_is_true(v) ? "yes" : "no");
  } else rc = tpl_text_value(&x, v, &val);
  if (rc || !val) return rc ? rc : UTIL_E_INTERNAL;
  const json_t *o = !strcmp(x.type, "choice") ? tpl_option_of(def, val) : NULL;
  store_form_add(form, x.key, x.type, json_string_value(json_object_get(def, "label_fr")),
                 json_string_value(json_object_get(def, "label_en")), val,
                 o ? tpl_option_label(o, 1) : NULL, o ? tpl_option_label(o, 0) : NULL);
  free(val);
  return 0;
}

int desk_tpl_values(const json_t *defs, const json_t *values, store_form_t *form, desk_err_t *e,
                    json_t **why) {
  *why = NULL;
  if (values && !json_is_null(values) && !json_is_object(values))
    return tpl_fail(e, "fields", "'fields' must be an object of the template's field keys and values");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)values, key, v) {
    if (tpl_def_of(defs, key, strlen(key))) continue;
    tpl_val_t x = {NULL, key, NULL, e, why};
    return tpl_refuse(&x, tpl_why("unknown_field"), "this template has no field '%.40s'", key);
  }
  for (size_t i = 0; i < json_array_size(defs); i++) {
    int rc = tpl_value(json_array_get(defs, i), json_is_object(values) ? values : NULL, form, e, why);
    if (rc) return rc;
  }
  return 0;
}

/* ---- What the ticket says --------------------------------------------------------- */
/* A form field's label in a language (the other's when empty). */
static const char *tpl_label(const store_form_field_t *f, int fr) {
  const char *mine = fr ? f->label_fr : f->label_en, *other = fr ? f->label_en : f->label_fr;
  return mine && *mine ? mine : other ? other : "";
}

/* A form field's value as people read it in a language. */
static const char *tpl_shown(const store_form_field_t *f, int fr) {
  if (!strcmp(f->type, "yesno")) return !strcmp(f->value, "yes") ? (fr ? "Oui" : "Yes") : (fr ? "Non" : "No");
  if (!strcmp(f->type, "choice")) return (fr ? f->choice_fr : f->choice_en) ? (fr ? f->choice_fr : f->choice_en) : f->value;
  return f->value;
}

char *desk_tpl_title(const char *pattern, const store_form_t *form, const char *requester,
                     const char *lang) {
  int fr = lang && !strcmp(lang, "fr");
  util_buf_t b;
  util_buf_init(&b, 1 << 20);
  for (const char *p = pattern ? pattern : ""; *p;) {
    size_t n = tpl_slot(p);
    if (!n) {
      util_buf_putc(&b, *p++);
      continue;
    }
    if (n == 14 && !strncmp(p + 1, "requester_name", 14)) util_buf_puts(&b, requester ? requester : "");
    for (size_t i = 0; i < form->n; i++) {
      const store_form_field_t *f = &form->fields[i];
      if (strlen(f->key) != n || strncmp(f->key, p + 1, n) != 0) continue;
      /* a title is one line: a long text gives its first one */
      const char *s = tpl_shown(f, fr);
      util_buf_append(&b, s, strcspn(s, "\r\n"));
    }
    p += n + 2;
  }
  char *t = util_buf_steal(&b);
  size_t len = strlen(t);
  if (len > DESK_TPL_TITLE_MAX) { /* cut on a character boundary */
    len = DESK_TPL_TITLE_MAX;
    while (len && ((unsigned char)t[len] & 0xC0) == 0x80) len--;
    t[len] = '\0';
  }
  return t;
}

char *desk_tpl_text(const store_form_t *form, const char *lang) {
  int fr = lang && !strcmp(lang, "fr");
  const char *colon = fr ? "\u00a0: " : ": ";
  util_buf_t b;
  util_buf_init(&b, (size_t)1 << 22);
  const char *name = fr ? form->name_fr : form->name_en, *other = fr ? form->name_en : form->name_fr;
  util_buf_puts(&b, name && *name ? name : other ? other : "");
  for (size_t i = 0; i < form->n; i++) {
    const store_form_field_t *f = &form->fields[i];
    util_buf_printf(&b, "\n%s%s%s", tpl_label(f, fr), colon, tpl_shown(f, fr));
  }
  return util_buf_steal(&b);
}
