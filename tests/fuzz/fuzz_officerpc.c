/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the parser of tcard-issuerd's internal RPC
 * (src/officerpc.c): the first 12 bytes are a frame header, read with
 * tc_orpc_header_parse under the request caps; the rest is a request's
 * JSON for tc_orpc_req_parse. A parsed request must have a known op, its
 * tokens of the right form, a session for every op but the sign-ins
 * (and the portal's account requests), positive numbers, fields within
 * their sizes, and the portal's form bodies kept as the text of an
 * object or array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/officerpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tc_orpc_req q;
	uint32_t id, jlen, tlen;
	char err[256];
	size_t i, total;

	if (size >= TC_ORPC_HDR_LEN &&
	    tc_orpc_header_parse(data, TC_ORPC_REQ_MAX, 0, &id, &jlen, &tlen,
		err, sizeof(err)) == 0 &&
	    (jlen > TC_ORPC_REQ_MAX || tlen != 0))
		abort();
	if (tc_orpc_req_parse((const char *)data, size, &q, err, sizeof(err)) !=
	    0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (q.op < TC_ORPC_LOGIN || q.op > TC_ORPC_OP_LAST ||
	    strcmp(tc_orpc_op_name(q.op), "?") == 0)
		abort();
	/*
	 * Every op but login, the worker's tls and the portal's sign-in,
	 * registration, verification, reset, identity platform sign-in and
	 * programme information runs in a session.
	 */
	if (q.op != TC_ORPC_LOGIN && q.op != TC_ORPC_TLS &&
	    (q.op < TC_ORPC_PORTAL_LOGIN || q.op > TC_ORPC_PORTAL_RESET) &&
	    q.op != TC_ORPC_PORTAL_OIDC_START &&
	    q.op != TC_ORPC_PORTAL_OIDC_FINISH && q.op != TC_ORPC_PORTAL_INFO &&
	    !TC_ORPC_IS_PERSO_INTERNAL(q.op) && !tc_orpc_token_ok(q.session))
		abort();
	/* The worker's perso ops: no session, a job and its station; a
	 * chip's uid of hex; binary values within their sizes. */
	if (TC_ORPC_IS_PERSO_INTERNAL(q.op) &&
	    (q.session[0] != '\0' || q.has_csrf || !tc_orpc_job_ok(q.p.job) ||
		!tc_orpc_station_ok(q.p.station)))
		abort();
	if ((q.op == TC_ORPC_PERSO_MAKE && !tc_orpc_station_ok(q.p.station)) ||
	    (q.op == TC_ORPC_PERSO_STATUS && !tc_orpc_job_ok(q.p.job)) ||
	    q.p.data_len > TC_ORPC_PERSO_DATA_MAX ||
	    (q.op == TC_ORPC_PERSO_SCP_SESSION && q.p.data_len != 29) ||
	    ((q.op == TC_ORPC_PERSO_CHIP_START ||
		 q.op == TC_ORPC_PERSO_CHIP_DONE) &&
		(strlen(q.p.uid) < 8 || strlen(q.p.uid) % 2 != 0)))
		abort();
	/* The portal: a token of the right form, a document to attach, the
	 * text of a draft or a section (an object or an array). */
	if ((q.token[0] != '\0' && !tc_orpc_token_ok(q.token)) ||
	    (q.op == TC_ORPC_PORTAL_ATTACH && (q.n_docs != 1 || q.app < 1)) ||
	    ((q.op == TC_ORPC_PORTAL_CREATE ||
		 q.op == TC_ORPC_PORTAL_SECTION) &&
		(q.doc == NULL || strlen(q.doc) != q.doc_len ||
		    (q.doc[0] != '{' && q.doc[0] != '['))) ||
	    (q.op != TC_ORPC_PORTAL_CREATE && q.op != TC_ORPC_PORTAL_SECTION &&
		q.doc != NULL) ||
	    (q.op == TC_ORPC_PORTAL_SECTION && q.section[0] == '\0'))
		abort();
	if (q.op == TC_ORPC_TLS && (q.session[0] != '\0' || q.has_csrf))
		abort();
	if (q.has_csrf && !tc_orpc_token_ok(q.csrf))
		abort();
	if (q.app < 0 || q.att < 0 || q.n_overrides > TC_ORPC_OVERRIDES ||
	    strlen(q.reason) > TC_APP_REASON_MAX ||
	    strlen(q.passphrase) > TC_ORPC_PASS_MAX)
		abort();
	if (q.op == TC_ORPC_REVIEW &&
	    (q.decision < TC_REVIEW_APPROVE || q.decision > TC_REVIEW_REJECT ||
		(q.decision != TC_REVIEW_APPROVE && q.reason[0] == '\0')))
		abort();
	for (i = 0; i < q.n_overrides; i++)
		if (q.overrides[i][0] == '\0')
			abort();
	/* A supplement: an application, 1 to 32 fields, none empty. */
	if (q.n_patch > TC_APP_PATCH_MAX ||
	    (q.op == TC_ORPC_SUPPLEMENT &&
		(q.app < 1 || q.n_patch < 1 || q.reason[0] == '\0')) ||
	    (q.op != TC_ORPC_SUPPLEMENT && q.n_patch != 0))
		abort();
	for (i = 0; i < q.n_patch; i++)
		if (q.patch[i].field[0] == '\0' || q.patch[i].value[0] == '\0')
			abort();
	if ((q.op == TC_ORPC_REVEAL_ID || q.op == TC_ORPC_ISSUE) && q.app < 1)
		abort();
	/* Production: a card and an action to act; the state only listing. */
	if ((q.op == TC_ORPC_PRODUCTION_ACT &&
		(q.card[0] == '\0' || q.prod_action[0] == '\0')) ||
	    (q.op != TC_ORPC_PRODUCTION_ACT && q.prod_action[0] != '\0') ||
	    (q.op != TC_ORPC_PRODUCTION && q.prod_state[0] != '\0'))
		abort();
	if (strlen(q.new_passphrase) > TC_ORPC_PASS_MAX ||
	    (q.op == TC_ORPC_PASSPHRASE &&
		(q.passphrase[0] == '\0' || q.new_passphrase[0] == '\0')))
		abort();
	/* An upgrade: a tier and a clause; a conversion may name neither. */
	if (q.op == TC_ORPC_CARD_CHANGE &&
	    ((q.c.kind != TC_APP_UPGRADE && q.c.kind != TC_APP_CONVERT) ||
		q.card[0] == '\0' ||
		(q.c.kind == TC_APP_UPGRADE &&
		    (q.tier[0] == '\0' || q.c.clause[0] == '\0'))))
		abort();
	/* Documents: only on card ops, named, their sizes within the tail. */
	if (q.n_docs > TC_ORPC_DOCS_MAX ||
	    (q.n_docs > 0 && q.op != TC_ORPC_CARD_ACTION &&
		q.op != TC_ORPC_CARD_CHANGE && q.op != TC_ORPC_PORTAL_ATTACH))
		abort();
	for (i = 0, total = 0; i < q.n_docs; i++) {
		if (q.docs[i].name[0] == '\0' || q.docs[i].size < 1 ||
		    strchr(q.docs[i].name, '/') != NULL)
			abort();
		total += q.docs[i].size;
	}
	if (total > TC_ORPC_REQ_TAIL_MAX ||
	    (q.op == TC_ORPC_CARD_DOCUMENT && q.att < 1))
		abort();
	/* The tail binds only when it is exactly the documents' bytes. */
	if ((tc_orpc_req_tail(&q, data, size, err, sizeof(err)) == 0) !=
	    (total == size))
		abort();
	tc_orpc_req_release(&q);
	return 0;
}
