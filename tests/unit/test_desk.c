/* Unit tests of src/desk: the field rules value by value (text, enum,
 * integer, references, who may set what), the reply rule, the status
 * lifecycle, the ITIL matrix and the SLA due time, and the intake
 * on a real SQLite file (prepare writes nothing; create writes the ticket
 * and its history in one transaction; a refused ticket writes nothing), and
 * the rules of links between tickets and of merges. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "store_fixture.h"

/* Sets field name from an untyped cell of n bytes as an admin; returns the
 * code and leaves the message in e. */
static int cell(store_t *s, store_ticket_t *t, const char *name, const char *v, size_t n, desk_err_t *e) {
  desk_err_t fe;
  const desk_field_t *sp = desk_field_find(name, &fe);
  assert_non_null(sp);
  desk_value_t dv = {DESK_V_CELL, v, n, 0};
  return desk_field_set(s, sp, STORE_ROLE_ADMIN, 1, &dv, t, e);
}

#define CELL(t, name, lit, e) cell(NULL, (t), (name), (lit), sizeof(lit) - 1, (e))

static void text_rule(void **state) {
  store_ticket_t t;
  desk_err_t e;
  store_ticket_init(&t);
  assert_int_equal(CELL(&t, "title", "VPN down\tsince 9", &e), 0); /* a tab is text */
  assert_string_equal(t.v[STORE_TF_TITLE].s, "VPN down\tsince 9");
  assert_int_equal(CELL(&t, "description", "line 1\r\nline 2", &e), 0);
  /* each refusal names the field and says why; the value stays as it was */
  assert_int_equal(CELL(&t, "title", "two\nlines", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'title' contains a control character");
  assert_string_equal(e.field, "title");
  assert_string_equal(t.v[STORE_TF_TITLE].s, "VPN down\tsince 9");
  assert_int_equal(CELL(&t, "category", "Hard\x1bware", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'category' contains a control character");
  assert_int_equal(CELL(&t, "service", "VPN\x7f", &e), UTIL_E_INVALID);
  assert_int_equal(CELL(&t, "description", "first\0hidden", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'description' contains a NUL byte");
  assert_true(t.v[STORE_TF_DESCRIPTION].s && strcmp(t.v[STORE_TF_DESCRIPTION].s, "line 1\r\nline 2") == 0);
  assert_int_equal(CELL(&t, "ci", "srv\xc3(", &e), UTIL_E_BADUTF8);
  assert_string_equal(e.msg, "'ci' is not valid UTF-8");
  assert_int_equal(CELL(&t, "title", "\xed\xa0\x80", &e), UTIL_E_BADUTF8); /* surrogate */
  assert_int_equal(CELL(&t, "title", "   ", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'title' must not be empty");
  char big[402];
  memset(big, 'c', 401);
  big[401] = '\0';
  /* the limit itself: a name of 100 bytes the category list holds */
  store_t *s = fresh("text.db");
  char name100[101];
  memset(name100, 'c', 100);
  name100[100] = '\0';
  assert_int_equal(store_entry_ensure(s, "category", name100, NULL), 0);
  assert_int_equal(cell(s, &t, "category", name100, 100, &e), 0);
  assert_int_equal(cell(s, &t, "category", big, 101, &e), UTIL_E_INVALID);
  store_close(&s);
  assert_string_equal(e.msg, "'category' is longer than 100 bytes");
  assert_int_equal(cell(NULL, &t, "title", big, 301, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'title' is longer than 300 bytes");
  store_ticket_clear(&t);
}

/* Category, service and CI name entries of the desk's lists: a known one
 * is stored under its own name, an unknown one is refused with the allowed
 * ones named, a retired or merged one says so. */
static void managed_lists(void **state) {
  store_t *s = fresh("lists.db");
  store_ticket_t t;
  desk_err_t e;
  store_ticket_init(&t);
  assert_int_equal(cell(s, &t, "category", "Network", 7, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "unknown category 'Network': no category is defined yet (an admin adds them)");
  assert_string_equal(e.field, "category");
  for (const char *const *n = (const char *const[]){"Network", "Access", "Netwrok", "Email", NULL}; *n; n++)
    assert_int_equal(store_entry_ensure(s, "category", *n, NULL), 0);
  assert_int_equal(cell(s, &t, "category", "network", 7, &e), 0);
  assert_string_equal(t.v[STORE_TF_CATEGORY].s, "Network"); /* its own name, whatever the case */
  assert_int_equal(cell(s, &t, "category", "Hardware", 8, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "unknown category 'Hardware': one of Access, Email, Network, Netwrok");
  assert_string_equal(util_why_name(e.why.reason), "unknown_entry");
  assert_string_equal(t.v[STORE_TF_CATEGORY].s, "Network"); /* unchanged */
  assert_int_equal(cell(s, &t, "service", "VPN", 3, &e), UTIL_E_INVALID); /* each kind its own list */
  assert_string_equal(e.field, "service");
  store_entry_t from, into;
  assert_int_equal(store_entry_find(s, "category", "Netwrok", &from), 0);
  assert_int_equal(store_entry_find(s, "category", "Network", &into), 0);
  int64_t id = 0, moved = -1;
  store_ticket_set_text(&t, STORE_TF_TITLE, "x");
  store_ticket_set_text(&t, STORE_TF_CATEGORY, "Netwrok");
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, add_user(s, "r@x.example", STORE_ROLE_REQUESTER));
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(store_ticket_insert(s, &t, &a, &id), 0);
  assert_int_equal(store_entry_merge(s, &from, &into, &a, &moved), 0);
  assert_int_equal(moved, 1);
  store_ticket_clear(&t);
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_string_equal(t.v[STORE_TF_CATEGORY].s, "Network");
  assert_int_equal(cell(s, &t, "category", "Netwrok", 7, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "category 'Netwrok' was merged into 'Network'");
  assert_string_equal(util_why_name(e.why.reason), "retired_entry");
  into.active = 0;
  assert_int_equal(store_entry_update(s, &into), 0);
  assert_int_equal(cell(s, &t, "category", "Network", 7, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "category 'Network' is retired");
  char *names = store_entry_names(s, "category", 1);
  assert_string_equal(names, "Access … (1 more)");
  free(names);
  store_entry_clear(&from);
  store_entry_clear(&into);
  store_ticket_clear(&t);
  store_close(&s);
}

/* Each refusal also gives its reason for a program, with the bound or the
 * allowed values it needs; a later refusal never keeps an earlier's. */
static void reasons(void **state) {
  store_ticket_t t;
  desk_err_t e;
  memset(&e, 0x5a, sizeof e); /* as a caller's uninitialised struct */
  store_ticket_init(&t);
  assert_int_equal(CELL(&t, "description", "first\0hidden", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "nul_byte");
  assert_int_equal(CELL(&t, "title", "two\nlines", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "control_char");
  assert_int_equal(CELL(&t, "ci", "srv\xc3(", &e), UTIL_E_BADUTF8);
  assert_string_equal(util_why_name(e.why.reason), "invalid_utf8");
  assert_int_equal(CELL(&t, "title", " ", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "required");
  char big[101];
  memset(big, 'c', sizeof big);
  assert_int_equal(cell(NULL, &t, "service", big, sizeof big, &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "too_long");
  assert_true(e.why.has_max && e.why.max == 100 && !e.why.has_min && !e.why.allowed);
  assert_int_equal(CELL(&t, "urgency", "7", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "out_of_range");
  assert_true(e.why.has_min && e.why.min == 1 && e.why.has_max && e.why.max == 3);
  assert_int_equal(CELL(&t, "status", "gone", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "not_allowed");
  assert_non_null(e.why.allowed);
  assert_string_equal(e.why.allowed[0], "new");
  assert_int_equal(CELL(&t, "status", "a-status-name-far-longer-than-any-real-one", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "not_allowed"); /* not "too long" */
  assert_int_equal(CELL(&t, "impact", "high", &e), UTIL_E_INVALID);
  assert_string_equal(util_why_name(e.why.reason), "wrong_type");
  assert_string_equal(e.why.expected, "integer");
  assert_null(desk_field_find("created_at", &e));
  assert_string_equal(util_why_name(e.why.reason), "read_only_field");
  assert_null(desk_field_find("colour", &e));
  assert_string_equal(util_why_name(e.why.reason), "unknown_field");
  assert_true(!e.why.has_max && !e.why.allowed && !e.why.from[0]);
  desk_value_t v = {DESK_V_STRING, "open", 4, 0};
  assert_int_equal(desk_field_set(NULL, desk_field_of(STORE_TF_STATUS), STORE_ROLE_REQUESTER, 1, &v, &t, &e),
                   UTIL_E_FORBIDDEN);
  assert_string_equal(util_why_name(e.why.reason), "agents_only");
  const char *reopen;
  assert_int_equal(desk_reply_status(3, "closed", STORE_ROLE_REQUESTER, 0, &reopen, &e), UTIL_E_CONFLICT);
  assert_string_equal(util_why_name(e.why.reason), "ticket_closed");
  store_ticket_clear(&t);
}

static void enum_and_int_rules(void **state) {
  store_ticket_t t;
  desk_err_t e;
  store_ticket_init(&t);
  assert_int_equal(CELL(&t, "source", "carrier-pigeon", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'source' must be one of: web, email, phone, api, chat, import");
  assert_int_equal(CELL(&t, "status", "lost", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'status' must be one of: new, open, pending, resolved, closed");
  assert_int_equal(CELL(&t, "status", "pending", &e), 0);
  assert_int_equal(CELL(&t, "impact", "2", &e), 0);
  assert_int_equal(t.v[STORE_TF_IMPACT].i, 2);
  assert_int_equal(CELL(&t, "impact", "7", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'impact' must be between 1 and 3");
  assert_int_equal(CELL(&t, "urgency", "high", &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'urgency' must be an integer");
  assert_int_equal(CELL(&t, "urgency", "2 ", &e), UTIL_E_INVALID);
  assert_int_equal(CELL(&t, "priority", "99999999999999999999", &e), UTIL_E_INVALID);
  /* typed (JSON) values: a string is not an integer, a number not a string */
  const desk_field_t *im = desk_field_of(STORE_TF_IMPACT), *cat = desk_field_of(STORE_TF_CATEGORY);
  desk_value_t str = {DESK_V_STRING, "2", 1, 0}, num = {DESK_V_INT, NULL, 0, 3}, nul = {DESK_V_NULL, NULL, 0, 0};
  assert_int_equal(desk_field_set(NULL, im, STORE_ROLE_ADMIN, 0, &str, &t, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'impact' must be an integer or null");
  assert_int_equal(desk_field_set(NULL, cat, STORE_ROLE_ADMIN, 0, &num, &t, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'category' must be a string or null");
  assert_int_equal(desk_field_set(NULL, im, STORE_ROLE_ADMIN, 0, &num, &t, &e), 0);
  assert_int_equal(t.v[STORE_TF_IMPACT].i, 3);
  assert_int_equal(desk_field_set(NULL, im, STORE_ROLE_ADMIN, 0, &nul, &t, &e), 0);
  assert_true(t.v[STORE_TF_IMPACT].is_null);
  assert_int_equal(desk_field_set(NULL, desk_field_of(STORE_TF_TITLE), STORE_ROLE_ADMIN, 0, &nul, &t, &e),
                   UTIL_E_INVALID); /* not nullable */
  assert_string_equal(e.msg, "'title' must be a string");
  store_ticket_clear(&t);
}

static void who_may_set_what(void **state) {
  desk_err_t e;
  assert_null(desk_field_find("id", &e));
  assert_string_equal(e.msg, "'id' is read-only");
  assert_null(desk_field_find("sla_due_at", &e));
  assert_null(desk_field_find("colour", &e));
  assert_string_equal(e.msg, "unknown field 'colour'");
  assert_string_equal(e.field, "colour");
  store_ticket_t t;
  store_ticket_init(&t);
  desk_value_t v = {DESK_V_STRING, "closed", 6, 0};
  const desk_field_t *st = desk_field_of(STORE_TF_STATUS);
  assert_int_equal(desk_field_set(NULL, st, STORE_ROLE_REQUESTER, 1, &v, &t, &e), UTIL_E_FORBIDDEN);
  assert_string_equal(e.msg, "only agents may set 'status'");
  assert_int_equal(desk_field_set(NULL, st, STORE_ROLE_AGENT, 1, &v, &t, &e), 0);
  store_t *s = fresh("who.db");
  assert_int_equal(store_entry_ensure(s, "category", "Network", NULL), 0);
  desk_value_t c = {DESK_V_STRING, "Network", 7, 0};
  assert_int_equal(desk_field_set(s, desk_field_of(STORE_TF_CATEGORY), STORE_ROLE_REQUESTER, 1, &c, &t, &e), 0);
  store_close(&s);
  store_ticket_clear(&t);
}

static void references(void **state) {
  store_t *s = fresh("refs.db");
  int64_t req = add_user_active(s, "req@x.example", STORE_ROLE_REQUESTER, 1);
  int64_t gone = add_user_active(s, "gone@x.example", STORE_ROLE_AGENT, 0);
  int64_t ag = add_user_active(s, "ag@x.example", STORE_ROLE_AGENT, 1);
  store_ticket_t t;
  desk_err_t e;
  store_ticket_init(&t);
  const desk_field_t *as = desk_field_of(STORE_TF_ASSIGNEE_ID);
  desk_value_t v = {DESK_V_INT, NULL, 0, req};
  assert_int_equal(desk_field_set(s, as, STORE_ROLE_AGENT, 0, &v, &t, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "user 1 is not an agent");
  v.i = gone;
  assert_int_equal(desk_field_set(s, as, STORE_ROLE_AGENT, 0, &v, &t, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "no active user with id 2");
  v.i = ag;
  assert_int_equal(desk_field_set(s, as, STORE_ROLE_AGENT, 0, &v, &t, &e), 0);
  v.i = 42;
  assert_int_equal(desk_field_set(s, desk_field_of(STORE_TF_GROUP_ID), STORE_ROLE_AGENT, 0, &v, &t, &e),
                   UTIL_E_INVALID);
  assert_string_equal(e.msg, "no group with id 42");
  assert_int_equal(cell(s, &t, "requester_id", "0", 1, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'requester_id' must be between 1 and 9223372036854775807");
  store_ticket_clear(&t);
  store_close(&s);
}

static void reply_reopens(void **state) {
  const char *to;
  desk_err_t e;
  assert_int_equal(desk_reply_status(7, "pending", STORE_ROLE_REQUESTER, 0, &to, &e), 0);
  assert_string_equal(to, "open");
  /* "thanks!" on a resolved ticket leaves it resolved; "still broken" reopens it */
  assert_int_equal(desk_reply_status(7, "resolved", STORE_ROLE_REQUESTER, 0, &to, &e), 0);
  assert_null(to);
  assert_int_equal(desk_reply_status(7, "resolved", STORE_ROLE_REQUESTER, 1, &to, &e), 0);
  assert_string_equal(to, "open");
  assert_int_equal(desk_reply_status(7, "open", STORE_ROLE_REQUESTER, 1, &to, &e), 0);
  assert_null(to);
  assert_int_equal(desk_reply_status(7, "pending", STORE_ROLE_AGENT, 0, &to, &e), 0);
  assert_null(to); /* an agent's reply leaves the status to the agent */
  assert_int_equal(desk_reply_status(7, "closed", STORE_ROLE_REQUESTER, 1, &to, &e), UTIL_E_CONFLICT);
  assert_string_equal(e.msg, "ticket 7 is closed: open a new ticket");
  assert_int_equal(desk_reply_status(7, "closed", STORE_ROLE_AGENT, 0, &to, &e), 0);
}

static int count_tickets(const store_ticket_t *t, void *arg) {
  (*(int *)arg)++;
  return 0;
}

static int count_events(const store_event_t *ev, void *arg) {
  (*(int *)arg)++;
  return 0;
}

static void intake_create(void **state) {
  store_t *s = fresh("intake.db");
  int64_t req = add_user_active(s, "req@x.example", STORE_ROLE_REQUESTER, 1);
  desk_intake_t in;
  desk_err_t e;
  desk_intake_init(&in);
  desk_prep_t o = {.requester_id = req, .source = "email", .triage = 1};
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  int64_t id = 0;
  int n = 0;
  /* no title: refused by prepare, nothing written */
  assert_int_equal(CELL(&in.t, "description", "no title here", &e), 0);
  assert_int_equal(desk_create(s, &o, &in, &a, &id, &e), UTIL_E_INVALID);
  assert_string_equal(e.msg, "'title' is required");
  assert_int_equal(store_ticket_each(s, count_tickets, &n), 0);
  assert_int_equal(n, 0);
  /* prepare fills in the defaults and the language, and writes nothing */
  assert_int_equal(CELL(&in.t, "title", "Mon imprimante ne marche plus depuis ce matin", &e), 0);
  assert_int_equal(desk_prepare(s, &o, &in, &e), 0);
  assert_int_equal(in.t.v[STORE_TF_REQUESTER_ID].i, req);
  assert_string_equal(in.t.v[STORE_TF_SOURCE].s, "email");
  assert_string_equal(in.t.v[STORE_TF_LANGUAGE].s, "fr");
  assert_true(in.given & (1u << STORE_TF_TITLE));
  assert_false(in.given & (1u << STORE_TF_SOURCE)); /* a default, not the channel's */
  assert_int_equal(store_ticket_each(s, count_tickets, &n), 0);
  assert_int_equal(n, 0);
  /* insert inside the caller's transaction: rolled back, nothing stays */
  assert_int_equal(store_begin(s), 0);
  assert_int_equal(desk_insert(s, &in, &a, &id), 0);
  store_rollback(s);
  assert_int_equal(store_ticket_each(s, count_tickets, &n), 0);
  assert_int_equal(n, 0);
  desk_intake_clear(&in);
  /* create: the ticket and its "created" event */
  assert_int_equal(CELL(&in.t, "title", "VPN down", &e), 0);
  assert_int_equal(desk_create(s, &o, &in, &a, &id, &e), 0);
  store_ticket_t t;
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_string_equal(t.v[STORE_TF_STATUS].s, "new");
  assert_string_equal(t.v[STORE_TF_DESCRIPTION].s, "");
  store_ticket_clear(&t);
  int ev = 0;
  assert_int_equal(store_history_each(s, id, 1, 0, count_events, &ev), 0);
  assert_true(ev >= 1);
  desk_intake_clear(&in);
  store_close(&s);
}

static void transitions_table(void **state) {
  assert_true(desk_status_transition_ok("new", "open"));
  assert_true(desk_status_transition_ok("pending", "open"));
  assert_true(desk_status_transition_ok("resolved", "open"));
  assert_false(desk_status_transition_ok("closed", "open"));
  assert_false(desk_status_transition_ok("open", "new"));
  assert_false(desk_status_transition_ok("open", "open"));
  assert_false(desk_status_transition_ok("open", "bogus"));
  assert_true(desk_status_transition_ok("new", "closed"));
  assert_false(desk_status_transition_ok("resolved", "pending"));
}

static void itil_and_sla(void **state) {
  assert_int_equal(desk_itil_priority(1, 1), 1);
  assert_int_equal(desk_itil_priority(1, 2), 2);
  assert_int_equal(desk_itil_priority(2, 2), 3);
  assert_int_equal(desk_itil_priority(3, 3), 4);
  assert_int_equal(desk_itil_priority(3, 1), 3);
  assert_int_equal(desk_itil_priority(0, 1), 0); /* outside the matrix: none */
  store_t *s = fresh("sla.db");
  int64_t req = add_user_active(s, "req@x.example", STORE_ROLE_REQUESTER, 1);
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_TITLE, "VPN");
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, req);
  store_ticket_set_int(&t, STORE_TF_CREATED_AT, 1000);
  store_ticket_set_text(&t, STORE_TF_STATUS, "resolved");
  store_ticket_set_int(&t, STORE_TF_PRIORITY, 2);
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  int64_t id;
  assert_int_equal(desk_ticket_insert(s, &t, &a, &id), 0);
  store_ticket_clear(&t);
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_int_equal(t.v[STORE_TF_RESOLVE_DUE_AT].i, 1000 + 8 * 3600); /* P2: 8 h by default */
  assert_int_equal(t.v[STORE_TF_SLA_DUE_AT].i, 1000 + 8 * 3600);     /* done: the resolution's */
  assert_int_equal(t.v[STORE_TF_RESOLVED_AT].i, 1000);           /* born resolved */
  store_ticket_clear(&t);
  /* impact and urgency move the priority, and the due time with it */
  store_ticket_t ch;
  desk_err_t e;
  store_ticket_init(&ch);
  store_ticket_set_int(&ch, STORE_TF_IMPACT, 1);
  store_ticket_set_int(&ch, STORE_TF_URGENCY, 1);
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_IMPACT | 1u << STORE_TF_URGENCY, &a, NULL, &e), 0);
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_int_equal(t.v[STORE_TF_PRIORITY].i, 1);
  assert_int_equal(t.v[STORE_TF_SLA_DUE_AT].i, 1000 + 4 * 3600);
  store_ticket_clear(&t);
  /* reopening clears the resolution time; a caller cannot set it */
  store_ticket_set_text(&ch, STORE_TF_STATUS, "open");
  store_ticket_set_int(&ch, STORE_TF_RESOLVED_AT, 5);
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_STATUS | 1u << STORE_TF_RESOLVED_AT, &a, NULL, &e), 0);
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_true(t.v[STORE_TF_RESOLVED_AT].is_null);
  store_ticket_clear(&t);
  store_ticket_clear(&ch);
  store_close(&s);
}

/* A macro's placeholders: the known ones filled, a brace around anything
 * else kept as text, an unknown word refused by name when saved. */
static void macro_placeholders(void **state) {
  desk_err_t e = {0};
  desk_macro_vars_t v = {42, "VPN down", "Claire Martin", "Nadia Benali", NULL};
  char *s = desk_macro_fill("{requester_first_name}, #{ticket_id} « {ticket_title} » {group_name}|"
                            "{agent_first_name} { x } {Name} {{ticket_id}} {", &v);
  assert_string_equal(s, "Claire, #42 « VPN down » |Nadia { x } {Name} {42} {");
  free(s);
  assert_int_equal(desk_macro_text_check("body_fr", "Bonjour {requester_name} { } {Nom}", &e), 0);
  assert_int_equal(desk_macro_text_check("body_fr", "ok {requester_name} then {prenom}", &e), UTIL_E_INVALID);
  assert_string_equal(e.field, "body_fr");
  assert_non_null(strstr(e.msg, "unknown placeholder {prenom} in 'body_fr'"));
}

/* A template's values: each type read and stored as text; the first
 * refusal names the field and says why. */
static void template_values(void **state) {
  json_error_t je;
  desk_err_t e = {0};
  json_t *raw = json_loads("[{\"key\":\"n\",\"label_en\":\"N\",\"type\":\"number\",\"min\":1,\"max\":3},"
                           "{\"key\":\"d\",\"label_fr\":\"D\",\"type\":\"date\",\"required\":true},"
                           "{\"key\":\"c\",\"label_en\":\"C\",\"type\":\"choice\",\"options\":[{\"value\":\"a\","
                           "\"label_fr\":\"Aa\"}]},{\"key\":\"y\",\"label_en\":\"Y\",\"type\":\"yesno\"}]", 0, &je);
  json_t *defs = NULL, *why = NULL;
  assert_int_equal(desk_tpl_fields_check(raw, &defs, &e), 0);
  assert_string_equal(json_string_value(json_object_get(json_array_get(defs, 1), "label_en")), "");
  store_form_t f = {0};
  json_t *ok = json_loads("{\"n\":2,\"d\":\"2028-02-29\",\"c\":\"a\",\"y\":false}", 0, &je);
  assert_int_equal(desk_tpl_values(defs, ok, &f, &e, &why), 0);
  assert_int_equal(f.n, 4);
  assert_string_equal(f.fields[1].value, "2028-02-29");
  assert_string_equal(f.fields[2].choice_fr, "Aa");
  assert_string_equal(f.fields[2].choice_en, "Aa"); /* no English label: the French one */
  assert_string_equal(f.fields[3].value, "no");
  f.name_en = util_xstrdup("Form");
  char *text = desk_tpl_text(&f, "en");
  assert_string_equal(text, "Form\nN: 2\nD: 2028-02-29\nC: Aa\nY: No");
  free(text);
  store_form_clear(&f);
  json_t *bad = json_loads("{\"n\":2,\"d\":\"2027-02-29\"}", 0, &je);
  assert_int_equal(desk_tpl_values(defs, bad, &f, &e, &why), UTIL_E_INVALID);
  assert_string_equal(e.field, "fields.d");
  assert_string_equal(json_string_value(json_object_get(why, "reason")), "wrong_type");
  json_decref(why);
  store_form_clear(&f);
  json_decref(bad);
  json_decref(ok);
  json_decref(defs);
  json_decref(raw);
}

/* The duplicate check as at a time: a ticket is a candidate while it is
 * open then, from its requester within 14 days; one resolved before, one
 * not yet written, or another person's single report are not. */
static int64_t dup_file(store_t *s, int64_t req, const char *title, const char *desc, int64_t at, int64_t resolved) {
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_TITLE, title);
  store_ticket_set_text(&t, STORE_TF_DESCRIPTION, desc);
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, req);
  store_ticket_set_int(&t, STORE_TF_CREATED_AT, at);
  store_ticket_set_text(&t, STORE_TF_STATUS, resolved ? "resolved" : "open");
  if (resolved) store_ticket_set_int(&t, STORE_TF_RESOLVED_AT, resolved);
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  int64_t id = 0;
  assert_int_equal(desk_ticket_insert(s, &t, &a, &id), 0);
  store_ticket_clear(&t);
  return id;
}

static void duplicate_check_as_at(void **state) {
  store_t *s = fresh("dup.db");
  int64_t ann = add_user_active(s, "ann@x.example", STORE_ROLE_REQUESTER, 1);
  int64_t bo = add_user_active(s, "bo@x.example", STORE_ROLE_REQUESTER, 1);
  const int64_t t0 = 1800000000;
  const char *desc = "Outlook has not received any email since this morning, my colleagues do.";
  int64_t open = dup_file(s, ann, "Outlook stopped receiving emails", desc, t0, 0);
  int64_t solved = dup_file(s, ann, "Outlook stopped receiving emails", desc, t0 - 86400, t0 - 80000);
  dup_file(s, bo, "Outlook stopped receiving emails", desc, t0 + 60, 0);
  desk_dup_q_t q = {.title = "Again: Outlook stopped receiving emails",
                    .description = "Sorry to insist: no email in Outlook since this morning.",
                    .requester_id = ann, .at = t0 + 3600, .category = NULL};
  desk_dup_t best;
  assert_int_equal(desk_duplicate_check(s, &q, &best, NULL, NULL), 0);
  assert_int_equal(best.id, open);
  assert_true(best.p >= DESK_DUP_THRESHOLD && best.p < 1.0);
  assert_true(best.f[2] == 1.0 && fabs(best.f[5] - 0.2) < 1e-9); /* bo reported it too */
  /* before the open one was written: the solved one is no candidate, and
   * bo's report alone is no outage */
  q.at = t0 - 10;
  assert_int_equal(desk_duplicate_check(s, &q, &best, NULL, NULL), 0);
  assert_true(best.id != solved);
  assert_true(best.id == 0 || best.p < DESK_DUP_THRESHOLD);
  /* another person, one report before: under the threshold */
  q.requester_id = bo + 1000;
  q.at = t0 + 3600;
  assert_int_equal(desk_duplicate_check(s, &q, &best, NULL, NULL), 0);
  assert_true(best.p < DESK_DUP_THRESHOLD);
  store_close(&s);
}

/* Links: the kinds as each side sees them, a loop refused with its path
 * (a long one too), one parent, one master, a master that is a
 * duplicate; a merge copies the conversation, closes the duplicate and is
 * not made twice nor undone. */
typedef struct {
  int64_t id;    /* the ticket asked about */
  char out[256]; /* "kind:other,…" */
} link_seen_t;

static int link_kinds(const store_link_t *l, void *arg) {
  link_seen_t *k = arg;
  size_t n = strlen(k->out);
  snprintf(k->out + n, sizeof k->out - n, "%s%s:%lld", n ? "," : "", desk_link_view(l, k->id),
           (long long)l->other_id);
  return 0;
}

static void links_rules(void **state) {
  store_t *s = fresh("links.db");
  int64_t req = add_user(s, "r@x", STORE_ROLE_REQUESTER), other = add_user(s, "o@x", STORE_ROLE_REQUESTER);
  int64_t ag = add_user(s, "a@x", STORE_ROLE_AGENT);
  store_actor_t a = {STORE_ACTOR_PERSON, ag, NULL, 0};
  int64_t t[12];
  for (int i = 0; i < 12; i++) t[i] = add_ticket(s, i == 5 ? other : req, "T", "d", 0);
  desk_err_t e = {0};
  /* a chain of parents t0 <- t1 <- ... <- t9: t9 as t0's parent would loop */
  for (int i = 1; i < 10; i++) assert_int_equal(desk_link_add(s, t[i], "parent", t[i - 1], &a, &e), 0);
  assert_int_equal(desk_link_add(s, t[0], "parent", t[9], &a, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_LINK_CYCLE);
  assert_int_equal(e.why.ntickets, 11);
  assert_true(e.why.tickets[0] == t[0] && e.why.tickets[1] == t[9] && e.why.tickets[10] == t[0]);
  assert_int_equal(desk_link_add(s, t[2], "child", t[1], &a, &e), UTIL_E_CONFLICT); /* the pair */
  assert_int_equal(e.why.reason, UTIL_WHY_LINKED_ALREADY);
  assert_int_equal(desk_link_add(s, t[1], "parent", t[5], &a, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_HAS_PARENT);
  assert_int_equal(desk_link_add(s, t[3], "related", t[3], &a, &e), UTIL_E_INVALID);
  assert_int_equal(desk_link_add(s, t[3], "sibling", t[4], &a, &e), UTIL_E_INVALID);
  assert_string_equal(e.field, "kind");
  link_seen_t kinds = {.id = t[1]};
  assert_int_equal(store_link_each(s, t[1], link_kinds, &kinds), 0);
  char want[64];
  snprintf(want, sizeof want, "parent:%lld,child:%lld", (long long)t[0], (long long)t[2]);
  assert_string_equal(kinds.out, want);
  /* duplicates: a master is never a duplicate; one master */
  assert_int_equal(desk_link_add(s, t[10], "duplicate_of", t[11], &a, &e), 0);
  assert_int_equal(desk_link_add(s, t[4], "duplicate_of", t[10], &a, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_IS_DUPLICATE);
  assert_int_equal(desk_link_add(s, t[10], "duplicate_of", t[4], &a, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_HAS_MASTER);
  assert_int_equal(desk_link_remove(s, t[11], t[10], &a, &e), 0);
  assert_int_equal(desk_link_remove(s, t[11], t[10], &a, &e), UTIL_E_NOTFOUND);
  /* merge t5 (another requester's, with a parent) into t11: t5 closed */
  store_comment_t cm = {.ticket_id = t[5], .author_id = other, .body = "more"};
  assert_int_equal(store_comment_insert(s, &cm, &a, NULL), 0);
  int64_t copied = 0, n = 0, bytes = 0;
  assert_int_equal(store_begin(s), 0);
  assert_int_equal(desk_merge(s, t[5], t[11], &a, &copied, &e), 0);
  assert_int_equal(store_commit(s), 0);
  assert_int_equal(copied, 2);
  assert_int_equal(store_comment_stats(s, t[11], &n, &bytes), 0);
  assert_int_equal(n, 2);
  store_ticket_t got;
  assert_int_equal(store_ticket_get(s, t[5], &got), 0);
  assert_string_equal(got.v[STORE_TF_STATUS].s, "closed");
  store_ticket_clear(&got);
  assert_int_equal(desk_merge(s, t[5], t[11], &a, &copied, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_MERGED_ALREADY);
  assert_int_equal(desk_merge(s, t[6], t[5], &a, &copied, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_IS_DUPLICATE);
  assert_int_equal(desk_link_remove(s, t[11], t[5], &a, &e), UTIL_E_CONFLICT);
  assert_int_equal(e.why.reason, UTIL_WHY_MERGE_KEPT);
  store_close(&s);
}

/* How common a word is, as the index counts it: by its stems, in French
 * and English (what leaves the commonest words out of a candidates' query). */
static void word_frequency(void **state) {
  store_t *s = fresh("df.db");
  int64_t u = add_user_active(s, "df@x.example", STORE_ROLE_REQUESTER, 1);
  dup_file(s, u, "Printer offline", "The printer on floor 2.", 1800000000, 0);
  dup_file(s, u, "Printers jam", "Both printers jam.", 1800000000, 0);
  dup_file(s, u, "L'imprimante est en panne", "Imprimante du 3e.", 1800000000, 0);
  dup_file(s, u, "Scanner broken", "The scanner stopped.", 1800000000, 0);
  int64_t df = -1;
  assert_int_equal(store_similar_df(s, "printer", &df), 0);
  assert_int_equal(df, 2);
  assert_int_equal(store_similar_df(s, "printers", &df), 0);
  assert_int_equal(df, 2);
  assert_int_equal(store_similar_df(s, "imprimantes", &df), 0);
  assert_int_equal(df, 1);
  assert_int_equal(store_similar_df(s, "scanner", &df), 0);
  assert_int_equal(df, 1);
  assert_int_equal(store_similar_df(s, "keyboard", &df), 0);
  assert_int_equal(df, 0);
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_rule),
      cmocka_unit_test(managed_lists),
      cmocka_unit_test(reasons),
      cmocka_unit_test(enum_and_int_rules),
      cmocka_unit_test(who_may_set_what),
      cmocka_unit_test(references),
      cmocka_unit_test(reply_reopens),
      cmocka_unit_test(intake_create),
      cmocka_unit_test(transitions_table),
      cmocka_unit_test(itil_and_sla),
      cmocka_unit_test(macro_placeholders),
      cmocka_unit_test(template_values),
      cmocka_unit_test(duplicate_check_as_at),
      cmocka_unit_test(word_frequency),
      cmocka_unit_test(links_rules),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
