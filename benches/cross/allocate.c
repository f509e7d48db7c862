/* The national-year allocation through the C API: reads DIR/cards.i64 and DIR/orders.csv
 * (written by `cross data DIR`), times cie_allocate plus the per-quarter read-back five times and
 * prints the median in ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cie_pagamenti.h"

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: allocate DIR\n"); return 2; }
  char path[4096];
  snprintf(path, sizeof path, "%s/cards.i64", argv[1]);
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return 2; }
  fseek(f, 0, SEEK_END); long bytes = ftell(f); fseek(f, 0, SEEK_SET);
  size_t n_cards = (size_t)bytes / 8;
  int64_t *cards = malloc((size_t)bytes);
  if (!cards || fread(cards, 8, n_cards, f) != n_cards) return 2;
  fclose(f);
  snprintf(path, sizeof path, "%s/orders.csv", argv[1]);
  f = fopen(path, "r");
  if (!f) { perror(path); return 2; }
  size_t cap = 1 << 20, n = 0;
  cie_order_t *orders = malloc(cap * sizeof *orders);
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (n == cap) { cap *= 2; orders = realloc(orders, cap * sizeof *orders); }
    line[strcspn(line, "\n")] = 0;
    char *fields[5] = {0}; char *p = line;
    for (int i = 0; i < 5; i++) { fields[i] = p; p = strchr(p, ';'); if (!p) break; *p++ = 0; }
    orders[n].number = strdup(fields[0]);
    orders[n].date = strdup(fields[1]);
    orders[n].amount_cents = atoll(fields[2]);
    orders[n].period_from = fields[3] && *fields[3] ? strdup(fields[3]) : NULL;
    orders[n].period_to = fields[4] && *fields[4] ? strdup(fields[4]) : NULL;
    n++;
  }
  fclose(f);
  double times[5];
  for (int r = 0; r < 5; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    cie_allocation_t *alloc = NULL;
    if (cie_allocate(cards, n_cards, orders, n, &alloc) != CIE_STATUS_OK) { fprintf(stderr, "%s\n", cie_last_error_message(1)); return 1; }
    size_t quarters = 0; cie_quarter_allocation_t row; uint64_t paid = 0;
    cie_allocation_quarter_count(alloc, &quarters);
    for (size_t i = 0; i < quarters; i++) { cie_allocation_quarter(alloc, i, &row); paid += row.cards_paid; }
    clock_gettime(CLOCK_MONOTONIC, &b);
    cie_allocation_free(alloc);
    times[r] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    if (paid == 0) return 1;
  }
  qsort(times, 5, sizeof *times, cmp);
  printf("%.1f\n", times[2]);
  for (size_t i = 0; i < n; i++) { free((void *)orders[i].number); free((void *)orders[i].date); free((void *)orders[i].period_from); free((void *)orders[i].period_to); }
  free(orders); free(cards);
  return 0;
}
