/* SPDX-License-Identifier: MIT */
/*
 * A card of the registry as JSON (include/tcard/card-json.h), shared by
 * tcard-issuer's card commands and tcard-issuerd's card endpoints. It reads
 * the linked cards through tc_lifecycle_card_get: no SQL of its own.
 */
#include <jansson.h>

#include "tcard/card-json.h"
#include "tcard/id.h"
#include "tcard/lifecycle.h"

int
tc_card_past_expiry(const struct tc_card_state *c, time_t now)
{
	return (c->card.status == TC_CARD_ISSUED ||
		   c->card.status == TC_CARD_SUSPENDED) &&
	    now >= c->card.expires_at;
}

json_t *
tc_card_json(struct tc_registry *reg, const struct tc_card_state *c, time_t now)
{
	struct tc_card_state o;
	char vt[TC_LIFECYCLE_DATE_LEN], d[TC_LIFECYCLE_DATE_LEN];
	char since[TC_LIFECYCLE_DATE_LEN];
	json_t *j;

	/* The last valid day: expires_at is the first second after it. */
	tc_lifecycle_date(c->card.expires_at - 1, vt);
	tc_lifecycle_date(c->card.issued_at, d);
	tc_lifecycle_date(c->status_at, since);
	j = json_pack(
	    "{s:s, s:I, s:s, s:s, s:s, s:s?, s:s, s:b, s:s, s:s, s:I, s:i, s:{s:s, s:s, s:s}}",
	    "card", c->card.card_no, "serial", (json_int_t)c->card.serial,
	    "programme", c->card.programme, "tier", c->card.tier, "status",
	    tc_card_status_name(c->card.status), "status_reason",
	    c->status_reason[0] != '\0' ? c->status_reason : NULL,
	    "status_since", since, "past_expiry", tc_card_past_expiry(c, now),
	    "issued", d, "valid_to", vt, "expires_at",
	    (json_int_t)c->card.expires_at, "renewals", c->renewals, "holder",
	    "id_type", tc_id_type_name(c->holder_id_type), "id_masked",
	    c->holder_masked, "name", c->holder_name);
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "main_card", json_null());
	json_object_set_new(j, "relation", json_null());
	json_object_set_new(j, "replaces", json_null());
	json_object_set_new(j, "replaced_by", json_null());
	if (c->card.principal_serial != 0 &&
	    tc_lifecycle_card_get(reg, c->card.principal_serial, &o, NULL, 0) ==
		0) {
		json_object_set_new(
		    j, "main_card", json_string(o.card.card_no));
		json_object_set_new(
		    j, "relation", json_string(c->card.relation));
	}
	if (c->replaces != 0 &&
	    tc_lifecycle_card_get(reg, c->replaces, &o, NULL, 0) == 0)
		json_object_set_new(j, "replaces", json_string(o.card.card_no));
	if (c->replaced_by != 0 &&
	    tc_lifecycle_card_get(reg, c->replaced_by, &o, NULL, 0) == 0)
		json_object_set_new(
		    j, "replaced_by", json_string(o.card.card_no));
	return j;
}
