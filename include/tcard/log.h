/* SPDX-License-Identifier: MIT */
/*
 * Logging to stderr, for programs only: library modules never call these
 * (scripts/run-tests checks that no other object of libtcard.a refers to
 * stdio output or exit). A line is "PROGRAM: LEVEL: message". Messages must
 * never contain a full national ID number; use tc_id_mask() first.
 */
#ifndef TCARD_LOG_H
#define TCARD_LOG_H

enum tc_log_level {
	TC_LOG_ERROR = 0,
	TC_LOG_WARN = 1,
	TC_LOG_INFO = 2,
	TC_LOG_DEBUG = 3,
};

/* Sets the program name shown on each line and the most verbose level shown. */
void tc_log_setup(const char *progname, enum tc_log_level level);
/* Returns the level set by tc_log_setup (TC_LOG_WARN by default). */
enum tc_log_level tc_log_get_level(void);

void tc_log(enum tc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define tc_error(...) tc_log(TC_LOG_ERROR, __VA_ARGS__)
#define tc_warn(...)  tc_log(TC_LOG_WARN, __VA_ARGS__)
#define tc_info(...)  tc_log(TC_LOG_INFO, __VA_ARGS__)
#define tc_debug(...) tc_log(TC_LOG_DEBUG, __VA_ARGS__)

#endif
