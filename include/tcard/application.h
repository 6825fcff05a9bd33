/* SPDX-License-Identifier: MIT */
/*
 * Applications for talent cards and their review (docs/workflow.md).
 *
 * An application is taken from a JSON form (tc_app_form_parse) that holds
 * the programme's form sections; it is kept as a draft or submitted; then
 * it goes through the steps of its tier (or route) in the programme file:
 * each step is acted on by an operator holding the step's role, and no
 * operator acts on two steps of one application (four eyes). A review
 * step may return the application for supplementary material; any step
 * before production may reject it. After the last step before production
 * the application is approved; the card producer records production, and
 * tc_app_issue, by the card issuer, allocates the serial and card
 * number and creates the card.
 *
 * Guards run at submission, at approval and at issue: the person on the
 * blacklist, the employer barred, the statutory retirement age where the
 * programme names it, an excluded category of employer, an existing live
 * card of the same programme. Each refusal names the rule and its source
 * in the programme file.
 *
 * The ID number never reaches the database in plain: an application keeps
 * its keyed MAC, the number sealed under the data key and the masked form,
 * like holders (docs/registry.md). What can be derived from it (sex,
 * retirement group, birth date) and the form are sealed too, in one blob
 * bound to the ID MAC; tc_app_get opens them. Every function that changes the
 * registry needs an open transaction, except tc_app_issue, which
 * runs its own; each appends its audit entries itself (operator, action
 * "application.ACTION", subject "application:ID"), so the caller only
 * begins and commits. The clock is always an argument.
 */
#ifndef TCARD_APPLICATION_H
#define TCARD_APPLICATION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/attach.h"
#include "tcard/blacklist.h"
#include "tcard/id.h"
#include "tcard/pii.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/workday.h"

/* The value of "format" in an application file, when given. */
#define TC_APP_FORMAT "talentcard-application/1"
/* Largest application form, in bytes. */
#define TC_APP_FORM_MAX (256 * 1024)
/* Most attachments named in a form, and per application. */
#define TC_APP_FILES_MAX 64
/* Longest reason of a return, rejection, withdrawal or exception. */
#define TC_APP_REASON_MAX 1024
/* Longest file path in a form. */
#define TC_APP_PATH_MAX 4096

enum tc_app_kind {
	TC_APP_NEW = 1, /* "new" */
	TC_APP_UPGRADE, /* "upgrade": a higher tier for a live card */
	TC_APP_CONVERT, /* "convert": B to A (tier converts_to) */
	TC_APP_SUB,	/* "sub": a sub-card on a principal card */
};

enum tc_app_state {
	TC_APP_DRAFT = 1, /* "draft": kept, not submitted */
	TC_APP_SUBMITTED, /* "submitted": in review at step `step` */
	TC_APP_RETURNED,  /* "returned": waits for supplementary material */
	TC_APP_REJECTED,  /* "rejected": final */
	TC_APP_APPROVED,  /* "approved": at the produce or issue step */
	TC_APP_ISSUED,	  /* "issued": the card exists; final */
	TC_APP_WITHDRAWN, /* "withdrawn": by the applicant; final */
};

/* Kinds of attachment (the attachments.kind column). */
enum tc_att_kind {
	TC_ATT_PHOTO = 1,	      /* "photo" */
	TC_ATT_ID_DOCUMENT,	      /* "id-document" */
	TC_ATT_CONTRACT,	      /* "contract" */
	TC_ATT_TAX_OR_INSURANCE,      /* "tax-or-social-insurance" */
	TC_ATT_ELIGIBILITY_PROOF,     /* "eligibility-proof" */
	TC_ATT_COOPERATION_AGREEMENT, /* "cooperation-agreement" */
	TC_ATT_UNIT_CERTIFICATE,      /* "unit-certificate" */
	TC_ATT_OTHER,		      /* "other" */
};

/* Names of the enums ("upgrade", "returned", "photo"), or "unknown". */
const char *tc_app_kind_name(enum tc_app_kind k);
const char *tc_app_state_name(enum tc_app_state s);
const char *tc_att_kind_name(enum tc_att_kind k);
/* Parse those names. 0, or TC_ERR_INVALID_ARG (*out untouched). */
int tc_app_state_parse(const char *name, enum tc_app_state *out /* OUT */);
int tc_att_kind_parse(const char *name, enum tc_att_kind *out /* OUT */);

/*
 * The attachment kind a programme material id stands for ("labour-contract"
 * and "contract" are contracts, "degree" and "clause-proof" eligibility
 * proofs, ...), TC_ATT_OTHER when none fits.
 */
