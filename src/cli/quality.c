/* relais quality: the data-quality report (see insight.h) of a labelled
 * CSV file, as text for people or one JSON object (rows numbered from 0 in
 * file order, among the rows with a label); or, without --data, the
 * reports of the desk's triage fields, made and stored as the job
 * "quality" does. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../insight/insight.h"
#include "../triage/triage.h"
#include "cli_int.h"

static void usage(void) {
  printf("usage: relais quality --data FILE.csv --text COL[,COL…] --label COL\n"
         "                      [--json] [--top N] [--seed N]\n"
         "       relais quality [--field NAME] [--db FILE]\n"
         "Finds what misleads a classifier in labelled tickets: probable mislabels\n"
         "(held-out predictions that confidently disagree with the label), texts\n"
         "near-identical to others with another label, duplicates, classes too rare\n"
         "to learn, empty texts and classes that reach 60 %% precision at no\n"
         "threshold. Each finding names its rows (from 0, in file order) and the fix\n"
         "it offers. --top limits the findings listed of each kind (text output;\n"
         "default 10). Without --data, makes and stores the report of each\n"
         "configured triage field of the database (or of --field), as the job\n"
         "\"quality\" does, and prints its counts.\n");
}

/* The desk's reports: each configured field (or one), made and stored. */
static int quality_db(const cli_opt_t *opts) {
  store_t *db = cli_open_db(opts);
  if (!db) return 1;
  int conf[TRIAGE_MAX_FIELDS], n = 0, rc = 0;
  const char *one = cli_get(opts, "--field");
  if (one && (conf[0] = triage_field_index(one)) >= 0) n = 1;
  else if (one) {
    fprintf(stderr, "relais quality: '%s' is not a triage field: category, group, urgency, service or ci\n", one);
    store_close(&db);
    return 2;
  } else n = triage_configured_fields(db, conf);
  ml_params_t p;
  ml_params_defaults(&p);
  for (int i = 0; i < n; i++) {
    const char *f = triage_field_name(conf[i]);
    char err[200], *text = NULL;
    int64_t id = 0, at = 0;
    int e = insight_quality_refresh(db, f, &p, &id, err, sizeof err);
    if (e) {
      printf("%-9s no report: %s\n", f, err);
      if (e != UTIL_E_INVALID) rc = 1;
      continue;
    }
    store_quality_latest(db, f, &text, &at, &id);
    json_t *r = text ? json_loads(text, 0, NULL) : NULL, *v;
    const char *k;
    printf("%-9s report %lld: %lld tickets, held-out accuracy %.3f;", f, (long long)id,
           (long long)json_integer_value(json_object_get(r, "rows")),
           json_real_value(json_object_get(r, "accuracy")));
    json_object_foreach(json_object_get(r, "counts"), k, v)
      printf(" %s %lld", k, (long long)json_integer_value(json_object_get(v, "tickets")));
    printf(" (tickets)\n");
    json_decref(r);
    free(text);
  }
  store_close(&db);
  return rc;
}

static void print_text(const insight_quality_t *q, const cli_rows_t *rows, int top) {
  printf("%zu rows, %d classes, held-out accuracy %.4f, %.1f s\n", q->ndocs, q->nclass, q->accuracy,
         q->seconds);
  for (int k = 0; k < INSIGHT_KIND_COUNT; k++) {
    size_t nrows, n = insight_quality_count(q, (insight_kind_t)k, &nrows);
    printf("\n%s: %zu finding%s, %zu row%s\n", insight_kind_name((insight_kind_t)k), n, n == 1 ? "" : "s",
           nrows, nrows == 1 ? "" : "s");
    int shown = 0;
    for (size_t i = 0; i < q->n && shown < top; i++) {
      const insight_finding_t *f = &q->f[i];
      if (f->kind != (insight_kind_t)k) continue;
      shown++;
      printf("  %s%s%s%s (%.3f):", f->label >= 0 ? q->classes[f->label] : "several labels",
             f->suggest >= 0 ? " -> " : "", f->suggest >= 0 ? q->classes[f->suggest] : "",
             f->kind == INSIGHT_RARE_CLASS && f->suggest >= 0 ? " (merge)" : "", f->score);
      for (size_t d = 0; d < f->ndocs && d < 8; d++) printf(" %zu", f->docs[d]);
      if (f->ndocs > 8) printf(" … (%zu)", f->ndocs);
      if (f->ndocs) { /* the first row's start, on one line */
        char line[64];
        snprintf(line, sizeof line, "%s", rows->text[f->docs[0]]);
        for (char *c = line; *c; c++)
          if (*c == '\n' || *c == '\r' || *c == '\t') *c = ' ';
        printf("  \"%s\"", line);
      }
      printf("\n");
    }
  }
}

int cli_quality(int argc, char **argv) {
  cli_opt_t opts[] = {{"--data", 1, NULL}, {"--text", 1, NULL}, {"--label", 1, NULL},
                      {"--json", 0, NULL}, {"--top", 1, NULL},  {"--seed", 1, NULL},
                      {"--field", 1, NULL}, {"--db", 1, NULL},
                      {"--help", 0, NULL}, {NULL, 0, NULL}};
  int np = 0;
  if (cli_parse(argc, argv, opts, NULL, 0, &np)) return 2;
  const char *data = cli_get(opts, "--data"), *text = cli_get(opts, "--text"),
             *label = cli_get(opts, "--label");
  if (!cli_get(opts, "--help") && !data && !text && !label) return quality_db(opts);
  if (cli_get(opts, "--help") || !data || !text || !label) {
    usage();
    return cli_get(opts, "--help") ? 0 : 2;
  }
  char *end = NULL;
  long top = cli_get(opts, "--top") ? strtol(cli_get(opts, "--top"), &end, 10) : 10;
  if ((end && *end) || top < 0 || top > 1000000) {
    fprintf(stderr, "relais quality: --top must be a number from 0 to 1000000\n");
    return 2;
  }
  ml_params_t p;
  ml_params_defaults(&p);
  if (cli_get(opts, "--seed")) p.seed = strtoull(cli_get(opts, "--seed"), NULL, 10);
  cli_rows_t rows = {0};
  long skipped = 0;
  insight_quality_t q = {0};
  char err[256];
  int rc = 1;
  if (cli_rows_read(data, text, label, &rows, &skipped)) goto out;
  if (skipped) fprintf(stderr, "relais quality: %ld rows skipped (no label or unreadable)\n", skipped);
  if (insight_quality_run(rows.n, (const char *const *)rows.text, NULL,
                          (const char *const *)rows.label, NULL, &p, &q, err, sizeof err)) {
    fprintf(stderr, "relais quality: %s\n", err);
    goto out;
  }
  if (cli_get(opts, "--json")) {
    json_t *o = insight_quality_json(&q, NULL);
    json_object_set_new(o, "data", json_string(data));
    char *s = json_dumps(o, JSON_COMPACT);
    puts(s);
    free(s);
    json_decref(o);
  } else {
    print_text(&q, &rows, (int)top);
  }
  rc = 0;
out:
  insight_quality_clear(&q);
  cli_rows_free(&rows);
  return rc;
}
