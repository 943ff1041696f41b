/* The job runner: registration, the schedule with back-off, one thread that
 * sleeps until the earliest due job, status snapshots. One mutex guards the
 * job table; it is never held while a trigger or a run function executes,
 * so a snapshot never waits for a job. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"

typedef struct {
  jobs_spec_t spec;             /* name and description point into st */
  jobs_status_t st;
} job_t;

struct jobs_runner {
  pthread_mutex_t mu;
  pthread_cond_t cv;            /* a request, a new job or stop */
  pthread_t th;
  int started;                  /* th is joinable */
  atomic_int stop;
  job_t jobs[JOBS_MAX];
  int n;
};

const char *jobs_result_name(jobs_result_t res) {
  switch (res) {
  case JOBS_OK: return "ok";
  case JOBS_ERROR: return "error";
  case JOBS_SKIPPED: return "skipped";
  default: return NULL;
  }
}

int64_t jobs_backoff(unsigned n) {
  int64_t d = JOBS_BACKOFF_BASE;
  for (unsigned i = 1; i < n && d < JOBS_BACKOFF_CAP; i++) d *= 2;
  return d < JOBS_BACKOFF_CAP ? d : JOBS_BACKOFF_CAP;
}

int jobs_stopping(const jobs_call_t *call) {
  const jobs_runner_t *r = call ? call->runner_ : NULL;
  return r ? atomic_load(&((jobs_runner_t *)r)->stop) : 0;
}

jobs_runner_t *jobs_runner_new(void) {
  jobs_runner_t *r = util_xcalloc(1, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv, NULL);
  atomic_init(&r->stop, 0);
  return r;
}

static int jobs_name_ok(const char *name) {
  size_t n = 0;
  if (!name) return 0;
  for (; name[n]; n++)
    if (!((name[n] >= 'a' && name[n] <= 'z') || name[n] == '_')) return 0;
  return n >= 1 && n <= JOBS_NAME_MAX;
}

static job_t *jobs_find(jobs_runner_t *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (name && strcmp(r->jobs[i].st.name, name) == 0) return &r->jobs[i];
  return NULL;
}

