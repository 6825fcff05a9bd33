/* SPDX-License-Identifier: MIT */
/*
 * Operator role names, and role lists as masks and as comma-separated text
 * (include/tcard/role.h). The names are stored in the registry's operators
 * table; docs/operators.md lists them with what each may do.
 */
#include <stdio.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/role.h"

static const char *const names[] = {
	[TC_ROLE_UNIT_REVIEWER] = "unit-reviewer",
	[TC_ROLE_INDUSTRY_REVIEWER] = "industry-reviewer",
	[TC_ROLE_HR_REVIEWER] = "hr-reviewer",
	[TC_ROLE_APPROVER] = "approver",
	[TC_ROLE_LEADERSHIP_GROUP] = "leadership-group",
	[TC_ROLE_CARD_PRODUCER] = "card-producer",
	[TC_ROLE_CARD_ISSUER] = "card-issuer",
	[TC_ROLE_AUDITOR] = "auditor",
	[TC_ROLE_ADMIN] = "admin",
};

_Static_assert(
    sizeof(names) / sizeof(names[0]) == TC_ROLE_LAST + 1, "one name per role");

#define VALID_NAMES                                                            \
	"unit-reviewer, industry-reviewer, hr-reviewer, approver, leadership-group, card-producer, card-issuer, auditor, admin"

const char *
tc_role_name(enum tc_role r)
{
	if ((int)r < TC_ROLE_FIRST || (int)r > TC_ROLE_LAST)
		return "unknown";
	return names[r];
}

/* Looks up n bytes at s as a role name. */
static int
lookup(const char *s, size_t n, enum tc_role *out)
{
	int i;

	for (i = TC_ROLE_FIRST; i <= TC_ROLE_LAST; i++) {
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0) {
			*out = (enum tc_role)i;
			return 0;
		}
	}
	return TC_ERR_INVALID_ARG;
}

int
tc_role_parse(const char *name, enum tc_role *out)
{
	if (name == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	return lookup(name, strlen(name), out);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int
tc_roles_parse(const char *list, unsigned *mask, char *err, size_t errlen)
{
	const char *p, *start, *end;
	enum tc_role r;
	unsigned m = 0;
	int item = 0;

	if (list == NULL || mask == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no role list given");
	p = list;
	for (;;) {
		item++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		end = p;
		while (start < end && is_blank(*start))
			start++;
		while (end > start && is_blank(end[-1]))
			end--;
		if (start == end)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "%s: role %d of the list is empty (roles: %s)",
			    *list == '\0' ? "the role list is empty" : "roles",
			    item, VALID_NAMES);
		if (lookup(start, (size_t)(end - start), &r) != 0)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "unknown role '%.*s' (role %d of the list); roles are: %s",
			    (int)(end - start > 64 ? 64 : end - start), start,
			    item, VALID_NAMES);
		m |= TC_ROLE_BIT(r);
		if (*p == '\0')
			break;
		p++; /* the comma */
	}
	*mask = m;
	return 0;
}

int
tc_roles_join(unsigned mask, const char *sep, char *out, size_t outlen)
{
	size_t len = 0, n, seplen;
	int i;

	if (out == NULL || outlen == 0)
		return TC_ERR_TOO_LARGE;
	out[0] = '\0';
	if (sep == NULL || (mask & ~(unsigned)TC_ROLE_ALL) != 0)
		return TC_ERR_INVALID_ARG;
	seplen = strlen(sep);
	for (i = TC_ROLE_FIRST; i <= TC_ROLE_LAST; i++) {
		if (!(mask & TC_ROLE_BIT(i)))
			continue;
		n = strlen(names[i]) + (len > 0 ? seplen : 0);
		if (len + n >= outlen) {
			out[0] = '\0';
			return TC_ERR_TOO_LARGE;
		}
		if (len > 0) {
			memcpy(out + len, sep, seplen);
			len += seplen;
		}
		memcpy(out + len, names[i], strlen(names[i]));
		len += strlen(names[i]);
		out[len] = '\0';
	}
	return 0;
}

int
tc_roles_format(unsigned mask, char *out, size_t outlen)
{
	return tc_roles_join(mask, ",", out, outlen);
}
