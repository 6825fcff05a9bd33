/* SPDX-License-Identifier: MIT */
/*
 * Private helpers of the application workflow in src/registry/, shared by
 * application.c, app-form.c, app-util.c and blacklist.c: checks of stored
 * and given text, column readers and audit detail formatting, and the one
 * migration step registry.c calls. Not installed, not for other modules.
 */
#ifndef TCARD_APP_INT_H
#define TCARD_APP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/application.h"
#include "tcard/attach.h"
#include "tcard/production.h"
#include "tcard/buf.h"
#include "tcard/operator.h"

/* The columns of an application row in listings (application.c, queue.c). */
#define TC_APP_COLUMNS                                                         \
	"id, kind, card_serial, relation, programme, tier, route, clause, id_type, id_mac, id_masked, name, employer, employer_code, employer_category, work_type, state, step, step_id, step_started_at, deadline, months, pledge_at, created_at, created_by, submitted_at, decided_at, issued_serial"

/*
 * Reads the current row of a TC_APP_COLUMNS query into a, as listings do
 * (nothing sealed is opened). Returns 0, or TC_ERR_MALFORMED with err
 * naming the application whose stored field is wrong.
 */
int tc_app_row_read(
    sqlite3_stmt *st, struct tc_app *a, char *err, size_t errlen);

/*
 * 1 when operator op may take a's current step: it holds the step's role
 * and its organisation is the step's (the rule a review applies before
 * four eyes); p is a's programme, NULL when it is not loaded (0).
 */
int tc_app_takes_step(const struct tc_operator *op,
    const struct tc_programme *p, const struct tc_app *a);

/*
 * tc_app_visible for operator op already read; p is a's programme, NULL
 * when it is not loaded.
 */
int tc_app_visible_to(const struct tc_operator *op,
    const struct tc_programme *p, const struct tc_app *a);

/*
 * The owner of step idx of steps (n of them) for a, as the queue's
 * columns keep it (queue.c): *role the step's role name; *org the code of
 * the organisation whose step it is: the application's unit (its employer
 * code; NULL without one) for a unit step, the organisation the step
 * names, or "" for any organisation whose kind fits the role, and also
 * when an earlier step names another organisation (tc_app_visible decides
 * then).
 */
void tc_app_step_owner(const struct tc_step *steps, size_t n, int idx,
    const struct tc_app *a, const char **role, const char **org);

/*
 * Checks len bytes named name (its last path component) as the photo of
 * a card of p, as an application's photo field takes it: by content an
 * image of the programme's upload formats (any image format when they
 * name none), of at most the field's max_bytes and of exactly its
 * width_px x height_px when it sets them. Fills *info. Returns 0, the
 * codes of tc_attach_check, TC_ERR_TOO_LARGE or TC_ERR_RANGE (the
 * message gives the pixels found and needed).
 */
int tc_app_photo_check(const struct tc_programme *p, const char *name,
    const uint8_t *data, size_t len, struct tc_attach_info *info /* OUT */,
    char *err, size_t errlen);

/*
 * 1 when s is valid UTF-8 of 1..max bytes without control characters
 * (U+0000-001F, U+007F-009F); with multiline, tab, LF and CR are allowed.
 */
int tc_app_text_ok(const char *s, size_t max, int multiline);

/* Number of code points of valid UTF-8 s. */
size_t tc_app_utf8_chars(const char *s);

/*
 * Appends the audit entry with detail o (a JSON object; NULL for "{}"),
 * which is consumed (decref'd) in every case. Marks the transaction as
 * dirty first: every caller has just changed data.
 */
int tc_app_audit(struct tc_registry *reg, time_t now, const char *op,
    const char *action, const char *subject, json_t *o, char *err,
    size_t errlen);

/*
 * The personal data of an application sealed under the data key: a JSON
 * object {"birth_date", "form", "retire_base", "sex"} (empty values left
 * out), AES-256-GCM with the AAD "talentcard-application-personal-v1:"
 * and the hex ID MAC, so that a blob moved to another person's row does
 * not open (docs/registry.md). form_json NULL stands for "{}". Appends
 * the blob to out. Returns 0, TC_ERR_MALFORMED (form_json not an object),
 * TC_ERR_NOMEM, TC_ERR_TOO_LARGE or TC_ERR_CRYPTO.
 */
int tc_app_seal_personal(struct tc_registry *reg,
    const uint8_t mac[TC_PII_MAC_LEN], const char *sex, int retire_base,
    const char *birth_date, const char *form_json, struct tc_buf *out,
    char *err, size_t errlen);

/*
 * Opens such a blob of application id into a's sex, birth_date,
 * retire_base and form (heap, replaced). Returns 0, TC_ERR_DECRYPT
 * (another key, another person's MAC, an altered byte), TC_ERR_MALFORMED
 * (a value out of shape) or TC_ERR_NOMEM.
 */
int tc_app_open_personal(struct tc_registry *reg, int64_t id,
    const uint8_t mac[TC_PII_MAC_LEN], const void *blob, size_t len,
    struct tc_app *a, char *err, size_t errlen);

/*
 * Migration step 7 for the applications table (called by registry.c
 * inside the step's transaction, after the column "personal" was added):
 * seals sex, retire_base, birth_date and form of every row into personal
 * and recomputes id_masked from the sealed number. The caller then drops
 * the plain columns. Returns 0, TC_ERR_DECRYPT (a number that does not
 * open with this data key), TC_ERR_MALFORMED or a database error.
 */
int tc_app_migrate_personal(struct tc_registry *reg, char *err, size_t errlen);

/*
 * The sealed content store shared by attachments and card documents
 * (src/registry/card-doc.c): tc_app_store_data seals len bytes whose
 * SHA-256 is sha in parts of at most 1 MiB into attachment_data unless
 * that content is there already (needs a transaction); tc_app_data_read
 * appends the content of size bytes stored under sha to out, checked
 * against the hash, naming it "what id" in messages. Return 0,
 * TC_ERR_CRYPTO, TC_ERR_DECRYPT, TC_ERR_MALFORMED or a database error.
 */
int tc_app_store_data(struct tc_registry *reg, const uint8_t sha[32],
    const uint8_t *data, size_t len, char *err, size_t errlen);
int tc_app_data_read(struct tc_registry *reg, const uint8_t sha[32],
    int64_t size, const char *what, int64_t id, struct tc_buf *out, char *err,
    size_t errlen);

/*
 * The production queue's side of the workflow (src/registry/production.c,
 * needs an open transaction but tc_prod_app_serial): tc_prod_queue queues
 * card, just allocated for a at its last approval, for branch (NULL: none),
 * audited "production.queue"; tc_prod_app_serial sets *serial to the card
 * in production of application app, or 0 when it has none (approved before
 * production existed); tc_prod_mark records a's card made (the produce
 * step's approval) or delivered (its issue), nothing when it has none.
 */
int tc_prod_queue(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_card *card, const char *branch, char *err, size_t errlen);
int tc_prod_app_serial(struct tc_registry *reg, int64_t app,
    int64_t *serial /* OUT */, char *err, size_t errlen);
int tc_prod_mark(const struct tc_app_ctx *c, int64_t app, enum tc_prod_state to,
    char *err, size_t errlen);

#endif
