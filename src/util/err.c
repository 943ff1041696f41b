/* The program-wide error table (see UTIL_ERR_MAP in util.h) and the reasons
 * a refused input gives (UTIL_WHY_MAP). */
#include "util.h"

typedef struct {
  const char *code;
  int status;
  const char *message;
} err_row_t;

static const err_row_t err_rows[] = {
#define ERR_ROW_(name, code, status, msg) {code, status, msg},
    UTIL_ERR_MAP(ERR_ROW_)
#undef ERR_ROW_
};

static const err_row_t *err_find(int err) {
  if (err <= UTIL_ERR_BASE_ || err >= UTIL_ERR_END_) return NULL;
  return &err_rows[err - UTIL_ERR_BASE_ - 1];
}

const char *util_err_code(int err) {
  const err_row_t *r = err_find(err);
  return r ? r->code : "unknown";
}

const char *util_err_message(int err) {
  const err_row_t *r = err_find(err);
  return r ? r->message : "unknown error";
}

int util_err_http_status(int err) {
  const err_row_t *r = err_find(err);
  return r ? r->status : 500;
}

static const char *const why_names[] = {
#define WHY_ROW_(name, text) text,
    UTIL_WHY_MAP(WHY_ROW_)
#undef WHY_ROW_
};

const char *util_why_name(int reason) {
  if (reason <= UTIL_WHY_NONE || reason >= UTIL_WHY_END_) return NULL;
  return why_names[reason - 1];
}