enum tc_att_kind tc_att_kind_of_material(const char *material_id);

/*
 * Maps an ID type as a programme file or a form names it ("resident-id",
 * "hk-macao-permit", "taiwan-permit", "chinese-passport-pr", "passport") or
 * as include/tcard/id.h names it ("resident", ...) to the registry's type.
 * Returns 0 or TC_ERR_INVALID_ARG.
 */
int tc_app_id_type_parse(const char *name, enum tc_id_type *out /* OUT */);

/* 1 when programme p accepts ID type t (a programme without a list: any). */
int tc_app_takes_id_type(const struct tc_programme *p, enum tc_id_type t);

/* A file the form names, for the caller to read and attach. */
struct tc_app_file {
	enum tc_att_kind kind;
	char material[TC_PROGRAMME_ID_MAX + 1]; /* "" when none */
	char path[TC_APP_PATH_MAX + 1];		/* as written in the form */
};

/*
 * A parsed and validated form. The strings are NUL-terminated; "" means
 * not given. The plain ID number is wiped by tc_app_form_release.
 */
struct tc_app_form {
	const struct tc_programme *programme; /* borrowed from the set */
	char tier[TC_CARD_TEXT_MAX + 1];      /* "": a route decides it */
	char route[TC_PROGRAMME_ID_MAX + 1];
	char clause[TC_PROGRAMME_ID_MAX + 1];
	enum tc_id_type id_type;   /* 0 when not given */
	char id_number[TC_ID_MAX]; /* normalised, plain */
	char id_masked[TC_ID_MAX];
	char name[TC_HOLDER_NAME_MAX + 1];
	char sex[8];		       /* "male", "female" or "" */
	int retire_base;	       /* 60, 55, 50 or 0 */
	char birth_date[TC_DATE_TEXT]; /* "YYYY-MM-DD" or "" */
	char employer[TC_EMPLOYER_MAX + 1];
	char employer_code[TC_USCC_LEN + 1];
	char employer_category[TC_PROGRAMME_ID_MAX + 1];
	char work_type[TC_PROGRAMME_ID_MAX + 1];
	int pledge_accepted;
	char *form_json;       /* the sections to store: no ID number */
	char *exceptions_json; /* {"GUARD": "reason", ...} */
	struct tc_app_file *files;
	size_t n_files;
};

/*
 * Parses and validates len bytes of an application file (docs/workflow.md,
 * "The application file") against the programme it names in set: known
 * keys, sections and fields of the programme's form, every value by its
 * field type (dates real and not in the future where they must not be,
 * texts within max_chars, phones, e-mails), the ID number for its type
 * (tc_id_normalise at now), the clause of the tier or route, sex and birth
 * date against the ID number, the employer's credit code, the work type,
 * attachments and claimed exceptions. Required fields and materials are
 * NOT checked here (a draft may be incomplete; see tc_app_form_complete),
 * but the programme, the clause (or tier), the name and the ID number
 * must be there. On success *out holds the form (release it); on failure
 * *out is empty and err says "KEY: reason" with the JSON path. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  NULL arguments;
 *   TC_ERR_TOO_LARGE    over TC_APP_FORM_MAX bytes, too many entries or
 *                       files;
 *   TC_ERR_MALFORMED    JSON syntax, duplicate or unknown keys, wrong
 *                       types, a bad value, missing identity fields, two
 *                       places giving different values, the ID number
 *                       found inside another field;
 *   TC_ERR_NOT_FOUND    an unknown programme, tier, route, clause, work
 *                       type, material or guard;
 *   TC_ERR_BAD_DATE     a date that is not real or lies in the future;
 *   the codes of tc_id_normalise (bad ID number) and tc_uscc_normalise;
 *   TC_ERR_NOMEM.
 */
int tc_app_form_parse(const struct tc_programme_set *set, const char *json,
    size_t len, time_t now, struct tc_app_form *out /* OUT */, char *err,
    size_t errlen);

/* Wipes and frees what a form holds; the struct may be reused. */
void tc_app_form_release(struct tc_app_form *f);

/* What tc_app_form_complete needs to know about an application. */
struct tc_app_facts {
	const struct tc_programme *programme;
	enum tc_app_kind kind;
	const char *tier;      /* "" when a route decides it */
	const char *work_type; /* "" when none */
	enum tc_id_type id_type;
	const char *form_json; /* the stored sections */
	int pledge_accepted;
	const enum tc_att_kind *att_kinds; /* the attachments */
	const char *const *att_materials;  /* "" or NULL when none */
	size_t n_atts;
};

