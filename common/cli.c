/* SPDX-License-Identifier: MIT */
/*
 * Subcommand dispatch, usage errors, exit statuses, --home and the clock
 * for the talentcard programs (common/cli.h). This file is compiled twice:
 * plainly for the programs of BUILD/bin (what `make install` installs),
 * and with -DTC_TEST_CLOCK for those of BUILD/test-bin that the test suite
 * runs, the only ones that read an injected clock from $TCARD_NOW.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "tcard/err.h"
#include "tcard/log.h"

#ifndef TC_VERSION
#define TC_VERSION "0.1.0"
#endif

static const char *progname = "tcard";
static int progname_set;
static const char *cmdname = "";

const char *
tc_cli_cmdname(void)
{
	return cmdname;
}

static void
prefix(FILE *f)
{
	if (cmdname[0] != '\0')
		fprintf(f, "%s %s: ", progname, cmdname);
	else
		fprintf(f, "%s: ", progname);
}

int
tc_cli_usage(const char *fmt, ...)
{
	va_list ap;

	prefix(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmdname[0] != '\0')
		fprintf(stderr, "Try '%s %s --help'.\n", progname, cmdname);
	else
		fprintf(stderr, "Try '%s --help'.\n", progname);
	return TC_EXIT_USAGE;
}

int
tc_cli_exit_status(int code)
{
	if (code == 0)
		return TC_EXIT_OK;
	switch (code) {
	case TC_ERR_INTERNAL:
	case TC_ERR_NOMEM:
	case TC_ERR_CRYPTO:
		return TC_EXIT_INTERNAL;
	case TC_ERR_IO:
	case TC_ERR_PERM:
	case TC_ERR_DB:
	case TC_ERR_DB_BUSY:
	case TC_ERR_DB_SCHEMA:
	case TC_ERR_NO_READER:
	case TC_ERR_NO_SERVICE:
		return TC_EXIT_ENV;
	default:
		return TC_EXIT_REFUSED;
	}
}

int
tc_cli_fail(int code, const char *what, const char *msg)
{
	prefix(stderr);
	if (what != NULL && *what != '\0')
		fprintf(stderr, "%s: ", what);
	if (msg != NULL && *msg != '\0')
		fprintf(stderr, "%s (%s)\n", msg, tc_errname(code));
	else
		fprintf(
		    stderr, "%s (%s)\n", tc_strerror(code), tc_errname(code));
	return tc_cli_exit_status(code);
}

const char *
tc_cli_home(const char *opt)
{
	const char *h = opt;

	if (h == NULL || *h == '\0')
		h = getenv("TCARD_HOME");
	if (h == NULL || *h == '\0') {
		tc_cli_usage(
		    "no home directory: give --home DIR or set TCARD_HOME");
		return NULL;
	}
	return h;
}

int
tc_cli_home_now(const char *opt, const char **home, time_t *now)
{
	if ((*home = tc_cli_home(opt)) == NULL)
		return TC_EXIT_USAGE;
	if ((*now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;
	return TC_EXIT_OK;
}

void
tc_cli_utc(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "@%lld", (long long)t);
}

#ifdef TC_TEST_CLOCK
int
tc_cli_test_build(void)
{
	return 1;
}

/*
 * The test build's clock: $TCARD_NOW when set. Only the programs under
 * BUILD/test-bin are compiled with TC_TEST_CLOCK (the Makefile's `tests`
 * target); the test suite runs those.
 */
time_t
tc_cli_now(void)
{
	const char *s = getenv("TCARD_NOW");
	struct tm tm;
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return time(NULL);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0' && v >= 0)
		return (time_t)v;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (end == NULL || *end != '\0') {
		prefix(stderr);
		fprintf(stderr,
		    "TCARD_NOW=%s is neither seconds since the epoch nor YYYY-MM-DD[THH:MM:SSZ]\n",
		    s);
		return (time_t)-1;
	}
	return timegm(&tm);
}
#else
int
tc_cli_test_build(void)
{
	return 0;
}

/*
 * The installed programs' clock is the system clock, always: an injected
 * clock would let anyone who can set an environment variable backdate
 * revocations and audit entries or step past an operator lockout. A
 * TCARD_NOW left in the environment is reported once, so that a test run
 * against the wrong binaries says why its dates are off.
 */
time_t
tc_cli_now(void)
{
	static int warned;
	const char *s = getenv("TCARD_NOW");

	if (s != NULL && *s != '\0' && !warned) {
		warned = 1;
		fprintf(stderr,
		    "%s: warning: TCARD_NOW is ignored: only test builds (BUILD/test-bin) take an injected clock; this program uses the system clock\n",
		    progname_set ? progname : program_invocation_short_name);
	}
	return time(NULL);
}
#endif

