/*
 * tests/testutil.h - what every cmocka test file includes.
 * cmocka needs these standard headers before its own.
 */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#endif