int jobs_register(jobs_runner_t *r, const jobs_spec_t *spec) {
  if (!jobs_name_ok(spec->name) || !spec->run || spec->period < 1 ||
      (spec->description && strlen(spec->description) >= JOBS_DESC_MAX))
    return UTIL_E_INVALID;
  int rc = 0;
  pthread_mutex_lock(&r->mu);
  if (jobs_find(r, spec->name)) rc = UTIL_E_CONFLICT;
  else if (r->n >= JOBS_MAX) rc = UTIL_E_TOOBIG;
  if (!rc) {
    job_t *j = &r->jobs[r->n++];
    memset(j, 0, sizeof *j);
    j->spec = *spec;
    snprintf(j->st.name, sizeof j->st.name, "%s", spec->name);
    snprintf(j->st.description, sizeof j->st.description, "%s",
             spec->description ? spec->description : "");
    j->spec.name = j->st.name;
    j->spec.description = j->st.description;
    j->st.period = spec->period;
    j->st.last_duration_ms = -1;
    j->st.next_run = util_now() + spec->period;
    pthread_cond_signal(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

void jobs_schedule_from(jobs_runner_t *r, int64_t now) {
  pthread_mutex_lock(&r->mu);
  for (int i = 0; i < r->n; i++) r->jobs[i].st.next_run = now + r->jobs[i].st.period;
  pthread_mutex_unlock(&r->mu);
}

int jobs_request(jobs_runner_t *r, const char *name) {
  int rc = 0;
  pthread_mutex_lock(&r->mu);
  job_t *j = jobs_find(r, name);
  if (!j) rc = UTIL_E_NOTFOUND;
  else if (j->st.running || j->st.requested) rc = UTIL_E_CONFLICT;
  else {
    j->st.requested = 1;
    pthread_cond_signal(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

size_t jobs_snapshot(jobs_runner_t *r, jobs_status_t *out, size_t cap) {
  pthread_mutex_lock(&r->mu);
  size_t n = (size_t)r->n;
  for (size_t i = 0; i < n && i < cap; i++) out[i] = r->jobs[i].st;
  pthread_mutex_unlock(&r->mu);
  return n;
}

int jobs_status(jobs_runner_t *r, const char *name, jobs_status_t *out) {
  pthread_mutex_lock(&r->mu);
  job_t *j = jobs_find(r, name);
  if (j) *out = j->st;
  pthread_mutex_unlock(&r->mu);
  return j ? 0 : UTIL_E_NOTFOUND;
}

/* ---- One turn -------------------------------------------------------------- */
/* Copies a job's message; one that filled its buffer was probably cut by the
 * job's snprintf: it is cut back to a whole UTF-8 character and ends in
 * "…", so that a reader sees it was shortened. */
static void jobs_set_message(char dst[JOBS_MSG_MAX], const char *msg) {
  size_t n = strlen(msg);
  memcpy(dst, msg, n + 1);
  if (n < JOBS_MSG_MAX - 1) return;
  n = JOBS_MSG_MAX - 4; /* room for the 3 bytes of "…" and the NUL */
  while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80) n--; /* not inside a character */
  memcpy(dst + n, "\xE2\x80\xA6", 4);
}

/* Runs job i (due at now) with the lock released; called and returns with
 * r->mu held. */
static void jobs_turn(jobs_runner_t *r, int i, int64_t now) {
  job_t *j = &r->jobs[i];
  jobs_spec_t spec = j->spec;
  jobs_call_t call = {.forced = j->st.requested, .runner_ = r};
  j->st.requested = 0;
  j->st.running = 1;
  j->st.last_start = now;
  pthread_mutex_unlock(&r->mu);

  char msg[JOBS_MSG_MAX] = "";
  double t0 = util_monotonic();
  int go = 1, rc = 0, ran = 0;
  if (spec.trigger && !call.forced) {
    go = spec.trigger(spec.arg, msg, sizeof msg);
    if (go < 0) rc = go;
  }
  if (go > 0) {
    msg[0] = '\0';
    rc = spec.run(spec.arg, &call, msg, sizeof msg);
    ran = 1;
  }
  int64_t ms = (int64_t)((util_monotonic() - t0) * 1000.0 + 0.5);

  pthread_mutex_lock(&r->mu);
  jobs_status_t *st = &j->st;
  st->running = 0;
  st->last_duration_ms = ms;
  st->runs += (uint64_t)ran;
  jobs_set_message(st->last_message, msg);
  if (rc) {
    st->failures++;
    st->consecutive_failures++;
    st->last_result = JOBS_ERROR;
    if (!msg[0])
      snprintf(st->last_message, sizeof st->last_message, "%s", util_err_message(rc));
    int64_t wait = jobs_backoff(st->consecutive_failures);
    st->next_run = now + wait;
    util_log(UTIL_LOG_WARN, "job %s failed (%u in a row): %s; next try in %lld s", st->name,
             st->consecutive_failures, st->last_message, (long long)wait);
  } else {
    st->last_result = ran ? JOBS_OK : JOBS_SKIPPED;
    if (ran) {
      st->consecutive_failures = 0;
      st->last_success = now;
    }
    st->next_run = now + st->period;
  }
}

int jobs_tick(jobs_runner_t *r, int64_t now) {
  int turns = 0;
  pthread_mutex_lock(&r->mu);
  for (int i = 0; i < r->n && !atomic_load(&r->stop); i++) {
    if (!r->jobs[i].st.requested && r->jobs[i].st.next_run > now) continue;
    jobs_turn(r, i, now);
    turns++;
  }
  pthread_mutex_unlock(&r->mu);
  return turns;
}

/* ---- The thread ------------------------------------------------------------- */
/* Sleeps until the earliest job is due, a run is requested or stop. A job
 * that ran long may leave others overdue: they run in the next pass. */
static void *jobs_main(void *p) {
  jobs_runner_t *r = p;
  while (!atomic_load(&r->stop)) {
    pthread_mutex_lock(&r->mu);
    int64_t wake = util_now() + 3600;
    int requested = 0;
    for (int i = 0; i < r->n; i++) {
      if (r->jobs[i].st.next_run < wake) wake = r->jobs[i].st.next_run;
      requested |= r->jobs[i].st.requested;
    }
    if (!requested && wake > util_now() && !atomic_load(&r->stop)) {
      struct timespec until = {.tv_sec = (time_t)wake, .tv_nsec = 0};
      /* CLOCK_REALTIME, the clock of the schedule; a wake-up by a signal,
       * a request or a new job recomputes the deadline */
      pthread_cond_timedwait(&r->cv, &r->mu, &until);
    }
    pthread_mutex_unlock(&r->mu);
    if (!atomic_load(&r->stop)) jobs_tick(r, util_now());
  }
  return NULL;
}

int jobs_runner_start(jobs_runner_t *r) {
  if (r->started) return 0;
  jobs_schedule_from(r, util_now());
  /* The thread (and any a job starts) takes no process signal: a SIGTERM
   * must reach the thread that waits for it, never end the process from
   * here with its default action. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int e = pthread_create(&r->th, NULL, jobs_main, r);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (e) return UTIL_E_INTERNAL;
  r->started = 1;
  return 0;
}

void jobs_runner_stop(jobs_runner_t *r) {
  if (!r) return;
  pthread_mutex_lock(&r->mu);
  atomic_store(&r->stop, 1);
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  if (r->started) pthread_join(r->th, NULL);
  r->started = 0;
}

void jobs_runner_free(jobs_runner_t **rp) {
  jobs_runner_t *r = *rp;
  if (!r) return;
  jobs_runner_stop(r);
  for (int i = 0; i < r->n; i++)
    if (r->jobs[i].spec.free_arg) r->jobs[i].spec.free_arg(r->jobs[i].spec.arg);
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->cv);
  free(r);
  *rp = NULL;
}
