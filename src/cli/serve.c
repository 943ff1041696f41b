/* relais serve: the HTTP server and its background jobs, around one server
 * context. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/http.h"
#include "../triage/triage.h"
#include "cli_int.h"

int cli_serve(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--listen", 1, NULL}, {"--threads", 1, NULL},
                      {"--max-body", 1, NULL}, {"--retrain-check", 1, NULL},
                      {"--max-per-client", 1, NULL}, {"--request-deadline", 1, NULL},
                      {"--forwarded-for", 0, NULL}, {"--skip-check", 0, NULL},
                      {"--max-db-mb", 1, NULL}, {"--upload-memory", 1, NULL},
                      {"--secure-cookies", 0, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  if (cli_parse(argc, argv, opts, NULL, 0, NULL)) return 2;
  if (cli_get(opts, "--help")) {
    printf("usage: relais serve [--db FILE] [--listen ADDR:PORT] [--threads N]"
           " [--max-body BYTES] [--max-per-client N] [--request-deadline S]\n"
           "       [--retrain-check S] [--secure-cookies] [--forwarded-for]\n"
           "       [--max-db-mb N] [--upload-memory MB] [--skip-check]\n"
           "  --db FILE          database file (default relais.db; created if absent)\n"
           "  --listen ADDR:PORT where to listen (default 127.0.0.1:8080; port 0 picks one)\n"
           "  --threads N        worker threads (default 4)\n"
           "  --max-body BYTES   largest request body accepted (default 1048576); an\n"
           "                     attachment's upload takes limits.attachment_mb instead\n"
           "  --upload-memory MB memory that uploads being received may hold in all\n"
           "                     (default 256); past it an upload answers 503\n"
           "  --max-per-client N connections open at once from one address (default 64;\n"
           "                     behind a reverse proxy, every client has its address)\n"
           "  --request-deadline S seconds a request's headers and body may take to\n"
           "                     arrive (default 30); a connection past it is closed\n"
           "  --retrain-check S  seconds between retraining checks (default 300); the\n"
           "                     triggers are the settings triage.retrain_hours (24) and\n"
           "                     triage.retrain_after (50 corrections); the job's status\n"
           "                     is at GET /api/v1/jobs\n"
           "  --secure-cookies   mark the session cookie Secure on every reply (serve\n"
           "                     behind TLS); without it, only for requests whose\n"
           "                     X-Forwarded-Proto header says https\n"
           "  --forwarded-for    behind a reverse proxy: a client's address (for sign-in\n"
           "                     limits) is the last hop of X-Forwarded-For\n"
           "  --max-db-mb N      refuse writes (507) that would grow the database past N MB\n"
           "  --skip-check       start without SQLite's quick_check of the whole file (it\n"
           "                     refuses to serve a damaged one; seconds at a million tickets)\n"
           "Stops cleanly on SIGTERM or SIGINT: requests finish, a running job is told to stop.\n");
    return 0;
  }
  const char *db = cli_get(opts, "--db");
  long threads = 4, max_body = 1 << 20, check = 300, per_client = HTTP_PER_CLIENT,
       deadline = 30, max_mb = 0, upload_mb = (long)(HTTP_UPLOAD_MEMORY >> 20);
  if (cli_int_opt(opts, "serve", "--threads", 1, 64, &threads) ||
      cli_int_opt(opts, "serve", "--max-body", 1024, 1L << 30, &max_body) ||
      cli_int_opt(opts, "serve", "--retrain-check", 1, 86400, &check) ||
      cli_int_opt(opts, "serve", "--max-per-client", 1, HTTP_MAX_CONNECTIONS, &per_client) ||
      cli_int_opt(opts, "serve", "--request-deadline", 1, 3600, &deadline) ||
      cli_int_opt(opts, "serve", "--max-db-mb", 1, 16L * 1024 * 1024, &max_mb) ||
      cli_int_opt(opts, "serve", "--upload-memory", 1, 1L << 20, &upload_mb))
    return 2;
  http_config_t hc = {.listen = cli_get(opts, "--listen"),
                      .max_body = (size_t)max_body,
                      .threads = (int)threads,
                      .max_per_client = (int)per_client,
                      .request_deadline = (double)deadline,
                      .upload_memory = (size_t)upload_mb << 20,
                      .forwarded_for = cli_get(opts, "--forwarded-for") != NULL};
  if (!hc.listen) hc.listen = "127.0.0.1:8080";
  api_config_t ac = {.db_path = db ? db : "relais.db",
                     .secure_cookies = cli_get(opts, "--secure-cookies") != NULL,
                     .check_db = cli_get(opts, "--skip-check") == NULL,
                     .max_db_bytes = max_mb * 1024 * 1024};
  /* SIGTERM and SIGINT are taken by http_serve's sigwait: block them before
   * any thread starts (the checkpointer in api_init, the jobs), so that none
   * of those threads can receive one and end the process at once. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  char err[512];
  api_ctx_t *ctx = NULL;
  if (api_init(&ac, &ctx, err, sizeof err)) {
    fprintf(stderr, "relais serve: %s\n", err);
    return 1;
  }
  /* The background jobs; the server serves without them if they fail. */
  jobs_runner_t *jobs = api_jobs(ctx);
  if (triage_retrain_register(jobs, ac.db_path, api_triage_holder(ctx), (int)check) ||
      api_search_job_register(jobs, ac.db_path) || api_quality_job_register(jobs, ac.db_path) ||
      api_ranker_job_register(jobs, ac.db_path, api_triage_holder(ctx)) ||
      jobs_runner_start(jobs))
    fprintf(stderr, "relais serve: the background jobs did not start; serving without them\n");
  int rc = http_serve(&hc, ctx);
  api_free(&ctx); /* stops the jobs (a running one is told to stop), then the database */
  util_log(UTIL_LOG_INFO, "stopped cleanly");
  return rc ? 1 : 0;
}
