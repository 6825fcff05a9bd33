/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the programs' option parsing (common/cli.c): a command
 * declares its options in struct tc_cmd and the dispatcher parses them
 * once. common/cli.c is compiled into this test directly, as it is not
 * part of libtcard.a; its usage errors go to stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include "unit.h"
#include "../../common/cli.c"

/* What the last run saw. */
static struct {
	int calls;
	const struct tc_cmd *cmd;
	const char *home, *as, *reason;
	int json, flag, argc, nlist, is_try;
	const char *list[4];
	const char *operand[4];
} seen;

static const struct tc_opt refused[] = {
	{ "note", TC_OPT_VALUE, "try takes --reason, not --note" },
	{ NULL, 0, NULL },
};

static int
try_run(const struct tc_args *a)
{
	const char *v;
	int cursor = 0, i;

	memset(&seen, 0, sizeof(seen));
	seen.calls = 1;
	seen.cmd = a->cmd;
	seen.is_try = tc_args_is(a, "try") && !tc_args_is(a, "bare");
	seen.home = a->home;
	seen.as = a->as;
	seen.json = a->json;
	seen.reason = tc_args_get(a, "reason");
	seen.flag = tc_args_has(a, "flag");
	while ((v = tc_args_next(a, "item", &cursor)) != NULL && seen.nlist < 4)
		seen.list[seen.nlist++] = v;
	seen.argc = a->argc;
	for (i = 0; i < a->argc && i < 4; i++)
		seen.operand[i] = a->argv[i];
	return TC_EXIT_OK;
}

static int
refuse_secret(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--secret", 8) == 0)
			return tc_cli_usage("refusing --secret");
	return TC_EXIT_OK;
}

static const char page[] =
    "NAME\n    t try\nOPTIONS\n    --reason --flag --item --home --as --json\n";

/* A command without options reads its operands only. */
static int
bare_run(const struct tc_args *a)
{
	memset(&seen, 0, sizeof(seen));
	seen.calls = 1;
	seen.argc = a->argc;
	return TC_EXIT_OK;
}

/* The program's table: try, then bare. */
static const struct tc_cmd cmds[] = {
	{
	    .name = "try",
	    .summary = "a command to test with",
	    .help = page,
	    .common = TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    .options = "reason= flag item*",
	    .refused = refused,
	    .argcheck = refuse_secret,
	    .run = try_run,
	},
	{
	    .name = "bare",
	    .summary = "no options at all",
	    .help = "NAME\n    t bare\n",
	    .run = bare_run,
	},
	{ NULL },
};

