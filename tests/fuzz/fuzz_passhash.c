/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the texts the operator code reads back or takes from a
 * command line: the input goes to the stored passphrase-hash parser
 * (tc_passhash_valid, tc_passhash_needs_rehash, and tc_passhash_check when
 * the parameters are cheap), as a passphrase to the rules
 * (tc_passhash_policy), to tc_roles_parse and to tc_operator_name_check.
 * Besides "no crash", it checks the headers' promises: a failure comes with
 * a message; whatever the parser accepts has bounded parameters (the check
 * below is only run on those that are also cheap, so a run cannot take
 * long); a parsed role list formats to canonical text that parses to the
 * same mask. Seed corpus: tests/fuzz/corpus/passhash/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/passhash.h"
#include "tcard/role.h"

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_passhash: %s: %s\n", what, detail);
	abort();
}

/* Reads "ln=" from an accepted string; it must be within bounds. */
static unsigned
param(const char *s, const char *name)
{
	const char *p = strstr(s, name);

	return p != NULL ? (unsigned)strtoul(p + strlen(name), NULL, 10) : 0;
}

static void
check_stored(const char *s)
{
	char err[512] = "";
	unsigned ln, r, p;
	int rc;

	rc = tc_passhash_valid(s, err, sizeof(err));
	if (rc != 0) {
		if (rc != TC_ERR_MALFORMED || err[0] == '\0')
			die("refusal without message or with another code", s);
		if (tc_passhash_needs_rehash(s) != TC_ERR_MALFORMED)
			die("needs_rehash accepts what valid refuses", s);
		return;
	}
	ln = param(s, "ln=");
	r = param(s, ",r=");
	p = param(s, ",p=");
	if (ln < 1 || ln > TC_PASSHASH_LN_MAX || r < 1 ||
	    r > TC_PASSHASH_R_MAX || p < 1 || p > TC_PASSHASH_P_MAX)
		die("accepted out-of-bounds parameters", s);
	rc = tc_passhash_needs_rehash(s);
	if (rc != 0 && rc != 1)
		die("needs_rehash of a valid string failed", s);
	/* Only cheap ones: N * r * p up to 2^12. */
	if ((1ull << ln) * r * p <= 4096) {
		rc =
		    tc_passhash_check("fuzz passphrase 1", s, err, sizeof(err));
		if (rc != 0 && rc != TC_ERR_AUTH)
			die("check of a valid string failed", err);
	}
}

static void
check_roles(const char *s)
{
	char text[TC_ROLES_TEXT_MAX], err[512] = "";
	unsigned m, again;

	if (tc_roles_parse(s, &m, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			die("role refusal without message", s);
		return;
	}
	if (m == 0 || (m & ~(unsigned)TC_ROLE_ALL) != 0)
		die("parsed an empty or invalid mask", s);
	if (tc_roles_format(m, text, sizeof(text)) != 0 ||
	    tc_roles_parse(text, &again, NULL, 0) != 0 || again != m)
		die("formatted roles do not parse back", s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, err[512];
	int r;

	if (size > 4096)
		return 0;
	if ((s = fuzz_cstr(data, size)) == NULL)
		return 0;
	tc_passhash_set_cost(TC_PASSHASH_LN_MIN);
	check_stored(s);
	check_roles(s);
	err[0] = '\0';
	r = tc_passhash_policy(s, err, sizeof(err));
	if (r != 0 && err[0] == '\0')
		die("policy refusal without message", s);
	err[0] = '\0';
	r = tc_operator_name_check(s, err, sizeof(err));
	if (r != 0 && err[0] == '\0')
		die("name refusal without message", s);
	free(s);
	return 0;
}