int
tc_cli_json_collect(void *arr, void *o, int *failed)
{
	if (o == NULL ||
	    json_array_append_new((json_t *)arr, (json_t *)o) != 0) {
		*failed = 1;
		return 1;
	}
	return 0;
}

int
tc_cli_list_start(
    int json, void *arr, const char *nomem_what, const char *head, ...)
{
	json_t **out = arr;
	va_list ap;

	*out = NULL;
	if (json) {
		if ((*out = json_array()) == NULL)
			return tc_cli_fail(TC_ERR_NOMEM, nomem_what, NULL);
		return TC_EXIT_OK;
	}
	va_start(ap, head);
	vprintf(head, ap);
	va_end(ap);
	return TC_EXIT_OK;
}

int
tc_cli_list_end(int r, const char *what, const char *err, int failed,
    const char *nomem_what, void *arr)
{
	if (failed)
		return tc_cli_fail(TC_ERR_NOMEM, nomem_what, NULL);
	if (r != 0)
		return tc_cli_fail(r, what, err);
	if (arr != NULL)
		tc_cli_print_json(stdout, arr);
	return TC_EXIT_OK;
}

int
tc_cli_print_json(FILE *f, const void *json)
{
	char *s = json_dumps(
	    (const json_t *)json, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s == NULL)
		return -1;
	fprintf(f, "%s\n", s);
	free(s);
	return 0;
}

int
tc_cli_json_put(void *o)
{
	if (o == NULL)
		return -1;
	tc_cli_print_json(stdout, o);
	json_decref(o);
	return 0;
}

/*
 * The options of a declared command, parsed once here rather than by a
 * getopt_long loop in every command (docs/decisions.md, "Command options
 * declared, not re-parsed"). The table is turned into getopt_long's, so
 * permutation, "--name=value", "--" and unique abbreviations behave as
 * they did in the loops. Values are pointers into argv, never copied.
 */
#define OPT_BASE 1000
#define OPT_HOME (OPT_BASE - 1)
#define OPT_AS	 (OPT_BASE - 2)
#define OPT_JSON (OPT_BASE - 3)

/* The names the dispatcher keeps for itself (TC_CMD_* and --help). */
static int
reserved(const char *name)
{
	return strcmp(name, "home") == 0 || strcmp(name, "as") == 0 ||
	    strcmp(name, "json") == 0 || strcmp(name, "help") == 0;
}

int
tc_opt_spec_parse(
    const char *spec, struct tc_opt *opts, int max, char *names, size_t namelen)
{
	size_t len, used = 0;
	const char *p = spec != NULL ? spec : "";
	int n = 0, i;
	char *name;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (len == 0 || len > TC_OPT_NAME_MAX || p[0] < 'a' ||
		    p[0] > 'z' || n >= max - 1 || used + len + 1 > namelen)
			return -1;
		name = names + used;
		memcpy(name, p, len);
		name[len] = '\0';
		used += len + 1;
		p += len;
		opts[n].name = name;
		opts[n].refusal = NULL;
		if (*p == '=' || *p == '*')
			opts[n].kind = *p++ == '=' ? TC_OPT_VALUE : TC_OPT_LIST;
		else
			opts[n].kind = TC_OPT_FLAG;
		if ((*p != ' ' && *p != '\0') || reserved(name))
			return -1;
		for (i = 0; i < n; i++)
			if (strcmp(opts[i].name, name) == 0)
				return -1;
		n++;
	}
	opts[n] = (struct tc_opt){ NULL, 0, NULL };
	return n;
}

/*
 * Fills a->opt with the command's options: its spec, then the options it
 * refuses. A bad declaration is the programmer's error, said as such.
 */
static int
declare(const struct tc_cmd *cmd, struct tc_args *a /* OUT */)
{
	int n, i, j;

	a->opts = a->opt;
	n = tc_opt_spec_parse(
	    cmd->options, a->opt, TC_OPTS_MAX, a->names, sizeof(a->names));
	for (i = 0;
	     n >= 0 && cmd->refused != NULL && cmd->refused[i].name != NULL;
	     i++) {
		for (j = 0; j < n; j++)
			if (strcmp(a->opt[j].name, cmd->refused[i].name) == 0)
				break;
		if (j < n || n >= TC_OPTS_MAX - 1 ||
		    cmd->refused[i].refusal == NULL ||
		    reserved(cmd->refused[i].name))
			n = -1;
		else
			a->opt[n++] = cmd->refused[i];
	}
	if (n < 0) {
		fprintf(stderr,
		    "%s %s: internal error: bad options declared: '%s'\n",
		    progname, cmd->name, cmd->options ? cmd->options : "");
		return TC_EXIT_INTERNAL;
	}
	a->opt[n] = (struct tc_opt){ NULL, 0, NULL };
	return TC_EXIT_OK;
}

