/* Unit tests of src/jobs: the schedule, a trigger, the back-off of a failing
 * job (growing, capped, reset by a success), requests, the status snapshot
 * and a stop while a job runs. Schedule tests drive jobs_tick with their own
 * clock on a runner whose thread never starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "jobs/jobs.h"

typedef struct {
  int runs, triggers, fail, forced;
  int fire;                     /* what the trigger answers */
  atomic_int in_run, saw_stop;
  int wait_stop;                /* run until told to stop */
} probe_t;

static int probe_run(void *arg, const jobs_call_t *call, char *msg, size_t len) {
  probe_t *p = arg;
  p->runs++;
  p->forced += call->forced;
  if (p->wait_stop) {
    atomic_store(&p->in_run, 1);
    while (!jobs_stopping(call)) usleep(1000);
    atomic_store(&p->saw_stop, 1);
    snprintf(msg, len, "stopped early");
    return 0;
  }
  if (p->fail) {
    snprintf(msg, len, "disk full at row %d", p->runs);
    return UTIL_E_IO;
  }
  snprintf(msg, len, "did %d", p->runs);
  return 0;
}

static int probe_trigger(void *arg, char *msg, size_t len) {
  probe_t *p = arg;
  p->triggers++;
  if (p->fire == 0) snprintf(msg, len, "%d of 50 corrections", p->triggers);
  return p->fire;
}

static jobs_runner_t *one_job(probe_t *p, int period, int with_trigger) {
  jobs_runner_t *r = jobs_runner_new();
  jobs_spec_t s = {"probe", "a test job", period, with_trigger ? probe_trigger : NULL,
                   probe_run, p, NULL};
  assert_int_equal(jobs_register(r, &s), 0);
  jobs_schedule_from(r, 1000);
  return r;
}

static void schedule_runs_every_period(void **state) {
  probe_t p = {0};
  jobs_runner_t *r = one_job(&p, 60, 0);
  jobs_status_t st;
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.next_run, 1060);
  assert_int_equal(st.last_result, JOBS_NEVER);
  assert_null(jobs_result_name(st.last_result));
  assert_int_equal(st.last_duration_ms, -1);
  assert_int_equal(jobs_tick(r, 1059), 0); /* not yet due */
  assert_int_equal(p.runs, 0);
  assert_int_equal(jobs_tick(r, 1060), 1);
  assert_int_equal(jobs_tick(r, 1061), 0); /* once per period */
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.runs, 1);
  assert_int_equal(st.last_start, 1060);
  assert_int_equal(st.next_run, 1120);
  assert_string_equal(jobs_result_name(st.last_result), "ok");
  assert_string_equal(st.last_message, "did 1");
  assert_int_equal(st.last_success, 1060);
  assert_true(st.last_duration_ms >= 0);
  assert_int_equal(jobs_tick(r, 1200), 1); /* late: runs once, then period from then */
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.next_run, 1260);
  assert_int_equal(p.runs, 2);
  jobs_runner_free(&r);
  assert_null(r);
}

static void trigger_decides_and_request_bypasses(void **state) {
  probe_t p = {0};
  jobs_runner_t *r = one_job(&p, 10, 1);
  jobs_status_t st;
  assert_int_equal(jobs_tick(r, 1010), 1);
  assert_int_equal(p.triggers, 1);
  assert_int_equal(p.runs, 0); /* the trigger said no */
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_string_equal(jobs_result_name(st.last_result), "skipped");
  assert_string_equal(st.last_message, "1 of 50 corrections");
  assert_int_equal(st.runs, 0);
  assert_int_equal(st.next_run, 1020);
  p.fire = 1;
  assert_int_equal(jobs_tick(r, 1020), 1);
  assert_int_equal(p.runs, 1);
  assert_int_equal(p.forced, 0);
  /* an admin's request runs it at once, without asking the trigger */
  p.fire = 0;
  assert_int_equal(jobs_request(r, "probe"), 0);
  assert_int_equal(jobs_request(r, "probe"), UTIL_E_CONFLICT); /* already asked */
  assert_int_equal(jobs_request(r, "nope"), UTIL_E_NOTFOUND);
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.requested, 1);
  int trig = p.triggers;
  assert_int_equal(jobs_tick(r, 1021), 1);
  assert_int_equal(p.triggers, trig);
  assert_int_equal(p.runs, 2);
  assert_int_equal(p.forced, 1);
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.requested, 0);
  assert_int_equal(st.next_run, 1031);
  /* a trigger that cannot answer is a failure, and the job does not run */
  p.fire = UTIL_E_DB;
  int runs = p.runs;
  assert_int_equal(jobs_tick(r, 1031), 1);
  assert_int_equal(p.runs, runs);
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_string_equal(jobs_result_name(st.last_result), "error");
  assert_int_equal(st.failures, 1);
  assert_int_equal(st.consecutive_failures, 1);
  assert_int_equal(st.runs, 2);
  assert_int_equal(st.next_run, 1031 + JOBS_BACKOFF_BASE);
  assert_string_equal(st.last_message, util_err_message(UTIL_E_DB)); /* no message of its own */
  jobs_runner_free(&r);
}

