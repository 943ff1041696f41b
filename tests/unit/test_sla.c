/* Unit tests of the desk's business calendar and service levels: the
 * settings read or refused with what and where; working time added and
 * counted across nights, weekends, holidays and a change of summer time
 * (Europe/Paris, from the system's tz database); and the clocks of real
 * tickets in a real SQLite file: the default urgency, the first response,
 * pending stopping them, reopening, what the queue is told. */
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

static int64_t at(const char *iso) {
  int64_t t = 0;
  assert_int_equal(util_time_parse(iso, &t), 0);
  return t;
}

/* The Paris desk of these tests: two periods a day, Christmas every year
 * and Christmas Eve 2026. */
static void paris(desk_cal_t *c) {
  desk_err_t e;
  assert_int_equal(desk_cal_parse("Europe/Paris", "mon-fri 08:00-12:00,13:30-17:30",
                                  "12-25, 2026-12-24", c, &e), 0);
}

static void refused(const char *zone, const char *hours, const char *holidays, const char *field,
                    const char *msg) {
  desk_cal_t c;
  desk_err_t e = {0};
  assert_int_equal(desk_cal_parse(zone, hours, holidays, &c, &e), UTIL_E_INVALID);
  assert_string_equal(e.field, field);
  assert_string_equal(e.msg, msg);
}

static void calendar_settings(void **state) {
  desk_cal_t c;
  desk_err_t e;
  assert_int_equal(desk_cal_parse("", "", "", &c, &e), 0);
  assert_true(c.always);
  assert_int_equal(desk_cal_parse("UTC", " 24X7 ", "", &c, &e), 0);
  assert_true(c.always);
  /* French day names, a range that wraps, two groups, spaces around ";" */
  assert_int_equal(desk_cal_parse("Europe/Paris", "lun-ven 08:00-12:00 ; sam-dim 10:00-24:00",
                                  "2027-01-01 05-01;07-14", &c, &e), 0);
  assert_false(c.always);
  assert_int_equal(c.nspan[0], 1);
  assert_int_equal(c.span[6][0][1], 24 * 60);
  assert_int_equal(c.nholiday, 1);
  assert_int_equal(c.nyearly, 2);
  assert_int_equal(c.yearly[0], 501);
  refused("Mars/Olympus", "", "", "calendar.timezone",
          "'Mars/Olympus' is not a time zone of the tz database (e.g. Europe/Paris, UTC)");
  refused("../../etc/passwd", "", "", "calendar.timezone",
          "'../../etc/passwd' is not a time zone of the tz database (e.g. Europe/Paris, UTC)");
  refused("UTC", "mon-fry 08:00-18:00", "", "calendar.hours",
          "'mon-fry' is not a day or a range of days (mon-fri, sat)");
  refused("UTC", "mon-fri 18:00-08:00", "", "calendar.hours",
          "'18:00-08:00' is not a period of the day such as 08:00-18:00 (start before end)");
  refused("UTC", "mon-fri 8h-18h", "", "calendar.hours",
          "'8h-18h' is not a period of the day such as 08:00-18:00 (start before end)");
  refused("UTC", "mon-fri", "", "calendar.hours", "'mon-fri' needs days then periods, e.g. mon-fri 08:00-18:00");
  refused("UTC", "mon 08:00-12:00,11:00-13:00", "", "calendar.hours", "the working periods of mon overlap");
  refused("UTC", "mon 00:00-01:00,01:00-02:00,02:00-03:00,03:00-04:00,04:00-05:00", "",
          "calendar.hours", "a day has at most 4 working periods");
  refused("UTC", "mon 08:00-24:01", "", "calendar.hours",
          "'08:00-24:01' is not a period of the day such as 08:00-18:00 (start before end)");
  refused("UTC", "", "2026-02-30", "calendar.holidays",
          "'2026-02-30' is not a date: write 2026-12-25 for one day, 12-25 for every year");
  refused("UTC", "", "12-25, 13-01", "calendar.holidays",
          "'13-01' is not a date: write 2026-12-25 for one day, 12-25 for every year");
  assert_int_equal(desk_cal_parse("UTC", "", "02-29", &c, &e), 0); /* a leap day every leap year */
}

