/* LIBLINEAR's binary fits as jobs on a small pool of threads (see
 * ml_pool_t in ml_int.h). LIBLINEAR keeps no global state but its print
 * hook, so independent fits can run at once. */
#include <stdlib.h>

#include "ml_int.h"

/* Score of row x for the class of binary job jb (one-vs-rest). */
double ml_job_score(const ml_job_t *jb, const struct feature_node *x, uint32_t D) {
  if (jb->skip) return jb->prob.y[0] > 0 ? 10.0 : -10.0;
  const double *w = jb->model->w;
  double s = 0;
  for (; x->index > 0; x++) s += w[x->index - 1] * x->value; /* the bias node is index D+1 */
  (void)D;
  return jb->model->label[0] == +1 ? s : -s;
}

/* The next job below limit, or -1. */
static int pool_take(ml_pool_t *pl, int limit) {
  pthread_mutex_lock(&pl->mu);
  int j = pl->next < limit ? pl->next++ : -1;
  pthread_mutex_unlock(&pl->mu);
  return j;
}

static void pool_run(ml_pool_t *pl, int j) {
  ml_job_t *jb = &pl->jobs[j];
  if (!jb->skip) {
    ml_rand_seed(jb->seed);
    jb->model = train(&jb->prob, &jb->param);
  }
  if (j < pl->nfirst) {
    pthread_mutex_lock(&pl->mu);
    if (++pl->first_done == pl->nfirst) pthread_cond_broadcast(&pl->first);
    pthread_mutex_unlock(&pl->mu);
  }
}

static void *pool_worker(void *arg) {
  ml_pool_t *pl = arg;
  for (int j; (j = pool_take(pl, pl->njobs)) >= 0;) pool_run(pl, j);
  return NULL;
}

void ml_pool_start(ml_pool_t *pl, ml_job_t *jobs, int njobs, int nfirst, int threads) {
  *pl = (ml_pool_t){.jobs = jobs, .njobs = njobs, .nfirst = nfirst};
  pthread_mutex_init(&pl->mu, NULL);
  pthread_cond_init(&pl->first, NULL);
  if (threads > njobs) threads = njobs;
  if (threads > 16) threads = 16;
  for (int t = 1; t < threads; t++)
    if (pthread_create(&pl->th[pl->started], NULL, pool_worker, pl) == 0) pl->started++;
}

/* The caller works on the jobs below limit; returns when none is left to
 * take (some may still be running on a worker). */
void ml_pool_help(ml_pool_t *pl, int limit) {
  for (int j; (j = pool_take(pl, limit)) >= 0;) pool_run(pl, j);
}

void ml_pool_wait_first(ml_pool_t *pl) {
  pthread_mutex_lock(&pl->mu);
  while (pl->first_done < pl->nfirst) pthread_cond_wait(&pl->first, &pl->mu);
  pthread_mutex_unlock(&pl->mu);
}

void ml_pool_finish(ml_pool_t *pl) {
  ml_pool_help(pl, pl->njobs);
  for (int t = 0; t < pl->started; t++) pthread_join(pl->th[t], NULL);
  pthread_cond_destroy(&pl->first);
  pthread_mutex_destroy(&pl->mu);
}

int ml_jobs_failed(const ml_job_t *jobs, int from, int to, char *err, size_t errlen) {
  for (int j = from; j < to; j++)
    if (!jobs[j].skip && !jobs[j].model) {
      snprintf(err, errlen, "the solver failed (out of memory?)");
      return UTIL_E_NOMEM;
    }
  return 0;
}

