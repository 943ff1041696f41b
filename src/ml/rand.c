/* A per-thread rand() for LIBLINEAR.
 *
 * LIBLINEAR's dual coordinate-descent solvers visit the examples in an
 * order drawn from rand(). The C library's rand() has one state for the
 * whole process, so two fits running on two threads interleave their draws
 * and the result depends on thread timing. This definition takes the place
 * of the C library's for the whole program (ELF symbol interposition, the
 * mechanism malloc replacements use) and draws from a state private to each
 * thread, which ml seeds before each fit: a training run is reproducible
 * for a given seed, whatever the number of threads. Nothing else in Relais
 * uses rand(). */
#include <stdint.h>
#include <stdlib.h>

#include "ml_int.h"

static _Thread_local uint64_t rand_state = 0x853c49e6748fea9bull;

void ml_rand_seed(uint64_t seed) { rand_state = seed * 2 + 1; }

int rand(void) {
  /* PCG-style LCG step with an xorshift output: plenty for shuffling */
  rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
  uint64_t x = rand_state;
  x ^= x >> 22;
  return (int)((x >> 33) & RAND_MAX);
}

void srand(unsigned seed) { ml_rand_seed(seed); }
