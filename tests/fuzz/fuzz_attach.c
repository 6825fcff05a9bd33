/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of attachment sniffing (src/attach.c): the input is a file
 * as an applicant would upload it. Whatever the bytes, sniffing must stay
 * inside the buffer, end, and keep its promises: a success names one of
 * the six formats, images have a nonzero size and other formats none; a
 * failure zeroes the result and leaves a terminated message. The same
 * bytes also go through tc_attach_check with names and format masks
 * chosen by the first byte, which must agree with the sniffing. The seed
 * corpus holds small files of every format and broken ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/attach.h"
#include "tcard/err.h"

static const char *const names[] = { NULL, "photo.png", "photo.jpg",
	"scan.jpeg", "x.gif", "form.pdf", "form.doc", "form.docx", "noext",
	"bad.exe", "dir.d/file", "a." };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_attach_info info, info2;
	char msg[256];
	unsigned mask;
	int r, r2;

	memset(msg, 'x', sizeof(msg));
	r = tc_attach_sniff(data, size, &info, msg, sizeof(msg));
	if (r == 0) {
		CHECK(
		    info.media >= TC_MEDIA_GIF && info.media <= TC_MEDIA_DOCX);
		if (TC_MEDIA_IMAGES & TC_MEDIA_BIT(info.media))
			CHECK(info.width > 0 && info.height > 0);
		else
			CHECK(info.width == 0 && info.height == 0);
		CHECK(strcmp(tc_media_name(info.media), "unknown") != 0);
	} else {
		CHECK(r < 0);
		CHECK(info.media == 0 && info.width == 0 && info.height == 0);
		CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
	}
	mask = size > 0 ? (unsigned)data[0] << 1 & TC_MEDIA_ALL : 0;
	r2 = tc_attach_check(names[size % (sizeof(names) / sizeof(names[0]))],
	    data, size, mask, &info2, msg, sizeof(msg));
	/* check never accepts what sniff refused, and agrees with it. */
	if (r != 0)
		CHECK(r2 == r);
	if (r2 == 0) {
		CHECK(r == 0 && info2.media == info.media);
		CHECK(info2.width == info.width && info2.height == info.height);
		CHECK(mask == 0 || (mask & TC_MEDIA_BIT(info2.media)));
	} else
		CHECK(info2.media == 0);
	return 0;
}
