/* SPDX-License-Identifier: MIT */
/*
 * Supporting documents of a card's lifecycle actions (issue 15): the
 * files an operator gives with a suspend, revoke, change... in
 * tcard-issuerd, kept in the registry's table card_documents and sealed
 * under the data key in the same content store as applications'
 * attachments (src/registry/card-doc.c; docs/registry.md). A document
 * of an upgrade or conversion is an attachment of its application
 * instead (tc_app_attach).
 */
#ifndef TCARD_CARD_DOC_H
#define TCARD_CARD_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/attach.h"
#include "tcard/buf.h"
#include "tcard/registry.h"

#define TC_CARD_DOC_ACTION_MAX 16
#define TC_CARD_DOC_NAME_MAX   255

/*
 * The action of a card's own photo: a sub-card made without an
 * application (`subcard add --photo`) keeps the relative's photo as a
 * document of this action; the card face finds it there.
 */
#define TC_CARD_DOC_PHOTO "photo"

struct tc_card_doc {
	int64_t id;
	int64_t serial;
	char action[TC_CARD_DOC_ACTION_MAX + 1]; /* "revoke", ... */
	int64_t change_id; /* the card_changes row of a change, or 0 */
	enum tc_media media;
	int64_t size;
	uint8_t sha256[32];
	char name[TC_CARD_DOC_NAME_MAX + 1];
	time_t added_at;
	char added_by[TC_AUDIT_NAME_MAX + 1];
};

/*
 * Adds len bytes as a document of card serial's lifecycle action (its
 * name, 1 to TC_CARD_DOC_ACTION_MAX lowercase letters) by operator_name
 * at now, in the open transaction: checked with tc_attach_check (any of
 * the six formats, the name's extension agreeing), named by name's last
 * path component (1 to TC_CARD_DOC_NAME_MAX bytes of UTF-8 text), stored
 * sealed once per SHA-256; the document of a "change" names the card's
 * latest change. Sets *id (may be NULL). Audited "card.document" (subject
 * "card:NUMBER"; detail the document id, action, media type, size and
 * sha256). Returns 0; TC_ERR_INVALID_ARG; TC_ERR_NOT_FOUND (no such
 * card); TC_ERR_STATE (no transaction); the codes of tc_attach_check;
 * TC_ERR_CRYPTO or a database error.
 */
int tc_card_doc_add(struct tc_registry *reg, int64_t serial, const char *action,
    const char *operator_name, time_t now, const char *name,
    const uint8_t *data, size_t len, int64_t *id /* OUT */, char *err,
    size_t errlen);

/*
 * Calls fn for every document of card serial, oldest first; a nonzero
 * return stops the walk and is returned. Returns 0 or a database error.
 */
int tc_card_doc_list(struct tc_registry *reg, int64_t serial,
    int (*fn)(const struct tc_card_doc *d, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Appends the content of document id of card serial to out, opened and
 * checked against its SHA-256, and fills *d (may be NULL). The caller
 * audits the read. Returns 0; TC_ERR_NOT_FOUND (no such document of that
 * card); TC_ERR_DECRYPT, TC_ERR_MALFORMED or a database error.
 */
int tc_card_doc_read(struct tc_registry *reg, int64_t serial, int64_t id,
    struct tc_card_doc *d /* OUT */, struct tc_buf *out, char *err,
    size_t errlen);

#endif
