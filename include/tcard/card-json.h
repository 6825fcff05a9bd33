/* SPDX-License-Identifier: MIT */
/*
 * A card of the registry as JSON: the one shape that `tcard-issuer card
 * show --json` and `card list --json` print and that tcard-issuerd's card
 * endpoints answer (docs/api.md), so the two front ends cannot drift
 * (tests/integration/174-issuerd-cards.sh compares them). Built with
 * jansson from a struct tc_card_state (include/tcard/lifecycle.h); the
 * linked cards (main card, replaced, replacing) are read from the registry
 * by serial to give their card numbers.
 */
#ifndef TCARD_CARD_JSON_H
#define TCARD_CARD_JSON_H

#include <time.h>

#include <jansson.h>

#include "tcard/lifecycle.h"
#include "tcard/registry.h"

/*
 * 1 when card c is past its expiry at now but still marked issued or
 * suspended (the sweep has not run yet: shown as "expired*"), else 0.
 */
int tc_card_past_expiry(const struct tc_card_state *c, time_t now);

/*
 * The card c as a new JSON object (the caller owns it), NULL when out of
 * memory: {card, serial, programme, tier, status, status_reason (absent
 * when none), status_since, past_expiry (tc_card_past_expiry at now),
 * issued, valid_to (the last valid day), expires_at, renewals,
 * holder {id_type, id_masked, name}, main_card, relation, replaces,
 * replaced_by}; dates are "YYYY-MM-DD" (tc_lifecycle_date), and the last
 * four are null when there is no such card or it cannot be read from reg.
 */
json_t *tc_card_json(
    struct tc_registry *reg, const struct tc_card_state *c, time_t now);

#endif