/*
 * Checks that an application is complete enough to submit: required
 * sections and fields (with their minimum entries), the work type when
 * the programme has them, the photo, every required material for the
 * purpose "apply" that applies to the tier, work type and ID type, and
 * the integrity pledge where the programme has one. A sub-card
 * application needs only the basic identity and its materials. Returns 0,
 * or TC_ERR_MALFORMED with err listing what is missing ("incomplete:
 * sections.contact.email; material labour-contract; pledge"), or
 * TC_ERR_INVALID_ARG.
 */
int tc_app_form_complete(
    const struct tc_app_facts *facts, char *err, size_t errlen);

/* An application as stored. Release with tc_app_release. */
struct tc_app {
	int64_t id;
	enum tc_app_kind kind;
	int64_t card_serial; /* upgrade/convert: the card; sub: principal */
	char relation[TC_CARD_TEXT_MAX + 1]; /* sub only */
	char programme[TC_CARD_TEXT_MAX + 1];
	char tier[TC_CARD_TEXT_MAX + 1]; /* "" while a route decides it */
	char route[TC_CARD_TEXT_MAX + 1];
	char clause[TC_CARD_TEXT_MAX + 1];
	enum tc_id_type id_type;
	uint8_t id_mac[TC_PII_MAC_LEN];
	char id_masked[TC_ID_MAX];
	char name[TC_HOLDER_NAME_MAX + 1];
	char sex[8];
	int retire_base;
	char birth_date[TC_DATE_TEXT];
	char employer[TC_EMPLOYER_MAX + 1];
	char employer_code[TC_USCC_LEN + 1];
	char employer_category[TC_PROGRAMME_ID_MAX + 1];
	char work_type[TC_PROGRAMME_ID_MAX + 1];
	enum tc_app_state state;
	int step;			       /* index into the step list */
	char step_id[TC_PROGRAMME_ID_MAX + 1]; /* "" for drafts */
	time_t step_started_at;
	char deadline[TC_DATE_TEXT]; /* last day of the step, or "" */
	int months;		     /* validity set at approval, or 0 */
	time_t pledge_at;	     /* 0: not accepted */
	time_t created_at, submitted_at, decided_at;
	char created_by[TC_AUDIT_NAME_MAX + 1];
	int64_t issued_serial; /* 0 until issued */
	char *form;	       /* JSON text, heap */
	char *exceptions;      /* JSON object text, heap */
	char *overrides;       /* JSON array text, heap */
};

void tc_app_release(struct tc_app *a);

/*
 * Reads application id, opening its sealed personal data (sex,
 * retire_base, birth_date, form) with the registry's data key. Returns 0,
 * TC_ERR_NOT_FOUND, TC_ERR_MALFORMED (a stored value out of shape),
 * TC_ERR_DECRYPT (the sealed data does not open: another data key, or
 * a row altered or moved) or a database error; on failure *out is empty.
 */
int tc_app_get(struct tc_registry *reg, int64_t id,
    struct tc_app *out /* OUT */, char *err, size_t errlen);

/*
 * Writes application id as an application file (the format
 * tc_app_form_parse reads: programme, route, tier, clause, applicant with
 * the plain ID number opened from its seal, employer, work type, sections,
 * exceptions) into out, so that a caller can change some values and parse
 * it again for tc_app_update. out holds the plain ID number: release it
 * with tc_buf_release, which wipes it. Returns 0, TC_ERR_NOT_FOUND,
 * TC_ERR_DECRYPT, TC_ERR_MALFORMED, TC_ERR_TOO_LARGE, TC_ERR_NOMEM or a
 * database error.
 */
int tc_app_export(struct tc_registry *reg, int64_t id, struct tc_buf *out,
    char *err, size_t errlen);

/* The step list an application follows: its route's, else its tier's. */
int tc_app_steps(const struct tc_programme *p, const struct tc_app *a,
    const struct tc_step **steps /* OUT */, size_t *n /* OUT */, char *err,
    size_t errlen);

struct tc_app_ctx;

/* Filter of tc_app_list; zero it for everything. */
struct tc_app_filter {
	enum tc_app_state state; /* 0: any */
	const char *programme;	 /* NULL: any */
	int overdue;		 /* 1: only in-review steps past deadline */
	time_t now;		 /* for overdue */
	/*
	 * NULL: every application; else only those its operator may see
	 * (tc_app_visible), the operator read once for the listing.
	 */
	const struct tc_app_ctx *ctx;
};

