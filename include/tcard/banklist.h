/* SPDX-License-Identifier: MIT */
/*
 * The bank's production results (issue 17, docs/workflow.md "Bank list"):
 * the file a bank that makes a programme's cards outside the system (the
 * Chuxiong list goes to 富滇银行楚雄分行) sends back, one line a card:
 *
 *   card_no,result,reason
 *   5323010000000017,made,
 *   5323010000000025,failed,芯片损坏
 *
 * UTF-8 (a leading byte order mark is skipped), lines ending in LF or
 * CRLF, the header exactly as above, then 1 to TC_BANKLIST_MAX lines of
 * three fields: a 16-digit card number with its Luhn digit, "made" or
 * "failed", and the reason: empty for made, 1 to TC_BANKLIST_REASON_MAX
 * bytes for failed. No quoting (a '"' is refused, so is a control
 * character), no empty line but the end, no card twice. The parser is
 * strict and names the line and the field of the first fault.
 */
#ifndef TCARD_BANKLIST_H
#define TCARD_BANKLIST_H

#include <stddef.h>

/* Largest results file, in bytes. */
#define TC_BANKLIST_FILE_MAX (1024 * 1024)
/* Most cards in one file. */
#define TC_BANKLIST_MAX 10000
/* Longest reason of a failed card, in bytes. */
#define TC_BANKLIST_REASON_MAX 256
/* The header line. */
#define TC_BANKLIST_HEADER "card_no,result,reason"

struct tc_banklist_result {
	size_t line;				 /* 1-based line of the file */
	char card_no[17];			 /* normalised */
	int made;				 /* 1 made, 0 failed */
	char reason[TC_BANKLIST_REASON_MAX + 1]; /* failed: why */
};

/*
 * Parses text (len bytes) into out, an array the caller frees with
 * free(), of *n results. Returns 0; TC_ERR_TOO_LARGE (over the file cap
 * or TC_BANKLIST_MAX lines); TC_ERR_BAD_ENCODING (not UTF-8);
 * TC_ERR_MALFORMED (the header, a field count, a quote or control
 * character, an empty line, a result, a reason, a card twice: err says
 * "line N, field F: ..."); the codes of tc_cardno_parse for a card number
 * (with the line); TC_ERR_NOMEM. On failure *out is NULL and *n 0.
 */
int tc_banklist_parse(const char *text, size_t len,
    struct tc_banklist_result **out /* OUT */, size_t *n /* OUT */, char *err,
    size_t errlen);

#endif