static void working_time(void **state) {
  desk_cal_t c;
  paris(&c);
  /* Monday 17:36 in Paris is after hours: 8 h run Tuesday 08:00-12:00 and 13:30-17:30 */
  assert_int_equal(desk_cal_add(&c, at("2026-12-07T16:36:26Z"), 8 * 3600), at("2026-12-08T16:30:00Z"));
  /* a target that ends with a period ends at its end, not after the lunch break */
  assert_int_equal(desk_cal_add(&c, at("2026-12-08T07:00:00Z"), 4 * 3600), at("2026-12-08T11:00:00Z"));
  /* Friday 17:00: half an hour on Friday, the rest on Monday morning */
  assert_int_equal(desk_cal_add(&c, at("2026-12-04T16:00:00Z"), 3600), at("2026-12-07T07:30:00Z"));
  /* Wednesday 23rd 17:00: Christmas Eve (2026) and Christmas (every year) are off */
  assert_int_equal(desk_cal_add(&c, at("2026-12-23T16:00:00Z"), 3600), at("2026-12-28T07:30:00Z"));
  assert_int_equal(desk_cal_add(&c, at("2027-12-24T07:00:00Z"), 3600), at("2027-12-24T08:00:00Z"));
  assert_int_equal(desk_cal_add(&c, at("2028-12-22T16:00:00Z"), 3600), at("2028-12-26T07:30:00Z"));
  /* summer time starts on Sunday 29 March 2026: Monday 08:30 is 06:30 UTC */
  assert_int_equal(desk_cal_add(&c, at("2026-03-27T16:00:00Z"), 3600), at("2026-03-30T06:30:00Z"));
  /* counting is the inverse of adding, whatever the start and the amount */
  uint64_t seed = 20261207;
  for (int i = 0; i < 2000; i++) {
    int64_t t = at("2026-01-01T00:00:00Z") + (int64_t)(util_splitmix64(&seed) % (2 * 365 * 86400));
    int64_t secs = 1 + (int64_t)(util_splitmix64(&seed) % (200 * 3600));
    int64_t due = desk_cal_add(&c, t, secs);
    assert_true(due > t);
    assert_int_equal(desk_cal_between(&c, t, due), secs);
  }
  assert_int_equal(desk_cal_between(&c, at("2026-12-08T00:00:00Z"), at("2026-12-09T00:00:00Z")), 8 * 3600);
  assert_int_equal(desk_cal_between(&c, at("2026-12-12T00:00:00Z"), at("2026-12-14T00:00:00Z")), 0);
  assert_int_equal(desk_cal_between(&c, 100, 50), 0);
  desk_err_t e;
  assert_int_equal(desk_cal_parse("UTC", "24x7", "12-25", &c, &e), 0); /* around the clock: every day */
  assert_int_equal(desk_cal_add(&c, at("2026-12-25T10:00:00Z"), 60), at("2026-12-25T10:01:00Z"));
  assert_int_equal(desk_cal_between(&c, 10, 70), 60);
}

/* A new ticket of requester req in s, created at `created`, through the
 * desk's insert. */
static int64_t new_ticket(store_t *s, int64_t req, int64_t created, const char *status, int impact) {
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_TITLE, "VPN");
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, req);
  store_ticket_set_int(&t, STORE_TF_CREATED_AT, created);
  if (status) store_ticket_set_text(&t, STORE_TF_STATUS, status);
  if (impact) store_ticket_set_int(&t, STORE_TF_IMPACT, impact);
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  int64_t id;
  assert_int_equal(desk_ticket_insert(s, &t, &a, &id), 0);
  store_ticket_clear(&t);
  return id;
}

static int64_t field(store_t *s, int64_t id, store_tf_t f) {
  store_ticket_t t;
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  int64_t v = t.v[f].is_null ? -1 : t.v[f].i;
  store_ticket_clear(&t);
  return v;
}

static void set_status(store_t *s, int64_t id, const char *status) {
  store_ticket_t ch;
  desk_err_t e;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_STATUS, status);
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_STATUS, &a, NULL, &e), 0);
  store_ticket_clear(&ch);
}

/* Moves a clock's field back in time, as if the state began at t. */
static void backdate(store_t *s, int64_t id, store_tf_t f, int64_t t) {
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_int(&ch, f, t);
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(store_ticket_update(s, id, &ch, 1u << f, &a, NULL), 0);
  store_ticket_clear(&ch);
}

static int count_one(const store_event_t *ev, void *arg) {
  (*(int *)arg)++;
  return 0;
}

static int count_history(store_t *s, int64_t id) {
  int n = 0;
  assert_int_equal(store_history_each(s, id, 1, 0, count_one, &n), 0);
  return n;
}

