/* /api/v1/tickets/{id}/attachments: files on a ticket and on its replies.
 *
 * An upload is the file's raw bytes (Content-Type: application/octet-stream)
 * with its name in the query string, one file a request: the body goes
 * straight into the transport's capped buffer with no multipart boundary
 * to parse, each file gets its own answer (and its own error), and the
 * API's other routes stay JSON only. The type is read from the bytes
 * (desk_attach_sniff); a download is served with that type, as an
 * attachment (a safe raster image may be inline), nosniff and a sandbox
 * policy, so that no file ever runs as part of the desk's pages. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

#define MB ((int64_t)1 << 20)

int64_t api_attachment_max(store_t *db) {
  return store_setting_int(db, "limits.attachment_mb", 10) * MB;
}

json_t *api_attachment_limits_json(store_t *db) {
  int64_t ticket = store_setting_int(db, "limits.ticket_attachments_mb", 50) * MB;
  int64_t files = store_setting_int(db, "limits.ticket_attachments", 100);
  return json_pack("{s:I, s:I, s:I}", "attachment_bytes", (json_int_t)api_attachment_max(db),
                   "ticket_attachments_bytes", (json_int_t)ticket, "ticket_attachments",
                   (json_int_t)files);
}

/* A refusal with, beside code, message and field, the reason a program
 * reads (a UTIL_WHY_*; the web UI says it in the user's language) and, for
 * a limit, the limit ("max"; -1: none). */