static void failures_back_off_capped_and_reset(void **state) {
  probe_t p = {.fail = 1};
  jobs_runner_t *r = one_job(&p, 30, 0);
  jobs_status_t st;
  int64_t now = 1030, prev_wait = 0;
  for (unsigned n = 1; n <= 10; n++) {
    assert_int_equal(jobs_tick(r, now), 1);
    assert_int_equal(jobs_status(r, "probe", &st), 0);
    assert_int_equal(st.consecutive_failures, n);
    assert_int_equal(st.failures, n);
    assert_string_equal(jobs_result_name(st.last_result), "error");
    assert_non_null(strstr(st.last_message, "disk full"));
    int64_t wait = st.next_run - now;
    assert_int_equal(wait, jobs_backoff(n));
    if (n == 1) assert_int_equal(wait, JOBS_BACKOFF_BASE);
    else assert_true(wait == 2 * prev_wait || wait == JOBS_BACKOFF_CAP);
    assert_true(wait <= JOBS_BACKOFF_CAP);
    assert_int_equal(jobs_tick(r, st.next_run - 1), 0); /* nothing before the back-off */
    prev_wait = wait;
    now = st.next_run;
  }
  assert_int_equal(prev_wait, JOBS_BACKOFF_CAP); /* 60·2^9 would be far more */
  assert_int_equal(st.last_success, 0);
  p.fail = 0;
  assert_int_equal(jobs_tick(r, now), 1);
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.consecutive_failures, 0);
  assert_int_equal(st.failures, 10);
  assert_int_equal(st.runs, 11);
  assert_int_equal(st.last_success, now);
  assert_int_equal(st.next_run, now + 30); /* back on its period */
  p.fail = 1;
  assert_int_equal(jobs_tick(r, now + 30), 1);
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.next_run - (now + 30), JOBS_BACKOFF_BASE); /* the count started again */
  jobs_runner_free(&r);
}

static int freed;
static void freed_arg(void *arg) { freed += arg != NULL; }

