/* SPDX-License-Identifier: MIT */
/*
 * What the demo (cmd-demo.c) adds for card faces: made-up ID photos that
 * decode (tc_cardface_sample_photo) in place of the sample module's
 * minimal images, a photo for applications whose form asks for none, and
 * the Chinese form of a made-up foreign name where a programme's form has
 * a "name-zh" field. docs/cardfaces.md.
 */
#ifndef TCARD_ISSUER_DEMO_FACES_H
#define TCARD_ISSUER_DEMO_FACES_H

#include <stdint.h>

#include "tcard/buf.h"
#include "tcard/programme.h"
#include "sample.h"

/*
 * A photo for an application of p into out: of the size and format of
 * like (the sample module's photo; NULL: 358 x 441, PNG where p's upload
 * formats allow it, else JPEG), a silhouette whose colours come from
 * seed. *name gets a file name with the right extension. Returns 0 or the
 * codes of tc_cardface_sample_photo and tc_attach_sniff.
 */
int tc_demo_photo(const struct tc_programme *p,
    const struct tc_sample_file *like, uint32_t seed, struct tc_buf *out,
    const char **name /* OUT */, char *err, size_t errlen);

/*
 * When p's form has a "name-zh" text field outside repeating sections
 * and who is a foreigner whose made-up name the demo can transliterate,
 * sets that field of the application file in form (JSON, replaced in
 * place; it holds the plain ID number and is wiped). Returns 0 (also
 * when nothing applies), TC_ERR_MALFORMED, TC_ERR_NOMEM or
 * TC_ERR_TOO_LARGE.
 */
int tc_demo_name_zh(const struct tc_programme *p,
    const struct tc_sample_person *who, struct tc_buf *form);

#endif
