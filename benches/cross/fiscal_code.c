/* 1 M fiscal-code validations through the C API (validation only: out = NULL). */
#include <stdio.h>
#include <time.h>
#include "cie_pagamenti.h"

int main(void) {
  const char *codes[3] = {"RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"};
  struct timespec a, b;
  int ok = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 1000000; i++) ok += cie_fiscal_code_validate(codes[i % 3], NULL) == CIE_STATUS_OK;
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e6;
  printf("C %.0f ns per validation (%d valid)\n", ns, ok);
  return 0;
}
