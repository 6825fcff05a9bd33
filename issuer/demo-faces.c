/* SPDX-License-Identifier: MIT */
/*
 * Card face material of the demo (issuer/demo-faces.h). The Chinese
 * forms of the sample module's foreign names follow the usual Xinhua
 * transliterations; Japanese names are written in their kanji, family
 * name first, without the separating dot.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "demo-faces.h"
#include "tcard/attach.h"
#include "tcard/cardface.h"
#include "tcard/err.h"

/* clang-format off */
static const struct {
	const char *latin, *zh;
	int family_first; /* 1: a Japanese family name */
} words[] = {
	{ "James", "詹姆斯", 0 }, { "Michael", "迈克尔", 0 },
	{ "Daniel", "丹尼尔", 0 }, { "Ethan", "伊森", 0 },
	{ "Emily", "埃米莉", 0 }, { "Olivia", "奥利维娅", 0 },
	{ "Grace", "格雷丝", 0 }, { "Hannah", "汉娜", 0 },
	{ "Carter", "卡特", 0 }, { "Brooks", "布鲁克斯", 0 },
	{ "Reed", "里德", 0 }, { "Foster", "福斯特", 0 },
	{ "Lukas", "卢卡斯", 0 }, { "Jonas", "约纳斯", 0 },
	{ "Felix", "费利克斯", 0 }, { "Paul", "保罗", 0 },
	{ "Anna", "安娜", 0 }, { "Lena", "莱娜", 0 },
	{ "Marie", "玛丽", 0 }, { "Sophie", "索菲", 0 },
	{ "Müller", "米勒", 0 }, { "Schneider", "施奈德", 0 },
	{ "Weber", "韦伯", 0 }, { "Becker", "贝克尔", 0 },
	{ "Louis", "路易", 0 }, { "Hugo", "于戈", 0 },
	{ "Jules", "朱尔", 0 }, { "Arthur", "阿蒂尔", 0 },
	{ "Chloé", "克洛埃", 0 }, { "Léa", "莱亚", 0 },
	{ "Camille", "卡米耶", 0 }, { "Manon", "马农", 0 },
	{ "Dubois", "杜布瓦", 0 }, { "Moreau", "莫罗", 0 },
	{ "Laurent", "洛朗", 0 }, { "Lefèvre", "勒费弗尔", 0 },
	{ "Oliver", "奥利弗", 0 }, { "George", "乔治", 0 },
	{ "Harry", "哈里", 0 }, { "Jack", "杰克", 0 },
	{ "Amelia", "阿米莉亚", 0 }, { "Isla", "艾拉", 0 },
	{ "Freya", "弗蕾娅", 0 }, { "Poppy", "波比", 0 },
	{ "Bennett", "贝内特", 0 }, { "Hughes", "休斯", 0 },
	{ "Wright", "赖特", 0 }, { "Walker", "沃克", 0 },
	{ "Hiroshi", "浩", 0 }, { "Kenta", "健太", 0 },
	{ "Haruto", "阳翔", 0 }, { "Sota", "飒太", 0 },
	{ "Yuki", "由纪", 0 }, { "Aoi", "葵", 0 },
	{ "Sakura", "樱", 0 }, { "Hina", "阳菜", 0 },
	{ "Tanaka", "田中", 1 }, { "Sato", "佐藤", 1 },
	{ "Suzuki", "铃木", 1 }, { "Kobayashi", "小林", 1 },
	{ "Arjun", "阿尔琼", 0 }, { "Rohan", "罗汉", 0 },
	{ "Vikram", "维克拉姆", 0 }, { "Aditya", "阿迪蒂亚", 0 },
	{ "Priya", "普丽娅", 0 }, { "Ananya", "阿南娅", 0 },
	{ "Kavya", "卡维娅", 0 }, { "Meera", "米拉", 0 },
	{ "Sharma", "夏尔马", 0 }, { "Iyer", "艾耶尔", 0 },
	{ "Patel", "帕特尔", 0 }, { "Reddy", "雷迪", 0 },
	{ "Lucas", "卢卡斯", 0 }, { "Gabriel", "加布里埃尔", 0 },
	{ "Rafael", "拉斐尔", 0 }, { "Thiago", "蒂亚戈", 0 },
	{ "Beatriz", "贝亚特里斯", 0 }, { "Mariana", "玛丽安娜", 0 },
	{ "Larissa", "拉里萨", 0 }, { "Camila", "卡米拉", 0 },
	{ "Silva", "席尔瓦", 0 }, { "Santos", "桑托斯", 0 },
	{ "Oliveira", "奥利韦拉", 0 }, { "Costa", "科斯塔", 0 },
	{ "Marco", "马可", 0 }, { "Luca", "卢卡", 0 },
	{ "Matteo", "马泰奥", 0 }, { "Andrea", "安德烈亚", 0 },
	{ "Giulia", "朱莉娅", 0 }, { "Chiara", "基娅拉", 0 },
	{ "Sofia", "索菲亚", 0 }, { "Elena", "埃琳娜", 0 },
	{ "Rossi", "罗西", 0 }, { "Bianchi", "比安基", 0 },
	{ "Romano", "罗马诺", 0 }, { "Ricci", "里奇", 0 },
};
/* clang-format on */

