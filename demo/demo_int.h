/* Private to the demo module: the scenario corpus and the word lists. */
#ifndef RELAIS_DEMO_INT_H
#define RELAIS_DEMO_INT_H

#include "demo.h"

typedef struct {
  const char *category_fr, *category; /* the stored category is the English one */
  const char *group;                  /* assignment group name */
  const char *service;
  const char *ci;                     /* may hold slots */
  int urgency, impact;                /* typical values, 1 (high) … 3 (low) */
  int weight;                         /* relative frequency */
  const char *title_fr[3], *title_en[3];
  const char *desc_fr[3], *desc_en[3];
  const char *resolution_fr, *resolution_en;
} demo_scenario_t;

extern const demo_scenario_t demo_scenarios[];
extern const int demo_nscenarios;
extern const char *const demo_apps[], *const demo_codes[], *const demo_sites[],
    *const demo_shares[], *const demo_teams[];
extern const char *const demo_first_fr[], *const demo_last_fr[], *const demo_first_en[],
    *const demo_last_en[];

/* The request templates and shared macros of the demo desk (forms.c), the
 * macros made by admin_id; in the caller's transaction. */
int demo_forms(store_t *s, int64_t admin_id, int64_t network_group);

/* A file embedded into the binary by tools/embed.c: the demo's knowledge
 * base (demo/kb/SLUG.LANG.md, named "/kb/SLUG.LANG.md"). */
typedef struct {
  const char *path;
  const char *mime;
  const unsigned char *data;
  size_t len;
} demo_file_t;
extern const demo_file_t demo_kb_files[]; /* ends with a NULL path */

/* The knowledge base of the demo desk (kb.c): every article of
 * demo_kb_files, written by author_id, published, its translations
 * linked; views and votes drawn from seed by the requesters voters[0..n).
 * In the caller's transaction; *count receives the articles written. */
int demo_kb(store_t *s, int64_t author_id, const int64_t *voters, int nvoters, uint64_t seed, int *count);

#endif