/* Runs "t" with the words given, ended by NULL. */
static int
run(const char *first, ...)
{
	static char words[32][64];
	char *argv[32];
	const char *w;
	va_list ap;
	int argc = 0;

	memset(&seen, 0, sizeof(seen));
	snprintf(words[argc], sizeof(words[argc]), "t");
	argv[argc] = words[argc];
	argc++;
	va_start(ap, first);
	for (w = first; w != NULL && argc < 31; w = va_arg(ap, const char *)) {
		snprintf(words[argc], sizeof(words[argc]), "%s", w);
		argv[argc] = words[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	return tc_cli_main("t", "NAME\n    t\n", cmds, argc, argv);
}

static void
test_values_and_operands(void **state)
{
	assert_int_equal(run("try", "one", "--reason", "lost", "--home=/h",
			     "two", "--as", "ada", "--json", "--flag", NULL),
	    TC_EXIT_OK);
	assert_int_equal(seen.calls, 1);
	/* The run function is told which command it runs. */
	assert_ptr_equal(seen.cmd, &cmds[0]);
	assert_true(seen.is_try);
	assert_string_equal(seen.home, "/h");
	assert_string_equal(seen.as, "ada");
	assert_string_equal(seen.reason, "lost");
	assert_int_equal(seen.json, 1);
	assert_int_equal(seen.flag, 1);
	/* Operands in order, wherever they stood among the options. */
	assert_int_equal(seen.argc, 2);
	assert_string_equal(seen.operand[0], "one");
	assert_string_equal(seen.operand[1], "two");
	/* Nothing given: NULL and 0. */
	assert_int_equal(run("try", NULL), TC_EXIT_OK);
	assert_null(seen.reason);
	assert_null(seen.home);
	assert_int_equal(seen.flag, 0);
	assert_int_equal(seen.json, 0);
	assert_int_equal(seen.argc, 0);
}

static void
test_last_value_wins_and_lists_keep_order(void **state)
{
	assert_int_equal(run("try", "--item", "b", "--reason", "x", "--item",
			     "a", "--reason", "y", "--item=c", NULL),
	    TC_EXIT_OK);
	assert_string_equal(seen.reason, "y");
	assert_int_equal(seen.nlist, 3);
	assert_string_equal(seen.list[0], "b");
	assert_string_equal(seen.list[1], "a");
	assert_string_equal(seen.list[2], "c");
}

static void
test_abbreviation_and_double_dash(void **state)
{
	/* A unique prefix is taken, as getopt_long takes it. */
	assert_int_equal(run("try", "--rea", "r", "--fl", NULL), TC_EXIT_OK);
	assert_string_equal(seen.reason, "r");
	assert_int_equal(seen.flag, 1);
	/* After "--" everything is an operand. */
	assert_int_equal(run("try", "--", "--flag", "-x", NULL), TC_EXIT_OK);
	assert_int_equal(seen.flag, 0);
	assert_int_equal(seen.argc, 2);
	assert_string_equal(seen.operand[0], "--flag");
	assert_string_equal(seen.operand[1], "-x");
}

static void
test_usage_errors(void **state)
{
	/* Each is exit 2 and the command does not run. */
	assert_int_equal(run("try", "--bogus", NULL), TC_EXIT_USAGE);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(run("try", "--bogus=value", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("try", "-x", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("try", "--reason", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("try", "--flag=1", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("try", "--note", "n", NULL), TC_EXIT_USAGE);
	assert_int_equal(seen.calls, 0);
	/* An option another command declares is unknown here. */
	assert_int_equal(run("bare", "--reason", "x", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("bare", "--json", NULL), TC_EXIT_USAGE);
	assert_int_equal(run("bare", "op", NULL), TC_EXIT_OK);
	assert_int_equal(seen.argc, 1);
}

static void
test_argcheck_first(void **state)
{
	/* The check sees argv before parsing: --secret is refused by it. */
	assert_int_equal(run("try", "--secret=x", NULL), TC_EXIT_USAGE);
	assert_int_equal(seen.calls, 0);
}

static void
test_help(void **state)
{
	/* --help anywhere shows the page and runs nothing. */
	assert_int_equal(
	    run("try", "--reason", "x", "--help", NULL), TC_EXIT_OK);
	assert_int_equal(seen.calls, 0);
}

static void
test_spec_parse(void **state)
{
	struct tc_opt o[8];
	char names[64];

	assert_int_equal(tc_opt_spec_parse("out= field*  accept-pledge", o, 8,
			     names, sizeof(names)),
	    3);
	assert_string_equal(o[0].name, "out");
	assert_int_equal(o[0].kind, TC_OPT_VALUE);
	assert_string_equal(o[1].name, "field");
	assert_int_equal(o[1].kind, TC_OPT_LIST);
	assert_string_equal(o[2].name, "accept-pledge");
	assert_int_equal(o[2].kind, TC_OPT_FLAG);
	assert_null(o[2].refusal);
	assert_null(o[3].name);
	/* Nothing declared. */
	assert_int_equal(tc_opt_spec_parse(NULL, o, 8, names, 64), 0);
	assert_null(o[0].name);
	assert_int_equal(tc_opt_spec_parse(" ", o, 8, names, 64), 0);
}

static void
test_spec_bad(void **state)
{
	static const char *const bad[] = {
		"out=x",      /* a character after the mark */
		"out==",      /* two marks */
		"=",	      /* no name */
		"Out=",	      /* upper case */
		"-out",	      /* not starting with a letter */
		"9lives",     /* nor with a digit */
		"out? side=", /* an unknown mark */
		"out= out*",  /* declared twice */
		"home=",      /* the dispatcher's */
		"as=",	      /* the dispatcher's */
		"json",	      /* the dispatcher's */
		"help",	      /* the dispatcher's */
		"a234567890123456789012345678901x=", /* 32 bytes: too long */
		"a b c d e f g h",		     /* more than max - 1 */
	};
	struct tc_opt o[8];
	char names[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tc_opt_spec_parse(bad[i], o, 8, names, sizeof(names)) != -1)
			fail_msg("spec '%s' was taken", bad[i]);
	}
	/* The names buffer too small. */
	assert_int_equal(tc_opt_spec_parse("out= side=", o, 8, names, 6), -1);
	/* At the limits: 31 bytes, max - 1 options. */
	assert_int_equal(tc_opt_spec_parse("a23456789012345678901234567890x=",
			     o, 8, names, sizeof(names)),
	    1);
	assert_int_equal(
	    tc_opt_spec_parse("a b c d e f g", o, 8, names, sizeof(names)), 7);
}

/* A command with a bad declaration does not run: exit 4. */
static const struct tc_opt refused_twice[] = {
	{ "reason", TC_OPT_VALUE, "no" },
	{ NULL, 0, NULL },
};

static const struct tc_cmd badspec_cmds[] = {
	{
	    .name = "badspec",
	    .summary = "a bad spec",
	    .help = "NAME\n    t badspec\n",
	    .options = "reason= out",
	    .refused = refused_twice,
	    .run = bare_run,
	},
	{ NULL },
};

static void
test_bad_declaration(void **state)
{
	char w0[] = "t", w1[] = "badspec";
	char *argv[] = { w0, w1, NULL };

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(
	    tc_cli_main("t", "NAME\n    t\n", badspec_cmds, 2, argv),
	    TC_EXIT_INTERNAL);
	assert_int_equal(seen.calls, 0);
}

#define TESTS(X, XF)                                                           \
	X(test_values_and_operands)                                            \
	X(test_last_value_wins_and_lists_keep_order)                           \
	X(test_abbreviation_and_double_dash)                                   \
	X(test_usage_errors)                                                   \
	X(test_argcheck_first)                                                 \
	X(test_help)                                                           \
	X(test_spec_parse)                                                     \
	X(test_spec_bad)                                                       \
	X(test_bad_declaration)

TC_UNIT_MAIN(TESTS, NULL, NULL)