static void default_urgency_and_targets(void **state) {
  store_t *s = fresh("sla.db");
  int64_t req = add_user(s, "req@x.example", STORE_ROLE_REQUESTER);
  int64_t t0 = at("2026-12-07T09:00:00Z");
  /* nothing known: a single user and the default urgency (2): P4, 8 h and 72 h around the clock */
  int64_t id = new_ticket(s, req, t0, NULL, 0);
  assert_int_equal(field(s, id, STORE_TF_PRIORITY), 4);
  assert_int_equal(field(s, id, STORE_TF_URGENCY), -1);
  assert_int_equal(field(s, id, STORE_TF_URGENCY_DEFAULT), 2);
  assert_int_equal(field(s, id, STORE_TF_RESPONSE_DUE_AT), t0 + 480 * 60);
  assert_int_equal(field(s, id, STORE_TF_RESOLVE_DUE_AT), t0 + 72 * 3600);
  assert_int_equal(field(s, id, STORE_TF_SLA_DUE_AT), t0 + 480 * 60); /* the next: the answer */
  /* an impact cue with no urgency: the default stands in (P2) */
  int64_t wide = new_ticket(s, req, t0, NULL, 1);
  assert_int_equal(field(s, wide, STORE_TF_PRIORITY), 2);
  /* the setting moves the default; a person's urgency replaces it */
  assert_int_equal(store_setting_set(s, "sla.default_urgency", "1"), 0);
  int64_t hot = new_ticket(s, req, t0, NULL, 0);
  assert_int_equal(field(s, hot, STORE_TF_PRIORITY), 3);
  store_ticket_t ch;
  desk_err_t e;
  store_ticket_init(&ch);
  store_ticket_set_int(&ch, STORE_TF_URGENCY, 3);
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  assert_int_equal(desk_ticket_update(s, hot, &ch, 1u << STORE_TF_URGENCY, &a, NULL, &e), 0);
  store_ticket_clear(&ch);
  assert_int_equal(field(s, hot, STORE_TF_URGENCY_DEFAULT), -1);
  assert_int_equal(field(s, hot, STORE_TF_PRIORITY), 4);
  assert_int_equal(field(s, hot, STORE_TF_RESOLVE_DUE_AT), t0 + 72 * 3600);
  /* business hours apply to the tickets made after them */
  assert_int_equal(store_setting_set(s, "calendar.timezone", "Europe/Paris"), 0);
  assert_int_equal(store_setting_set(s, "calendar.hours", "mon-fri 08:00-12:00,13:30-17:30"), 0);
  /* P3 now: 4 h to answer, half an hour on Friday, 3.5 on Monday morning */
  int64_t fri = new_ticket(s, req, at("2026-12-04T16:00:00Z"), NULL, 0);
  assert_int_equal(field(s, fri, STORE_TF_RESPONSE_DUE_AT), at("2026-12-07T10:30:00Z"));
  /* a stored value the API would refuse keeps the default */
  assert_int_equal(store_setting_set(s, "sla.p3_response_minutes", "soon"), 0);
  assert_int_equal(store_setting_set(s, "calendar.hours", "whenever"), 0);
  desk_sla_t sla;
  assert_int_equal(desk_sla_load(s, &sla), 0);
  assert_int_equal(sla.response_s[2], 240 * 60);
  assert_true(sla.cal.always);
  assert_int_equal(sla.default_urgency, 1);
  store_close(&s);
}

