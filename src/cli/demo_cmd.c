/* relais demo: fills a new database with the demo service desk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../demo/demo.h"
#include "cli_int.h"

int cli_demo(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--seed", 1, NULL}, {"--tickets", 1, NULL},
                      {"--days", 1, NULL}, {"--end", 1, NULL}, {"--no-passwords", 0, NULL},
                      {"--help", 0, NULL}, {NULL, 0, NULL}};
  if (cli_parse(argc, argv, opts, NULL, 0, NULL)) return 2;
  if (cli_get(opts, "--help")) {
    printf("usage: relais demo [--db FILE] [--seed N] [--tickets N] [--days N] [--end YYYY-MM-DD]\n"
           "Writes a demo service desk into a database that has no users yet: agents,\n"
           "requesters, 6 groups and tickets in French and English over --days days\n"
           "(default 90) ending the day before --end (default today), plus one hidden\n"
           "incident burst. Same seed, same data (default seed 42, 2400 tickets).\n");
    return 0;
  }
  const char *seed = cli_get(opts, "--seed"), *end = cli_get(opts, "--end");
  long tickets = 2400, days = 90;
  if (cli_int_opt(opts, "demo", "--tickets", 0, 1000000, &tickets) ||
      cli_int_opt(opts, "demo", "--days", 1, 3650, &days))
    return 2;
  demo_config_t cfg = {.seed = seed ? strtoull(seed, NULL, 10) : 42,
                       .tickets = (int)tickets,
                       .days = (int)days,
                       .passwords = !cli_get(opts, "--no-passwords")};
  if (end) {
    if (util_time_parse(end, &cfg.end_day)) {
      fprintf(stderr, "relais demo: --end must be a date like 2026-11-23\n");
      return 2;
    }
  } else {
    cfg.end_day = util_now() / 86400 * 86400;
  }
  cfg.end_day = cfg.end_day / 86400 * 86400;
  store_t *s = cli_open_db(opts);
  if (!s) return 1;
  demo_counts_t c;
  double t0 = util_monotonic();
  store_user_t probe = {0};
  int rc = store_user_by_email(s, "admin@relais.demo", &probe, NULL);
  store_user_clear(&probe);
  if (rc == 0) {
    fprintf(stderr, "relais demo: this database already holds the demo\n");
    store_close(&s);
    return 1;
  }
  rc = demo_generate(s, &cfg, &c);
  store_close(&s);
  if (rc) {
    fprintf(stderr, "relais demo: %s (nothing was written)\n", util_err_message(rc));
    return 1;
  }
  printf("demo: %d users, %d groups, %d tickets + %d in an incident burst + %d filed twice, %d comments, "
         "%d articles (%.1f s)\n",
         c.users, c.groups, c.tickets, c.burst, c.duplicates, c.comments, c.articles, util_monotonic() - t0);
  if (cfg.passwords) {
    printf("demo logins:\n");
    for (const demo_login_t *l = demo_logins; l->email; l++)
      printf("  %-10s %-28s password: %s\n", l->role, l->email, l->password);
  }
  return 0;
}
