/* SPDX-License-Identifier: MIT */
/*
 * Programme definitions: one JSON file per talent card programme
 * (programmes/<id>.json) with its tiers and eligibility clauses, validity
 * rules, review steps and the role that may act on each, guards for the
 * workflow, the service catalogue with quotas, and the application form.
 * The loader parses a file with jansson, checks every key against the
 * schema and every cross-reference, and hands out plain read-only structs
 * that the workflow and the service windows read directly. A file that is
 * malformed or inconsistent is refused with "FILE: KEY: reason", KEY being
 * a JSON path such as tiers[2].steps[1].role. The format, every key, the
 * limits and the modelling decisions are in docs/programmes.md.
 *
 * Everything a struct points to (strings, arrays) is owned by the
 * programme and lives until tc_programme_free(); callers never free or
 * modify it. Optional strings are NULL when absent; an absent optional
 * text has zh and en NULL; an absent list has n == 0 and v == NULL.
 */
#ifndef TCARD_PROGRAMME_H
#define TCARD_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/cose.h"
#include "tcard/role.h"

/* The value of the "format" key of every file this loader reads. */
#define TC_PROGRAMME_FORMAT   "talentcard-programme/1"
#define TC_PROGRAMME_CODE_MAX 65535 /* programme "code": 1..this */

#define TC_PROGRAMME_FILE_MAX	(1024 * 1024) /* bytes per file */
#define TC_PROGRAMME_ID_MAX	32	      /* bytes of an id */
#define TC_PROGRAMME_STRING_MAX 8192	      /* bytes of any string */
#define TC_PROGRAMME_LIST_MAX	512	      /* entries of any array */
#define TC_PROGRAMME_SET_MAX	64 /* files in a programme directory */

/* A text in Chinese (as in the source) and its English translation. */
struct tc_text {
	const char *zh;
	const char *en;
};

/* Where a rule comes from: every object that carries a rule has one. */
struct tc_cite {
	const char *source; /* "001 实施细则第三条(一)1": source id, place */
	const char *note; /* modelling remark in English, or NULL */
	int assumed;	  /* 1: not in the source, a modelling choice */
};

/* A list of ids (tier ids, service ids, ...). */
struct tc_idlist {
	const char **v;
	size_t n;
};

/* Family relations: of sub-cards, and of the people a service covers. */
enum tc_relation {
	TC_REL_HOLDER = 1,    /* "holder": the card holder */
	TC_REL_SPOUSE,	      /* "spouse" */
	TC_REL_CHILD,	      /* "child" */
	TC_REL_PARENT,	      /* "parent" */
	TC_REL_PARENT_IN_LAW, /* "parent-in-law" */
};
#define TC_REL_BIT(r) (1u << (unsigned)(r))

/* Card media a programme issues and a service accepts (a bit mask). */
#define TC_CHANNEL_CHIP 0x1u /* "chip": the physical card */
#define TC_CHANNEL_QR	0x2u /* "qr": the signed QR e-card */

/* The name of r ("spouse", ...), or "unknown". Never NULL. */
const char *tc_relation_name(enum tc_relation r);

/*
 * Parses a relation name as above. Returns 0 and sets *out, or
 * TC_ERR_INVALID_ARG (*out untouched).
 */
int tc_relation_parse(const char *name, enum tc_relation *out /* OUT */);

/* One source document of the programme ("sources"). */
struct tc_source {
	const char *id;	  /* "001": the prefix of every source reference */
	const char *file; /* file name of the original */
	struct tc_text title;
	const char *ref;  /* document number, or NULL */
	const char *date; /* YYYY-MM-DD, or NULL */
	const char *note;
};

/*
 * A guard: a rule the workflow enforces, read from the file. set is 0 when
 * the programme's sources do not state it; then value is 0 and the rest
 * NULL. value is 0/1 for yes/no guards and a count for the others.
 * in_principle is 1 when the source says "in principle" (原则上): the
 * workflow should let a reviewer override it with a reason.
 */
