/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the programs (tcard-issuer, tcard-keys, tcard-verify,
 * tcard-verifierd); linked as libtcardcli.a, never into libtcard.a, because
 * they print. A program is a table of subcommands, each a const struct
 * tc_cmd with designated initialisers in its own file (tmux's cmd-*.c).
 *
 * Exit statuses, the same for every program (docs/operations.md):
 *   0 success; 1 a refusal or invalid input; 2 a usage error;
 *   3 the environment failed (file, permission, database, missing keys);
 *   4 an internal error.
 */
#ifndef TCARD_CLI_H
#define TCARD_CLI_H

#include <stdio.h>
#include <time.h>

#define TC_EXIT_OK	 0
#define TC_EXIT_REFUSED	 1
#define TC_EXIT_USAGE	 2
#define TC_EXIT_ENV	 3
#define TC_EXIT_INTERNAL 4

struct tc_cmd {
	const char *name; /* "id-check", or "audit verify" for a nested one */
	const char *summary; /* one line for the command list */
	const char *
	    help; /* man-style page: SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES */
	int (*exec)(int argc,
	    char **
		argv); /* argv[0] is the command name; returns an exit status */
};

/*
 * Runs the subcommand named by argv[1] (a command may take two words, like
 * "audit verify": the longest match wins). Handles `PROG --help`,
 * `PROG help CMD`, `PROG CMD --help` and `PROG --version`. prog_help is the
 * program's own page; cmds ends with NULL. Returns an exit status.
 */
int tc_cli_main(const char *prog, const char *prog_help,
    const struct tc_cmd *const *cmds, int argc, char **argv);

/* The current command (set by tc_cli_main), for messages. */
const char *tc_cli_cmdname(void);

/*
 * Prints "PROG CMD: message" and "Try 'PROG CMD --help'." to stderr and
 * returns TC_EXIT_USAGE.
 */
int tc_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reports a library failure: "PROG CMD: what: message (name)" on stderr,
 * and returns the exit status for code (tc_cli_exit_status).
 */
int tc_cli_fail(int code, const char *what, const char *msg);

/* Maps a TC_ERR_* code to an exit status (see above). */
int tc_cli_exit_status(int code);

/*
 * The authority's data directory: opt when given, else $TCARD_HOME. Prints
 * a usage error and returns NULL when neither is set.
 */
const char *tc_cli_home(const char *opt);

/*
 * The current time. A test build (compiled with TC_TEST_CLOCK: the programs
 * of BUILD/test-bin) takes an injected clock from $TCARD_NOW, either seconds
 * since the epoch or an ISO date "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SSZ"
 * (UTC), and returns (time_t)-1 after printing an error when it is
 * invalid. Every other build returns the system clock and, when $TCARD_NOW
 * is set, says once on stderr that it is ignored.
 */
time_t tc_cli_now(void);

/* 1 in a test build (TC_TEST_CLOCK), else 0. */
int tc_cli_test_build(void);

/* Writes a JSON value (a jansson json_t *) with a newline; returns 0 or -1. */
int tc_cli_print_json(FILE *f, const void *json);

#endif
