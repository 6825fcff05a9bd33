/* SPDX-License-Identifier: MIT */
/*
 * Operator roles. Every operator of the issuing authority holds one or more
 * roles; commands and programme workflows name the roles they need. A set
 * of roles is an unsigned bitmask of TC_ROLE_BIT(role). In the registry
 * and on the command line a set is written as the comma-separated role
 * names in the order of the enum ("approver,auditor"). See
 * docs/operators.md.
 */
#ifndef TCARD_ROLE_H
#define TCARD_ROLE_H

#include <stddef.h>

/*
 * The roles. The values are stable (masks may be kept by callers) and the
 * names below are part of the registry format: never rename one.
 */
enum tc_role {
	TC_ROLE_UNIT_REVIEWER = 1, /* "unit-reviewer" */
	TC_ROLE_INDUSTRY_REVIEWER, /* "industry-reviewer" */
	TC_ROLE_HR_REVIEWER,	   /* "hr-reviewer" */
	TC_ROLE_APPROVER,	   /* "approver" */
	TC_ROLE_LEADERSHIP_GROUP,  /* "leadership-group" */
	TC_ROLE_CARD_PRODUCER,	   /* "card-producer" */
	TC_ROLE_CARD_ISSUER,	   /* "card-issuer" */
	TC_ROLE_AUDITOR,	   /* "auditor" */
	TC_ROLE_ADMIN,		   /* "admin" */
};

/* The first and last role, for loops. */
#define TC_ROLE_FIRST TC_ROLE_UNIT_REVIEWER
#define TC_ROLE_LAST  TC_ROLE_ADMIN

/* The mask bit of a role, and the mask of all roles. */
#define TC_ROLE_BIT(r) (1u << (unsigned)(r))
#define TC_ROLE_ALL    (((1u << (TC_ROLE_LAST + 1)) - 1) & ~1u)

/*
 * Longest formatted role list, NUL included: all nine names and eight
 * commas take 110 bytes.
 */
#define TC_ROLES_TEXT_MAX 128

/* The name of r ("unit-reviewer", ...), or "unknown". Never NULL. */
const char *tc_role_name(enum tc_role r);

/*
 * Parses one role name (exactly as above: lower case, hyphens). Returns 0
 * and sets *out, or TC_ERR_INVALID_ARG (*out untouched).
 */
int tc_role_parse(const char *name, enum tc_role *out /* OUT */);

/*
 * Parses a comma-separated list of role names into a mask. Spaces and tabs
 * around a name are ignored; a role named twice counts once. Returns 0 and
 * sets *mask, or TC_ERR_INVALID_ARG (*mask untouched) for an empty list,
 * an empty item or an unknown name; err then names the item and lists the
 * valid names.
 */
int tc_roles_parse(
    const char *list, unsigned *mask /* OUT */, char *err, size_t errlen);

/*
 * Writes the names of the roles in mask, comma-separated in enum order,
 * into out ("" for an empty mask). Returns 0; TC_ERR_INVALID_ARG when mask
 * has a bit that is no role (out is then ""); TC_ERR_TOO_LARGE when outlen
 * is too small (TC_ROLES_TEXT_MAX always suffices).
 */
int tc_roles_format(unsigned mask, char *out /* OUT */, size_t outlen);

/*
 * As tc_roles_format, with sep between the names instead of a comma: the
 * form messages use ("approver or leadership-group").
 * TC_ROLES_TEXT_MAX * 2 suffices for separators up to 8 bytes.
 */
int tc_roles_join(
    unsigned mask, const char *sep, char *out /* OUT */, size_t outlen);

#endif
