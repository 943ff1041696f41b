/* /api/v1/users and /api/v1/groups: agents read them (to assign work),
 * admins manage them. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

static const char *const users_langs[] = {"", "fr", "en", NULL};

static int users_lang_ok(api_call_t *c, const char *lang) {
  for (const char *const *l = users_langs; *l; l++)
    if (strcmp(*l, lang) == 0) return 0;
  api_refuse(c, UTIL_E_INVALID, "lang", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = users_langs},
             "'lang' must be \"fr\", \"en\" or \"\"");
  return UTIL_E_INVALID;
}

static const char *const users_role_names[] = {"requester", "agent", "admin", NULL};

static int users_role(api_call_t *c, const char *s, store_role_t *out) {
  *out = store_role_parse(s);
  if (*out != STORE_ROLE_NONE) return 0;
  api_refuse(c, UTIL_E_INVALID, "role", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = users_role_names},
             "'role' must be requester, agent or admin");
  return UTIL_E_INVALID;
}

static int users_one(const store_user_t *u, void *arg) {
  json_t *items = arg;
  json_array_append_new(items, api_user_json(u));
  return 0;
}

/* ?role=agent,admin: a comma list of roles into a bit set (1u << role).
 * Replies 400 naming 'role' when one is unknown. */
static int users_roles(api_call_t *c, unsigned *out) {
  const char *roles = api_arg(c, "role");
  char buf[64];
  *out = 0;
  if (!roles) return 0;
  if (strlen(roles) >= sizeof buf) {
    api_error(c, UTIL_E_INVALID, "role", "'role' is a comma list of requester, agent, admin");
    return UTIL_E_INVALID;
  }
  strcpy(buf, roles);
  char *save = NULL;
  for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
    store_role_t role = store_role_parse(r);
    if (role == STORE_ROLE_NONE) {
      api_error(c, UTIL_E_INVALID, "role", "unknown role '%.20s' (requester, agent, admin)", r);
      return UTIL_E_INVALID;
    }
    *out |= 1u << role;
  }
  return 0;
}

/* GET /api/v1/users: role (comma list), q (substring of name or e-mail,
 * without case or accents), active (true: active users only, false: disabled
 * users only), limit (1..100, default 50),
 * cursor; id order, key-set pages. The pickers search here instead of
 * downloading every user. */
void api_users_list(api_call_t *c) {
  store_user_query_t q = {0};
  int64_t limit = 50;
  int more = 0;
  const char *active = api_arg(c, "active");
  q.q = api_arg(c, "q");
  if (users_roles(c, &q.roles) || api_arg_cursor(c, 'u', &q.after_id) ||
      api_arg_int(c, "limit", 1, STORE_USER_PAGE_MAX, &limit, NULL))
    return;
  if (q.q && strlen(q.q) > STORE_USER_Q_MAX) {
    api_error(c, UTIL_E_INVALID, "q", "'q' is at most %d bytes", STORE_USER_Q_MAX);
    return;
  }
  if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0) {
    api_error(c, UTIL_E_INVALID, "active", "'active' must be true or false");
    return;
  }
  q.active = !active ? 0 : strcmp(active, "true") == 0 ? 1 : -1;
  q.limit = (int)limit;
  json_t *items = json_array();
  int rc = store_user_search(c->db, &q, users_one, items, &more);
  if (rc) {
    json_decref(items);
    if (rc == UTIL_E_BADUTF8) api_error(c, rc, "q", "'q' is not valid UTF-8");
    else api_error(c, rc, NULL, "cannot list users");
    return;
  }
  api_reply(c, 200, api_page_json(items, more, 'u'));
}

void api_users_get(api_call_t *c) {
  store_user_t u = {0};
  int rc = store_user_get(c->db, c->id[0], &u);
  if (rc) api_error(c, rc, NULL, "no user %lld", (long long)c->id[0]);
  else api_reply(c, 200, api_user_json(&u));
  store_user_clear(&u);
}

