/* SPDX-License-Identifier: MIT */
/*
 * Organisations of the issuing authority in the registry (the
 * organisations table of schema step 8, docs/operators.md
 * "Organisations"): units (employers, by their unified social credit
 * code), industry departments, district HR bureaus, city offices, the
 * talent office and bank branches. Every operator belongs to exactly one;
 * the kind of an organisation limits the roles its operators may hold
 * (tc_org_kind_roles) and the applications they see and act on
 * (include/tcard/application.h, tc_app_visible). The functions that
 * change data need an open transaction; the caller audits, as for
 * operators (include/tcard/operator.h).
 */
#ifndef TCARD_ORGANISATION_H
#define TCARD_ORGANISATION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/registry.h"

/* Longest code: a unit's is its 18-character USCC, others are shorter. */
#define TC_ORG_CODE_MAX 32
/* Longest name in bytes (UTF-8, no control characters). */
#define TC_ORG_NAME_MAX 240
/* The authority-wide organisation schema step 8 makes (kind talent-office). */
#define TC_ORG_OFFICE_CODE "office"

enum tc_org_kind {
	TC_ORG_UNIT = 1,      /* "unit": an employer, code = its USCC */
	TC_ORG_INDUSTRY,      /* "industry": an industry department */
	TC_ORG_DISTRICT,      /* "district": a district HR bureau */
	TC_ORG_CITY,	      /* "city": a city office */
	TC_ORG_TALENT_OFFICE, /* "talent-office" */
	TC_ORG_BANK_BRANCH,   /* "bank-branch" */
};

struct tc_organisation {
	int64_t id;
	enum tc_org_kind kind;
	char code[TC_ORG_CODE_MAX + 1];
	char name[TC_ORG_NAME_MAX + 1];
	time_t created_at;
};

/* "unit", "industry", ...; NULL for a value outside the enum. */
const char *tc_org_kind_name(enum tc_org_kind k);

/* Parses a kind name. Returns 0 or TC_ERR_NOT_FOUND. */
int tc_org_kind_parse(const char *name, enum tc_org_kind *out /* OUT */);

/*
 * The mask of roles (TC_ROLE_BIT) an operator of an organisation of kind
 * k may hold (docs/operators.md has the table): unit-reviewer in a unit;
 * industry-reviewer in an industry department; hr-reviewer in a district
 * or city; approver and leadership-group in the talent office or a city;
 * card-producer in a bank branch or the talent office; card-issuer in the
 * talent office, a city or a bank branch; auditor and admin in the talent
 * office. 0 for an unknown kind.
 */
unsigned tc_org_kind_roles(enum tc_org_kind k);

/*
 * 1 when an organisation of kind k is authority-wide (the talent office
 * and a city office): its operators see every application at a step of
 * a role they hold.
 */
int tc_org_kind_wide(enum tc_org_kind k);

/*
 * Refuses roles (a mask) that an operator of organisation o may not hold:
 * TC_ERR_POLICY naming the first such role, o's code and kind, and the
 * kinds that role needs. Returns 0 when all fit.
 */
int tc_org_roles_check(
    const struct tc_organisation *o, unsigned roles, char *err, size_t errlen);

/*
 * Checks and normalises the code of an organisation of kind k into out: a
 * unit's code is a unified social credit code (tc_uscc_normalise: the
 * 18 characters); any other kind's is 1 to 24 characters of a-z, 0-9 and
 * '-', starting with a letter or digit. Returns 0, TC_ERR_INVALID_ARG
 * (a bad code, the message says why) or the codes of tc_uscc_normalise.
 */
int tc_org_code_check(enum tc_org_kind k, const char *code,
    char out[TC_ORG_CODE_MAX + 1] /* OUT */, char *err, size_t errlen);

/*
 * Adds an organisation (code checked and normalised by tc_org_code_check;
 * name 1 to TC_ORG_NAME_MAX bytes of UTF-8 without control characters).
 * Needs an open transaction; the caller writes the audit entry
 * ("organisation.add"). Sets *out (may be NULL) to the new row. Returns 0;
 * TC_ERR_INVALID_ARG (bad kind, code or name); TC_ERR_EXISTS (the code is
 * taken); TC_ERR_STATE (no transaction); a database error.
 */
int tc_registry_org_add(struct tc_registry *reg, enum tc_org_kind kind,
    const char *code, const char *name, time_t now,
    struct tc_organisation *out /* OUT */, char *err, size_t errlen);

/*
 * Reads the organisation with this code (as stored: a unit's USCC upper
 * case) or row id into *out. Returns 0, TC_ERR_NOT_FOUND ("no
 * organisation CODE"), TC_ERR_MALFORMED (a row out of shape) or a
 * database error; *out is zeroed on failure.
 */
int tc_registry_org_get(struct tc_registry *reg, const char *code,
    struct tc_organisation *out /* OUT */, char *err, size_t errlen);
int tc_registry_org_get_id(struct tc_registry *reg, int64_t id,
    struct tc_organisation *out /* OUT */, char *err, size_t errlen);

/*
 * Calls fn for every organisation in (kind, code) order; o is valid during
 * the call only. A nonzero return from fn stops the walk and is returned.
 */
int tc_registry_org_list(struct tc_registry *reg,
    int (*fn)(const struct tc_organisation *o, void *arg), void *arg, char *err,
    size_t errlen);

#endif