#define NAME_ZH "name-zh"

static int
word(const char *s, size_t n, const char **zh, int *family_first)
{
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].latin) == n &&
		    memcmp(words[i].latin, s, n) == 0) {
			*zh = words[i].zh;
			*family_first = words[i].family_first;
			return 1;
		}
	return 0;
}

/* "Given Family" in Chinese, or 0 when a part is not in the table. */
static int
transliterate(const char *name, char *out, size_t len)
{
	const char *sp = strchr(name, ' '), *g, *f;
	int jg, jf;

	if (sp == NULL || strchr(sp + 1, ' ') != NULL ||
	    !word(name, (size_t)(sp - name), &g, &jg) ||
	    !word(sp + 1, strlen(sp + 1), &f, &jf))
		return 0;
	if (jf)
		snprintf(out, len, "%s%s", f, g);
	else
		snprintf(out, len, "%s\xc2\xb7%s", g, f);
	return 1;
}

int
tc_demo_photo(const struct tc_programme *p, const struct tc_sample_file *like,
    uint32_t seed, struct tc_buf *out, const char **name, char *err,
    size_t errlen)
{
	const struct tc_idlist *l = &p->application.upload_formats;
	struct tc_attach_info info;
	enum tc_media m, media = TC_MEDIA_PNG;
	uint32_t w = 358, h = 441;
	size_t i;
	int png = l->n == 0, r;

	for (i = 0; i < l->n; i++)
		if (tc_media_parse(l->v[i], &m) == 0 && m == TC_MEDIA_PNG)
			png = 1;
	if (!png)
		media = TC_MEDIA_JPEG;
	if (like != NULL) {
		if ((r = tc_attach_sniff(
			 like->data, like->len, &info, err, errlen)) != 0)
			return r;
		w = info.width;
		h = info.height;
		media =
		    info.media == TC_MEDIA_PNG ? TC_MEDIA_PNG : TC_MEDIA_JPEG;
	}
	*name = media == TC_MEDIA_PNG ? "photo.png" : "photo.jpg";
	return tc_cardface_sample_photo(out, media, w, h, seed, err, errlen);
}

int
tc_demo_name_zh(const struct tc_programme *p,
    const struct tc_sample_person *who, struct tc_buf *form)
{
	const struct tc_section *sec = NULL;
	json_t *root, *secs, *o;
	char zh[TC_SAMPLE_NAME_MAX * 3 + 8], *text;
	size_t i, j;
	int r = 0;

	if (!who->foreign || !transliterate(who->name, zh, sizeof(zh)))
		return 0;
	for (i = 0; sec == NULL && i < p->application.n_sections; i++)
		for (j = 0; j < p->application.sections[i].n_fields; j++)
			if (!p->application.sections[i].repeating &&
			    strcmp(p->application.sections[i].fields[j].id,
				NAME_ZH) == 0)
				sec = &p->application.sections[i];
	if (sec == NULL)
		return 0;
	if ((root = json_loadb((const char *)form->data, form->len, 0, NULL)) ==
	    NULL)
		return TC_ERR_MALFORMED;
	secs = json_object_get(root, "sections");
	if ((o = json_object_get(secs, sec->id)) == NULL &&
	    (json_object_set_new(secs, sec->id, json_object()) != 0 ||
		(o = json_object_get(secs, sec->id)) == NULL)) {
		json_decref(root);
		return TC_ERR_MALFORMED;
	}
	if (json_object_set_new(o, NAME_ZH, json_string(zh)) != 0 ||
	    (text = json_dumps(root, JSON_COMPACT)) == NULL) {
		json_decref(root);
		return TC_ERR_NOMEM;
	}
	/* The tree holds the plain ID number: nothing more to wipe there
	 * than jansson lets us; the text is wiped below. */
	json_decref(root);
	tc_buf_reset(form);
	r = tc_buf_puts(form, text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return r;
}