/*
 * Calls fn for each matching application in id order (a is valid during
 * the call; its form, exceptions and overrides are NULL and its sex,
 * birth date and retirement group empty in listings: nothing is opened). An
 * application is overdue when it is submitted or approved and the
 * Asia/Shanghai date of now is after its deadline. A nonzero return from
 * fn stops and is returned. Returns 0, fn's value, TC_ERR_MALFORMED or a
 * database error.
 */
int tc_app_list(struct tc_registry *reg, const struct tc_app_filter *filter,
    int (*fn)(const struct tc_app *a, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * 1 when the acting operator of c may see application a, else 0 (also
 * for an unknown or disabled operator): docs/workflow.md "Scoping". It
 * may when it is an auditor; or created a; or its organisation is a's
 * unit (the unit whose code is a's employer code); or is authority-wide
 * (talent office, city) and it holds a role a step of a's programme
 * uses; or, for a step a has reached that is not a unit step, the step
 * names its organisation, or names none and the operator holds the
 * step's role in an organisation whose kind fits it. Every act on an
 * application (update, attach, submit, review, supplement, withdraw,
 * issue) refuses an application its operator may not see, and a step not
 * its organisation's, with TC_ERR_NOT_FOUND and the message of a missing
 * application ("no application N"): existence is not disclosed.
 */
int tc_app_visible(const struct tc_app_ctx *c, const struct tc_app *a);

/* 1 when a is overdue at now (see tc_app_list). */
int tc_app_overdue(const struct tc_app *a, time_t now);

/*
 * A place in the work queue (tc_app_queue): the deadline ("" for none)
 * and id of an application. As text (a page's cursor, opaque to clients)
 * "YYYY-MM-DD.ID" or "none.ID", at most TC_APP_CURSOR_MAX - 1 bytes.
 */
#define TC_APP_CURSOR_MAX 32
struct tc_app_cursor {
	char deadline[TC_DATE_TEXT];
	int64_t id;
};

/* Reads cursor text s. Returns 0 or TC_ERR_INVALID_ARG. */
int tc_app_cursor_parse(const char *s, struct tc_app_cursor *out /* OUT */);

/* The cursor text of a's place in the queue. */
void tc_app_cursor_text(const struct tc_app *a, char out[TC_APP_CURSOR_MAX]);

/*
 * The work queue of c's operator (docs/workflow.md "Work queue"): the
 * submitted and approved applications it may see (tc_app_visible) whose
 * current step's role it holds, in queue order: by deadline (none last),
 * then by id, so overdue work comes first. Calls fn, in queue order, for
 * at most limit (1 to TC_APP_QUEUE_MAX) of them: the first ones after
 * from (NULL: from the start) or, with backward, the last ones before
 * from. *more is set to 1 when more of the queue lies beyond them in that
 * direction, else 0. Listing rows as tc_app_list does. A nonzero return
 * from fn stops and is returned. Returns 0, fn's value,
 * TC_ERR_INVALID_ARG, TC_ERR_NOMEM, TC_ERR_MALFORMED or a database error.
 */
#define TC_APP_QUEUE_MAX 200
int tc_app_queue(const struct tc_app_ctx *c, const struct tc_app_cursor *from,
    int backward, size_t limit, int (*fn)(const struct tc_app *a, void *arg),
    void *arg, int *more /* OUT */, char *err, size_t errlen);

/*
 * Fills the queue's record of the current step's owner (role and
 * organisation, schema 10) for the submitted and approved applications of
 * a registry of an older schema, from c's programmes; one of a programme
 * or step no longer loaded is in no queue. Runs inside a transaction
 * (tc_registry_begin) and audits what it filled ("system",
 * application.queue-fill, subject "applications", detail {"filled": N});
 * *filled is the number of rows filled, 0 once done.
 * Returns 0, TC_ERR_STATE (no transaction), TC_ERR_NOMEM, TC_ERR_MALFORMED
 * or a database error.
 */
int tc_app_queue_fill(const struct tc_app_ctx *c, int64_t *filled /* OUT */,
    char *err, size_t errlen);

/*
 * The applications whose applicant's name begins with prefix (1 to
 * TC_HOLDER_NAME_MAX bytes of UTF-8 text), in name order (then newest
 * first), that c's operator may see (tc_app_visible): calls fn for at
 * most limit (1 to TC_APP_FIND_MAX) of them and sets *more to 1 when more
 * match. Rows as tc_app_list lists them; read from an index, so the
 * cost is that of the names that match, not of the registry. A nonzero
 * return from fn stops and is returned. Returns 0, fn's value,
 * TC_ERR_INVALID_ARG, TC_ERR_BAD_ENCODING, TC_ERR_MALFORMED or a database
 * error.
 */
#define TC_APP_FIND_MAX 50

/*
 * The applications created by creator (an operator's name, or an
 * applicant's actor name "applicant:ID"), newest first, at most limit:
 * calls fn for each (rows as tc_app_list lists them), from an index.
 * Returns 0, fn's nonzero value, TC_ERR_INVALID_ARG, TC_ERR_MALFORMED or
 * a database error.
 */
#define TC_APP_MINE_MAX 200
int tc_app_list_created(struct tc_registry *reg, const char *creator, int limit,
    int (*fn)(const struct tc_app *a, void *arg), void *arg, char *err,
    size_t errlen);
int tc_app_find_name(const struct tc_app_ctx *c, const char *prefix,
    size_t limit, int (*fn)(const struct tc_app *a, void *arg), void *arg,
    int *more /* OUT */, char *err, size_t errlen);

/* One step's record, and one action, for the progress view. */
struct tc_app_step_rec {
	int step;
	const char *step_id;
	time_t started_at, clock_at, done_at; /* done_at 0: open */
	const char *deadline;		      /* "" when none */
};
struct tc_app_action {
	int64_t id;
	int step; /* -1: the applicant's side (create, submit, ...) */
	const char *step_id; /* "" for -1 */
	const char *action;  /* "approve", "return", ... */
	const char *operator_name;
	time_t at;
	const char *reason; /* "" when none */
	const char *detail; /* JSON object text */
};
struct tc_app_attachment {
	int64_t id;
	enum tc_att_kind kind;
	const char *material; /* "" when none */
	uint8_t sha256[32];
	enum tc_media media;
	int64_t size;
	uint32_t width, height; /* images; 0 otherwise */
	const char *name;
	time_t added_at;
	const char *added_by;
	uint32_t pages; /* a PDF's pages once counted; 0 otherwise */
};

/* Calls fn for each step record, action or attachment of application id,
 * in order. Return as tc_app_list. */
int tc_app_step_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_step_rec *s, void *arg), void *arg, char *err,
    size_t errlen);
int tc_app_action_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_action *a, void *arg), void *arg, char *err,
    size_t errlen);
