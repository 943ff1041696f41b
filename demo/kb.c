/* The demo desk's knowledge base: the articles of demo/kb/, compiled into
 * the binary, loaded published with their translations linked, and a
 * believable amount of reading and voting on them. A file is
 *   title: …
 *   category: …          (a name of the demo's category list)
 *   service: …           (optional; a name of its service list)
 *   audience: public|internal
 *   ---
 *   the Markdown body
 * and SLUG.fr.md and SLUG.en.md are translations of each other. */
#include <stdlib.h>
#include <string.h>

#include "demo_int.h"

typedef struct {
  char slug[64], lang[3];
  char *title, *category, *service; /* owned */
  int is_public;
  const char *body; /* into the file */
  size_t body_len;
} kb_file_t;

static void kb_file_clear(kb_file_t *f) {
  free(f->title);
  free(f->category);
  free(f->service);
  memset(f, 0, sizeof *f);
}

/* The value of header line "key: value" at p (up to the line's end). */
static char *header_value(const char *p, const char *end) {
  const char *v = strchr(p, ':');
  if (!v || v >= end) return NULL;
  v++;
  while (v < end && *v == ' ') v++;
  size_t n = (size_t)(end - v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\r')) n--;
  char *out = util_xmalloc(n + 1);
  memcpy(out, v, n);
  out[n] = 0;
  return out;
}

/* Reads file e into f; -1 when it is not an article (no "---" line, no
 * title, no category, a name that is not SLUG.fr.md or SLUG.en.md). */
static int kb_parse(const demo_file_t *e, kb_file_t *f) {
  memset(f, 0, sizeof *f);
  const char *name = strrchr(e->path, '/');
  name = name ? name + 1 : e->path;
  size_t n = strlen(name);
  if (n < 7 || n - 6 >= sizeof f->slug || strcmp(name + n - 3, ".md") != 0 || name[n - 6] != '.') return -1;
  memcpy(f->slug, name, n - 6);
  memcpy(f->lang, name + n - 5, 2);
  if (strcmp(f->lang, "fr") != 0 && strcmp(f->lang, "en") != 0) return -1;
  const char *p = (const char *)e->data, *end = p + e->len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (eol - p >= 3 && strncmp(p, "---", 3) == 0) {
      f->body = eol < end ? eol + 1 : end;
      f->body_len = (size_t)(end - f->body);
      break;
    }
    char **slot = !strncmp(p, "title:", 6) ? &f->title : !strncmp(p, "category:", 9) ? &f->category
                : !strncmp(p, "service:", 8) ? &f->service : NULL;
    if (slot && !*slot) *slot = header_value(p, eol);
    if (!strncmp(p, "audience:", 9)) {
      char *a = header_value(p, eol);
      f->is_public = a && strcmp(a, "public") == 0;
      free(a);
    }
    p = eol + 1;
  }
  while (f->body_len && (f->body[0] == '\n' || f->body[0] == '\r')) f->body++, f->body_len--;
  return f->body && f->title && f->category ? 0 : -1;
}

static uint64_t kb_next(uint64_t *r) {
  *r = *r * 6364136223846793005ull + 1442695040888963407ull;
  return *r >> 33;
}

/* Views and votes of a public article: more for the common problems. */
static int kb_reading(store_t *s, int64_t id, const int64_t *voters, int nvoters, uint64_t *r) {
  int views = 5 + (int)(kb_next(r) % 120), rc = 0;
  for (int i = 0; i < views && !rc; i++) rc = store_kb_viewed(s, id);
  int votes = nvoters ? (int)(kb_next(r) % 12) : 0;
  for (int i = 0; i < votes && !rc; i++)
    rc = store_kb_vote(s, id, voters[kb_next(r) % (uint64_t)nvoters], kb_next(r) % 10 < 8);
  return rc;
}

/* Writes f (published) into family (0: its own); *id receives its id. */
static int kb_write(store_t *s, const kb_file_t *f, int64_t family, int64_t author, int64_t *id) {
  store_kb_article_t a = {.family_id = family, .is_public = f->is_public, .author_id = author};
  snprintf(a.lang, sizeof a.lang, "%s", f->lang);
  a.title = f->title;
  a.body = util_xmalloc(f->body_len + 1);
  memcpy(a.body, f->body, f->body_len);
  a.body[f->body_len] = 0;
  a.category = f->category;
  a.service = f->service;
  int rc = store_kb_insert(s, &a, author);
  if (!rc) rc = store_kb_set_state(s, a.id, "draft", "published", author);
  *id = a.id;
  free(a.body);
  return rc;
}

/* The French article written for slug, or 0. */
typedef struct {
  char slug[64];
  int64_t id;
} kb_written_t;

static int64_t kb_family_of(const kb_written_t *w, int n, const char *slug) {
  for (int i = 0; i < n; i++)
    if (strcmp(w[i].slug, slug) == 0) return w[i].id;
  return 0;
}

int demo_kb(store_t *s, int64_t author_id, const int64_t *voters, int nvoters, uint64_t seed, int *count) {
  uint64_t r = seed ^ 0x6b62ull;
  int rc = 0, nfiles = 0, nfr = 0;
  *count = 0;
  while (demo_kb_files[nfiles].path) nfiles++;
  kb_written_t *fr = util_xcalloc((size_t)(nfiles ? nfiles : 1), sizeof *fr);
  /* French first, then English joining the family of its French twin */
  for (int pass = 0; pass < 2 && !rc; pass++) {
    for (const demo_file_t *e = demo_kb_files; e->path && !rc; e++) {
      kb_file_t f;
      int64_t id = 0;
      if (!kb_parse(e, &f) && strcmp(f.lang, pass ? "en" : "fr") == 0) {
        rc = kb_write(s, &f, pass ? kb_family_of(fr, nfr, f.slug) : 0, author_id, &id);
        if (!rc && !pass) {
          snprintf(fr[nfr].slug, sizeof fr[nfr].slug, "%s", f.slug);
          fr[nfr++].id = id;
        }
        if (!rc && f.is_public) rc = kb_reading(s, id, voters, nvoters, &r);
        if (!rc) (*count)++;
      }
      kb_file_clear(&f);
    }
  }
  free(fr);
  return rc;
}