struct tc_guard {
	int set;
	long long value;
	int in_principle;
	struct tc_text text; /* the source's wording, may be NULL */
	struct tc_cite cite;
};

/*
 * The guards a programme file may state (the JSON keys have the same
 * names). Yes/no guards: employer_in_region (the employer is registered or
 * pays tax in the region), below_retirement_age (applicants are below the
 * statutory retirement age), ends_on_retirement (service ends when the
 * holder retires), fraud_person_blacklist (fraud puts the person on a
 * blacklist), upgrade_by_application (a higher tier is applied for),
 * personal_use_only, mid_term_assessment (the employer assesses the holder
 * mid-term), reapply_priority (former holders re-apply with priority),
 * exits_announced_yearly. Counts: fraud_employer_bar_years (fraud bars the
 * employer for N years), renewal_window_days (renewal from N days before
 * expiry), change_report_days (changes reported within N days).
 */
struct tc_guards {
	struct tc_guard employer_in_region;
	struct tc_guard below_retirement_age;
	struct tc_guard ends_on_retirement;
	struct tc_guard fraud_employer_bar_years;
	struct tc_guard fraud_person_blacklist;
	struct tc_guard renewal_window_days;
	struct tc_guard change_report_days;
	struct tc_guard upgrade_by_application;
	struct tc_guard personal_use_only;
	struct tc_guard mid_term_assessment;
	struct tc_guard reapply_priority;
	struct tc_guard exits_announced_yearly;
};

/* An employer category whose staff may not apply ("excluded_employers"). */
struct tc_exclusion {
	const char *id;
	struct tc_text text;
	int in_principle;
	struct tc_cite cite;
};

/* A condition every applicant (of the listed tiers) meets. */
struct tc_requirement {
	const char *id;
	struct tc_text text;
	struct tc_idlist tiers; /* empty: every tier */
	struct tc_cite cite;
};

/* A reason for ending a card's service (revocation reasons). */
struct tc_end_reason {
	const char *id;
	struct tc_text names;
	struct tc_cite cite;
};

/* A card of another programme accepted as one of this programme's tiers. */
struct tc_accepted_card {
	const char *programme; /* programme id, need not be loaded */
	struct tc_text names;
	const char *as_tier; /* a tier of this programme */
	struct tc_cite cite;
};

enum tc_term {
	TC_TERM_FIXED = 1, /* "fixed": a term set by the source */
	TC_TERM_OPEN,	   /* "open": no term in the source; months chosen */
	TC_TERM_PRINCIPAL, /* "principal": a sub-card, follows the main card */
};

/*
 * Validity of a tier's cards. For fixed and open terms a card is issued
 * for default_months (the approver may choose fewer when set_at_approval,
 * never more than max_months) and may be extended extensions times by
 * extension_months each. For principal (sub-cards) all numbers are 0: the
 * card expires with its main card.
 */
struct tc_validity {
	enum tc_term term;
	int default_months;
	int max_months;
	int extensions;
	int extension_months;
	int set_at_approval;
	struct tc_cite cite;
};

/* A group of clauses of a tier (the green card's categories). */
struct tc_category {
	const char *id;
	struct tc_text text;
	struct tc_cite cite;
};

/* One eligibility clause. Clause ids are unique in the whole programme. */
struct tc_clause {
	const char *id;
	struct tc_text text;   /* the clause as in the source */
	const char *category;  /* a category id of its tier, or NULL */
	struct tc_text proof;  /* the proof it needs, may be NULL */
	const char *holder_of; /* holders of this programme's card qualify */
	struct tc_cite cite;
};

enum tc_step_kind {
	TC_STEP_REVIEW = 1, /* "review": checks, may return */
	TC_STEP_APPROVE,    /* "approve": the decision; exactly one */
	TC_STEP_CONSULT,    /* "consult": opinions of other departments */
	TC_STEP_NOTICE,	    /* "notice": public notice, notice_days > 0 */
	TC_STEP_PRODUCE,    /* "produce": the card is made; exactly one */
	TC_STEP_ISSUE,	    /* "issue": handed over; exactly one, last */
};