int tc_app_attachment_list(struct tc_registry *reg, int64_t id,
    int (*fn)(const struct tc_app_attachment *a, void *arg), void *arg,
    char *err, size_t errlen);

/*
 * Keeps the page count of PDF attachment att of application app, counted
 * once by a viewer that parsed it (the console's confined renderer), so
 * that views need not count again (tc_app_attachment's pages). Only an
 * operator who may see the application (c's, as tc_app_visible) keeps
 * it, once: a count already kept stays. Audited as attachment.pages
 * (subject application:N, detail {"attachment", "pages"}) when kept.
 * Inside a transaction. Returns 0, TC_ERR_INVALID_ARG (pages 0 or over
 * 10^6), TC_ERR_NOT_FOUND ("no application N" as for the acts, or no
 * such PDF attachment of it), TC_ERR_STATE or a database error.
 */
int tc_app_attachment_set_pages(const struct tc_app_ctx *c, int64_t app,
    int64_t att, uint32_t pages, char *err, size_t errlen);

/*
 * Reads the content of attachment att_id into out (cap at least
 * TC_ATTACH_MAX), opening the sealed parts and checking the SHA-256.
 * Returns 0, TC_ERR_NOT_FOUND, TC_ERR_DECRYPT / TC_ERR_MALFORMED (altered
 * data), TC_ERR_TOO_LARGE, or a database error.
 */
int tc_app_attachment_read(struct tc_registry *reg, int64_t att_id,
    struct tc_buf *out, char *err, size_t errlen);

/* What every workflow call needs. */
struct tc_app_ctx {
	struct tc_registry *reg;
	const struct tc_programme_set *programmes;
	const struct tc_workdays *workdays; /* NULL: Monday to Friday */
	const char *operator_name;	    /* the acting operator */
	time_t now;
	/*
	 * 0: operator_name is an operator. Else the applicant account
	 * acting (include/tcard/applicant.h), operator_name its actor name
	 * "applicant:ID": it may take only the intake actions (create,
	 * change, attach, submit, withdraw) on applications it created, and
	 * sees only those.
	 */
	int64_t applicant;
};

/*
 * The role an operator needs to take applications (create, change,
 * attach, submit, withdraw): any reviewer role. Four eyes counts these as
 * the applicant's side, which is not a review step (docs/workflow.md).
 */
