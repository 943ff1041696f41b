/* Seeded, reproducible sequences for shuffles and data splits. */
#include "util.h"

uint64_t util_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void util_shuffle(size_t *idx, size_t n, uint64_t *state) {
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)(util_splitmix64(state) % i), t = idx[i - 1];
    idx[i - 1] = idx[j];
    idx[j] = t;
  }
}
