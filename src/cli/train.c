/* relais train, relais classify: the triage models from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../triage/triage.h"
#include "cli_int.h"

static void print_report(const triage_train_report_t *r) {
  if (!r->trained) {
    printf("%-9s not trained: %s\n", r->field, r->note);
    return;
  }
  printf("%-9s v%d: %zu tickets, %d classes, accuracy %.3f, macro-F1 %.3f, ECE %.3f, "
         "auto-applied %.0f%% at 95%% precision, %.2f s (out-of-fold)%s%s\n",
         r->field, r->version, r->n, r->nclass, r->accuracy, r->macro_f1, r->ece,
         100 * r->coverage, r->seconds, r->activated ? ", active" : "; ",
         r->activated ? "" : r->note);
  if (r->searched)
    printf("%-9s settings chosen among %d by cross-validation in %.2f s: %s\n", "", r->searched,
           r->search_seconds, r->settings);
  else
    printf("%-9s settings: %s (the defaults: too few tickets to choose)\n", "", r->settings);
  if (r->prev_score >= 0 && r->compared_on)
    printf("%-9s compared on %zu tickets the active model had not seen: macro-F1 %.3f against %.3f\n",
           "", r->compared_on, r->new_score, r->prev_score);
}

int cli_train(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--field", 1, NULL}, {"--force", 0, NULL},
                      {"--help", 0, NULL}, {NULL, 0, NULL}};
  int np = 0;
  if (cli_parse(argc, argv, opts, NULL, 0, &np)) return 2;
  if (cli_get(opts, "--help")) {
    printf("usage: relais train [--field NAME] [--force] [--db FILE]\n"
           "Trains the triage model of each configured field (setting triage.fields,\n"
           "default category,group,urgency), or only --field NAME (category, group,\n"
           "urgency, service, ci), from the tickets whose value a person set or\n"
           "confirmed. A new model becomes active unless it is worse than the active\n"
           "one on the labelled tickets the active one never saw (by each one's\n"
           "out-of-fold macro-F1 when there are fewer than 30 of those); --force\n"
           "activates it anyway. A running\n"
           "server picks new models up at its next retraining check.\n");
    return 0;
  }
  store_t *db = cli_open_db(opts);
  if (!db) return 1;
  const char *only = cli_get(opts, "--field");
  /* --field is trained as named (a wrong name gets its report), the
   * configured fields otherwise */
  const char *names[TRIAGE_MAX_FIELDS] = {only};
  int n = 1, conf[TRIAGE_MAX_FIELDS];
  if (!only) {
    n = triage_configured_fields(db, conf);
    for (int i = 0; i < n; i++) names[i] = triage_field_name(conf[i]);
  }
  int rc = 0, any = 0;
  for (int i = 0; i < n; i++) {
    triage_train_report_t r;
    int e = triage_train_field(db, names[i], cli_get(opts, "--force") != NULL, &cli_console, &r);
    print_report(&r);
    if (e) rc = 1;
    any |= r.trained;
  }
  if (only && !any) rc = 1;
  store_close(&db);
  return rc;
}

int cli_classify(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--lang", 1, NULL}, {"--help", 0, NULL},
                      {NULL, 0, NULL}};
  const char *pos[2] = {NULL, NULL};
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 2, &np)) return 2;
  if (cli_get(opts, "--help") || np < 1) {
    printf("usage: relais classify \"TITLE\" [\"DESCRIPTION\"] [--lang fr|en] [--db FILE]\n"
           "Runs triage with the active models and prints, for each field, the\n"
           "predicted value, its confidence, whether it would be applied, the other\n"
           "candidates and the words that drove it. Nothing is stored.\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  for (int i = 0; i < np; i++)
    if (!util_utf8_valid(pos[i], strlen(pos[i]), NULL)) {
      fprintf(stderr, "relais classify: argument %d is not valid UTF-8\n", i + 1);
      return 2;
    }
  store_t *db = cli_open_db(opts);
  if (!db) return 1;
  triage_set_t *set = NULL;
  char err[256];
  int rc = 1;
  if (triage_set_load(db, &set, err, sizeof err)) {
    fprintf(stderr, "relais classify: %s\n", err);
    goto out;
  }
  if (!triage_set_count(set)) {
    fprintf(stderr, "relais classify: no trained model yet (run relais train)\n");
    goto out;
  }
  triage_input_t in = {pos[0], np > 1 ? pos[1] : "", cli_get(opts, "--lang"), NULL, NULL, 0};
  triage_result_t r;
  triage_run(db, set, &in, &r);
  printf("language  %s\n", text_lang_code(r.lang));
  for (int i = 0; i < r.n; i++) {
    const triage_pred_t *p = &r.pred[i];
    printf("%-9s %s  %.0f%% %s, %s", triage_field_name(p->field), p->value, 100 * p->confidence,
           triage_level(p->confidence), p->apply ? "applied" : "suggested");
    for (int t = 1; t < p->ntop; t++) printf("%s%s %.0f%%", t == 1 ? "  (then " : ", ",
                                             p->top[t].value, 100 * p->top[t].p);
    printf("%s\n          for:", p->ntop > 1 ? ")" : "");
    for (size_t t = 0; t < p->npos; t++) printf(" %s %+.2f", p->pos[t].word, p->pos[t].weight);
    printf("\n          against:");
    for (size_t t = 0; t < p->nneg; t++) printf(" %s %+.2f", p->neg[t].word, p->neg[t].weight);
    printf("\n");
  }
  if (r.impact) printf("impact    %d from %s\n", r.impact, r.impact_cue);
  rc = 0;
out:
  triage_set_unref(&set);
  store_close(&db);
  return rc;
}
