/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of card face photos (src/cardface.c): the input is the
 * photo of an application as an applicant uploaded it, and goes through
 * tc_cardface_prepare for the front and the e-card of a fixed card of a
 * programme built in memory (the default layout). Whatever the bytes,
 * preparing must end without a crash or a leak, and keep its promises: a
 * success gives a face with a name size, a failure a NULL face, a
 * negative code and a terminated message. Decoding is libjpeg-turbo's and
 * libpng's; what is fuzzed here is the sniffing before them, the size
 * checks before any pixel memory, their error paths (longjmp) and the
 * photo checks after them. The seeds (`fuzz_cardface --write-seeds DIR`)
 * are small JPEG and PNG photos, too small, of the wrong shape, cut
 * short, a GIF and a PDF.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/cardface.h"
#include "tcard/err.h"
#include "tcard/programme.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
static struct tc_tier tier = {
	.id = "a",
	.names = { "A卡", "Card A" },
	.kind = TC_TIER_MAIN,
	.rank = 1,
	.colour = "#1B7F4B",
	.rgb = 0x1b7f4b,
};

static struct tc_programme prog = {
	.id = "fuzz",
	.names = { "示例人才卡", "Sample Talent Card" },
	.authority = { "示例发卡机构", "Sample issuer" },
	.region = "440100",
	.tiers = &tier,
	.n_tiers = 1,
};

static int started;

/*
 * The font libraries keep caches (and lose a little in them) the first
 * time a font is used: a face is prepared once before the inputs, so that
 * libFuzzer's leak check sees the inputs only, and the caches are freed
 * at exit (tc_cardface_shutdown) for the leak check of the corpus replay.
 */
static void
start(void)
{
	struct tc_buf b;
	char err[256];

	if (started)
		return;
	started = 1;
	atexit(tc_cardface_shutdown);
	tc_buf_init(&b, TC_ATTACH_MAX);
	if (tc_cardface_sample_photo(
		&b, TC_MEDIA_PNG, 358, 441, 1, err, sizeof(err)) == 0)
		LLVMFuzzerTestOneInput(b.data, b.len);
	tc_buf_release(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	start();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_cardface_card c;
	struct tc_cardface *f = (struct tc_cardface *)1;
	char err[512];
	int r;

	start();
	if (size > TC_ATTACH_MAX)
		return 0;
	memset(&c, 0, sizeof(c));
	c.programme = &prog;
	memcpy(c.tier, "a", 2);
	memcpy(c.card_no, "4401000000000114", 17);
	memcpy(c.name, "林慧敏", sizeof("林慧敏"));
	memcpy(c.id_masked, "3301**********6509", 19);
	c.issued_at = 1790000000;
	c.expires_at = 1790000000 + 365 * 86400;
	c.app_id = 7;
	memset(err, 'x', sizeof(err));
	r = tc_cardface_prepare(&f, &c, data, size, NULL, NULL,
	    TC_CARDFACE_BIT(TC_CARDFACE_FRONT), err, sizeof(err));
	if (r == 0) {
		CHECK(f != NULL);
		CHECK(tc_cardface_name_size(f, TC_CARDFACE_FRONT) >= 7);
		tc_cardface_free(f);
	} else {
		CHECK(r < 0 && f == NULL);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(strstr(err, "4401000000000114") != NULL);
	}
	return 0;
}

static void
put(const char *dir, const char *name, const void *p, size_t n)
{
	fuzz_put_seed(dir, name, NULL, 0, p, n);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	static const struct {
		const char *name;
		enum tc_media media;
		uint32_t w, h;
		size_t cut; /* bytes cut off the end */
	} seeds[] = {
		{ "photo.jpg", TC_MEDIA_JPEG, 140, 173, 0 },
		{ "photo.png", TC_MEDIA_PNG, 140, 173, 0 },
		{ "small.jpg", TC_MEDIA_JPEG, 30, 37, 0 },
		{ "landscape.png", TC_MEDIA_PNG, 148, 120, 0 },
		{ "cut.jpg", TC_MEDIA_JPEG, 140, 173, 300 },
		{ "cut.png", TC_MEDIA_PNG, 140, 173, 40 },
	};
	static const uint8_t gif[] = { 'G', 'I', 'F', '8', '9', 'a', 120, 0,
		148, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1,
		0, 0x3b };
	static const char pdf[] = "%PDF-1.4\n%%EOF\n";
	struct tc_buf b;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		tc_buf_init(&b, TC_ATTACH_MAX);
		if (tc_cardface_sample_photo(&b, seeds[i].media, seeds[i].w,
			seeds[i].h, (uint32_t)i, err, sizeof(err)) != 0 ||
		    b.len <= seeds[i].cut)
			abort();
		put(dir, seeds[i].name, b.data, b.len - seeds[i].cut);
		tc_buf_release(&b);
	}
	put(dir, "photo.gif", gif, sizeof(gif));
	put(dir, "scan.pdf", pdf, sizeof(pdf) - 1);
	return 0;
}