/*
 * One step of a review procedure. Steps run in array order. Every list
 * has exactly one approve step, then one produce and one issue step in
 * that order. deadline_days counts working days from the start of the
 * step, or from the start of the earlier step clock_from when set; 0 means
 * no deadline. A returned application restarts the clock when
 * return_restarts_clock. decides_tier is set only on the approve step of a
 * route whose tier is decided there.
 */
struct tc_step {
	const char *id;
	struct tc_text names;
	enum tc_step_kind kind;
	enum tc_role role; /* the only role that may act on this step */
	/*
	 * The code of the one organisation whose operators take this step
	 * ("organisation", docs/programmes.md), or NULL: any operator of the
	 * role whose organisation's kind fits it; a unit-reviewer step never
	 * names one (its unit is the application's).
	 */
	const char *organisation;
	int deadline_days;	/* working days, 0 = none */
	const char *clock_from; /* id of an earlier step, or NULL */
	int notice_days;	/* working days of public notice, 0 = none */
	int may_return;
	int return_restarts_clock;
	int decides_tier;
	struct tc_cite cite;
};

enum tc_tier_kind {
	TC_TIER_MAIN = 1, /* "main" */
	TC_TIER_SUB,	  /* "sub": a sub-card for a relative */
};

struct tc_tier {
	const char *id;
	struct tc_text names;
	enum tc_tier_kind kind;
	int rank; /* main: >= 1, higher is better (upgrades); sub: 0 */
	const char *colour; /* "#RRGGBB", for card printing */
	uint32_t rgb;	    /* the same colour as 0xRRGGBB */
	struct tc_validity validity;
	enum tc_relation relation; /* sub: never TC_REL_HOLDER; main: 0 */
	int minor_only;		   /* sub: only minors (a minor child) */
	struct tc_idlist principal_tiers; /* sub: main tiers it may hang on */
	struct tc_idlist converts_to;	  /* main: tiers it may convert to */
	struct tc_category *categories;
	size_t n_categories;
	struct tc_clause *clauses;
	size_t n_clauses;
	int clauses_complete; /* 0: the source shows only some clauses */
	struct tc_step *steps;
	size_t n_steps;
	struct tc_cite cite; /* source may be NULL */
};

/*
 * Another way through the review: either own clauses (applications under
 * them name no tier; the approve step, marked decides_tier, chooses one of
 * tiers when there are several), or no clauses (an alternative procedure
 * for applicants of tiers who meet condition).
 */
struct tc_route {
	const char *id;
	struct tc_text names;
	struct tc_text condition;
	struct tc_idlist tiers; /* main tiers */
	struct tc_clause *clauses;
	size_t n_clauses;
	struct tc_step *steps;
	size_t n_steps;
	struct tc_cite cite;
};

enum tc_period {
	TC_PERIOD_UNLIMITED = 0, /* "unlimited" */
	TC_PERIOD_MONTH,	 /* "month": per calendar month */
	TC_PERIOD_YEAR,		 /* "year": per calendar year */
	TC_PERIOD_VALIDITY,	 /* "validity": per card validity */
};

struct tc_quota {
	enum tc_period period;
	int count; /* uses per period; 0 when unlimited */
};

enum tc_money_per {
	TC_MONEY_NONE = 0,
	TC_MONEY_TOTAL, /* "total": a credit line or cap */
	TC_MONEY_USE,	/* "use" */
	TC_MONEY_MONTH, /* "month" */
	TC_MONEY_YEAR,	/* "year" */
};

struct tc_money {
	long long cny;	       /* yuan */
	enum tc_money_per per; /* TC_MONEY_NONE: no amount */
};

/*
 * A service (one item of the source's list), or an option of one. A use
 * of an option counts against the option's quota and the service's quota.
 * An option without tiers or channels has its service's; an option's
 * tiers and channels are within its service's.
 */
