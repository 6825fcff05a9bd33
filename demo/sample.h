/* SPDX-License-Identifier: MIT */
/*
 * Made-up applications for demonstrations and tests: people with Chinese
 * and foreign names and ID numbers of the types a programme takes (with
 * correct check characters where the type has one, and birth dates that
 * pass the retirement-age guard), a complete application file built from
 * a programme's own form description (tc_app_form_parse reads it), the
 * files its required materials ask for, and minimal valid PNG and JPEG
 * images. Everything is derived from a seed, so a run can be repeated.
 * `tcard-issuer demo` and tests/unit/test-application.c use the same
 * code. None of the people exist: the names come from small tables of
 * common names and the numbers from the seed. Nothing here touches a
 * registry, reads a file or prints. docs/operations.md, "The demo
 * authority".
 */
#ifndef TCARD_SAMPLE_H
#define TCARD_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/id.h"
#include "tcard/programme.h"

/* Longest generated name, in bytes. */
#define TC_SAMPLE_NAME_MAX 64
/* Largest image side tc_sample_png and tc_sample_jpeg make, in pixels. */
#define TC_SAMPLE_IMAGE_MAX 4096

/*
 * A made-up applicant. tc_sample_person and tc_sample_relative fill
 * every field; a caller may also fill one by hand (zero it, then set what
 * it needs) and change fields before tc_sample_form_json. The pointers
 * are borrowed: the generators set them to static strings.
 */
struct tc_sample_person {
	enum tc_id_type id_type; /* 0 is taken as TC_ID_RESIDENT */
	char id[TC_ID_MAX];	 /* normalised; the plain number */
	char name[TC_SAMPLE_NAME_MAX + 1];
	char birth[9]; /* YYYYMMDD */
	int male;
	int foreign;		 /* 1: a foreign national, Latin name */
	const char *nationality; /* "中国", "德国"...; NULL: not known */
	const char *employer;	 /* employer name */
	const char *code;	 /* its unified social credit code, or NULL */
	const char *category;	 /* employer category id, or NULL */
	const char *work_type;	 /* NULL: the programme's first */
	const char *exception;	 /* "GUARD=reason" claimed, or NULL */
	int retire;		 /* applicant.retirement_age; 0: default */
};

/*
 * Makes up a person who may apply to programme p (NULL: any programme)
 * at time now, from seed. type chooses the ID document (0: by seed: odd
 * seeds are foreigners with a passport, or a foreign permanent resident
 * card where p takes that and not passports; even seeds are Chinese
 * citizens with a resident ID card, or every third of them a Hong Kong
 * / Macao or a Taiwan travel permit where p takes those; a type p does
 * not take falls back to the resident ID card). The birth date makes the
 * person 28 to 45 years old at now; the sex, the name (a Latin name with
 * its nationality for foreigners, traditional characters for Hong Kong
 * and Taiwan residents), the number and an employer of the programme's
 * region with a valid credit code come from the seed. The same arguments
 * give the same person. Returns 0; TC_ERR_INVALID_ARG (out NULL, an
 * unknown type); TC_ERR_UNSUPPORTED (type given and p does not take it);
 * TC_ERR_INTERNAL (a generated number does not pass tc_id_normalise).
 * On failure *out is zeroed.
 */
int tc_sample_person(const struct tc_programme *p, enum tc_id_type type,
    uint32_t seed, time_t now, struct tc_sample_person *out /* OUT */,
    char *err, size_t errlen);

/*
 * Makes up a relative of holder for a sub-card: a spouse of the other
 * sex and about the same age, a child of 4 to 15 (a minor) or a parent
 * (parent-in-law) 26 to 35 years older, with the holder's family name
 * where that is the custom, a document of the same kind as the holder's
 * (a resident ID card for the child of a resident card holder, a
 * passport for a foreigner's family) and the holder's employer. p
 * (may be NULL) limits the ID types as in tc_sample_person. Returns 0,
 * TC_ERR_INVALID_ARG (NULL, relation TC_REL_HOLDER or unknown) or
 * TC_ERR_INTERNAL; on failure *out is zeroed.
 */
int tc_sample_relative(const struct tc_programme *p,
    const struct tc_sample_person *holder, enum tc_relation relation,
    uint32_t seed, time_t now, struct tc_sample_person *out /* OUT */,
    char *err, size_t errlen);

/*
 * Writes the resident ID number of someone born on birth ("YYYYMMDD") in
 * region (6 digits) with sequence number seq (its last three digits, made
 * odd for men and even for women by adding one when needed) and the
 * MOD 11-2 check character to out. The caller passes plausible values; no
 * validation is done here.
 */