static void clocks_stop_and_go(void **state) {
  store_t *s = fresh("clocks.db");
  int64_t req = add_user(s, "req@x.example", STORE_ROLE_REQUESTER);
  int64_t now = util_now(), t0 = now - 3600;
  int64_t id = new_ticket(s, req, t0, NULL, 0); /* P4: 8 h to answer, 72 h to resolve */
  int64_t v0 = field(s, id, STORE_TF_VERSION);
  int events = count_history(s, id);
  /* the first public answer stops the response clock, quietly */
  assert_int_equal(desk_ticket_replied(s, id, t0 + 600, 1), 0);
  assert_int_equal(field(s, id, STORE_TF_FIRST_RESPONSE_AT), t0 + 600);
  assert_int_equal(field(s, id, STORE_TF_SLA_DUE_AT), t0 + 72 * 3600);
  assert_int_equal(field(s, id, STORE_TF_VERSION), v0); /* an open form stays current */
  assert_int_equal(count_history(s, id), events);        /* the reply has its own event */
  assert_int_equal(desk_ticket_replied(s, id, t0 + 900, 1), 0); /* the first one counts */
  assert_int_equal(field(s, id, STORE_TF_FIRST_RESPONSE_AT), t0 + 600);
  /* pending stops the clocks; two hours later, open starts them with the due time two hours on */
  set_status(s, id, "open");
  set_status(s, id, "pending");
  assert_int_equal(field(s, id, STORE_TF_SLA_DUE_AT), -1);
  assert_true(field(s, id, STORE_TF_SLA_PAUSED_AT) >= now);
  backdate(s, id, STORE_TF_SLA_PAUSED_AT, now - 7200);
  set_status(s, id, "open");
  int64_t stopped = field(s, id, STORE_TF_SLA_PAUSED_S);
  assert_true(stopped >= 7200 && stopped <= 7205);
  assert_int_equal(field(s, id, STORE_TF_SLA_PAUSED_AT), -1);
  assert_int_equal(field(s, id, STORE_TF_RESOLVE_DUE_AT), t0 + 72 * 3600 + stopped);
  assert_int_equal(field(s, id, STORE_TF_SLA_DUE_AT), t0 + 72 * 3600 + stopped);
  /* resolved: the due time is the resolution target; reopened a day later, that day is stopped too */
  set_status(s, id, "resolved");
  assert_int_equal(field(s, id, STORE_TF_SLA_DUE_AT), t0 + 72 * 3600 + stopped);
  backdate(s, id, STORE_TF_RESOLVED_AT, now - 86400);
  set_status(s, id, "open");
  int64_t more = field(s, id, STORE_TF_SLA_PAUSED_S) - stopped;
  assert_true(more >= 86400 && more <= 86405);
  /* a ticket born pending (an import) has its clocks stopped from its last change */
  int64_t waiting = new_ticket(s, req, t0, "pending", 0);
  assert_int_equal(field(s, waiting, STORE_TF_SLA_PAUSED_AT), t0);
  assert_int_equal(field(s, waiting, STORE_TF_SLA_DUE_AT), -1);
  store_close(&s);
}

static void what_the_queue_sees(void **state) {
  store_t *s = fresh("view.db");
  desk_sla_t sla;
  assert_int_equal(desk_sla_load(s, &sla), 0);
  int64_t now = at("2026-12-07T12:00:00Z");
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_STATUS, "open");
  desk_sla_view_t v;
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_NONE);
  store_ticket_set_int(&t, STORE_TF_PRIORITY, 1); /* 30 min to answer, 4 h to resolve */
  store_ticket_set_int(&t, STORE_TF_CREATED_AT, now - 10 * 60);
  desk_sla_refresh(&sla, &t);
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_OK);
  assert_true(v.response);
  assert_int_equal(v.left, 20 * 60);
  desk_sla_view(&sla, &t, now + 13 * 60, &v); /* 7 of 30 minutes left: under a quarter */
  assert_int_equal(v.state, DESK_SLA_AT_RISK);
  desk_sla_view(&sla, &t, now + 25 * 60, &v);
  assert_int_equal(v.state, DESK_SLA_BREACHED);
  assert_int_equal(v.left, -5 * 60);
  store_ticket_set_int(&t, STORE_TF_FIRST_RESPONSE_AT, now);
  desk_sla_refresh(&sla, &t);
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_OK);
  assert_false(v.response);
  store_ticket_set_int(&t, STORE_TF_SLA_PAUSED_AT, now);
  desk_sla_refresh(&sla, &t);
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_PAUSED);
  store_ticket_set_text(&t, STORE_TF_STATUS, "resolved");
  store_ticket_set_int(&t, STORE_TF_RESOLVED_AT, now);
  desk_sla_refresh(&sla, &t);
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_MET);
  store_ticket_set_int(&t, STORE_TF_RESOLVED_AT, now + 5 * 3600);
  desk_sla_view(&sla, &t, now, &v);
  assert_int_equal(v.state, DESK_SLA_MISSED);
  assert_string_equal(desk_sla_state_name(DESK_SLA_AT_RISK), "at_risk");
  store_ticket_clear(&t);
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(calendar_settings),
      cmocka_unit_test(working_time),
      cmocka_unit_test(default_urgency_and_targets),
      cmocka_unit_test(clocks_stop_and_go),
      cmocka_unit_test(what_the_queue_sees),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