#define TC_APP_INTAKE_ROLES                                                    \
	(TC_ROLE_BIT(TC_ROLE_UNIT_REVIEWER) |                                  \
	    TC_ROLE_BIT(TC_ROLE_INDUSTRY_REVIEWER) |                           \
	    TC_ROLE_BIT(TC_ROLE_HR_REVIEWER))

/*
 * Creates a draft application of kind TC_APP_NEW from form f. The
 * operator must exist, be enabled and hold an intake role. The tier must
 * be a main tier. Sets *id. Audited "application.create". Returns 0;
 * TC_ERR_FORBIDDEN; TC_ERR_AUTH (operator unknown or disabled);
 * TC_ERR_POLICY (a sub-card tier); TC_ERR_STATE (no transaction);
 * TC_ERR_CRYPTO, TC_ERR_NOMEM or a database error.
 */
int tc_app_create(const struct tc_app_ctx *c, const struct tc_app_form *f,
    int64_t *id /* OUT */, char *err, size_t errlen);

/*
 * 1 when a card of programme p and tier tier may be the subject of an
 * application of kind (TC_APP_UPGRADE: the programme allows upgrades by
 * application and has a main tier ranked above it; TC_APP_CONVERT: the
 * tier converts to another), before any person's or card's rule: what
 * tc_app_create_change would not refuse for the programme alone. Pages
 * offer the forms by it. 0 for another kind or an unknown tier.
 */
int tc_app_change_offered(
    const struct tc_programme *p, const char *tier, enum tc_app_kind kind);

/*
 * Creates a draft application of kind TC_APP_UPGRADE or TC_APP_CONVERT for
 * live card card_serial: the applicant is the card's holder; the employer,
 * work type and form are taken from the application that issued the card,
 * then from f when it is not NULL (f must name the same programme and the
 * same person). Upgrade needs the programme's upgrade_by_application guard
 * and a tier of higher rank; convert needs a tier in the card's
 * converts_to (tier may be NULL when there is exactly one). clause must
 * be a clause of the new tier (NULL only when it has none). Returns 0;
 * TC_ERR_NOT_FOUND (card, tier, clause unknown); TC_ERR_MALFORMED (a
 * clause of another tier, or the form built from the old application no
 * longer passes tc_app_form_parse: err says why); TC_ERR_STATE (the card
 * is not issued, has expired, or is a sub-card); TC_ERR_POLICY (no upgrade
 * in this programme, not a higher tier, not a conversion the tier allows,
 * another person in f); TC_ERR_INVALID_ARG (no tier to go to, or f names
 * other ones); the codes of tc_app_create.
 */
int tc_app_create_change(const struct tc_app_ctx *c, enum tc_app_kind kind,
    int64_t card_serial, const char *tier, const char *clause,
    const struct tc_app_form *f, int64_t *id /* OUT */, char *err,
    size_t errlen);

/*
 * Creates a draft application of kind TC_APP_SUB for a sub-card tier on
 * principal card principal_serial; f names the relative (tier = the sub
 * tier, no clause). The principal must be live, a main card of a tier in
 * the sub tier's principal_tiers. Returns as tc_app_create, and
 * TC_ERR_NOT_FOUND / TC_ERR_STATE / TC_ERR_POLICY for the principal.
 */
int tc_app_create_sub(const struct tc_app_ctx *c, int64_t principal_serial,
    const struct tc_app_form *f, int64_t *id /* OUT */, char *err,
    size_t errlen);

/*
 * Replaces the form of a draft or returned application with f (same
 * programme, same ID type and number; tier, clause and route may change
 * for a draft only). Audited "application.update". Returns 0,
 * TC_ERR_NOT_FOUND, TC_ERR_STATE (other states), TC_ERR_POLICY (another
 * person or programme), the operator errors, or a database error.
 */
int tc_app_update(const struct tc_app_ctx *c, int64_t id,
    const struct tc_app_form *f, char *err, size_t errlen);

/*
 * Attaches len bytes to a draft or returned application: checked with
 * tc_attach_check against the programme's upload_formats (default: all
 * six); a photo must be an image, at most the photo field's max_bytes and
 * exactly its width_px x height_px when the programme sets them. material
 * (may be NULL) names a programme material. The content is stored once
 * per SHA-256, sealed under the data key in parts of at most 1 MiB.
 * Attaching the same content with the same kind twice is refused. Sets
 * *att_id (may be NULL). Audited "application.attach" (kind, material,
 * media type, size, sha256). Returns 0; the codes of tc_attach_check;
 * TC_ERR_RANGE (photo size); TC_ERR_EXISTS; TC_ERR_TOO_LARGE (more than
 * TC_APP_FILES_MAX attachments); TC_ERR_STATE; TC_ERR_NOT_FOUND; the
 * operator errors; TC_ERR_CRYPTO or a database error.
 */
