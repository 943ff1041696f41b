/* The demo generator. Everything random comes from one splitmix64 stream
 * seeded by the caller, so a seed always gives the same service desk. */
#include <stdlib.h>
#include <string.h>

#include "../src/api/api.h"
#include "../src/desk/desk.h"
#include "demo_int.h"

const demo_login_t demo_logins[] = {
    {"admin@relais.demo", "relais-admin", "admin"},
    {"agent@relais.demo", "relais-agent", "agent"},
    {"claire.martin@relais.demo", "relais-demo", "requester"},
    {"james.wilson@relais.demo", "relais-demo", "requester"},
    {NULL, NULL, NULL},
};

typedef struct {
  uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static int rng_int(rng_t *r, int lo, int hi) { /* inclusive */
  if (hi <= lo) return lo;
  uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;
  return lo + (int)(rng_next(r) % span);
}

static double rng_unit(rng_t *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }

static const char *rng_pick(rng_t *r, const char *const *list) {
  int n = 0;
  while (list[n]) n++;
  return list[rng_int(r, 0, n - 1)];
}

static int pick3(rng_t *r, const char *const v[3]) {
  int n = 0;
  while (n < 3 && v[n]) n++;
  return rng_int(r, 0, n - 1);
}

/* Replaces {slot}s in tpl; returns owned. */
static char *demo_fill(rng_t *r, const char *tpl, int fr) {
  util_buf_t b;
  util_buf_init(&b, 1 << 16);
  for (const char *p = tpl; *p;) {
    if (*p != '{') {
      util_buf_putc(&b, *p++);
      continue;
    }
    const char *e = strchr(p, '}');
    size_t n = e ? (size_t)(e - p - 1) : 0;
    const char *k = p + 1;
    if (!e) {
      util_buf_puts(&b, p);
      break;
    }
#define SLOT(name) (n == strlen(name) && strncmp(k, name, n) == 0)
    if (SLOT("n")) util_buf_printf(&b, "%d", rng_int(r, 2, 45));
    else if (SLOT("code")) util_buf_puts(&b, rng_pick(r, demo_codes));
    else if (SLOT("app")) util_buf_puts(&b, rng_pick(r, demo_apps));
    else if (SLOT("site")) util_buf_puts(&b, rng_pick(r, demo_sites));
    else if (SLOT("floor")) util_buf_printf(&b, "%d", rng_int(r, 1, 6));
    else if (SLOT("room")) util_buf_printf(&b, "%c%d", 'A' + rng_int(r, 0, 3), rng_int(r, 101, 640));
    else if (SLOT("share")) util_buf_puts(&b, rng_pick(r, demo_shares));
    else if (SLOT("asset")) util_buf_printf(&b, "PC-%05d", rng_int(r, 10000, 99999));
    else if (SLOT("team")) util_buf_puts(&b, rng_pick(r, demo_teams));
    else if (SLOT("time")) {
      static const char *const t_fr[] = {"hier", "lundi", "ce matin", "la semaine dernière", NULL};
      static const char *const t_en[] = {"yesterday", "Monday", "this morning", "last week", NULL};
      util_buf_puts(&b, rng_pick(r, fr ? t_fr : t_en));
    } else if (SLOT("date")) {
      static const char *const d_fr[] = {"lundi prochain", "1er du mois", "15 du mois", NULL};
      static const char *const d_en[] = {"next Monday", "the 1st", "the 15th", NULL};
      util_buf_puts(&b, rng_pick(r, fr ? d_fr : d_en));
    } else util_buf_append(&b, p, n + 2);
#undef SLOT
    p = e + 1;
  }
  return util_buf_steal(&b);
}

/* ---- People ------------------------------------------------------------------- */
#define DEMO_REQUESTERS 160

typedef struct {
  int64_t id;
  int fr;
} demo_person_t;

typedef struct {
  rng_t rng;
  store_t *db;
  const demo_config_t *cfg;
  demo_counts_t n;
  demo_person_t req[DEMO_REQUESTERS];
  int64_t group_ids[8];
  const char *group_names[8];
  int ngroups;
  int64_t agents[8][3]; /* per group */
  int nagents[8];
  int64_t admin_id;
  struct demo_orig *orig; /* ordinary tickets that may be filed again */
  int norig;
  int64_t last_id;        /* of the last ticket written */
} demo_t;

/* A ticket as it was written, for a reworded copy of it (see demo_copies). */
struct demo_orig {
  int64_t id, t, done, agent;
  const demo_scenario_t *sc, *filed;
  demo_person_t *p;
};

static int demo_user(demo_t *d, const char *email, const char *name, store_role_t role,
                     const char *lang, int vip, const char *password, int64_t *id) {
  char *hash = NULL;
  if (password && d->cfg->passwords && api_password_hash(password, &hash)) return UTIL_E_NOMEM;
  store_user_t u = {.email = (char *)email, .name = (char *)name, .role = role,
                    .lang = (char *)lang, .vip = vip, .active = 1};
  int rc = store_user_insert(d->db, &u, hash, id);
  free(hash);
  if (!rc) d->n.users++;
  return rc;
}

static const char *demo_password_for(const char *email) {
  for (const demo_login_t *l = demo_logins; l->email; l++)
    if (strcmp(l->email, email) == 0) return l->password;
  return NULL;
}

/* Appends the lower-cased ASCII letters of name to out (bytes of accented
 * letters are dropped: "Élodie" gives "lodie"), keeping room for the NUL. */
static size_t demo_ascii_lower(char *out, size_t k, size_t n, const char *name) {
  for (const char *p = name; *p && k + 1 < n; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch >= 0x80) continue;
    out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  return k;
}

static void demo_email(char *out, size_t n, const char *first, const char *last) {
  size_t k = demo_ascii_lower(out, 0, n, first);
  if (k + 1 < n) out[k++] = '.';
  k = demo_ascii_lower(out, k, n, last);
  out[k] = '\0';
}

static int demo_people(demo_t *d) {
  static const char *const groups[] = {"Service Desk N1", "Réseau & Infrastructure",
                                       "Poste de travail", "Applications",
                                       "Identités & Accès", "Sécurité", NULL};
  static const char *const agents[][2] = {
      {"Nadia", "Benali"}, {"Paul", "Girard"}, {"Karim", "Haddad"}, {"Lucie", "Perrin"},
      {"Marc", "Fontaine"}, {"Aline", "Chevalier"}, {"Ryan", "Cooper"}, {"Sarah", "Mitchell"},
      {"Yann", "Le Goff"}, {"Emma", "Roussel"}, {"David", "Okafor"}, {"Julie", "Marchand"}};
  int64_t id;
  int rc = demo_user(d, "admin@relais.demo", "Admin Relais", STORE_ROLE_ADMIN, "fr", 0,
                     "relais-admin", &d->admin_id);
  if (rc) return rc;
  for (int g = 0; groups[g]; g++) {
    store_group_t gr = {0, (char *)groups[g], ""};
    if ((rc = store_group_insert(d->db, &gr, &d->group_ids[g]))) return rc;
    d->group_names[g] = groups[g];
    d->ngroups++;
    d->n.groups++;
  }
  /* The first agent account has a well-known address for the demo. */
  for (int i = 0; i < 12; i++) {
    char email[160], name[96];
    if (i == 0) snprintf(email, sizeof email, "agent@relais.demo");
    else {
      demo_email(name, sizeof name, agents[i][0], agents[i][1]);
      snprintf(email, sizeof email, "%s@relais.demo", name);
      for (char *p = email; *p; p++) if (*p == ' ') *p = '-';
    }
    snprintf(name, sizeof name, "%s %s", agents[i][0], agents[i][1]);
    if ((rc = demo_user(d, email, name, STORE_ROLE_AGENT, i >= 6 && i < 8 ? "en" : "fr", 0,
                        "relais-agent", &id)))
      return rc;
    int g = i % d->ngroups;
    if ((rc = store_group_add_member(d->db, d->group_ids[g], id))) return rc;
    d->agents[g][d->nagents[g]++] = id;
  }
  for (int i = 0; i < DEMO_REQUESTERS; i++) {
    int fr = i % 2 == 0;
    char email[160], name[96];
    const char *first, *last;
    if (i == 0) first = "Claire", last = "Martin";
    else if (i == 1) first = "James", last = "Wilson";
    else {
      first = rng_pick(&d->rng, fr ? demo_first_fr : demo_first_en);
      last = rng_pick(&d->rng, fr ? demo_last_fr : demo_last_en);
    }
    demo_email(name, sizeof name, first, last);
    if (i < 2) snprintf(email, sizeof email, "%s@relais.demo", name);
    else snprintf(email, sizeof email, "%s%d@relais.demo", name, i);
    snprintf(name, sizeof name, "%s %s", first, last);
    int vip = i % 37 == 5; /* a few executives */
    if ((rc = demo_user(d, email, name, STORE_ROLE_REQUESTER, fr ? "fr" : "en", vip,
                        demo_password_for(email), &d->req[i].id)))
      return rc;
    d->req[i].fr = fr;
  }
  return 0;
}

/* ---- Tickets ------------------------------------------------------------------- */
static int demo_group_index(const demo_t *d, const char *name) {
  for (int g = 0; g < d->ngroups; g++)
    if (strcmp(d->group_names[g], name) == 0) return g;
  return 0;
}

/* A moment in the period with the desk's rhythm: busy Monday, quiet weekend,
 * peaks mid-morning and early afternoon (UTC, an office in Europe). */
static int64_t demo_when(demo_t *d) {
  static const double wday[7] = {0.08, 1.25, 1.1, 1.0, 1.0, 0.85, 0.12}; /* Sun..Sat */
  static const double hour[24] = {0.02, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.6, 1.1, 1.4, 1.3,
                                  1.0, 0.6, 0.9, 1.2, 1.1, 0.9, 0.6, 0.3, 0.15, 0.1, 0.06, 0.04, 0.03};
  int64_t start = d->cfg->end_day - (int64_t)d->cfg->days * 86400;
  for (;;) {
    int day = rng_int(&d->rng, 0, d->cfg->days - 1);
    int64_t t0 = start + (int64_t)day * 86400;
    int wd = (int)(((t0 / 86400) + 4) % 7); /* 1970-01-01 was a Thursday */
    if (rng_unit(&d->rng) * 1.25 > wday[wd]) continue;
    int h = rng_int(&d->rng, 0, 23);
    if (rng_unit(&d->rng) * 1.4 > hour[h]) continue;
    return t0 + (int64_t)h * 3600 + rng_int(&d->rng, 0, 3599);
  }
}

static const demo_scenario_t *demo_scenario(demo_t *d) {
  int total = 0;
  for (int i = 0; i < demo_nscenarios; i++) total += demo_scenarios[i].weight;
  int x = rng_int(&d->rng, 1, total);
  for (int i = 0; i < demo_nscenarios; i++)
    if ((x -= demo_scenarios[i].weight) <= 0) return &demo_scenarios[i];
  return &demo_scenarios[0];
}

/* Real desks are not tidy. Some requests say almost nothing useful, and the
 * people who file tickets do not always agree on a category or a queue:
 * the demo keeps a share of both, so that triage meets the doubt it meets
 * in production instead of a corpus it can learn by heart. */
#define DEMO_VAGUE 0.07    /* share of tickets with a vague text */
#define DEMO_RELABEL 0.06  /* share filed under a neighbouring category */

static const char *const vague_title_fr[] = {"Problème", "Urgent", "Ça ne marche plus",
                                             "Besoin d'aide", "Souci informatique", NULL};
static const char *const vague_title_en[] = {"Problem", "Urgent", "Not working", "Help needed",
                                             "IT issue", NULL};
static const char *const vague_desc_fr[] = {
    "Bonjour, ça ne fonctionne plus depuis ce matin. Pouvez-vous me rappeler ?",
    "Même problème que la semaine dernière, merci de regarder rapidement.",
    "Je n'arrive pas à travailler, c'est bloquant. Merci.",
    "Pouvez-vous m'aider ? Je ne sais pas à qui m'adresser.", NULL};
static const char *const vague_desc_en[] = {
    "Hi, it stopped working this morning. Can someone call me back?",
    "Same problem as last week, please have a look soon.",
    "I can't work, this is blocking me. Thanks.",
    "Could you help? I don't know who to ask.", NULL};

/* A scenario people may confuse with sc: usually one of the same queue. */
static const demo_scenario_t *demo_neighbour(demo_t *d, const demo_scenario_t *sc) {
  const demo_scenario_t *same[16];
  int n = 0;
  for (int i = 0; i < demo_nscenarios && n < 16; i++)
    if (&demo_scenarios[i] != sc && strcmp(demo_scenarios[i].group, sc->group) == 0)
      same[n++] = &demo_scenarios[i];
  if (n && rng_unit(&d->rng) < 0.6) return same[rng_int(&d->rng, 0, n - 1)];
  const demo_scenario_t *o;
  do o = &demo_scenarios[rng_int(&d->rng, 0, demo_nscenarios - 1)]; while (o == sc);
  return o;
}

/* One open ticket in three that someone took (ticket id, as tk holds it;
 * chosen by its time t, not the random stream, so that every other
 * ticket stays what it was for a seed): the requester wrote again after
 * the desk's answer, and waits on the desk since. */
static int demo_asked_again(demo_t *d, const store_ticket_t *tk, int64_t id, int64_t t,
                            int64_t now_end, int fr) {
  const store_val_t *answered = &tk->v[STORE_TF_FIRST_RESPONSE_AT];
  if (strcmp(tk->v[STORE_TF_STATUS].s, "open") != 0 || tk->v[STORE_TF_ASSIGNEE_ID].is_null ||
      answered->is_null)
    return 0;
  int64_t again = answered->i + 60 * (20 + (t / 11) % 180), requester = tk->v[STORE_TF_REQUESTER_ID].i;
  if ((t / 13) % 3 || again >= now_end) return 0;
  store_comment_t c = {.ticket_id = id, .author_id = requester,
                       .body = fr ? "Toujours le même problème ce matin, avez-vous du nouveau ?"
                                  : "Still the same problem this morning: any news?",
                       .created_at = again};
  store_actor_t a = {STORE_ACTOR_PERSON, requester, NULL, 0};
  int rc = store_comment_insert(d->db, &c, &a, NULL);
  if (!rc) rc = desk_ticket_replied(d->db, id, again, 0);
  if (!rc) d->n.comments++;
  return rc;
}

/* One message of the agent on ticket id at time at. */
static int demo_agent_says(demo_t *d, int64_t id, int64_t agent, const char *body, int64_t at) {
  store_comment_t c = {.ticket_id = id, .author_id = agent, .body = (char *)body, .created_at = at};
  store_actor_t a = {STORE_ACTOR_PERSON, agent, NULL, 0};
  int rc = store_comment_insert(d->db, &c, &a, NULL);
  if (!rc) d->n.comments++;
  return rc;
}

/* Writes one ticket of scenario sc at time t; burst tickets are forced to
 * the VPN gateway outage. */
static int demo_ticket(demo_t *d, const demo_scenario_t *sc, int64_t t, int burst) {
  demo_person_t *p = &d->req[rng_int(&d->rng, 0, DEMO_REQUESTERS - 1)];
  int fr = p->fr;
  rng_t *r = &d->rng;
  store_ticket_t tk;
  store_ticket_init(&tk);
  int ti = pick3(r, fr ? sc->title_fr : sc->title_en);
  int di = pick3(r, fr ? sc->desc_fr : sc->desc_en), vague = 0;
  char *title = demo_fill(r, (fr ? sc->title_fr : sc->title_en)[ti], fr);
  char *desc = demo_fill(r, (fr ? sc->desc_fr : sc->desc_en)[di], fr);
  char *ci = demo_fill(r, sc->ci, fr);
  if (burst) {
    static const char *const bt_fr[] = {"VPN inaccessible", "Plus de VPN depuis 9h",
                                        "VPN en panne ?", "Connexion VPN impossible (erreur 809)", NULL};
    static const char *const bt_en[] = {"VPN down", "VPN not working since 9am",
                                        "Is the VPN down?", "VPN connection fails (error 809)", NULL};
    free(title);
    free(desc);
    free(ci);
    title = util_xstrdup(rng_pick(r, fr ? bt_fr : bt_en));
    desc = util_xstrdup(fr ? "Impossible de joindre le VPN depuis ce matin, le client reste bloqué sur "
                             "« connexion en cours » puis affiche l'erreur 809. Plusieurs collègues "
                             "de mon équipe ont le même problème."
                           : "The VPN has been unreachable since this morning: the client hangs on "
                             "'connecting' then shows error 809. Several people in my team have the "
                             "same problem.");
    ci = util_xstrdup("vpn-gw-02");
  }
  const demo_scenario_t *filed = sc; /* the category and queue it was filed under */
  if (!burst) {
    if (rng_unit(r) < DEMO_VAGUE) {
      vague = 1;
      free(title);
      free(desc);
      title = util_xstrdup(rng_pick(r, fr ? vague_title_fr : vague_title_en));
      desc = util_xstrdup(rng_pick(r, fr ? vague_desc_fr : vague_desc_en));
    }
    if (rng_unit(r) < DEMO_RELABEL) filed = demo_neighbour(d, sc);
  }
  int urgency = sc->urgency, impact = sc->impact;
  if (rng_unit(r) < 0.25) urgency = rng_int(r, 1, 3);
  if (burst) urgency = 1, impact = 2;
  int g = demo_group_index(d, filed->group);
  int64_t now_end = d->cfg->end_day;
  double age_days = (double)(now_end - t) / 86400.0;
  const char *status;
  double u = rng_unit(r);
  if (age_days > 14) status = u < 0.93 ? "closed" : u < 0.97 ? "resolved" : "pending";
  else if (age_days > 5) status = u < 0.55 ? "closed" : u < 0.85 ? "resolved" : u < 0.93 ? "open" : "pending";
  else status = u < 0.3 ? "new" : u < 0.6 ? "open" : u < 0.75 ? "pending" : "resolved";
  if (burst) status = age_days > 14 ? "closed" : "resolved";
  store_ticket_set_text(&tk, STORE_TF_TITLE, title);
  store_ticket_set_text(&tk, STORE_TF_DESCRIPTION, desc);
  store_ticket_set_int(&tk, STORE_TF_REQUESTER_ID, p->id);
  store_ticket_set_text(&tk, STORE_TF_STATUS, status);
  store_ticket_set_text(&tk, STORE_TF_CATEGORY, filed->category);
  store_ticket_set_int(&tk, STORE_TF_IMPACT, impact);
  store_ticket_set_int(&tk, STORE_TF_URGENCY, urgency);
  store_ticket_set_int(&tk, STORE_TF_PRIORITY, desk_itil_priority(impact, urgency));
  store_ticket_set_text(&tk, STORE_TF_SERVICE, sc->service);
  store_ticket_set_text(&tk, STORE_TF_CI, ci);
  store_ticket_set_text(&tk, STORE_TF_SOURCE, rng_unit(r) < 0.6 ? "web" : rng_unit(r) < 0.7 ? "email" : "phone");
  store_ticket_set_text(&tk, STORE_TF_LANGUAGE, fr ? "fr" : "en");
  store_ticket_set_int(&tk, STORE_TF_CREATED_AT, t);
  int64_t agent = 0;
  if (strcmp(status, "new") != 0) {
    store_ticket_set_int(&tk, STORE_TF_GROUP_ID, d->group_ids[g]);
    if (d->nagents[g]) {
      agent = d->agents[g][rng_int(r, 0, d->nagents[g] - 1)];
      store_ticket_set_int(&tk, STORE_TF_ASSIGNEE_ID, agent);
    }
  }
  /* the desk answered within minutes to a few hours, when someone took it
   * (from the time itself: the random stream, and so every demo ticket,
   * stays what it was for a seed) */
  if (agent) store_ticket_set_int(&tk, STORE_TF_FIRST_RESPONSE_AT, t + 60 * (5 + (t / 7) % 236));
  int64_t done = 0;
  int is_done = strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0;
  if (is_done) {
    /* Time to resolve grows with priority number: hours for P1, days for P4. */
    double hours = (double)desk_itil_priority(impact, urgency) * (0.5 + 6 * rng_unit(r));
    done = t + (int64_t)(hours * 3600);
    if (done > now_end - 60) done = now_end - 60;
    store_ticket_set_text(&tk, STORE_TF_RESOLUTION, fr ? sc->resolution_fr : sc->resolution_en);
    store_ticket_set_int(&tk, STORE_TF_RESOLVED_AT, done);
    store_ticket_set_int(&tk, STORE_TF_UPDATED_AT, done);
    /* its only message, the resolution, was also the desk's first answer */
    if (agent) store_ticket_set_int(&tk, STORE_TF_FIRST_RESPONSE_AT, done);
  }
  if (agent && strcmp(status, "pending") == 0) { /* the question below: its answer, and the wait */
    store_ticket_set_int(&tk, STORE_TF_FIRST_RESPONSE_AT, t + 1800);
    store_ticket_set_int(&tk, STORE_TF_UPDATED_AT, t + 1800);
  }
  store_actor_t a = {STORE_ACTOR_PERSON, p->id, NULL, 0};
  int64_t id;
  /* the configuration items come with the tickets: the desk's list grows */
  int rc = store_entry_ensure(d->db, "ci", ci, NULL);
  if (!rc) rc = desk_ticket_insert(d->db, &tk, &a, &id);
  if (!rc && agent) {
    const char *said = NULL;
    int64_t at = tk.v[STORE_TF_FIRST_RESPONSE_AT].i; /* the first answer, as the ticket says */
    if (is_done) said = fr ? sc->resolution_fr : sc->resolution_en, at = done;
    else if (strcmp(status, "pending") == 0)
      said = fr ? "Pouvez-vous me dire quand vous êtes disponible pour une prise en main à distance ?"
                : "Could you tell me when you are available for a remote session?";
    else if (strcmp(status, "open") == 0)
      said = fr ? "Bien reçu, je regarde et je reviens vers vous."
                : "Received: I am looking into it and will get back to you.";
    if (said) rc = demo_agent_says(d, id, agent, said, at);
  }
  if (!rc) rc = demo_asked_again(d, &tk, id, t, now_end, fr);
  if (!rc) d->last_id = id;
  if (!rc && !burst && !vague && d->orig)
    d->orig[d->norig++] = (struct demo_orig){id, t, done, agent, sc, filed, p};
  free(title);
  free(desc);
  free(ci);
  store_ticket_clear(&tk);
  return rc;
}

/* ---- Reworded duplicates --------------------------------------------------------
 * Some people file the same problem twice while the first ticket is still
 * open: other words (another title and description of the scenario,
 * sometimes "again"), minutes to a day later. The desk closed the copy as
 * a duplicate and said so (a "duplicate" signal, copy -> original: what
 * the duplicate check and the ranker are measured and trained on). */
#define DEMO_DUPLICATE 0.04 /* share of ordinary tickets filed again */

/* The copy's words: the original's title behind a "still"/"again", and a
 * word of context before the start of its description (its first
 * sentence, or all of it). */
static char *demo_reword_title(demo_t *d, const char *title, int fr) {
  static const char *const pre_fr[] = {"Relance : ", "Toujours : ", "Re : ", "URGENT - ", NULL};
  static const char *const pre_en[] = {"Again: ", "Still: ", "Re: ", "URGENT - ", NULL};
  const char *pre = rng_pick(&d->rng, fr ? pre_fr : pre_en);
  size_t n = strlen(pre) + strlen(title) + 1;
  char *out = util_xmalloc(n);
  snprintf(out, n, "%s%s", pre, title);
  return out;
}

static char *demo_reword_desc(demo_t *d, const char *desc, int fr) {
  static const char *const lead_fr[] = {"Je l'ai déjà signalé mais ça ne marche toujours pas. ",
                                        "Désolé d'insister : ", "Suite à ma demande de tout à l'heure. ",
                                        "Personne ne m'a répondu. ", NULL};
  static const char *const lead_en[] = {"I already reported this but it is still not working. ",
                                        "Sorry to insist: ", "Following up on my earlier request. ",
                                        "Nobody got back to me. ", NULL};
  const char *lead = rng_pick(&d->rng, fr ? lead_fr : lead_en), *dot = strstr(desc, ". ");
  size_t keep = dot && rng_unit(&d->rng) < 0.5 ? (size_t)(dot - desc) + 1 : strlen(desc);
  size_t n = strlen(lead) + keep + 1;
  char *out = util_xmalloc(n);
  snprintf(out, n, "%s%.*s", lead, (int)keep, desc);
  return out;
}

/* What the duplicate check said when ticket id (tk) came in. */
static int demo_flag(demo_t *d, int64_t id, const store_ticket_t *tk) {
  desk_dup_q_t q = {.title = tk->v[STORE_TF_TITLE].s, .description = tk->v[STORE_TF_DESCRIPTION].s,
                    .requester_id = tk->v[STORE_TF_REQUESTER_ID].i, .exclude = id,
                    .at = tk->v[STORE_TF_CREATED_AT].i, .category = tk->v[STORE_TF_CATEGORY].s};
  desk_dup_t best;
  int rc = desk_duplicate_check(d->db, &q, &best, NULL, NULL);
  return rc ? rc : desk_dup_record(d->db, id, &best);
}

static int demo_copy(demo_t *d, const struct demo_orig *o) {
  int64_t until = o->done ? o->done : d->cfg->end_day - 3600;
  if (until > o->t + (int64_t)30 * 3600) until = o->t + (int64_t)30 * 3600;
  if (until - o->t < 1800) return 0; /* solved too soon to be asked twice */
  int fr = o->p->fr;
  int64_t t = o->t + 600 + (int64_t)((double)(until - o->t - 600) * rng_unit(&d->rng));
  store_ticket_t tk, was;
  if (store_ticket_get(d->db, o->id, &was)) return UTIL_E_DB;
  store_ticket_init(&tk);
  char *title = demo_reword_title(d, was.v[STORE_TF_TITLE].s, fr);
  char *desc = demo_reword_desc(d, was.v[STORE_TF_DESCRIPTION].s, fr);
  store_ticket_clear(&was);
  int64_t closed = t + (int64_t)60 * rng_int(&d->rng, 20, 240);
  int done = closed < d->cfg->end_day - 60;
  char res[96];
  snprintf(res, sizeof res, fr ? "Doublon du ticket #%lld." : "Duplicate of ticket #%lld.", (long long)o->id);
  store_ticket_set_text(&tk, STORE_TF_TITLE, title);
  store_ticket_set_text(&tk, STORE_TF_DESCRIPTION, desc);
  store_ticket_set_int(&tk, STORE_TF_REQUESTER_ID, o->p->id);
  store_ticket_set_text(&tk, STORE_TF_STATUS, done ? "closed" : "new");
  store_ticket_set_text(&tk, STORE_TF_CATEGORY, o->filed->category);
  store_ticket_set_int(&tk, STORE_TF_IMPACT, o->sc->impact);
  store_ticket_set_int(&tk, STORE_TF_URGENCY, o->sc->urgency);
  store_ticket_set_int(&tk, STORE_TF_PRIORITY, desk_itil_priority(o->sc->impact, o->sc->urgency));
  store_ticket_set_text(&tk, STORE_TF_SERVICE, o->sc->service);
  store_ticket_set_text(&tk, STORE_TF_SOURCE, "web");
  store_ticket_set_text(&tk, STORE_TF_LANGUAGE, fr ? "fr" : "en");
  store_ticket_set_int(&tk, STORE_TF_CREATED_AT, t);
  if (done) {
    store_ticket_set_text(&tk, STORE_TF_RESOLUTION, res);
    store_ticket_set_int(&tk, STORE_TF_RESOLVED_AT, closed);
    store_ticket_set_int(&tk, STORE_TF_UPDATED_AT, closed);
    if (o->agent) store_ticket_set_int(&tk, STORE_TF_ASSIGNEE_ID, o->agent);
  }
  store_actor_t a = {STORE_ACTOR_PERSON, o->p->id, NULL, 0};
  int64_t id;
  int rc = desk_ticket_insert(d->db, &tk, &a, &id);
  /* the flags a desk looks at are its recent tickets': older copies were dealt with */
  if (!rc && t >= d->cfg->end_day - (int64_t)14 * 86400) rc = demo_flag(d, id, &tk);
  if (!rc) rc = store_similar_signal(d->db, id, o->id, "duplicate", o->agent ? o->agent : d->admin_id);
  if (!rc) d->n.duplicates++;
  free(title);
  free(desc);
  store_ticket_clear(&tk);
  return rc;
}

/* Copies of some originals, after every other ticket (the others keep
 * their ids and contents for a seed). */
static int demo_copies(demo_t *d) {
  int rc = 0;
  for (int i = 0; i < d->norig && !rc; i++)
    if (rng_unit(&d->rng) < DEMO_DUPLICATE) rc = demo_copy(d, &d->orig[i]);
  return rc;
}

/* The desk's categories and services, with their French and English
 * labels (the demo's tickets hold the category's English name and the
 * service's French one). */
static int demo_lists(store_t *s) {
  static const char *const lists[][4] = {
      {"category", "Access", "Accès et comptes", "Access and accounts"},
      {"category", "Email", "Messagerie", "Email"},
      {"category", "Hardware", "Matériel", "Hardware"},
      {"category", "Network", "Réseau", "Network"},
      {"category", "Onboarding", "Arrivées et départs", "Joiners and leavers"},
      {"category", "Printing", "Impression", "Printing"},
      {"category", "Security", "Sécurité", "Security"},
      {"category", "Software", "Logiciels", "Software"},
      {"category", "Storage", "Stockage et partages", "Storage"},
      {"category", "Telephony", "Téléphonie", "Telephony"},
      {"service", "Annuaire", "Annuaire", "Directory"},
      {"service", "ERP", "ERP", "ERP"},
      {"service", "Impression", "Impression", "Printing"},
      {"service", "Messagerie", "Messagerie", "Email"},
      {"service", "Parc PC", "Parc PC", "PC fleet"},
      {"service", "Partages de fichiers", "Partages de fichiers", "File shares"},
      {"service", "Téléphonie", "Téléphonie", "Telephony"},
      {"service", "VPN", "VPN", "VPN"},
      {"service", "Wi-Fi", "Wi-Fi", "Wi-Fi"},
  };
  int rc = 0;
  for (size_t i = 0; i < sizeof lists / sizeof *lists && !rc; i++) {
    store_entry_t e = {.name = (char *)lists[i][1], .label_fr = (char *)lists[i][2],
                       .label_en = (char *)lists[i][3]};
    snprintf(e.kind, sizeof e.kind, "%s", lists[i][0]);
    rc = store_entry_insert(s, &e, NULL);
    if (rc == UTIL_E_CONFLICT) rc = 0; /* a second demo into the same file */
  }
  return rc;
}

int demo_generate(store_t *s, const demo_config_t *cfg, demo_counts_t *out) {
  demo_t *d = util_xcalloc(1, sizeof *d);
  d->rng.s = cfg->seed;
  d->db = s;
  d->cfg = cfg;
  int rc = store_begin(s);
  if (rc) goto done;
  rc = demo_people(d);
  /* a desk in Paris: office hours and the French public holidays that
   * fall on the same date every year */
  static const char *const calendar[][2] = {
      {"calendar.timezone", "Europe/Paris"},
      {"calendar.hours", "mon-fri 08:00-18:00"},
      {"calendar.holidays", "01-01, 05-01, 05-08, 07-14, 08-15, 11-01, 11-11, 12-25"},
  };
  for (size_t i = 0; i < sizeof calendar / sizeof *calendar && !rc; i++)
    rc = store_setting_set(s, calendar[i][0], calendar[i][1]);
  if (!rc) rc = demo_lists(s);
  /* the portal's request templates and the desk's shared macros; the
   * escalation goes to the network team */
  if (!rc) rc = demo_forms(s, d->admin_id, d->group_ids[demo_group_index(d, "Réseau & Infrastructure")]);
  /* the knowledge base, written by the first agent of the first line of
   * support, read and rated by the requesters */
  if (!rc) {
    int64_t voters[DEMO_REQUESTERS];
    for (int i = 0; i < DEMO_REQUESTERS; i++) voters[i] = d->req[i].id;
    int g = demo_group_index(d, "Service Desk N1");
    rc = demo_kb(s, d->nagents[g] ? d->agents[g][0] : d->admin_id, voters, DEMO_REQUESTERS, cfg->seed, &d->n.articles);
  }
  d->orig = util_xcalloc((size_t)(cfg->tickets > 0 ? cfg->tickets : 1), sizeof *d->orig);
  for (int i = 0; i < cfg->tickets && !rc; i++) {
    if (demo_ticket(d, demo_scenario(d), demo_when(d), 0) == 0) d->n.tickets++;
    else rc = UTIL_E_DB;
  }
  /* The hidden incident: the VPN gateway fails on a Tuesday about three
   * weeks before the end, and dozens of people report it within two hours. */
  int64_t day = cfg->end_day - (int64_t)(cfg->days > 30 ? 23 : cfg->days / 2) * 86400;
  while ((((day / 86400) + 4) % 7) != 2) day -= 86400;
  int64_t t0 = day + (int64_t)8 * 3600 + (int64_t)5 * 60; /* 08:05 UTC, 09:05 in Paris */
  int64_t first = 0; /* the burst's reports are one outage: the first one's duplicates */
  for (int i = 0; i < 48 && !rc; i++) {
    int64_t t = t0 + (int64_t)(7200.0 * i / 48.0) + rng_int(&d->rng, 0, 120);
    rc = demo_ticket(d, &demo_scenarios[0], t, 1);
    if (!rc && first) rc = store_similar_signal(d->db, d->last_id, first, "duplicate", d->admin_id);
    if (!rc && !first) first = d->last_id;
    if (!rc) d->n.burst++;
  }
  if (!rc) rc = demo_copies(d);
  if (!rc) rc = store_commit(s);
  if (rc) store_rollback(s);
done:
  if (out) *out = d->n;
  free(d->orig);
  free(d);
  return rc;
}
