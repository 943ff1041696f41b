/* jobs — the background job runner of relais serve.
 *
 * A runner owns one thread and a list of registered jobs. Higher layers
 * (triage's retraining, later clustering, signal scans, mail fetch) register
 * their work with it; this module knows nothing of the store, triage or the
 * API, and depends on util only.
 *
 * When a job comes due. Each job has a schedule, a period in seconds: it is
 * due period seconds after its last start (the first time, period seconds
 * after the runner starts). A job may also have a trigger, a predicate
 * checked each time the job comes due: when it says no, that turn is
 * recorded as "skipped" with the trigger's reason and the run function is
 * not called. An admin's "run now" (jobs_request) makes the job due at once
 * and bypasses the trigger (the run function sees call->forced).
 *
 * Failures. A run function returns 0, or a negative UTIL_E_* code with a
 * message. A failed job is retried after a back-off instead of its period:
 * JOBS_BACKOFF_BASE seconds after the first failure in a row, doubling at
 * each further one, never more than JOBS_BACKOFF_CAP; the first success
 * puts it back on its period. A failure is logged and recorded; it never
 * stops the runner or the server.
 *
 * Jobs run one after another on the runner's thread, so a job never runs
 * twice at once. jobs_runner_stop (the server calls it on SIGTERM, after
 * the HTTP side has drained) tells a running job to stop
 * (jobs_stopping(call) turns true), waits for it to return, then joins the
 * thread. Every function here is thread-safe. */
#ifndef RELAIS_JOBS_H
#define RELAIS_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

#define JOBS_MAX 16             /* jobs one runner holds */
#define JOBS_NAME_MAX 32        /* a name is [a-z_]{1,32} (it is a URL segment) */
#define JOBS_DESC_MAX 400        /* bytes with the NUL; longer is refused */
#define JOBS_MSG_MAX 256         /* bytes with the NUL; a longer message is cut and ends in "…" */
#define JOBS_BACKOFF_BASE 60    /* seconds before the first retry */
#define JOBS_BACKOFF_CAP 3600   /* the longest wait between retries */

/* What one call of a job knows. */
typedef struct {
  int forced;                   /* run on request: the trigger was not asked */
  const void *runner_;          /* private: read through jobs_stopping */
} jobs_call_t;

/* 1 once the runner is stopping: a long job should return early (with an
 * error or 0, as its work allows). */
int jobs_stopping(const jobs_call_t *call);

/* A trigger: 1 to run, 0 to skip this turn (msg says why, e.g. "4 of 50
 * corrections"), or a negative UTIL_E_* code (msg says what failed; counted
 * as a failure). */
typedef int (*jobs_trigger_fn)(void *arg, char *msg, size_t msglen);
/* The work: 0 (msg may say what was done) or a negative UTIL_E_* code with
 * msg saying what failed. Runs on the runner's thread. */
typedef int (*jobs_run_fn)(void *arg, const jobs_call_t *call, char *msg, size_t msglen);

typedef struct {
  const char *name;             /* copied; [a-z_]{1,32} */
  const char *description;      /* copied; under JOBS_DESC_MAX bytes */
  int period;                   /* seconds between runs, ≥ 1 */
  jobs_trigger_fn trigger;      /* NULL: run every period */
  jobs_run_fn run;
  void *arg;                    /* passed to trigger and run */
  void (*free_arg)(void *arg);  /* called by jobs_runner_free; may be NULL */
} jobs_spec_t;

typedef enum {
  JOBS_NEVER = 0,               /* not run yet */
  JOBS_OK,
  JOBS_ERROR,
  JOBS_SKIPPED,                 /* the trigger said no */
} jobs_result_t;

/* A copy of one job's state, taken under the runner's lock. Times are UTC
 * epoch seconds, 0 when never. */
typedef struct {
  char name[JOBS_NAME_MAX + 1];
  char description[JOBS_DESC_MAX];
  int period;
  int running;                  /* its run function is executing now */
  int requested;                /* an admin asked for a run that has not started */
  uint64_t runs;                /* calls of the run function (ok or failed) */
  uint64_t failures;            /* failed runs and failed triggers */
  unsigned consecutive_failures;
  int64_t last_start;
  int64_t last_duration_ms;     /* of the last turn (trigger and run); -1 when never */
  jobs_result_t last_result;
  char last_message[JOBS_MSG_MAX];
  int64_t last_success;         /* start of the last run that returned 0 */
  int64_t next_run;             /* when it comes due next */
} jobs_status_t;

typedef struct jobs_runner jobs_runner_t;

/* A runner with no job and no thread yet. Returns owned; free with
 * jobs_runner_free. */
jobs_runner_t *jobs_runner_new(void);
/* Adds a job (before or after jobs_runner_start). Returns 0, UTIL_E_INVALID
 * for a bad name, a description of JOBS_DESC_MAX bytes or more, a missing
 * run function or a period < 1, UTIL_E_CONFLICT
 * for a name already registered, UTIL_E_TOOBIG past JOBS_MAX. On success
 * the runner owns spec->arg (free_arg at jobs_runner_free); on failure the
 * caller keeps it. */
int jobs_register(jobs_runner_t *r, const jobs_spec_t *spec);
/* Starts the thread; each job's first turn is period seconds from now.
 * Returns 0 or UTIL_E_INTERNAL when no thread could start. */
int jobs_runner_start(jobs_runner_t *r);
/* Tells a running job to stop, waits for it, joins the thread. Idempotent;
 * no job runs after it returns. */
void jobs_runner_stop(jobs_runner_t *r);
/* Stops the runner if needed, frees every job's arg and the runner; *rp
 * becomes NULL. */
void jobs_runner_free(jobs_runner_t **rp);

/* Asks for a run of job name as soon as the runner is free. Returns 0,
 * UTIL_E_NOTFOUND for an unknown name, UTIL_E_CONFLICT while the job runs
 * or a run is already requested. */
int jobs_request(jobs_runner_t *r, const char *name);

/* Copies the state of every job, in registration order, into out (room for
 * cap). Returns the number of jobs (which may exceed cap). */
size_t jobs_snapshot(jobs_runner_t *r, jobs_status_t *out, size_t cap);
/* The state of one job; 0 or UTIL_E_NOTFOUND. */
int jobs_status(jobs_runner_t *r, const char *name, jobs_status_t *out);

/* "ok", "error", "skipped", or NULL for JOBS_NEVER. */
const char *jobs_result_name(jobs_result_t res);
/* The wait after n consecutive failures (n ≥ 1), in seconds. */
int64_t jobs_backoff(unsigned n);

/* One pass of the runner at time now (epoch seconds), in the caller's
 * thread: runs, one after another, every job that is due or requested.
 * Returns how many turns it took. The thread calls it; tests call it with
 * their own clock on a runner that was never started. */
int jobs_tick(jobs_runner_t *r, int64_t now);
/* Sets every job's next turn to now + its period (what start does). */
void jobs_schedule_from(jobs_runner_t *r, int64_t now);

#endif