struct tc_service {
	const char *id;
	const char *item; /* the item's number in the source, or NULL */
	struct tc_text names;
	struct tc_text text;	/* the source's wording, may be NULL */
	struct tc_idlist tiers; /* main and sub tiers covered */
	struct tc_quota quota;
	int party_size;		/* people one use covers, >= 1 */
	unsigned beneficiaries; /* TC_REL_BIT mask; default holder */
	unsigned channels;	/* TC_CHANNEL_* mask, never 0 */
	int lead_minutes;	/* booking at least this far ahead, 0 = none */
	int duration_minutes;	/* length of one use, 0 = not stated */
	int term_months;	/* longest term of the benefit, 0 = none */
	int completion_days;	/* done within N working days, 0 = none */
	struct tc_money money;
	struct tc_text *places; /* where it is given */
	size_t n_places;
	struct tc_service *options; /* always 0 for an option */
	size_t n_options;
	struct tc_cite cite;
};

/* Services of which a holder uses at most one per period. */
struct tc_exclusive_group {
	const char *id;
	struct tc_text names;
	struct tc_idlist services; /* >= 2 distinct service ids */
	enum tc_period period;	   /* never TC_PERIOD_UNLIMITED */
	struct tc_cite cite;
};

enum tc_field_type {
	TC_FIELD_TEXT = 1,  /* "text" */
	TC_FIELD_LONG_TEXT, /* "long-text" */
	TC_FIELD_DATE,	    /* "date" */
	TC_FIELD_CHOICE,    /* "choice" */
	TC_FIELD_PHOTO,	    /* "photo" */
	TC_FIELD_ID_NUMBER, /* "id-number" */
	TC_FIELD_PHONE,	    /* "phone" */
	TC_FIELD_EMAIL,	    /* "email" */
	TC_FIELD_ADDRESS,   /* "address" */
};

struct tc_field {
	const char *id; /* unique within its section */
	struct tc_text names;
	enum tc_field_type type;
	int required;
	int editable;		  /* 0: filled by the system */
	int from_login;		  /* taken from the identity login */
	const char *derived_from; /* "section.field", or NULL */
	int max_chars;		  /* characters, 0 = no limit */
	int width_px, height_px;  /* photo size, 0 = any */
	long long max_bytes;	  /* photo file size, 0 = any */
	struct tc_cite cite;
};

struct tc_section {
	const char *id;
	struct tc_text names;
	int required;
	int repeating;	 /* a list of entries */
	int min_entries; /* repeating: at least this many */
	int max_entries; /* repeating: 0 = no limit */
	struct tc_field *fields;
	size_t n_fields;
	struct tc_cite cite;
};

/* A kind of work (full-time, flexible...) or of ID document. */
struct tc_choice {
	const char *id;
	struct tc_text names;
	struct tc_cite cite;
};

enum tc_purpose {
	TC_PURPOSE_APPLY = 1, /* "apply" (the default) */
	TC_PURPOSE_CHANGE,    /* "change" */
	TC_PURPOSE_REISSUE,   /* "reissue" */
	TC_PURPOSE_RENEW,     /* "renew" */
};

/*
 * A material to upload. It applies to an application for purpose whose
 * tier, work type and ID type are in the lists (an empty list: any).
 */
struct tc_material {
	const char *id;
	struct tc_text names;
	int required;
	enum tc_purpose purpose;
	struct tc_idlist tiers;
	struct tc_idlist work_types;
	struct tc_idlist id_types;
	struct tc_cite cite;
};

struct tc_pledge {
	int required; /* 0: no pledge in the source */
	int read_seconds;
	struct tc_text text;
	struct tc_cite cite;
};

