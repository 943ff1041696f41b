/* Option parsing shared by the sub-commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

int cli_parse(int argc, char **argv, cli_opt_t *opts, const char **pos, int npos,
              int *npos_out) {
  int np = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
      if (np >= npos) {
        fprintf(stderr, "relais %s: unexpected argument '%s'\n", argv[0], a);
        return -1;
      }
      pos[np++] = a;
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    cli_opt_t *o = NULL;
    for (cli_opt_t *p = opts; p->name && !o; p++)
      if (strlen(p->name) == n && strncmp(p->name, a, n) == 0) o = p;
    if (!o) {
      fprintf(stderr, "relais %s: unknown option '%.*s' (see relais %s --help)\n",
              argv[0], (int)n, a, argv[0]);
      return -1;
    }
    if (!o->takes_value) {
      if (eq) {
        fprintf(stderr, "relais %s: option '%s' takes no value\n", argv[0], o->name);
        return -1;
      }
      o->value = "1";
    } else if (eq) {
      o->value = eq + 1;
    } else if (i + 1 < argc) {
      o->value = argv[++i];
    } else {
      fprintf(stderr, "relais %s: option '%s' needs a value\n", argv[0], o->name);
      return -1;
    }
  }
  if (npos_out) *npos_out = np;
  return 0;
}

const char *cli_get(const cli_opt_t *opts, const char *name) {
  for (const cli_opt_t *p = opts; p->name; p++)
    if (strcmp(p->name, name) == 0) return p->value;
  return NULL;
}

int cli_int_opt(const cli_opt_t *opts, const char *cmd, const char *name, long min, long max,
                long *out) {
  const char *v = cli_get(opts, name);
  if (!v) return 0;
  char *end = NULL;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (!*v || *end || errno || x < min || x > max) {
    fprintf(stderr, "relais %s: %s must be a whole number from %ld to %ld (got '%s')\n", cmd,
            name, min, max, v);
    return -1;
  }
  *out = x;
  return 0;
}

/* The console is whoever runs relais on the server's machine: no account,
 * no address. */
const store_auditor_t cli_console = {0, "console", NULL};

store_t *cli_open_db(const cli_opt_t *opts) {
  const char *path = cli_get(opts, "--db");
  char err[512];
  store_t *s = NULL;
  if (store_open(path ? path : "relais.db", &s, err, sizeof err)) {
    fprintf(stderr, "relais: %s\n", err);
    return NULL;
  }
  return s;
}