int tc_app_attach(const struct tc_app_ctx *c, int64_t id, enum tc_att_kind kind,
    const char *material, const char *name, const uint8_t *data, size_t len,
    int64_t *att_id /* OUT */, char *err, size_t errlen);

/*
 * Submits a draft (action "submit") or resubmits a returned application
 * ("resubmit"). pledge: 1 when the applicant accepted the programme's
 * integrity pledge now (needed where the programme has one, unless
 * accepted earlier). Checks completeness (tc_app_form_complete) and the
 * guards. A draft starts at the first step; a returned application goes
 * back to the step that returned it, whose deadline restarts when the
 * step has return_restarts_clock. Audited "application.submit" /
 * "application.resubmit". Returns 0; TC_ERR_STATE (not a draft or
 * returned); TC_ERR_MALFORMED (incomplete); TC_ERR_POLICY or
 * TC_ERR_BLACKLISTED (a guard; err names the rule and its source);
 * TC_ERR_FOUR_EYES (the operator acted on a review step of it);
 * TC_ERR_FORBIDDEN, TC_ERR_AUTH; a database error.
 */
int tc_app_submit(const struct tc_app_ctx *c, int64_t id, int pledge, char *err,
    size_t errlen);

enum tc_review_decision {
	TC_REVIEW_APPROVE = 1, /* pass the step */
	TC_REVIEW_RETURN,      /* back to the applicant for material */
	TC_REVIEW_REJECT,      /* final refusal */
};

struct tc_review {
	enum tc_review_decision decision;
	const char *reason; /* required for return and reject */
	const char *tier;   /* approve at a decides_tier step */
	int months;	    /* approve: validity when the tier's term is
				    set at approval; 0: the default */
	const char *const *overrides; /* guards the approver sets aside */
	size_t n_overrides;
};

/*
 * Performs the current step of application id as the acting operator:
 *  - the application must be submitted (review, approve, consult and
 *    notice steps) or approved (the produce step; issue goes through
 *    tc_app_issue);
 *  - the operator must hold the step's role, and must not have acted on
 *    another step of this application or on its applicant's side (four
 *    eyes; returning and later approving the same step is one step);
 *  - approve: at a notice step, not before notice_days working days after
 *    the step started (the message gives the day it ends); at the approve
 *    step, the guards again (a guard stated "in principle" in the programme
 *    is set aside only when the application claims an exception for it
 *    and rv->overrides names it), a tier from the route's tiers when the
 *    step decides the tier, months within the tier's maximum when the
 *    term is set at approval; then the next step starts (with its
 *    deadline), and after the last step before production the
 *    application is approved;
 *  - return: only where the step has may_return; the application waits as
 *    returned; reject: any step before production; the application is
 *    rejected for good.
 * *next_step (may be NULL) gets the new step index. Audited
 * "application.approve" / ".return" / ".reject". Returns 0;
 * TC_ERR_NOT_FOUND; TC_ERR_STATE (wrong state, notice period running, a
 * step that may not return, the programme's steps changed under the
 * application); TC_ERR_FORBIDDEN (role); TC_ERR_FOUR_EYES;
 * TC_ERR_INVALID_ARG (no reason, tier or months where needed, or given
 * where not allowed); TC_ERR_POLICY / TC_ERR_BLACKLISTED (a guard);
 * TC_ERR_AUTH; a database error.
 */
int tc_app_review(const struct tc_app_ctx *c, int64_t id,
    const struct tc_review *rv, int *next_step /* OUT */, char *err,
    size_t errlen);

/*
 * Withdraws a draft, submitted or returned application at the applicant's
 * request (reason required). Audited "application.withdraw". Returns 0,
 * TC_ERR_STATE, TC_ERR_NOT_FOUND, TC_ERR_INVALID_ARG, the operator errors
 * or a database error.
 */
int tc_app_withdraw(const struct tc_app_ctx *c, int64_t id, const char *reason,
    char *err, size_t errlen);

/*
 * Issues the card of an approved application at its issue step, as the
 * acting operator (the issue step's role, four eyes). Must be called
 * outside a transaction: the serial is reserved first in a transaction of
 * its own (tc_serial_reserve), then one transaction re-checks everything
 * and the guards, finds or adds the holder, adds the card (card number
 * from the programme's region and the serial; validity from the tier, or
 * the months set at approval; a sub-card expires with its principal),
 * marks the application issued and, for an upgrade or conversion, revokes
 * the old card as superseded. A failure after the reservation leaves an
 * unused serial, never a reused one. On success *card (may be NULL) is the
 * new card. Audited "application.issue" and "card.issue" (and
 * "card.supersede"). Returns 0; TC_ERR_STATE (a transaction is open, not
 * approved or not at the issue step, the card to replace is no longer
 * live); the review errors; TC_ERR_RANGE (serials exhausted); a database
 * or crypto error.
 */