struct tc_application {
	struct tc_section *sections;
	size_t n_sections;
	struct tc_choice *work_types;
	size_t n_work_types;
	struct tc_choice *id_types;
	size_t n_id_types;
	struct tc_material *materials;
	size_t n_materials;
	struct tc_idlist upload_formats; /* "pdf", "jpg"...; empty: any */
	struct tc_pledge pledge;
	struct tc_cite cite;
};

/*
 * The card face layout ("face", optional; docs/cardfaces.md). Sizes are
 * millimetres from the top left corner of the trimmed ISO/IEC 7810 ID-1
 * card (TC_FACE_CARD_W_MM x TC_FACE_CARD_H_MM); font sizes are points.
 */
#define TC_FACE_CARD_W_MM 85.60
#define TC_FACE_CARD_H_MM 53.98
#define TC_FACE_PT_MIN	  4.0  /* smallest font size a face may name */
#define TC_FACE_PT_MAX	  72.0 /* largest */
#define TC_FACE_QR_MIN_MM 15.0 /* shorter side of the QR box, at least */

/*
 * The chip of the card stock ("face.chip"): contacts on the front (the
 * default: the programmes' cards are contact cards), an antenna only
 * (contactless), or none. With contacts, no box of the front may overlap
 * the ISO/IEC 7816-2 contact field C1..C8, given here as the outer limits
 * of the eight contact zones from the card's left and top edges
 * (docs/cardfaces.md cites the figures).
 */
enum tc_face_chip {
	TC_FACE_CHIP_CONTACT = 0,
	TC_FACE_CHIP_CONTACTLESS,
	TC_FACE_CHIP_NONE,
};
#define TC_FACE_CONTACT_X0_MM 10.25 /* C1..C4, left edge of the zones */
#define TC_FACE_CONTACT_X1_MM 19.87 /* C5..C8, right edge of the zones */
#define TC_FACE_CONTACT_Y0_MM 19.23 /* C1 and C5, top of the zones */
#define TC_FACE_CONTACT_Y1_MM 28.55 /* C4 and C8, bottom of the zones */

/*
 * "front.details": lines of "caption value" from the holder's application
 * form (sex, birth date, nationality...), each line naming 1 to
 * TC_FACE_DETAIL_PER_LINE fields "section.field" of a section that does
 * not repeat; at most TC_FACE_DETAILS_MAX fields in all. The caption is
 * the field's names. An ID number field cannot be named (the face shows
 * only the masked number of the registry).
 */
#define TC_FACE_DETAILS_MAX	12
#define TC_FACE_DETAIL_PER_LINE 3
struct tc_face_detail {
	const char *section;	      /* the section id */
	const struct tc_field *field; /* in the programme's application */
	int line;		      /* 0-based line of the details */
};

/* A box: [x, y, width, height] in the file. */
struct tc_face_box {
	double x, y, w, h;
};

/* A text of a face; it shrinks from max_pt down to min_pt to fit its box. */
struct tc_face_text {
	int set; /* 0: not on the face */
	struct tc_face_box box;
	double min_pt, max_pt;
};

/* How the cards of one tier look ("face.tiers"). */
struct tc_face_tier {
	const char *tier;     /* a tier id of the programme */
	struct tc_text label; /* "钻石卡" / "Diamond", "副证" / "Sub-card" */
	uint32_t rgb;	      /* "colour" of the band; default: the tier's */
	uint32_t text_rgb;    /* "text" on the band; default by contrast */
};

/*
 * set is 0 when the file has no "face" (the renderer then uses its own
 * default layout). A face names every tier of the programme once; the
 * photo, name, card number, masked ID, validity, title and label boxes of
 * the front, the QR and verify boxes of the back, and "sub" exactly when
 * the programme has sub-card tiers, are required.
 */