static int
opt_index(const struct tc_args *a, const char *name)
{
	int i;

	for (i = 0; a->opts != NULL && a->opts[i].name != NULL; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return i;
	fprintf(stderr, "%s %s: internal error: option '--%s' not declared\n",
	    progname, cmdname, name);
	abort();
}

int
tc_args_is(const struct tc_args *a, const char *name)
{
	return strcmp(a->cmd->name, name) == 0;
}

const char *
tc_args_get(const struct tc_args *a, const char *name)
{
	int o = opt_index(a, name), i;

	for (i = a->n - 1; i >= 0; i--)
		if (a->given[i].opt == o)
			return a->given[i].value;
	return NULL;
}

int
tc_args_has(const struct tc_args *a, const char *name)
{
	int o = opt_index(a, name), i, n = 0;

	for (i = 0; i < a->n; i++)
		n += a->given[i].opt == o;
	return n;
}

const char *
tc_args_next(const struct tc_args *a, const char *name, int *cursor)
{
	int o = opt_index(a, name);

	for (; *cursor < a->n; (*cursor)++)
		if (a->given[*cursor].opt == o)
			return a->given[(*cursor)++].value;
	return NULL;
}

/*
 * The usage error for what getopt_long returned as c. An unknown option is
 * named without any "=value", which may be a mistyped secret.
 */
static int
bad_option(int c, char **argv, const struct option *lo)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	int i;

	for (i = 0; optopt != 0 && lo[i].name != NULL; i++) {
		if (lo[i].val != optopt)
			continue;
		if (c == ':')
			return tc_cli_usage(
			    "option '--%s' needs a value", lo[i].name);
		return tc_cli_usage("option '--%s' takes no value", lo[i].name);
	}
	if (optopt != 0 && optopt < OPT_HOME)
		return tc_cli_usage("unknown option '-%c'", optopt);
	return tc_cli_usage(
	    "unknown option '%.*s'", (int)strcspn(arg, "="), arg);
}

/*
 * In a test build, a --help page must name every option the command
 * declares ("--name"), so that the page and the table cannot drift apart:
 * tests/integration/080-help.sh asks every command for its page. Returns
 * the number of options missing from the page (each said on stderr).
 */
static int
help_names_options(const struct tc_cmd *cmd)
{
	static const struct {
		unsigned bit;
		const char *name;
	} common[] = {
		{ TC_CMD_HOME, "home" },
		{ TC_CMD_AS, "as" },
		{ TC_CMD_JSON, "json" },
	};
	static struct tc_args decl;
	char want[80];
	int i, missing = 0;

	if (!tc_cli_test_build())
		return 0;
	if (declare(cmd, &decl) != TC_EXIT_OK)
		return 1;
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "--%s", common[i].name);
		if ((cmd->common & common[i].bit) &&
		    strstr(cmd->help, want) == NULL) {
			fprintf(stderr, "%s %s: the page does not name %s\n",
			    progname, cmd->name, want);
			missing++;
		}
	}
	for (i = 0; decl.opts[i].name != NULL; i++) {
		snprintf(want, sizeof(want), "--%s", decl.opts[i].name);
		if (decl.opts[i].refusal == NULL &&
		    strstr(cmd->help, want) == NULL) {
			fprintf(stderr, "%s %s: the page does not name %s\n",
			    progname, cmd->name, want);
			missing++;
		}
	}
	return missing;
}

static int
parse_declared(const struct tc_cmd *cmd, int argc, char **argv,
    struct tc_args *a /* OUT */)
{
	struct option lo[TC_OPTS_MAX + 4];
	const struct tc_opt *opts;
	int n = 0, i, c;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if ((c = declare(cmd, a)) != TC_EXIT_OK)
		return c;
	opts = a->opts;
	if (cmd->common & TC_CMD_HOME)
		lo[n++] = (struct option){ "home", required_argument, NULL,
			OPT_HOME };
	if (cmd->common & TC_CMD_AS)
		lo[n++] =
		    (struct option){ "as", required_argument, NULL, OPT_AS };
	if (cmd->common & TC_CMD_JSON)
		lo[n++] =
		    (struct option){ "json", no_argument, NULL, OPT_JSON };
	for (i = 0; opts[i].name != NULL; i++)
		lo[n++] = (struct option){ opts[i].name,
			opts[i].kind == TC_OPT_FLAG ? no_argument
						    : required_argument,
			NULL, OPT_BASE + i };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (c) {
		case OPT_HOME:
			a->home = optarg;
			break;
		case OPT_AS:
			a->as = optarg;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case ':':
		case '?':
			return bad_option(c, argv, lo);
		default:
			if (opts[c - OPT_BASE].refusal != NULL)
				return tc_cli_usage(
				    "%s", opts[c - OPT_BASE].refusal);
			if (a->n >= TC_ARGS_MAX)
				return tc_cli_usage("too many options");
			a->given[a->n].opt = c - OPT_BASE;
			a->given[a->n].value =
			    opts[c - OPT_BASE].kind == TC_OPT_FLAG ? NULL
								   : optarg;
			a->n++;
			break;
		}
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	return TC_EXIT_OK;
}