static void attach_refuse(api_call_t *c, int err, const char *field, int reason, int64_t max,
                          const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void attach_refuse(api_call_t *c, int err, const char *field, int reason, int64_t max,
                          const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  util_why_t why = {.reason = reason, .has_max = max >= 0, .max = max};
  api_refuse(c, err, field, &why, "%s", msg);
}

static json_t *attach_json(const store_attachment_t *a, int agent) {
  char url[96];
  snprintf(url, sizeof url, "/api/v1/tickets/%lld/attachments/%lld", (long long)a->ticket_id,
           (long long)a->id);
  json_t *j = json_pack("{s:I, s:I, s:o, s:s, s:s, s:I, s:s, s:b, s:I, s:s?, s:o, s:s, s:b, s:b}",
                        "id", (json_int_t)a->id, "ticket_id", (json_int_t)a->ticket_id,
                        "comment_id", a->comment_id ? json_integer(a->comment_id) : json_null(),
                        "name", a->name, "content_type", a->content_type, "size",
                        (json_int_t)a->size, "sha256", a->sha256, "inline",
                        desk_attach_inline(a->content_type), "uploaded_by",
                        (json_int_t)a->uploaded_by, "uploader_name", a->uploader_name,
                        "created_at", api_time_json(a->created_at), "url", url, "internal",
                        a->internal, "hidden", a->hidden_by != 0);
  if (j && agent)
    json_object_set_new(j, "hidden_by", a->hidden_by_name ? json_string(a->hidden_by_name) : json_null());
  return j;
}

/* ---- The list ------------------------------------------------------------- */
typedef struct {
  json_t *items;
  int agent;
} attach_list_t;

static int attach_list_one(const store_attachment_t *a, void *arg) {
  attach_list_t *l = arg;
  json_t *j = attach_json(a, l->agent);
  if (j) json_array_append_new(l->items, j);
  return 0;
}

/* Every file the caller may see, oldest first: no pages, as a ticket holds
 * at most limits.ticket_attachments of them. */
void api_attachments_list(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  attach_list_t l = {json_array(), api_role_at_least(c, STORE_ROLE_AGENT)};
  int rc = store_attachment_each(c->db, c->id[0], !l.agent, attach_list_one, &l);
  if (rc) {
    json_decref(l.items);
    api_error(c, rc, NULL, "cannot read the ticket's attachments");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", l.items));
}

/* ---- Upload --------------------------------------------------------------- */

/* The comment a file goes with (query parameter comment_id), into *out (0:
 * the ticket itself): one of the caller's own on this ticket. Replies. */
static int attach_comment(api_call_t *c, int64_t *out) {
  int present = 0;
  *out = 0;
  if (api_arg_int(c, "comment_id", 1, INT64_MAX, out, &present)) return UTIL_E_INVALID;
  if (!present) return 0;
  store_comment_t cm;
  int rc = store_comment_get(c->db, c->id[0], *out, &cm);
  int mine = !rc && cm.author_id == c->user.id;
  int seen = !rc && (!cm.internal || api_role_at_least(c, STORE_ROLE_AGENT));
  store_comment_clear(&cm);
  if (rc == UTIL_E_NOTFOUND || (!rc && !seen)) {
    api_error(c, UTIL_E_NOTFOUND, "comment_id", "ticket %lld has no comment %lld",
              (long long)c->id[0], (long long)*out);
    return UTIL_E_NOTFOUND;
  }
  if (rc) {
    api_error(c, rc, "comment_id", "cannot read the comment");
    return rc;
  }
  if (!mine) {
    attach_refuse(c, UTIL_E_FORBIDDEN, "comment_id", UTIL_WHY_NOT_AUTHOR, -1,
                  "a file goes with one's own reply or note, not comment %lld", (long long)*out);
    return UTIL_E_FORBIDDEN;
  }
  return 0;
}

/* The caps of one ticket, checked in the upload's transaction so that two
 * uploads cannot both slip under them. Replies and returns 1 when over. */
static int attach_over_cap(api_call_t *c, int64_t size) {
  int64_t n = 0, bytes = 0;
  int rc = store_attachment_stats(c->db, c->id[0], &n, &bytes);
  if (rc) {
    api_error(c, rc, NULL, "cannot count the ticket's attachments");
    return 1;
  }
  int64_t max_n = store_setting_int(c->db, "limits.ticket_attachments", 100);
  int64_t max_mb = store_setting_int(c->db, "limits.ticket_attachments_mb", 50);
  if (n >= max_n) {
    attach_refuse(c, UTIL_E_TOOBIG, "file", UTIL_WHY_LIMIT_REACHED, max_n,
                  "ticket %lld has %lld files, the most one ticket takes"
                  " (limits.ticket_attachments)", (long long)c->id[0], (long long)n);
    return 1;
  }
  if (bytes + size > max_mb * MB) {
    attach_refuse(c, UTIL_E_TOOBIG, "file", UTIL_WHY_TICKET_FULL, max_mb * MB,
                  "ticket %lld's files would pass %lld MB in all, the most one ticket takes"
                  " (limits.ticket_attachments_mb)", (long long)c->id[0], (long long)max_mb);
    return 1;
  }
  return 0;
}

static void attach_sha256(const void *p, size_t n, char out[2 * crypto_hash_sha256_BYTES + 1]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, p, n);
  sodium_bin2hex(out, 2 * crypto_hash_sha256_BYTES + 1, h, sizeof h);
}

/* The file itself: its name made safe, within the per-file cap, not empty,
 * not a program. Fills name and sn; replies and returns an error. */
static int attach_check_file(api_call_t *c, char name[DESK_ATTACH_NAME_IN + 1], desk_sniff_t *sn) {
  desk_err_t e = {0};
  const char *given = api_arg(c, "filename");
  if (desk_attach_name(given, given ? strlen(given) : 0, name, &e)) {
    api_desk_error(c, &e);
    return e.code;
  }
  int64_t max = api_attachment_max(c->db);
  if (c->req->body_too_large || (int64_t)c->req->body_len > max) {
    attach_refuse(c, UTIL_E_TOOBIG, "file", UTIL_WHY_FILE_TOO_LARGE, max,
                  "the file is larger than %lld MB, the most one file may be"
                  " (limits.attachment_mb)", (long long)(max / MB));
    return UTIL_E_TOOBIG;
  }
  if (!c->req->body_len) {
    attach_refuse(c, UTIL_E_INVALID, "file", UTIL_WHY_EMPTY_FILE, -1,
                  "the file is empty: send its bytes as the request body");
    return UTIL_E_INVALID;
  }
  desk_attach_sniff(c->req->body, c->req->body_len, sn);
  if (sn->program) {
    attach_refuse(c, UTIL_E_MEDIATYPE, "file", UTIL_WHY_FILE_TYPE_REFUSED, -1,
                  "'%s' is %s: programs are not taken", name, sn->program);
    return UTIL_E_MEDIATYPE;
  }
  return 0;
}

void api_attachments_create(api_call_t *c) {
  char name[DESK_ATTACH_NAME_IN + 1], sha[2 * crypto_hash_sha256_BYTES + 1];
  desk_sniff_t sn = {"application/octet-stream", 0, NULL};
  desk_err_t e = {0};
  int64_t comment_id;
  const char *reopen;
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  /* a requester adds nothing to a closed ticket, as they cannot reply to it */
  int rc = desk_reply_status(c->id[0], t.v[STORE_TF_STATUS].s, c->user.role, 0, &reopen, &e);
  store_ticket_clear(&t);
  if (rc) {
    api_desk_error(c, &e);
    return;
  }
  if (attach_comment(c, &comment_id) || attach_check_file(c, name, &sn)) return;
  attach_sha256(c->req->body, c->req->body_len, sha);
  store_attachment_t a = {.ticket_id = c->id[0], .comment_id = comment_id, .name = name,
                          .content_type = (char *)sn.type, .size = (int64_t)c->req->body_len,
                          .sha256 = sha, .uploaded_by = c->user.id,
                          .uploader_name = c->user.name};
  store_actor_t who = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  rc = store_begin(c->db);
  if (!rc && attach_over_cap(c, a.size)) {
    store_rollback(c->db);
    return;
  }
  if (!rc) rc = store_attachment_insert(c->db, &a, c->req->body, &who);
  rc = api_txn_end(c, rc);
  if (rc) {
    api_error(c, rc, NULL, "cannot store the file");
    return;
  }
  api_reply(c, 201, attach_json(&a, api_role_at_least(c, STORE_ROLE_AGENT)));
}

/* ---- Download ------------------------------------------------------------- */

/* Content-Disposition for name: a plain ASCII filename for old clients
 * (each other character, and the quote, backslash and percent sign, as
 * '_') and the exact name as RFC 5987's UTF-8 filename*. */
static void attach_disposition(const char *name, int show, char *out, size_t len) {
  static const char attr[] = "!#$&+-.^_`|~"; /* attr-char besides letters and digits */
  util_buf_t b;
  util_buf_init(&b, len - 1);
  util_buf_printf(&b, "%s; filename=\"", show ? "inline" : "attachment");
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if (*p >= 0x80 && (*p & 0xC0) == 0x80) continue; /* one '_' per character */
    int plain = *p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\' && *p != '%';
    util_buf_putc(&b, plain ? (char)*p : '_');
  }
  util_buf_puts(&b, "\"; filename*=UTF-8''");
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr(attr, *p))
      util_buf_putc(&b, (char)*p);
    else util_buf_printf(&b, "%%%02X", *p);
  }
  /* a name is at most DESK_ATTACH_NAME_MAX bytes: 1 + 3 bytes each fit */
  snprintf(out, len, "%s", util_buf_error(&b) ? "attachment" : util_buf_cstr(&b));
  util_buf_free(&b);
}

