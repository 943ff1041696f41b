/* relais backup FILE: a consistent copy of the database while the server
 * runs (store_backup), checked before it is given its name. It changes
 * nothing in the database (not even its schema version), so it writes no
 * audit row. */
#include <stdio.h>

#include "cli_int.h"

static int bk_usage(int help) {
  printf("usage: relais backup FILE [--db FILE]\n"
         "Copies the database (default relais.db) to FILE, a new file, with SQLite's\n"
         "online backup API: the server may keep running and writing; the copy is one\n"
         "moment of the database, checked with integrity_check, and appears under its\n"
         "name only once complete. To restore, stop the server and put FILE in place\n"
         "of the database (or serve it with --db FILE).\n");
  return help ? 0 : 2;
}

int cli_backup(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  const char *pos[1];
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 1, &np)) return 2;
  if (cli_get(opts, "--help") || np != 1) return bk_usage(cli_get(opts, "--help") != NULL);
  const char *db = cli_get(opts, "--db") ? cli_get(opts, "--db") : "relais.db";
  char err[512];
  int64_t pages = 0;
  double t0 = util_monotonic();
  int rc = store_backup(db, pos[0], &pages, err, sizeof err);
  if (rc) {
    fprintf(stderr, "relais backup: %s\n", err);
    return 1;
  }
  printf("backed up %s to %s: %lld pages in %.2f s\n", db, pos[0], (long long)pages,
         util_monotonic() - t0);
  return 0;
}