void api_users_create(api_call_t *c) {
  static const char *const allowed[] = {"email", "name", "role", "password", "lang", "vip", NULL};
  const char *email, *name, *role, *password, *lang;
  int vip = 0;
  char *hash = NULL;
  store_user_t u = {0};
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "email", 3, 254, 0, &email, NULL) ||
      api_field_string(c, "name", 1, 200, 0, &name, NULL) ||
      api_field_string(c, "role", 1, 20, 0, &role, NULL) ||
      api_field_string(c, "password", 8, 1024, 1, &password, NULL) ||
      api_field_string(c, "lang", 0, 2, 0, &lang, NULL) ||
      api_field_bool(c, "vip", &vip, NULL))
    return;
  const char *missing = !email ? "email" : !name ? "name" : !role ? "role" : NULL;
  if (missing) {
    api_refuse(c, UTIL_E_INVALID, missing, API_WHY(REQUIRED), "'%s' is required", missing);
    return;
  }
  if (!strchr(email, '@')) {
    api_refuse(c, UTIL_E_INVALID, "email", API_WHY(NOT_EMAIL), "'email' must be an e-mail address");
    return;
  }
  if (users_role(c, role, &u.role) || (lang && users_lang_ok(c, lang))) return;
  if (password && api_password_acceptable(c, "password", password, email)) return;
  if (password && api_password_hash(password, &hash)) {
    api_error(c, UTIL_E_NOMEM, "password", "cannot hash the password");
    return;
  }
  u.email = (char *)email;
  u.name = (char *)name;
  u.lang = (char *)(lang ? lang : "");
  u.vip = vip;
  u.active = 1;
  int rc = store_begin(c->db);
  if (!rc) rc = store_user_insert(c->db, &u, hash, &u.id);
  if (!rc)
    rc = api_audit(c, "user.create", "user", u.id, u.email,
                   json_pack("{s:s, s:s, s:s, s:b, s:b}", "name", u.name, "role",
                             store_role_name(u.role), "lang", u.lang, "vip", u.vip, "password",
                             hash != NULL));
  rc = api_txn_end(c, rc);
  free(hash);
  if (rc == UTIL_E_CONFLICT) {
    api_refuse(c, rc, "email", API_WHY(TAKEN), "a user with this e-mail already exists");
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot create the user");
    return;
  }
  store_user_t back = {0};
  rc = store_user_get(c->db, u.id, &back);
  if (rc) api_error(c, rc, NULL, "cannot read the user back");
  else api_reply(c, 201, api_user_json(&back));
  store_user_clear(&back);
}

/* What a change did to a user: {"role": ["agent", "admin"], …}, and
 * "password": "reset" (never the password). */
static json_t *users_changes(const json_t *before, const store_user_t *u, int password) {
  static const char *const keys[] = {"name", "role", "lang", "vip", "active"};
  json_t *after = api_user_json(u), *ch = json_object();
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    api_audit_change(ch, keys[i], json_incref(json_object_get(before, keys[i])),
                     json_incref(json_object_get(after, keys[i])));
  if (password) json_object_set_new(ch, "password", json_string("reset"));
  json_decref(after);
  return ch;
}

void api_users_patch(api_call_t *c) {
  static const char *const allowed[] = {"name", "role", "password", "lang", "vip", "active", NULL};
  const char *name, *role, *password, *lang;
  int vip, active, has_vip, has_active;
  char *hash = NULL;
  store_user_t u = {0};
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "name", 1, 200, 0, &name, NULL) ||
      api_field_string(c, "role", 1, 20, 0, &role, NULL) ||
      api_field_string(c, "password", 8, 1024, 0, &password, NULL) ||
      api_field_string(c, "lang", 0, 2, 0, &lang, NULL) ||
      api_field_bool(c, "vip", &vip, &has_vip) ||
      api_field_bool(c, "active", &active, &has_active))
    return;
  int rc = store_user_get(c->db, c->id[0], &u);
  if (rc) {
    api_error(c, rc, NULL, "no user %lld", (long long)c->id[0]);
    return;
  }
  json_t *before = api_user_json(&u);
  if (role && users_role(c, role, &u.role)) goto out;
  if (lang && users_lang_ok(c, lang)) goto out;
  if (u.id == c->user.id && ((role && u.role != STORE_ROLE_ADMIN) || (has_active && !active))) {
    api_error(c, UTIL_E_CONFLICT, role ? "role" : "active",
              "admins cannot demote or disable themselves");
    goto out;
  }
  if (name) {
    free(u.name);
    u.name = util_xstrdup(name);
  }
  if (lang) {
    free(u.lang);
    u.lang = util_xstrdup(lang);
  }
  if (has_vip) u.vip = vip;
  if (has_active) u.active = active;
  if (password && api_password_acceptable(c, "password", password, u.email)) goto out;
  if (password && api_password_hash(password, &hash)) {
    api_error(c, UTIL_E_NOMEM, "password", "cannot hash the password");
    goto out;
  }
  /* a password reset ends the account's sessions (the admin's own but this one) */
  rc = store_begin(c->db);
  if (!rc) rc = store_user_update(c->db, &u, hash);
  if (!rc && hash) rc = store_sessions_end(c->db, u.id, u.id == c->user.id ? c->session_hash : NULL);
  if (!rc) rc = api_audit(c, hash ? "user.password_reset" : "user.update", "user", u.id, u.email,
                          users_changes(before, &u, hash != NULL));
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot update the user");
  else api_reply(c, 200, api_user_json(&u));
out:
  json_decref(before);
  free(hash);
  store_user_clear(&u);
}

/* ---- Groups --------------------------------------------------------------------- */
static int groups_member(int64_t uid, void *arg) {
  json_array_append_new(arg, json_integer(uid));
  return 0;
}

