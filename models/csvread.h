/*
 * models/csvread.h - what the optional CSV tables (start_offers.c,
 * adults_table.c) share: reading a small regular file whole, showing a
 * field in a message, and the FILE:LINE:COL: column 'NAME': message.
 * The municipality table (municipalities.c) keeps its own stricter echo of
 * UTF-8 names.
 */
#ifndef MODELS_CSVREAD_H
#define MODELS_CSVREAD_H

#include <stddef.h>
#include "sim/config.h"

/* Fill ERR for PATH, LINE (0: none), CHAR_COL (0: none) and column COL
 * (NULL: none) with WHAT; returns -1. */
int  csvread_fail(cfg_error *err, const char *path, int line, const char *col,
                  int char_col, const char *what);
/* S as shown in a message: printable ASCII as it is, other bytes \xNN, at
 * most 48 bytes of S. */
void csvread_shown(char *out, size_t cap, const char *s);
/* 1 when S is a plain number: it starts with a digit (or, with NEG, a '-'
 * and a digit) and holds no hex. */
int  csvread_plain_number(const char *s, int neg);
/* Read PATH, a regular file of at most MAX bytes, into a new buffer *BUF
 * of *LEN bytes (the caller frees it); 0, or -1 with ERR filled. */
int  csvread_file(const char *path, size_t max, char **buf, size_t *len,
                  cfg_error *err);

#endif