/* Whether If-None-Match names etag (or is "*"). */
static int attach_fresh(const char *inm, const char *etag) {
  return inm && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL);
}

void api_attachments_get(api_call_t *c) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  const char *inl = api_arg(c, "inline");
  if (inl && strcmp(inl, "1") != 0 && strcmp(inl, "0") != 0) {
    api_error(c, UTIL_E_INVALID, "inline", "query parameter 'inline' must be 1 or 0");
    return;
  }
  int desk = api_role_at_least(c, STORE_ROLE_AGENT);
  store_attachment_t a;
  void *data = NULL;
  int rc = store_attachment_get(c->db, c->id[0], c->id[1], !desk, &a, NULL);
  api_response_t *r = c->resp;
  if (!rc) {
    /* the bytes never change: their hash is the tag, and a browser that
     * has them asks again (no-cache) only to be told so, after the checks */
    snprintf(r->etag, sizeof r->etag, "\"%.24s\"", a.sha256);
    r->cache_control = "private, no-cache";
    if (attach_fresh(c->req->if_none_match, r->etag)) {
      store_attachment_clear(&a);
      api_reply_text(c, 304, "text/plain", "");
      return;
    }
    store_attachment_clear(&a);
    rc = store_attachment_get(c->db, c->id[0], c->id[1], !desk, &a, &data);
  }
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "ticket %lld has no file %lld", (long long)c->id[0], (long long)c->id[1]);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot read file %lld", (long long)c->id[1]);
    return;
  }
  r->status = 200;
  snprintf(r->type_buf, sizeof r->type_buf, "%s", a.content_type);
  r->content_type = r->type_buf;
  r->blob = data;
  r->blob_len = (size_t)a.size;
  attach_disposition(a.name, inl && inl[0] == '1' && desk_attach_inline(a.content_type),
                     r->disposition, sizeof r->disposition);
  /* opened on its own, a file is a sandboxed document that loads nothing */
  r->csp = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
  store_attachment_clear(&a);
}

/* POST …/attachments/{id}/hide and /show: an agent hides an abusive file
 * from the requester (or shows it again); nothing is deleted. */
static void attach_hide(api_call_t *c, int hide) {
  store_ticket_t t;
  store_ticket_init(&t);
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  store_actor_t a = {STORE_ACTOR_PERSON, c->user.id, NULL, 0};
  int changed = 0, rc = store_attachment_hide(c->db, c->id[0], c->id[1], hide, &a, &changed);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "ticket %lld has no file %lld the requester could see (an internal"
              " note's files are never shown)", (long long)c->id[0], (long long)c->id[1]);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot %s the file", hide ? "hide" : "show");
    return;
  }
  api_reply(c, 200, json_pack("{s:I, s:b, s:b}", "id", (json_int_t)c->id[1], "hidden", hide,
                              "changed", changed));
}

void api_attachments_hide(api_call_t *c) { attach_hide(c, 1); }
void api_attachments_show(api_call_t *c) { attach_hide(c, 0); }
