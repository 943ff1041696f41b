/* Canned responses: the placeholders of a macro's texts and the field
 * changes it makes, read with the same field rules as any change of a
 * ticket (desk_field_set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"

static const char *const macro_placeholders[] = {
    "requester_name", "requester_first_name", "ticket_id",  "ticket_title",
    "agent_name",     "agent_first_name",     "group_name", NULL};

/* The fields a macro may change, in the order they are read. */
static const store_tf_t macro_fields[] = {
    STORE_TF_STATUS,  STORE_TF_GROUP_ID, STORE_TF_ASSIGNEE_ID, STORE_TF_PRIORITY,  STORE_TF_URGENCY,
    STORE_TF_IMPACT,  STORE_TF_CATEGORY, STORE_TF_SERVICE,     STORE_TF_RESOLUTION};
#define MACRO_NFIELDS (sizeof macro_fields / sizeof macro_fields[0])

/* The placeholders as a refusal lists them (why's allowed). */
static const char *const macro_braced[] = {
    "{requester_name}", "{requester_first_name}", "{ticket_id}",  "{ticket_title}",
    "{agent_name}",     "{agent_first_name}",     "{group_name}", NULL};

static int macro_fail(desk_err_t *e, int code, const char *field, const util_why_t *why,
                      const char *msg) {
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field);
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  if (why) e->why = *why;
  else memset(&e->why, 0, sizeof e->why);
  return code;
}

/* If s[0] opens a placeholder ("{" + [a-z_]+ + "}"), its name's length
 * (the name starts at s + 1); 0 otherwise. */
static size_t macro_slot(const char *s) {
  if (s[0] != '{') return 0;
  size_t n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz_");
  return n && n <= 64 && s[1 + n] == '}' ? n : 0;
}

static int macro_known(const char *name, size_t n) {
  for (const char *const *k = macro_placeholders; *k; k++)
    if (strlen(*k) == n && strncmp(*k, name, n) == 0) return 1;
  return 0;
}

int desk_macro_text_check(const char *field, const char *s, desk_err_t *e) {
  for (const char *p = s; p && *p; p++) {
    size_t n = macro_slot(p);
    if (!n || macro_known(p + 1, n)) continue;
    char msg[256];
    snprintf(msg, sizeof msg, "unknown placeholder {%.*s} in '%s': the known ones are"
             " {requester_name}, {requester_first_name}, {ticket_id}, {ticket_title},"
             " {agent_name}, {agent_first_name}, {group_name}", (int)n, p + 1, field);
    util_why_t why = {.reason = UTIL_WHY_UNKNOWN_PLACEHOLDER, .allowed = macro_braced};
    return macro_fail(e, UTIL_E_INVALID, field, &why, msg);
  }
  return 0;
}

/* The first word of a name ("Claire" of "Claire Martin"). */
static void macro_first(util_buf_t *b, const char *name) {
  const char *p = name ? name : "";
  util_buf_append(b, p, strcspn(p, " \t"));
}

char *desk_macro_fill(const char *s, const desk_macro_vars_t *v) {
  util_buf_t b;
  util_buf_init(&b, (size_t)DESK_MACRO_BODY_MAX * 4);
  for (const char *p = s ? s : ""; *p;) {
    size_t n = macro_slot(p);
    if (!n) {
      size_t run = strcspn(p + 1, "{") + 1; /* up to the next brace */
      util_buf_append(&b, p, run);
      p += run;
      continue;
    }
#define SLOT(name) (n == strlen(name) && strncmp(p + 1, name, n) == 0)
    if (SLOT("requester_name")) util_buf_puts(&b, v->requester_name ? v->requester_name : "");
    else if (SLOT("requester_first_name")) macro_first(&b, v->requester_name);
    else if (SLOT("ticket_id")) util_buf_printf(&b, "%lld", (long long)v->ticket_id);
    else if (SLOT("ticket_title")) util_buf_puts(&b, v->ticket_title ? v->ticket_title : "");
    else if (SLOT("agent_name")) util_buf_puts(&b, v->agent_name ? v->agent_name : "");
    else if (SLOT("agent_first_name")) macro_first(&b, v->agent_name);
    else if (SLOT("group_name")) util_buf_puts(&b, v->group_name ? v->group_name : "");
    else util_buf_append(&b, p, n + 2); /* saved before a placeholder went away: as written */
#undef SLOT
    p += n + 2;
  }
  return util_buf_steal(&b);
}

/* The rule of field f for a macro's value v (a JSON value), into ch. */
static int macro_one(store_t *db, store_tf_t f, const json_t *v, int64_t me, store_ticket_t *ch,
                     uint32_t *mask, desk_err_t *e) {
  const char *name = store_tf_name(f);
  if (f == STORE_TF_ASSIGNEE_ID && json_is_string(v) && strcmp(json_string_value(v), "me") == 0) {
    *mask |= 1u << f;
    if (me) store_ticket_set_int(ch, f, me);
    else store_ticket_set_null(ch, f); /* saved as "me": filled in when applied */
    return 0;
  }
  desk_value_t dv = {DESK_V_OTHER, NULL, 0, 0};
  if (json_is_null(v)) dv.kind = DESK_V_NULL;
  else if (json_is_integer(v)) dv = (desk_value_t){DESK_V_INT, NULL, 0, json_integer_value(v)};
  else if (json_is_string(v))
    dv = (desk_value_t){DESK_V_STRING, json_string_value(v), json_string_length(v), 0};
  int rc = desk_field_set(db, desk_field_of(f), STORE_ROLE_AGENT, 0, &dv, ch, e);
  if (!rc && f == STORE_TF_RESOLUTION && !me) rc = desk_macro_text_check(name, ch->v[f].s, e);
  if (!rc) *mask |= 1u << f;
  return rc;
}

int desk_macro_changes(store_t *db, const json_t *actions, const char *prefix, int64_t me,
                       store_ticket_t *ch, uint32_t *mask, desk_err_t *e) {
  const char *key;
  const json_t *v;
  if (!json_is_object(actions)) {
    util_why_t why = {.reason = UTIL_WHY_WRONG_TYPE, .expected = "object"};
    macro_fail(e, UTIL_E_INVALID, prefix, &why, "the field changes must be an object of fields and values");
    e->field[strcspn(e->field, ".")] = '\0'; /* "actions", not "actions." */
    return UTIL_E_INVALID;
  }
  json_object_foreach((json_t *)actions, key, v) {
    size_t i = 0;
    while (i < MACRO_NFIELDS && strcmp(store_tf_name(macro_fields[i]), key) != 0) i++;
    int rc = i < MACRO_NFIELDS ? macro_one(db, macro_fields[i], v, me, ch, mask, e) : UTIL_E_INVALID;
    if (i == MACRO_NFIELDS) {
      snprintf(e->msg, sizeof e->msg, "a macro cannot change '%.64s': it may change status,"
               " group_id, assignee_id, priority, urgency, impact, category, service and"
               " resolution", key);
      e->why = (util_why_t){.reason = UTIL_WHY_UNKNOWN_FIELD};
    }
    if (rc) {
      e->code = rc;
      snprintf(e->field, sizeof e->field, "%s%.40s", prefix, key);
      return rc;
    }
  }
  return 0;
}
