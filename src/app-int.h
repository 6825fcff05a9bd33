/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by src/application.c, src/app-form.c and
 * src/blacklist.c: checks of stored and given text, column readers and
 * audit detail formatting. Not installed, not for other modules.
 */
#ifndef TCARD_APP_INT_H
#define TCARD_APP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "registry-int.h"

/*
 * 1 when s is valid UTF-8 of 1..max bytes without control characters
 * (U+0000-001F, U+007F-009F); with multiline, tab, LF and CR are allowed.
 */
int tc_app_text_ok(const char *s, size_t max, int multiline);

/* Number of code points of valid UTF-8 s. */
size_t tc_app_utf8_chars(const char *s);

/*
 * Appends the audit entry with detail o (a JSON object; NULL for "{}"),
 * which is consumed (decref'd) in every case. Marks the transaction as
 * dirty first: every caller has just changed data.
 */
int tc_app_audit(struct tc_registry *reg, time_t now, const char *op,
    const char *action, const char *subject, json_t *o, char *err,
    size_t errlen);

#endif