static json_t *groups_json(api_call_t *c, const store_group_t *g) {
  json_t *members = json_array();
  store_group_members(c->db, g->id, groups_member, members);
  return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)g->id, "name", g->name,
                   "description", g->description ? g->description : "", "member_ids",
                   members);
}

typedef struct {
  api_call_t *c;
  json_t *items;
} groups_each_t;

static int groups_one(const store_group_t *g, void *arg) {
  groups_each_t *e = arg;
  json_array_append_new(e->items, groups_json(e->c, g));
  return 0;
}

void api_groups_list(api_call_t *c) {
  groups_each_t e = {c, json_array()};
  int rc = store_group_each(c->db, groups_one, &e);
  if (rc) {
    json_decref(e.items);
    api_error(c, rc, NULL, "cannot list groups");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", e.items));
}

void api_groups_get(api_call_t *c) {
  store_group_t g = {0};
  int rc = store_group_get(c->db, c->id[0], &g);
  if (rc) api_error(c, rc, NULL, "no group %lld", (long long)c->id[0]);
  else api_reply(c, 200, groups_json(c, &g));
  store_group_clear(&g);
}

static void groups_write(api_call_t *c, int creating) {
  static const char *const allowed[] = {"name", "description", NULL};
  const char *name, *desc;
  store_group_t g = {0};
  if (api_body_object(c) || api_body_only(c, allowed) ||
      api_field_string(c, "name", 1, 100, 0, &name, NULL) ||
      api_field_string(c, "description", 0, 1000, 0, &desc, NULL))
    return;
  int rc = 0;
  json_t *ch = json_object();
  if (creating) {
    if (!name) {
      json_decref(ch);
      api_refuse(c, UTIL_E_INVALID, "name", API_WHY(REQUIRED), "'name' is required");
      return;
    }
    g.name = util_xstrdup(name);
    g.description = util_xstrdup(desc ? desc : "");
    if (*g.description) json_object_set_new(ch, "description", json_string(g.description));
    rc = store_begin(c->db);
    if (!rc) rc = store_group_insert(c->db, &g, &g.id);
  } else {
    rc = store_group_get(c->db, c->id[0], &g);
    if (rc) {
      json_decref(ch);
      api_error(c, rc, NULL, "no group %lld", (long long)c->id[0]);
      return;
    }
    if (name) api_audit_change(ch, "name", json_string(g.name), json_string(name));
    if (desc) api_audit_change(ch, "description", json_string(g.description), json_string(desc));
    if (name) {
      free(g.name);
      g.name = util_xstrdup(name);
    }
    if (desc) {
      free(g.description);
      g.description = util_xstrdup(desc);
    }
    rc = store_begin(c->db);
    if (!rc) rc = store_group_update(c->db, &g);
  }
  if (!rc) rc = api_audit(c, creating ? "group.create" : "group.update", "group", g.id, g.name, ch);
  else json_decref(ch);
  rc = api_txn_end(c, rc);
  if (rc == UTIL_E_CONFLICT) api_refuse(c, rc, "name", API_WHY(TAKEN), "a group with this name already exists");
  else if (rc) api_error(c, rc, NULL, "cannot save the group");
  else api_reply(c, creating ? 201 : 200, groups_json(c, &g));
  store_group_clear(&g);
}

void api_groups_create(api_call_t *c) { groups_write(c, 1); }
void api_groups_patch(api_call_t *c) { groups_write(c, 0); }

static void groups_membership(api_call_t *c, int add) {
  store_group_t g = {0};
  store_user_t u = {0};
  int rc = store_group_get(c->db, c->id[0], &g);
  if (rc) {
    api_error(c, rc, NULL, "no group %lld", (long long)c->id[0]);
    goto out;
  }
  rc = store_user_get(c->db, c->id[1], &u);
  if (rc) {
    api_error(c, rc, NULL, "no user %lld", (long long)c->id[1]);
    goto out;
  }
  if (add && u.role < STORE_ROLE_AGENT) {
    api_refuse(c, UTIL_E_INVALID, NULL, API_WHY(NOT_AGENT), "only agents and admins join assignment groups");
    goto out;
  }
  rc = store_begin(c->db);
  if (!rc)
    rc = add ? store_group_add_member(c->db, g.id, u.id)
             : store_group_remove_member(c->db, g.id, u.id);
  if (!rc)
    rc = api_audit(c, add ? "group.member_add" : "group.member_remove", "group", g.id, g.name,
                   json_pack("{s:I, s:s}", "user_id", (json_int_t)u.id, "email", u.email));
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot change the membership");
  else api_reply(c, 200, groups_json(c, &g));
out:
  store_group_clear(&g);
  store_user_clear(&u);
}

void api_groups_member_put(api_call_t *c) { groups_membership(c, 1); }
void api_groups_member_delete(api_call_t *c) { groups_membership(c, 0); }