int tc_app_issue(const struct tc_app_ctx *c, int64_t id,
    struct tc_card *card /* OUT */, char *err, size_t errlen);

/*
 * Runs the guards for application a as they stand at c->now (without
 * writing anything): the rules above, in the order blacklist, employer
 * bar, excluded employer, retirement age, live card, open application.
 * overrides as in struct tc_review (NULL at submission: then a claimed
 * exception lets an in-principle guard pass). Returns 0, or
 * TC_ERR_BLACKLISTED / TC_ERR_POLICY with err naming the rule, the
 * programme and the source reference.
 */
int tc_app_guards(const struct tc_app_ctx *c, const struct tc_app *a,
    const char *const *overrides, size_t n_overrides, int at_approval,
    char *err, size_t errlen);

/* One field of a supplement: "section.field" and its new value. */
struct tc_app_patch {
	const char *field; /* "basic.residence" */
	const char *value; /* UTF-8 text */
};

/* Most fields one supplement changes. */
#define TC_APP_PATCH_MAX 32

/*
 * The unit's supplement (003 信息补充, docs/workflow.md "Supplement"):
 * the acting operator, a unit-reviewer of the application's unit, fills in
 * or corrects n fields (1 to TC_APP_PATCH_MAX, each once) of application
 * id while it is submitted and at a unit-reviewer step. A field must be
 * of a non-repeating section of the programme's form, editable, not
 * from_login (name, ID number...), not derived and not a source other
 * fields derive from (the employer: changing it would move the
 * application to another unit), and of type text, long-text, address,
 * phone, email or date (YYYY-MM-DD); values are 1 to the field's
 * max_chars characters of text. The form is sealed again; recorded as the
 * action "supplement" at the current step with the reason and the field
 * ids (never the values) in the action and the audit entry
 * "application.supplement". Four eyes: the supplementing operator has
 * acted on that step, so may still approve or return it, but no other
 * step. Needs an open transaction. Returns 0; TC_ERR_NOT_FOUND (no
 * application N, or one the operator may not see or whose step is another
 * unit's; or an unknown field: err names it); TC_ERR_STATE (not submitted,
 * or not at a unit-reviewer step); TC_ERR_FORBIDDEN (not a
 * unit-reviewer); TC_ERR_FOUR_EYES; TC_ERR_POLICY (a field the unit may
 * not change); TC_ERR_INVALID_ARG (no reason, a bad value, a field twice);
 * TC_ERR_CRYPTO, TC_ERR_NOMEM or a database error.
 */
int tc_app_supplement(const struct tc_app_ctx *c, int64_t id,
    const struct tc_app_patch *patch, size_t n, const char *reason, char *err,
    size_t errlen);

/*
 * The roles that may see an applicant's full ID number (to compare it with
 * the materials): the reviewers and the approver. Auditors, the leadership
 * group and the card roles see the masked form only.
 */
#define TC_APP_REVEAL_ROLES                                                    \
	(TC_APP_INTAKE_ROLES | TC_ROLE_BIT(TC_ROLE_APPROVER))

/*
 * Writes application id's full ID number (NUL-terminated) to number for
 * the acting operator: one who may see the application (tc_app_visible)
 * and holds a role of TC_APP_REVEAL_ROLES. Audited
 * "application.id-reveal" (subject the application, detail the ID type;
 * never the number) before the number is opened. Needs an open
 * transaction: the caller shows the number only after a successful
 * commit, then wipes it. Returns 0; TC_ERR_NOT_FOUND (no application, or
 * one the operator may not see); TC_ERR_FORBIDDEN (no role that needs the
 * number); TC_ERR_AUTH; TC_ERR_STATE (no transaction); TC_ERR_DECRYPT;
 * a database error. On failure number is "".
 */
int tc_app_reveal_id(const struct tc_app_ctx *c, int64_t id,
    char number[TC_ID_MAX] /* OUT */, char *err, size_t errlen);

/*
 * 1 when field name ("section.field") of programme p is one a unit's
 * supplement may change (the field rules of tc_app_supplement), else 0:
 * for pages that offer only those fields.
 */
int tc_app_supplement_field(const struct tc_programme *p, const char *name);

#endif