void tc_sample_resident_id(char out[19] /* OUT */, const char *region,
    const char *birth, int seq, int male);

/*
 * A clause to apply under: for a route with clauses (r not NULL) one of
 * the route's, else one of tier t's that does not require holding a card
 * of the programme already, chosen by seed; for a tier without clauses
 * NULL when its list is complete, else "other-1" (any id is taken). The
 * string is owned by the programme (or static).
 */
const char *tc_sample_clause(
    const struct tc_tier *t, const struct tc_route *r, uint32_t seed);

/*
 * Appends to out a complete application file (docs/workflow.md, "The
 * application file") for who under p: the tier, route and clause given
 * (each may be NULL: a route with clauses decides the tier, a sub-card
 * tier has no clause), the applicant (with sex and birth date for ID
 * types that do not carry them), the employer, the work type and every
 * required section with each required field filled by a value its type
 * accepts (the person's own values for name, sex, birth date, ID,
 * nationality and employer), and the claimed exception. Attachments are
 * not named: tc_sample_materials gives them. out holds the plain ID
 * number: release it with tc_buf_release, which wipes it. Returns 0,
 * TC_ERR_INVALID_ARG, TC_ERR_NOMEM or TC_ERR_TOO_LARGE (out's cap).
 */
int tc_sample_form_json(const struct tc_programme *p, const char *tier,
    const char *route, const char *clause, const struct tc_sample_person *who,
    struct tc_buf *out, char *err, size_t errlen);

/*
 * Appends a white greyscale PNG of w x h pixels (IHDR, one IDAT made
 * with zlib's compress, IEND; CRCs by zlib's crc32) to out. A side of 0
 * gives a file that tc_attach_sniff refuses (tests use it). Returns 0,
 * TC_ERR_RANGE (a side over TC_SAMPLE_IMAGE_MAX), TC_ERR_NOMEM,
 * TC_ERR_TOO_LARGE (out's cap; out is then as it was) or TC_ERR_INTERNAL
 * (zlib failed).
 */
int tc_sample_png(struct tc_buf *out, uint32_t w, uint32_t h);

/*
 * Appends a minimal baseline JPEG header of w x h pixels (SOI, APP0 JFIF,
 * DQT, SOF0 with three components, SOS with three bytes of scan data,
 * EOI) to out: enough for tc_attach_sniff, not a decodable picture. A
 * height of 0 means "given later by DNL", which tc_attach_sniff refuses.
 * Returns 0, TC_ERR_RANGE (a side over 65535), TC_ERR_NOMEM or
 * TC_ERR_TOO_LARGE (out is then as it was).
 */
int tc_sample_jpeg(struct tc_buf *out, uint32_t w, uint32_t h);

/*
 * Appends a one-page PDF 1.4 (A4, the base-14 Helvetica font, a frame and
 * the words "Sample material" and label, printable ASCII of at most 64
 * bytes, else "-") with a correct cross-reference table to out: a file
 * a PDF reader opens and renders, distinct per label. Returns 0,
 * TC_ERR_NOMEM or TC_ERR_TOO_LARGE (out's cap; out is then as it was).
 */
int tc_sample_pdf(struct tc_buf *out, const char *label);

/* One file to attach, as tc_sample_materials hands it over. */
struct tc_sample_file {
	enum tc_att_kind kind;
	const char *material; /* programme material id; NULL: the photo */
	const char *name;     /* "photo.png", "degree.pdf" */
	const uint8_t *data;  /* valid during the callback only */
	size_t len;
};

/*
 * Calls fn for every file an application for tier (NULL when a route
 * decides it), work_type (NULL: none) and ID type id_type needs under p
 * to be complete (tc_app_form_complete): first the photo, when the form
 * has a photo field (for a sub-card application, sub 1, only when no
 * photo material applies: that material is the relative's photo), as
 * a PNG where the programme's upload formats allow it, else a JPEG, of
 * the field's size (358 x 441 when it sets none); then every required
 * material of purpose "apply" whose tiers, work types and ID types match,
 * as a small PDF naming the material (distinct content, so that no two
 * are the same file), or a JPEG for a photo material that the photo
 * field does not already cover. A nonzero return from fn stops and is
 * returned. Returns 0, fn's value, TC_ERR_INVALID_ARG, TC_ERR_NOMEM or
 * TC_ERR_UNSUPPORTED (the programme's upload formats allow no format
 * made here).
 */
int tc_sample_materials(const struct tc_programme *p, const char *tier,
    const char *work_type, enum tc_id_type id_type, int sub,
    int (*fn)(const struct tc_sample_file *f, void *arg), void *arg);

#endif