static void register_checks_and_snapshot(void **state) {
  probe_t a = {0}, b = {0};
  jobs_runner_t *r = jobs_runner_new();
  jobs_spec_t bad[] = {
      {"Bad-Name", "", 10, NULL, probe_run, &a, NULL},
      {"", "", 10, NULL, probe_run, &a, NULL},
      {"a_name_that_is_longer_than_thirty_two", "", 10, NULL, probe_run, &a, NULL},
      {"zero", "", 0, NULL, probe_run, &a, NULL},
      {"norun", "", 10, NULL, NULL, &a, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(jobs_register(r, &bad[i]), UTIL_E_INVALID);
  char longdesc[JOBS_DESC_MAX + 1];
  memset(longdesc, 'd', JOBS_DESC_MAX);
  longdesc[JOBS_DESC_MAX] = '\0';
  jobs_spec_t toolong = {"long", longdesc, 10, NULL, probe_run, &a, NULL};
  assert_int_equal(jobs_register(r, &toolong), UTIL_E_INVALID); /* refused, not cut */
  longdesc[JOBS_DESC_MAX - 1] = '\0';
  toolong.name = "longest";
  assert_int_equal(jobs_register(r, &toolong), 0); /* the longest that fits */
  jobs_spec_t sa = {"alpha", "first", 10, NULL, probe_run, &b, freed_arg};
  jobs_spec_t sb = {"beta", "second", 20, probe_trigger, probe_run, &b, NULL};
  assert_int_equal(jobs_register(r, &sa), 0);
  assert_int_equal(jobs_register(r, &sb), 0);
  assert_int_equal(jobs_register(r, &sb), UTIL_E_CONFLICT);
  jobs_schedule_from(r, 0);
  jobs_status_t st[1];
  assert_int_equal(jobs_snapshot(r, st, 1), 3); /* the count even past cap */
  assert_string_equal(st[0].name, "longest");
  jobs_status_t all[4];
  assert_int_equal(jobs_snapshot(r, all, 4), 3);
  assert_int_equal(strlen(all[0].description), JOBS_DESC_MAX - 1);
  assert_string_equal(all[2].name, "beta");
  assert_string_equal(all[2].description, "second");
  assert_int_equal(all[2].period, 20);
  assert_int_equal(all[2].next_run, 20);
  assert_int_equal(jobs_tick(r, 20), 3); /* all due: one after the other */
  assert_int_equal(a.runs, 1);
  assert_int_equal(b.runs, 1);
  assert_int_equal(b.triggers, 1);
  jobs_runner_free(&r);
  assert_int_equal(freed, 1);
}

/* A thread takes snapshots while the runner works; each one is whole. */
static atomic_int torn;
static void *snap_loop(void *arg) {
  jobs_runner_t *r = arg;
  for (int i = 0; i < 2000; i++) {
    jobs_status_t st;
    if (jobs_status(r, "probe", &st) || (st.runs > 0 && st.last_result == JOBS_NEVER))
      atomic_fetch_add(&torn, 1);
  }
  return NULL;
}

static void thread_runs_requests_and_stops_a_running_job(void **state) {
  probe_t p = {0};
  jobs_runner_t *r = jobs_runner_new();
  jobs_spec_t s = {"probe", "waits for stop", 3600, NULL, probe_run, &p, NULL};
  assert_int_equal(jobs_register(r, &s), 0);
  assert_int_equal(jobs_runner_start(r), 0);
  pthread_t th;
  pthread_create(&th, NULL, snap_loop, r);
  /* a request wakes the thread long before the period */
  assert_int_equal(jobs_request(r, "probe"), 0);
  jobs_status_t st;
  for (int i = 0; i < 2000; i++) {
    jobs_status(r, "probe", &st);
    if (st.runs == 1 && !st.running) break;
    usleep(1000);
  }
  assert_int_equal(st.runs, 1);
  assert_int_equal(p.forced, 1);
  /* now one that runs until it is told to stop */
  p.wait_stop = 1;
  assert_int_equal(jobs_request(r, "probe"), 0);
  for (int i = 0; i < 2000 && !atomic_load(&p.in_run); i++) usleep(1000);
  assert_true(atomic_load(&p.in_run));
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.running, 1);
  assert_int_equal(jobs_request(r, "probe"), UTIL_E_CONFLICT); /* while it runs */
  pthread_join(th, NULL);
  assert_int_equal(atomic_load(&torn), 0);
  jobs_runner_stop(r);
  assert_true(atomic_load(&p.saw_stop));
  assert_int_equal(jobs_status(r, "probe", &st), 0);
  assert_int_equal(st.running, 0);
  assert_string_equal(st.last_message, "stopped early");
  jobs_runner_stop(r); /* idempotent */
  jobs_runner_free(&r);
}

static int long_msg_run(void *arg, const jobs_call_t *call, char *msg, size_t len) {
  size_t n = 0;
  while (n + 2 < len) n += (size_t)snprintf(msg + n, len - n, "\xC3\xA9"); /* é */
  snprintf(msg + n, len - n, "\xC3\xA9"); /* cut inside a character */
  return UTIL_E_IO;
}

static void long_message_cut_visibly(void **state) {
  jobs_runner_t *r = jobs_runner_new();
  jobs_spec_t s = {"long", "", 10, NULL, long_msg_run, NULL, NULL};
  assert_int_equal(jobs_register(r, &s), 0);
  jobs_schedule_from(r, 0);
  assert_int_equal(jobs_tick(r, 10), 1);
  jobs_status_t st;
  assert_int_equal(jobs_status(r, "long", &st), 0);
  size_t n = strlen(st.last_message);
  assert_true(n < JOBS_MSG_MAX && n > JOBS_MSG_MAX - 8);
  assert_true(util_utf8_valid(st.last_message, n, NULL));
  assert_string_equal(st.last_message + n - 3, "\xE2\x80\xA6"); /* … */
  jobs_runner_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(schedule_runs_every_period),
      cmocka_unit_test(trigger_decides_and_request_bypasses),
      cmocka_unit_test(failures_back_off_capped_and_reset),
      cmocka_unit_test(register_checks_and_snapshot),
      cmocka_unit_test(long_message_cut_visibly),
      cmocka_unit_test(thread_runs_requests_and_stops_a_running_job),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