static int
is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Number of words of name matched by argv (1 or 2), or 0. */
static int
match(const char *name, int argc, char **argv)
{
	const char *sp = strchr(name, ' ');
	size_t n;

	if (argc < 1)
		return 0;
	if (sp == NULL)
		return strcmp(name, argv[0]) == 0;
	n = (size_t)(sp - name);
	if (strlen(argv[0]) != n || strncmp(name, argv[0], n) != 0)
		return 0;
	return argc >= 2 && strcmp(sp + 1, argv[1]) == 0 ? 2 : 0;
}

static void
list_commands(FILE *f, const struct tc_cmd *cmds)
{
	const struct tc_cmd *c;

	fprintf(f, "\nCOMMANDS\n");
	for (c = cmds; c->name != NULL; c++)
		fprintf(f, "    %-21s %s\n", c->name, c->summary);
	fprintf(
	    f, "\nRun '%s COMMAND --help' for a command's page.\n", progname);
}

static const struct tc_cmd *
find(const struct tc_cmd *cmds, int argc, char **argv, int *words)
{
	const struct tc_cmd *best = NULL, *c;
	int w;

	*words = 0;
	for (c = cmds; c->name != NULL; c++) {
		w = match(c->name, argc, argv);
		if (w > *words) {
			*words = w;
			best = c;
		}
	}
	return best;
}

/* Lists the subcommands of a group word ("audit") when none matched. */
static int
group_help(const struct tc_cmd *cmds, const char *word, FILE *f)
{
	const struct tc_cmd *c;
	size_t n = strlen(word);
	int found = 0;

	for (c = cmds; c->name != NULL; c++) {
		if (strncmp(c->name, word, n) == 0 && c->name[n] == ' ') {
			if (!found)
				fprintf(
				    f, "%s %s: subcommands:\n", progname, word);
			fprintf(f, "    %-21s %s\n", c->name, c->summary);
			found = 1;
		}
	}
	return found;
}

int
tc_cli_main(const char *prog, const char *prog_help, const struct tc_cmd *cmds,
    int argc, char **argv)
{
	static char namebuf[64];
	static struct tc_args args;
	const struct tc_cmd *cmd;
	int words, i, status;

	progname = prog;
	progname_set = 1;
	tc_log_setup(prog, getenv("TCARD_DEBUG") ? TC_LOG_DEBUG : TC_LOG_INFO);
	if (argc < 2) {
		fputs(prog_help, stderr);
		list_commands(stderr, cmds);
		return TC_EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		fputs(prog_help, stdout);
		list_commands(stdout, cmds);
		return TC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s%s\n", prog, TC_VERSION,
		    tc_cli_test_build() ? " (test build: honours TCARD_NOW)"
					: "");
		return TC_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			fputs(prog_help, stdout);
			list_commands(stdout, cmds);
			return TC_EXIT_OK;
		}
		if ((cmd = find(cmds, argc - 2, argv + 2, &words)) == NULL) {
			if (group_help(cmds, argv[2], stdout))
				return TC_EXIT_OK;
			return tc_cli_usage("unknown command '%s'", argv[2]);
		}
		fputs(cmd->help, stdout);
		return help_names_options(cmd) ? TC_EXIT_INTERNAL : TC_EXIT_OK;
	}
	if ((cmd = find(cmds, argc - 1, argv + 1, &words)) == NULL) {
		if (argv[1][0] != '-' &&
		    group_help(cmds, argv[1],
			argc > 2 && is_help(argv[2]) ? stdout : stderr))
			return argc > 2 && is_help(argv[2]) ? TC_EXIT_OK
							    : TC_EXIT_USAGE;
		return tc_cli_usage("unknown command '%s'", argv[1]);
	}
	cmdname = cmd->name;
	for (i = 1 + words; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (is_help(argv[i])) {
			fputs(cmd->help, stdout);
			return help_names_options(cmd) ? TC_EXIT_INTERNAL
						       : TC_EXIT_OK;
		}
	}
	/* The command sees its own name as argv[0], as getopt expects. */
	argv += words;
	argc -= words;
	snprintf(namebuf, sizeof(namebuf), "%s", cmd->name);
	argv[0] = namebuf;
	if (cmd->argcheck != NULL &&
	    (status = cmd->argcheck(argc, argv)) != TC_EXIT_OK)
		return status;
	if ((status = parse_declared(cmd, argc, argv, &args)) != TC_EXIT_OK)
		return status;
	return cmd->run(&args);
}
