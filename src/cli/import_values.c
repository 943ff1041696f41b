/* relais import's managed-list values: --map-values turns the file's own
 * words into the desk's entries ("category:Netwrok=Network"), and
 * --add-values makes an entry of every value the desk does not know yet
 * (a first import into an empty desk). Without either, a value outside
 * the lists is refused by desk's rule like any bad cell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

struct cli_valmap {
  size_t n;
  char **field, **from, **to; /* owned */
};

void cli_valmap_free(cli_valmap_t **m) {
  if (!*m) return;
  for (size_t i = 0; i < (*m)->n; i++) {
    free((*m)->field[i]);
    free((*m)->from[i]);
    free((*m)->to[i]);
  }
  free((*m)->field);
  free((*m)->from);
  free((*m)->to);
  free(*m);
  *m = NULL;
}

/* One "field:from=to" pair; prints what is wrong with it. */
static int valmap_pair(cli_valmap_t *m, char *p) {
  char *colon = strchr(p, ':'), *eq = colon ? strchr(colon, '=') : NULL;
  if (!colon || !eq || eq == colon + 1 || !eq[1]) {
    fprintf(stderr, "relais import: --map-values entry '%s' is not field:from=to\n", p);
    return -1;
  }
  *colon = *eq = '\0';
  if (!store_entry_kind_ok(p)) {
    fprintf(stderr, "relais import: --map-values: '%s' is not category, service or ci\n", p);
    return -1;
  }
  m->field = util_xrealloc(m->field, (m->n + 1) * sizeof *m->field);
  m->from = util_xrealloc(m->from, (m->n + 1) * sizeof *m->from);
  m->to = util_xrealloc(m->to, (m->n + 1) * sizeof *m->to);
  m->field[m->n] = util_xstrdup(p);
  m->from[m->n] = util_xstrdup(colon + 1);
  m->to[m->n++] = util_xstrdup(eq + 1);
  return 0;
}

int cli_valmap_parse(const char *spec, cli_valmap_t **out) {
  cli_valmap_t *m = util_xcalloc(1, sizeof *m);
  char *s = util_xstrdup(spec ? spec : ""), *save = NULL;
  int rc = 0;
  for (char *p = strtok_r(s, ";", &save); p && !rc; p = strtok_r(NULL, ";", &save))
    rc = valmap_pair(m, p);
  free(s);
  if (rc) cli_valmap_free(&m);
  *out = m;
  return rc;
}

const char *cli_valmap_get(const cli_valmap_t *m, const char *field, const char *from) {
  for (size_t i = 0; m && i < m->n; i++)
    if (strcmp(m->field[i], field) == 0 && strcmp(m->from[i], from) == 0) return m->to[i];
  return NULL;
}
