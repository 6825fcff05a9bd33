/* SPDX-License-Identifier: MIT */
/*
 * The emulated card as a whole, below its two applets: SELECT of the
 * profile's application, reset, and how an answer's data goes out, which
 * depends on the transmission protocol (ISO/IEC 7816-3).
 *
 * vpcd hands the card every command APDU as the client sent it, and never
 * tells which protocol pcscd agreed on with the client. pcscd takes the
 * first protocol the ATR offers when the client accepts both, so a card
 * whose ATR offers T=0 (first, in both profiles that offer it) behaves as a
 * T=0 card and one that offers only T=1 as a T=1 card:
 * - T=0 (the tcard profile): a client maps a case 4 command to a TPDU
 *   without Le (ISO/IEC 7816-3 12.2.3, as OpenSC does), so a command
 *   without Le that has data to answer gets 61XX and the data comes with
 *   GET RESPONSE;
 * - T=1 (the PIV profile, like the PIV cards and tokens it stands for):
 *   the command arrives whole, and a command without Le still gets its
 *   data, up to 256 bytes with 9000 and 61XX for the rest, as SP 800-73-4
 *   cards answer the SELECT (part 2 section 3.1.1) of clients that send it
 *   without Le, such as yubico-piv-tool.
 * A command with Le gets at most Ne bytes, 61XX for the rest, under both.
 */
#include <string.h>

#include "tcard/atr.h"
#include "tcard/err.h"
#include "vcard.h"

void
vcard_reset(struct vcard *vc)
{
	vc->selected = 0;
	tc_scp_release(&vc->scp);
	vc->mgmt_ok = 0;
	vc->witness_len = 0;
	vc->chaining = 0;
	tc_buf_reset(&vc->chain);
}

uint16_t
vcard_command(struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp)
{
	const struct tc_profile *p = vc->profile;

	if (a->ins == 0xA4 && (a->cla & 0xF0) == 0x00) {
		/* A failed SELECT leaves the current application selected. */
		if (a->p1 != 0x04 || a->nc < 5 || a->nc > p->aid_len ||
		    memcmp(a->data, p->aid, a->nc) != 0)
			return TC_SW_NOT_FOUND;
		vcard_reset(vc);
		vc->selected = 1;
		if ((p->platform == TC_PLATFORM_TCARD
			    ? vcard_tcard_select(vc, resp)
			    : vcard_piv_select(vc, resp)) != 0)
			return TC_SW_UNKNOWN;
		return TC_SW_OK;
	}
	if (!vc->selected)
		return TC_SW_INS_UNKNOWN;
	return p->platform == TC_PLATFORM_TCARD
	    ? vcard_tcard_command(vc, a, resp)
	    : vcard_piv_command(vc, a, resp);
}

int
vcard_protocol(const struct tc_profile *p)
{
	struct tc_atr atr;

	/* The profile loader checked the ATR; bit T is set for each T. */
	if (tc_atr_parse(&atr, p->atr, p->atr_len, NULL, 0) != 0)
		return 0;
	return (atr.protocols & 1u) ? 0 : 1;
}

void
vcard_answer(int proto, size_t ne, const uint8_t *data, size_t len, uint16_t sw,
    struct tc_buf *out, struct tc_buf *pending)
{
	size_t now = ne > 0 ? ne : proto == 1 ? TC_APDU_SHORT_NE : 0, left;

	tc_buf_reset(pending);
	if (len > now) {
		tc_buf_put(out, data, now);
		tc_buf_put(pending, data + now, len - now);
		left = len - now;
		sw = (uint16_t)(0x6100 | (left >= 256 ? 0 : left));
	} else
		tc_buf_put(out, data, len);
	tc_buf_put_u16be(out, sw);
}