struct tc_face {
	int set;
	uint32_t ink_rgb;   /* "ink": text on the body, default #1A1A1A */
	uint32_t paper_rgb; /* "paper": the body, default #FFFFFF */
	double band_mm;	    /* "band": tier band on top of both sides, 0-27 */
	enum tc_face_chip chip; /* "chip": default contact */
	struct tc_face_tier *tiers;
	size_t n_tiers;
	struct tc_face_text title, label, name, card_no, id, validity, sub;
	struct tc_face_box photo;
	struct tc_face_box qr;
	struct tc_face_text verify, authority;
	struct tc_face_text details; /* optional */
	struct tc_face_detail detail[TC_FACE_DETAILS_MAX];
	size_t n_details;
	struct tc_text verify_text;
	struct tc_cite cite;
};

/* The face entry of tier id, owned by f, or NULL. */
const struct tc_face_tier *tc_face_tier_find(
    const struct tc_face *f, const char *id);

struct tc_programme {
	const char *file; /* the source_name given to the loader */
	const char *id;
	struct tc_text names;
	struct tc_text authority;
	int code; /* 1..TC_PROGRAMME_CODE_MAX, unique in a set: credentials */
	char region[7]; /* GB/T 2260 code, 6 digits */
	int alg;	/* TC_COSE_ALG_ES256 or TC_COSE_ALG_SM2_SM3 */
	unsigned media; /* TC_CHANNEL_* mask, never 0 */
	const char *note;
	struct tc_source *sources;
	size_t n_sources;
	struct tc_guards guards;
	struct tc_exclusion *excluded_employers;
	size_t n_excluded_employers;
	struct tc_requirement *requirements;
	size_t n_requirements;
	struct tc_end_reason *end_reasons;
	size_t n_end_reasons;
	struct tc_accepted_card *accepted_cards;
	size_t n_accepted_cards;
	struct tc_tier *tiers;
	size_t n_tiers;
	struct tc_route *routes;
	size_t n_routes;
	struct tc_service *services;
	size_t n_services;
	struct tc_exclusive_group *exclusive_groups;
	size_t n_exclusive_groups;
	struct tc_application application;
	struct tc_face face; /* card face layout; face.set 0 when absent */
	void *priv;	     /* the parsed JSON the strings live in */
};

/*
 * Parses len bytes of JSON (need not be NUL-terminated) as a programme
 * file. source_name (may be NULL: "programme") names the input in
 * messages and is copied into p->file. On success *out is the programme,
 * to be freed with tc_programme_free(); on failure *out is NULL and err
 * (when not NULL) holds "SOURCE_NAME: KEY: reason" or, for JSON syntax,
 * "SOURCE_NAME: line L, column C: reason". Returns
 *   0;
 *   TC_ERR_INVALID_ARG     out is NULL, or json is NULL with len > 0;
 *   TC_ERR_TOO_LARGE       len over TC_PROGRAMME_FILE_MAX, or an array
 *                          over TC_PROGRAMME_LIST_MAX;
 *   TC_ERR_TRUNCATED       the JSON text ends early;
 *   TC_ERR_TRAILING        bytes after the JSON value;
 *   TC_ERR_BAD_ENCODING    invalid UTF-8;
 *   TC_ERR_TOO_DEEP        nesting deeper than jansson's limit;
 *   TC_ERR_MALFORMED       other JSON syntax errors, duplicate keys,
 *                          unknown or missing keys, wrong types, bad
 *                          values or broken structure rules;
 *   TC_ERR_RANGE           a number out of its range (negative, too big,
 *                          default validity over the maximum, ...);
 *   TC_ERR_EXISTS          two tiers, clauses, steps, services... share
 *                          an id;
 *   TC_ERR_NOT_FOUND       a reference to a tier, service, step, category,
 *                          work or ID type, field or source that does not
 *                          exist;
 *   TC_ERR_UNSUPPORTED_ALG "alg" is not "ES256" or "SM2";
 *   TC_ERR_UNSUPPORTED     "format" is not TC_PROGRAMME_FORMAT;
 *   TC_ERR_NOMEM.
 */
int tc_programme_parse(struct tc_programme **out /* OUT */, const char *json,
    size_t len, const char *source_name, char *err, size_t errlen);

