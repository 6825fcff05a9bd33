/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the programs (tcard-issuer, tcard-keys, tcard-verify,
 * tcard-verifierd); linked as libtcardcli.a, never into libtcard.a, because
 * they print. A program is one table of subcommands, a struct tc_cmd a
 * row (git's commands[] in git.c), next to its main(); each row names the
 * run function and help page that its cmd-*.c file exports.
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

/*
 * One option of a command. A command declares its options as a spec
 * string (struct tc_cmd.options, below); the dispatcher parses argv once
 * with them (tc_cli_main) and the command reads the result from struct
 * tc_args. Only long options exist ("--name" and "--name=value"; unique
 * abbreviations are taken, as getopt_long takes them).
 */
enum tc_opt_kind {
	TC_OPT_FLAG,  /* no value: tc_args_has counts it */
	TC_OPT_VALUE, /* one value: the last one given wins */
	TC_OPT_LIST,  /* a value each time: tc_args_next walks them in order */
};

/*
 * An option as the dispatcher holds it once the spec is parsed, and the
 * form of the few options a command declares only to refuse them
 * (struct tc_cmd.refused).
 */
struct tc_opt {
	const char *name; /* without the "--"; NULL ends a table */
	enum tc_opt_kind kind;
	/*
	 * When set, the option is declared only to be refused with this
	 * usage error ("suspend takes --reason, not --note"), which says
	 * more than "unknown option"; the page need not name it.
	 */
	const char *refusal;
};

/*
 * The options spec of a command, in the spirit of tmux's cmd_entry args
 * ("at:"): the option names without "--", separated by spaces, each
 * followed by a mark that says what it takes:
 *
 *     name     a flag, no value                      (TC_OPT_FLAG)
 *     name=    one value; the last one given wins     (TC_OPT_VALUE)
 *     name*    a value each time it is given          (TC_OPT_LIST)
 *
 * so that print declares "out= side= dpi= bleed= safe= photo=". A name is
 * made of a-z, 0-9 and '-', starts with a letter, is at most
 * TC_OPT_NAME_MAX bytes and is declared once; home, as, json and help are
 * the dispatcher's (TC_CMD_* bits) and never in a spec. A bad spec is a
 * programmer error: the dispatcher refuses to run the command (exit 4),
 * and the test build's check of every --help page
 * (tests/integration/080-help.sh) parses every command's spec.
 */
#define TC_OPT_NAME_MAX 31
#define TC_OPTS_MAX	64

/*
 * Parses spec (NULL or "" declares nothing) into opts, at most max - 1
 * options and a { NULL } end; the names point into names, a copy of the
 * spec of namelen bytes. Returns the number of options, or -1 for a bad
 * spec (above), too many options or too small a names buffer.
 */
int tc_opt_spec_parse(const char *spec, struct tc_opt *opts /* OUT */, int max,
    char *names /* OUT */, size_t namelen);

/* The options every command may declare by a bit, handled centrally. */
#define TC_CMD_HOME (1u << 0) /* --home DIR, into tc_args.home */
#define TC_CMD_AS   (1u << 1) /* --as NAME, into tc_args.as */
#define TC_CMD_JSON (1u << 2) /* --json, into tc_args.json */

/* At most this many options in argv (more is a usage error). */
#define TC_ARGS_MAX 256

/*
 * What the dispatcher parsed for a command: the
 * common options, the operands (argv without the command's words and the
 * options; argv[argc] is NULL) and every option given, in argv order.
 */
struct tc_args {
	/*
	 * The command being run (its row of the table), so that one run
	 * function can serve two commands (tc_args_is(a, "reinstate")), as
	 * tmux's exec functions compare self->entry.
	 */
	const struct tc_cmd *cmd;
	const char *home; /* --home, or NULL */
	const char *as;	  /* --as, or NULL */
	int json;	  /* --json given */
	int argc;	  /* operands */
	char **argv;
	/* Private to common/cli.c. */
	const struct tc_opt *opts; /* the parsed spec, then the refused */
	struct tc_opt opt[TC_OPTS_MAX];
	char names[TC_OPTS_MAX * (TC_OPT_NAME_MAX + 2)];
	int n;
	struct {
		int opt; /* index into opts */
		const char *value;
	} given[TC_ARGS_MAX];
};

struct tc_cmd {
	const char *name; /* "id-check", or "audit verify" for a nested one */
	const char *summary; /* one line for the command list */
	/* man-style page: SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES */
	const char *help;
	/*
	 * The dispatcher parses the command's options (common, a set of
	 * TC_CMD_* bits; options, a spec as described above; refused, ended
	 * by { NULL }, each with its refusal) and answers an unknown option
	 * or a missing value with a usage error (exit 2) before run is
	 * called.
	 */
	unsigned common;
	const char *options;
	const struct tc_opt *refused;
	/*
	 * Called with the command's argv before its options are parsed, to
	 * refuse arguments that must never be typed (a passphrase); returns
	 * an exit status. May be NULL.
	 */
	int (*argcheck)(int argc, char **argv);
	int (*run)(const struct tc_args *a); /* returns an exit status */
};

/* Whether a is running the command called name ("reinstate"). */
int tc_args_is(const struct tc_args *a, const char *name);

/*
 * The value of option name (declared in the command's opts; a name not
 * declared there is a programmer error and aborts): the last one given,
 * or NULL when it was not given.
 */
const char *tc_args_get(const struct tc_args *a, const char *name);

/* How many times option name was given (0 when not). */
int tc_args_has(const struct tc_args *a, const char *name);

/*
 * Walks the values of a TC_OPT_LIST option in argv order: start with
 * *cursor = 0; returns NULL after the last.
 */
const char *tc_args_next(
    const struct tc_args *a, const char *name, int *cursor /* IN/OUT */);

/*
 * Runs the subcommand named by argv[1] (a command may take two words, like
 * "audit verify": the longest match wins). Handles `PROG --help`,
 * `PROG help CMD`, `PROG CMD --help` and `PROG --version`. prog_help is the
 * program's own page; cmds is the program's table, ended by a row whose
 * name is NULL, in the order the command list shows. Returns an exit
 * status.
 */
int tc_cli_main(const char *prog, const char *prog_help,
    const struct tc_cmd *cmds, int argc, char **argv);

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

/*
 * What most commands do first: the home directory (tc_cli_home(opt)) into
 * *home and the time (tc_cli_now) into *now. Returns TC_EXIT_OK, or
 * TC_EXIT_USAGE after printing why when either cannot be had.
 */
int tc_cli_home_now(
    const char *opt, const char **home /* OUT */, time_t *now /* OUT */);

/*
 * t as "2026-11-21T04:00:00Z" (UTC) into out, or "@EPOCH" (seconds) when
 * it cannot be formatted: the time of an audit entry or a bundle as the
 * issuer's commands print it.
 */
void tc_cli_utc(time_t t, char out[32] /* OUT */);

/* 1 in a test build (TC_TEST_CLOCK), else 0. */
int tc_cli_test_build(void);

/*
 * For the callbacks that collect a listing as JSON: appends o (a json_t *,
 * NULL after a failed json_pack) to the array arr (a json_t *), taking o.
 * Returns 0, or 1 after setting *failed when o is NULL or the append
 * failed: what such a callback returns to stop the walk.
 */
int tc_cli_json_collect(void *arr, void *o, int *failed /* OUT */);

/*
 * The start of a listing walked with tc_cli_json_collect: for JSON output
 * (json set) a new array into *arr (arr is a json_t **), else NULL into
 * *arr and the header line, head with its printf arguments, on stdout.
 * Returns TC_EXIT_OK, or the exit status after reporting out of memory
 * under nomem_what.
 */
int tc_cli_list_start(int json, void *arr /* OUT */, const char *nomem_what,
    const char *head, ...) __attribute__((format(printf, 4, 5)));

/*
 * The end of a listing walked with tc_cli_json_collect: failed (set by it)
 * is reported as out of memory under nomem_what, the walk's failure r as
 * "what: err"; else the array arr is printed when there is one (JSON
 * output; NULL for text, already printed). Returns an exit status.
 */
int tc_cli_list_end(int r, const char *what, const char *err, int failed,
    const char *nomem_what, void *arr);

/* Writes a JSON value (a jansson json_t *) with a newline; returns 0 or -1. */
int tc_cli_print_json(FILE *f, const void *json);

/*
 * The end of a command's JSON output: prints o (a json_t *, NULL after a
 * failed json_pack) to stdout with tc_cli_print_json and releases it.
 * Returns 0, or -1 when o is NULL.
 */
int tc_cli_json_put(void *o);

#endif
