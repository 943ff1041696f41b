/* Impact from explicit cues: how many people are affected, a critical
 * service or configuration item, a VIP requester. The strongest cue wins
 * and is named, so that the agent sees why the priority is what it is.
 *
 * Cues are matched on the analysed tokens (folded: case and accents do not
 * matter; French elided articles are their own tokens, hence "l" below). */
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

typedef struct {
  int impact;
  const char *words; /* folded tokens separated by spaces */
} phrase_t;

static const phrase_t phrases[] = {
    {1, "all users"}, {1, "all the users"}, {1, "everyone"}, {1, "everybody"},
    {1, "whole company"}, {1, "entire company"}, {1, "all employees"}, {1, "all staff"},
    {1, "whole site"}, {1, "whole building"}, {1, "nobody can"}, {1, "no one can"},
    {1, "tout le monde"}, {1, "tous les utilisateurs"}, {1, "tous les collaborateurs"},
    {1, "toute l entreprise"}, {1, "toute la societe"}, {1, "tout le site"},
    {1, "tout le batiment"}, {1, "personne ne peut"},
    {2, "whole team"}, {2, "entire team"}, {2, "all the team"}, {2, "whole department"},
    {2, "several users"}, {2, "many users"}, {2, "several people"}, {2, "many people"},
    {2, "all my colleagues"}, {2, "whole floor"},
    {2, "tout le service"}, {2, "toute l equipe"}, {2, "tout l etage"},
    {2, "plusieurs utilisateurs"}, {2, "plusieurs personnes"}, {2, "plusieurs collegues"},
    {2, "tous mes collegues"}, {2, "toute la direction"},
};

static const char *const people[] = {
    "users", "people", "persons", "employees", "colleagues", "staff", "agents", "workstations",
    "computers", "pcs", "personnes", "utilisateurs", "collaborateurs", "collegues", "salaries",
    "postes", "ordinateurs"};

static int tok_is(const text_doc_t *d, size_t i, const char *w, size_t n) {
  return i < d->n && d->tok[i].form_len == n && memcmp(d->arena + d->tok[i].form, w, n) == 0;
}

/* Length of the phrase match starting at token i, or 0. */
static int phrase_at(const text_doc_t *d, size_t i, const char *words) {
  const char *w = words;
  size_t t = i;
  while (*w) {
    size_t n = strcspn(w, " ");
    if (!tok_is(d, t, w, n)) return 0;
    t++;
    w += n;
    while (*w == ' ') w++;
  }
  return (int)(t - i);
}

/* Case- and accent-insensitive equality of two short strings. */
static int same_folded(const char *a, const char *b) {
  char fa[256], fb[256];
  text_fold(a, strlen(a), fa, sizeof fa);
  text_fold(b, strlen(b), fb, sizeof fb);
  return fa[0] && strcmp(fa, fb) == 0;
}

/* The configured critical services and CIs (setting "triage.critical",
 * a comma list, borrowed): the ticket's own service/ci fields, or a token
 * of its text. */
static int critical(const char *setting, const triage_input_t *in, const text_doc_t *d,
                    char *what, size_t len) {
  if (!setting || !*setting) return 0;
  char *list = util_xstrdup(setting);
  int hit = 0;
  char *save = NULL;
  for (char *c = strtok_r(list, ",", &save); c && !hit; c = strtok_r(NULL, ",", &save)) {
    while (*c == ' ') c++;
    size_t n = strlen(c);
    while (n && c[n - 1] == ' ') c[--n] = '\0';
    if (!n) continue;
    if ((in->service && same_folded(in->service, c)) || (in->ci && same_folded(in->ci, c))) {
      hit = 1;
    } else {
      char fc[256];
      size_t fn = text_fold(c, n, fc, sizeof fc);
      for (size_t i = 0; i < d->n && !hit; i++) hit = tok_is(d, i, fc, fn);
    }
    if (hit) snprintf(what, len, "%s", c);
  }
  free(list);
  return hit;
}

int triage_impact_cues(const char *critical_list, const triage_input_t *in, const text_doc_t *d,
                       char *cue, size_t cuelen) {
  int best = 0;
  cue[0] = '\0';
  for (size_t i = 0; i < d->n; i++) {
    for (size_t p = 0; p < sizeof phrases / sizeof *phrases; p++) {
      if (best && phrases[p].impact >= best) continue;
      if (phrase_at(d, i, phrases[p].words)) {
        best = phrases[p].impact;
        snprintf(cue, cuelen, "\"%s\" (%s)", phrases[p].words,
                 best == 1 ? "everyone affected" : "a group affected");
      }
    }
    /* "15 personnes", "200 users" */
    if (d->tok[i].kind == TEXT_TOK_NUMBER && i + 1 < d->n) {
      long n = strtol(d->arena + d->tok[i].form, NULL, 10);
      for (size_t w = 0; w < sizeof people / sizeof *people; w++) {
        if (!tok_is(d, i + 1, people[w], strlen(people[w]))) continue;
        int imp = n >= 50 ? 1 : n >= 2 ? 2 : 0;
        if (imp && (!best || imp < best)) {
          best = imp;
          snprintf(cue, cuelen, "\"%ld %s\" (%ld people affected)", n, people[w], n);
        }
      }
    }
  }
  char what[128];
  if ((!best || best > 2) && critical(critical_list, in, d, what, sizeof what)) {
    best = 2;
    snprintf(cue, cuelen, "critical service \"%s\"", what);
  }
  if ((!best || best > 2) && in->requester_vip) {
    best = 2;
    snprintf(cue, cuelen, "VIP requester");
  }
  return best;
}
