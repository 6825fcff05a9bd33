/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between src/officerpc.c (the RPC codec and the
 * request's top level) and src/officerpc-card.c, src/officerpc-office.c
 * (the "args" of the card and audit ops, and of the supplement, reveal,
 * issue and account ops). Not installed; nothing outside these files
 * includes it. The
 * function carries the tc_ prefix only because libtcard.a exports every
 * non-static symbol.
 */
#ifndef TCARD_OFFICERPC_INT_H
#define TCARD_OFFICERPC_INT_H

#include <stddef.h>

#include <jansson.h>

#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

/*
 * Checks o against the key table k (tc_json_keys_check) and words the
 * fault for the web worker's log, naming the member under where
 * ("request", "args"). per_action: o is the "args" of a card or audit op,
 * whose unknown member is one "this action does not take". Returns 0, or
 * TC_ERR_INVALID_ARG with the message in err.
 */
/*
 * Copies string member name of o, when there, into out (cap + 1 bytes):
 * a string, no NUL inside, no control character, at most cap bytes.
 * Missing: "". Returns 0 or TC_ERR_INVALID_ARG with err naming it.
 */
int tc_orpc_text(json_t *o, const char *name, char *out, size_t cap, char *err,
    size_t errlen);

int tc_orpc_keys(json_t *o, const struct tc_json_key *k, const char *where,
    int per_action, char *err, size_t errlen);

/*
 * The top-level key tables of src/officerpc.c that other op families
 * share (src/officerpc-portal.c): {op, args} of a sign-in; {op, session,
 * csrf?}; {op, session, csrf?, who?, app}; {op, session, csrf?, app,
 * att}; {op, session, csrf?, args}; {op, session, csrf?, app, args}.
 */
extern const struct tc_json_key tc_orpc_top_login[], tc_orpc_top_session[],
    tc_orpc_top_app[], tc_orpc_top_att[], tc_orpc_top_account[],
    tc_orpc_top_review[];

/*
 * The "docs" of a card-action or card-change request (include/tcard/
 * officerpc.h; src/officerpc-card.c): docs may be NULL (none); any other
 * op with docs is refused. Fills q->docs and q->n_docs. Returns 0 or
 * TC_ERR_INVALID_ARG with err.
 */
int tc_orpc_card_docs_parse(
    json_t *docs, struct tc_orpc_req *q, char *err, size_t errlen);

#endif
