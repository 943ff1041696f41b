/* A binary logistic regression over a few dense features (LIBLINEAR's
 * L2-regularised primal solver), for rankers that learn from people's
 * choices: which of a list of candidates they took. */
#include <linear.h>
#include <math.h>
#include <stdlib.h>

#include "ml_int.h"

int ml_logistic_fit(size_t n, int d, const double *x, const int *y, double C, double *w) {
  if (n == 0 || d <= 0 || d > ML_LOGISTIC_MAX || C <= 0) return UTIL_E_INVALID;
  int pos = 0;
  for (size_t i = 0; i < n; i++) pos += y[i] != 0;
  if (pos == 0 || (size_t)pos == n) return UTIL_E_INVALID; /* one class: nothing to learn */
  /* each row: d features, the bias node (index d+1), the terminator */
  struct feature_node *nodes = util_xcalloc(n * (size_t)(d + 2), sizeof *nodes);
  struct feature_node **rows = util_xcalloc(n, sizeof(struct feature_node *));
  double *lab = util_xcalloc(n, sizeof *lab);
  for (size_t i = 0; i < n; i++) {
    struct feature_node *r = rows[i] = nodes + i * (size_t)(d + 2);
    for (int j = 0; j < d; j++) r[j] = (struct feature_node){j + 1, x[i * (size_t)d + (size_t)j]};
    r[d] = (struct feature_node){d + 1, 1.0};
    r[d + 1] = (struct feature_node){-1, 0};
    lab[i] = y[i] ? +1 : -1;
  }
  struct problem prob = {.l = (int)n, .n = d + 1, .y = lab, .x = rows, .bias = 1.0};
  struct parameter par = {.solver_type = L2R_LR, .eps = 0.001, .C = C};
  set_print_string_function(ml_quiet);
  ml_rand_seed(1);
  struct model *m = train(&prob, &par);
  /* LIBLINEAR's first label is the first one it met: flip when it is -1 */
  double sign = m->label[0] == +1 ? 1.0 : -1.0;
  for (int j = 0; j <= d; j++) w[j] = sign * m->w[j];
  free_and_destroy_model(&m);
  free(nodes);
  free(rows);
  free(lab);
  for (int j = 0; j <= d; j++)
    if (!isfinite(w[j])) return UTIL_E_INVALID;
  return 0;
}