/*
 * Reads the file at path (a regular file of at most TC_PROGRAMME_FILE_MAX
 * bytes) and parses it as tc_programme_parse() with path as the source
 * name. Returns as tc_programme_parse, TC_ERR_TOO_LARGE for a larger file,
 * and TC_ERR_IO when the file is missing, cannot be opened or read, or is
 * not a regular file (the message is tc_file_read's, tcard/file.h).
 */
int tc_programme_load(struct tc_programme **out /* OUT */, const char *path,
    char *err, size_t errlen);

/* Frees p and everything it owns (NULL is fine). */
void tc_programme_free(struct tc_programme *p);

/*
 * The programme's file as it was parsed, as compact JSON text (malloc'd,
 * NUL-terminated; the caller frees it), for a process that parses it
 * again with tc_programme_parse (the office's web worker draws the
 * e-card from it). NULL when out of memory.
 */
char *tc_programme_dump(const struct tc_programme *p);

/* Lookups by id. Each returns a pointer owned by p, or NULL. */
const struct tc_tier *tc_programme_tier(
    const struct tc_programme *p, const char *id);
const struct tc_route *tc_programme_route(
    const struct tc_programme *p, const char *id);
const struct tc_service *tc_programme_service(
    const struct tc_programme *p, const char *id);
/*
 * Finds a clause of any tier or route; *tier or *route (each may be NULL)
 * gets its owner, the other NULL.
 */
const struct tc_clause *tc_programme_clause(const struct tc_programme *p,
    const char *id, const struct tc_tier **tier /* OUT */,
    const struct tc_route **route /* OUT */);
/* The first exclusive group that contains service id, or NULL. */
const struct tc_exclusive_group *tc_programme_exclusive_group(
    const struct tc_programme *p, const char *service_id);
const struct tc_clause *tc_tier_clause(const struct tc_tier *t, const char *id);
const struct tc_step *tc_tier_step(const struct tc_tier *t, const char *id);
const struct tc_clause *tc_route_clause(
    const struct tc_route *r, const char *id);
const struct tc_step *tc_route_step(const struct tc_route *r, const char *id);
const struct tc_service *tc_service_option(
    const struct tc_service *s, const char *id);
/* Returns 1 when s (a service or an option) covers tier_id, else 0. */
int tc_service_covers(const struct tc_service *s, const char *tier_id);
/* Returns 1 when list holds id, else 0. */
int tc_idlist_has(const struct tc_idlist *list, const char *id);

/* All programmes of a directory. */
struct tc_programme_set;

/*
 * Loads every *.json file of dir (names starting with '.' are skipped) in
 * name order. Refuses the whole set when one file fails (err as
 * tc_programme_load) or two files define the same id (TC_ERR_EXISTS; err
 * names both files). Returns 0, the codes of tc_programme_load,
 * TC_ERR_IO (dir cannot be read), TC_ERR_NOT_FOUND (no *.json file),
 * TC_ERR_TOO_LARGE (more than TC_PROGRAMME_SET_MAX files),
 * TC_ERR_INVALID_ARG or TC_ERR_NOMEM. *out is the set (free with
 * tc_programme_set_free()) or NULL on failure.
 */
int tc_programme_set_load_dir(struct tc_programme_set **out /* OUT */,
    const char *dir, char *err, size_t errlen);

/* The programme with this id, owned by s, or NULL. */
const struct tc_programme *tc_programme_set_find(
    const struct tc_programme_set *s, const char *id);
/* The programme whose "code" is code (credentials carry it), or NULL. */
const struct tc_programme *tc_programme_set_find_code(
    const struct tc_programme_set *s, uint64_t code);
/* Number of programmes, and the i-th in file name order (NULL past end). */
size_t tc_programme_set_count(const struct tc_programme_set *s);
const struct tc_programme *tc_programme_set_at(
    const struct tc_programme_set *s, size_t i);
/* Frees s and its programmes (NULL is fine). */
void tc_programme_set_free(struct tc_programme_set *s);

#endif
