/* SPDX-License-Identifier: MIT */
/*
 * Made-up applicants, application files, materials and images for the
 * demo authority and the tests (demo/sample.h). A seed drives a
 * small integer hash, so the same seed always gives the same person. The
 * form is built from the programme's own description of its sections and
 * fields, so it follows the programme files as they change; the values
 * are the plainest ones each field type accepts (docs/workflow.md, "The
 * application file").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "tcard/err.h"
#include "sample.h"
#include "tcard/workday.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Chinese names: simplified for mainland residents, traditional for
 * residents of Hong Kong, Macao and Taiwan. */
static const char *const cn_surnames[] = { "王", "李", "张", "刘", "陈", "杨",
	"黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
	"罗", "高" };
static const char *const cn_male[] = { "伟", "志强", "建国", "浩然", "子轩",
	"俊杰", "明", "磊", "宇航", "文博", "晓东", "振华" };
static const char *const cn_female[] = { "芳", "静", "丽娟", "雨桐", "欣怡",
	"婷", "晓燕", "思彤", "佳怡", "梦琪", "秀英", "慧敏" };
static const char *const hk_surnames[] = { "陳", "黃", "李", "張", "梁", "林",
	"何", "郭" };
static const char *const hk_male[] = { "家豪", "志明", "俊傑", "偉文" };
static const char *const hk_female[] = { "嘉欣", "詠詩", "美玲", "曉彤" };
static const char *const tw_surnames[] = { "林", "陳", "黃", "張", "李", "王",
	"吳", "劉" };
static const char *const tw_male[] = { "冠宇", "承恩", "柏翰", "家瑋" };
static const char *const tw_female[] = { "怡君", "雅婷", "宜蓁", "詩涵" };

enum script { SCRIPT_CN, SCRIPT_HK, SCRIPT_TW };

/* Foreign names by country, with the ISO 3166 numeric code that the
 * 2023 foreign permanent resident card carries and the shape of the
 * country's passport numbers ('A' a letter, '9' a digit). */
static const struct country {
	const char *name; /* as a Chinese form writes it */
	const char *iso;  /* numeric code, 3 digits */
	const char *passport;
	const char *male[4], *female[4], *surnames[4];
} countries[] = {
	{ "美国", "840", "999999999", { "James", "Michael", "Daniel", "Ethan" },
	    { "Emily", "Olivia", "Grace", "Hannah" },
	    { "Carter", "Brooks", "Reed", "Foster" } },
	{ "德国", "276", "C99A99A99", { "Lukas", "Jonas", "Felix", "Paul" },
	    { "Anna", "Lena", "Marie", "Sophie" },
	    { "Müller", "Schneider", "Weber", "Becker" } },
	{ "法国", "250", "99AA99999", { "Louis", "Hugo", "Jules", "Arthur" },
	    { "Chloé", "Léa", "Camille", "Manon" },
	    { "Dubois", "Moreau", "Laurent", "Lefèvre" } },
	{ "英国", "826", "999999999", { "Oliver", "George", "Harry", "Jack" },
	    { "Amelia", "Isla", "Freya", "Poppy" },
	    { "Bennett", "Hughes", "Wright", "Walker" } },
	{ "日本", "392", "AA9999999", { "Hiroshi", "Kenta", "Haruto", "Sota" },
	    { "Yuki", "Aoi", "Sakura", "Hina" },
	    { "Tanaka", "Sato", "Suzuki", "Kobayashi" } },
	{ "印度", "356", "A9999999", { "Arjun", "Rohan", "Vikram", "Aditya" },
	    { "Priya", "Ananya", "Kavya", "Meera" },
	    { "Sharma", "Iyer", "Patel", "Reddy" } },
	{ "巴西", "076", "AA999999", { "Lucas", "Gabriel", "Rafael", "Thiago" },
	    { "Beatriz", "Mariana", "Larissa", "Camila" },
	    { "Silva", "Santos", "Oliveira", "Costa" } },
	{ "意大利", "380", "AA9999999", { "Marco", "Luca", "Matteo", "Andrea" },
	    { "Giulia", "Chiara", "Sofia", "Elena" },
	    { "Rossi", "Bianchi", "Romano", "Ricci" } },
};

/* County-level places of birth for resident ID numbers (GB/T 2260). */
static const char *const birth_regions[] = { "110105", "310104", "440106",
	"440111", "440114", "510107", "330106", "420111", "532301", "430104" };

/*
 * Made-up employers ("示例" marks them as examples) with unified social
 * credit codes whose check characters are correct; the region digits
 * pick the ones near a programme's region.
 */
static const struct employer {
	const char *name, *code;
} employers[] = {
	{ "广州云聚示例新材料有限公司", "91440111MA5D0K7Q3Q" },
	{ "广州花城示例智能装备有限公司", "91440114MA9W1F2B6X" },
	{ "广州天河示例软件技术有限公司", "91440106MA4T8R3H12" },
	{ "深圳南海示例数据技术有限公司", "91440305MA5G2L9N48" },
	{ "佛山顺德示例精工机械有限公司", "91440606MA7B4M8D5G" },
	{ "楚雄彝州示例绿色硅材料有限公司", "91532301MA6K3P7C29" },
};

/* A 32-bit mixer (the finaliser of MurmurHash3) over seed and a counter. */
struct rnd {
	uint32_t seed, n;
};

static uint32_t
next(struct rnd *r)
{
	uint32_t x = r->seed * 0x9e3779b9u + ++r->n * 0x85ebca6bu;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

static uint32_t
pick(struct rnd *r, size_t n)
{
	return next(r) % (uint32_t)n;
}

/* 1 when p takes ID type t (no list, or no programme: any). */
static int
takes(const struct tc_programme *p, enum tc_id_type t)
{
	return p == NULL || tc_app_takes_id_type(p, t);
}

/* The first type p takes, for programmes without resident ID cards. */
static enum tc_id_type
first_type(const struct tc_programme *p)
{
	enum tc_id_type u;
	size_t i;

	if (takes(p, TC_ID_RESIDENT))
		return TC_ID_RESIDENT;
	for (i = 0; i < p->application.n_id_types; i++)
		if (tc_app_id_type_parse(p->application.id_types[i].id, &u) ==
		    0)
			return u;
	return TC_ID_RESIDENT;
}

static int
is_foreign(enum tc_id_type t)
{
	return t == TC_ID_PASSPORT || t == TC_ID_FOREIGN_PR;
}

static enum script
script_of(enum tc_id_type t)
{
	if (t == TC_ID_HKMO_PERMIT || t == TC_ID_HKMO_RESIDENCE)
		return SCRIPT_HK;
	if (t == TC_ID_TW_PERMIT || t == TC_ID_TW_RESIDENCE)
		return SCRIPT_TW;
	return SCRIPT_CN;
}

static const struct country *
country_named(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NELEM(countries); i++)
		if (strcmp(countries[i].name, name) == 0)
			return &countries[i];
	return NULL;
}

/* Year, month and day of now in Shanghai. */
static void
today(time_t now, int *y, int *m, int *d)
{
	tc_civil_from_day(tc_day_of_time(now), y, m, d);
}

/* A birth date in year y, on a day every month has. */
static void
set_birth(struct tc_sample_person *o, int y, struct rnd *r)
{
	int m = 1 + (int)pick(r, 12), d = 1 + (int)pick(r, 28);

	if (y < 1901)
		y = 1901;
	snprintf(o->birth, sizeof(o->birth), "%04d%02d%02d", y % 10000, m, d);
}

static void
chinese_name(struct tc_sample_person *o, const char *surname, enum script s,
    struct rnd *r)
{
	const char *const *sur = cn_surnames, *const * given;
	size_t nsur = NELEM(cn_surnames), ngiven;

	if (s == SCRIPT_HK) {
		sur = hk_surnames;
		nsur = NELEM(hk_surnames);
		given = o->male ? hk_male : hk_female;
		ngiven = o->male ? NELEM(hk_male) : NELEM(hk_female);
	} else if (s == SCRIPT_TW) {
		sur = tw_surnames;
		nsur = NELEM(tw_surnames);
		given = o->male ? tw_male : tw_female;
		ngiven = o->male ? NELEM(tw_male) : NELEM(tw_female);
	} else {
		given = o->male ? cn_male : cn_female;
		ngiven = o->male ? NELEM(cn_male) : NELEM(cn_female);
	}
	if (surname == NULL)
		surname = sur[pick(r, nsur)];
	snprintf(
	    o->name, sizeof(o->name), "%s%s", surname, given[pick(r, ngiven)]);
}

static void
foreign_name(struct tc_sample_person *o, const struct country *c,
    const char *surname, struct rnd *r)
{
	const char *given =
	    o->male ? c->male[pick(r, 4)] : c->female[pick(r, 4)];

	if (surname == NULL)
		surname = c->surnames[pick(r, 4)];
	snprintf(o->name, sizeof(o->name), "%s %s", given, surname);
}

/* The MOD 11-2 check character of 17 digits (GB 11643-1999). */
static char
mod11_2(const char *d17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
		8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (d17[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

void
tc_sample_resident_id(
    char out[19], const char *region, const char *birth, int seq, int male)
{
	if ((seq % 2 == 1) != (male != 0))
		seq++;
	snprintf(out, 19, "%.6s%.8s%03d", region, birth, seq % 1000);
	out[17] = mod11_2(out);
	out[18] = '\0';
}

/* Fills a number of the given shape ('A' a letter but I and O, '9' a
 * digit, anything else as it is). */
static void
pattern(char *out, size_t len, const char *shape, struct rnd *r)
{
	static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
	size_t i;

	for (i = 0; shape[i] != '\0' && i + 1 < len; i++)
		if (shape[i] == 'A')
			out[i] = letters[pick(r, sizeof(letters) - 1)];
		else if (shape[i] == '9')
			out[i] = (char)('0' + pick(r, 10));
		else
			out[i] = shape[i];
	out[i] = '\0';
}

/* Makes the number of o's type from its birth date, sex and nationality. */
static int
make_number(struct tc_sample_person *o, struct rnd *r, time_t now, char *err,
    size_t errlen)
{
	const struct country *c;
	char raw[32], msg[128];
	int r8 = (int)(next(r) % 90000000u) + 10000000;
	int rc;

	switch (o->id_type) {
	case TC_ID_RESIDENT:
		tc_sample_resident_id(raw,
		    birth_regions[pick(r, NELEM(birth_regions))], o->birth,
		    (int)pick(r, 1000), o->male);
		break;
	case TC_ID_HKMO_RESIDENCE:
		tc_sample_resident_id(raw, pick(r, 2) ? "820000" : "810000",
		    o->birth, (int)pick(r, 1000), o->male);
		break;
	case TC_ID_TW_RESIDENCE:
		tc_sample_resident_id(
		    raw, "830000", o->birth, (int)pick(r, 1000), o->male);
		break;
	case TC_ID_HKMO_PERMIT:
		snprintf(
		    raw, sizeof(raw), "%c%08d", pick(r, 4) ? 'H' : 'M', r8);
		break;
	case TC_ID_TW_PERMIT:
		snprintf(raw, sizeof(raw), "%08d", r8);
		break;
	case TC_ID_FOREIGN_PR:
		c = country_named(o->nationality);
		snprintf(raw, sizeof(raw), "944%s%.8s%03u",
		    c != NULL ? c->iso : "840", o->birth, pick(r, 1000));
		raw[17] = mod11_2(raw);
		raw[18] = '\0';
		break;
	case TC_ID_PASSPORT:
		c = country_named(o->nationality);
		pattern(
		    raw, sizeof(raw), c != NULL ? c->passport : "E99999999", r);
		break;
	default:
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown ID type %d", (int)o->id_type);
	}
	if ((rc = tc_id_normalise(
		 o->id_type, raw, now, o->id, msg, sizeof(msg))) != 0)
		return tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "a made-up %s number was refused (%s): %s",
		    tc_id_type_name(o->id_type), tc_errname(rc), msg);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

/* An employer near the programme's region: same city, province, any. */
static const struct employer *
employer_for(const struct tc_programme *p, struct rnd *r)
{
	const struct employer *cand[NELEM(employers)];
	size_t i, n = 0, len;

	for (len = 4; p != NULL && n == 0 && len >= 2; len -= 2)
		for (i = 0; i < NELEM(employers); i++)
			if (strncmp(employers[i].code + 2, p->region, len) == 0)
				cand[n++] = &employers[i];
	if (n == 0)
		for (i = 0; i < NELEM(employers); i++)
			cand[n++] = &employers[i];
	return cand[pick(r, n)];
}

int
tc_sample_person(const struct tc_programme *p, enum tc_id_type type,
    uint32_t seed, time_t now, struct tc_sample_person *out, char *err,
    size_t errlen)
{
	struct rnd r = { seed, 0 };
	const struct country *c;
	const struct employer *e;
	int y, m, d, rc;

	if (out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no output");
	memset(out, 0, sizeof(*out));
	if (type != 0 && (type < TC_ID_RESIDENT || type > TC_ID_PASSPORT))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown ID type %d", (int)type);
	if (type != 0 && !takes(p, type))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s does not take ID type %s", p->id,
		    tc_id_type_name(type));
	if (type == 0) {
		if (seed % 2 == 1 && takes(p, TC_ID_PASSPORT))
			type = TC_ID_PASSPORT;
		else if (seed % 2 == 1 && takes(p, TC_ID_FOREIGN_PR))
			type = TC_ID_FOREIGN_PR;
		else if (seed % 2 == 0 && seed / 2 % 3 == 1 &&
		    takes(p, TC_ID_HKMO_PERMIT))
			type = TC_ID_HKMO_PERMIT;
		else if (seed % 2 == 0 && seed / 2 % 3 == 2 &&
		    takes(p, TC_ID_TW_PERMIT))
			type = TC_ID_TW_PERMIT;
		else
			type = p != NULL ? first_type(p) : TC_ID_RESIDENT;
	}
	out->id_type = type;
	out->foreign = is_foreign(type);
	out->male = (int)(next(&r) & 1);
	today(now, &y, &m, &d);
	set_birth(out, y - 28 - (int)pick(&r, 18), &r);
	if (out->foreign) {
		c = &countries[pick(&r, NELEM(countries))];
		out->nationality = c->name;
		foreign_name(out, c, NULL, &r);
	} else {
		out->nationality = "中国";
		chinese_name(out, NULL, script_of(type), &r);
	}
	e = employer_for(p, &r);
	out->employer = e->name;
	out->code = e->code;
	if ((rc = make_number(out, &r, now, err, errlen)) != 0) {
		OPENSSL_cleanse(out, sizeof(*out));
		return rc;
	}
	return 0;
}

/* The family name in a person's name: the last word of a Latin name, the
 * first character of a Chinese one. */
static void
family_name(const struct tc_sample_person *h, char *out, size_t len)
{
	const char *sp = strrchr(h->name, ' ');
	size_t n = 1;

	if (h->foreign || sp != NULL) {
		snprintf(out, len, "%s", sp != NULL ? sp + 1 : h->name);
		return;
	}
	while (h->name[n] != '\0' && ((unsigned char)h->name[n] & 0xc0) == 0x80)
		n++;
	snprintf(out, len, "%.*s", (int)n, h->name);
}

int
tc_sample_relative(const struct tc_programme *p,
    const struct tc_sample_person *holder, enum tc_relation relation,
    uint32_t seed, time_t now, struct tc_sample_person *out, char *err,
    size_t errlen)
{
	struct rnd r = { seed ^ 0x5bd1e995u, 0 };
	const struct country *c;
	char fam[TC_SAMPLE_NAME_MAX + 1];
	const char *surname = NULL;
	int y, m, d, hy, k, rc;

	if (out == NULL || holder == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no person");
	memset(out, 0, sizeof(*out));
	if (relation < TC_REL_SPOUSE || relation > TC_REL_PARENT_IN_LAW)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "not a relation of a sub-card: %d", (int)relation);
	out->id_type = holder->id_type != 0 ? holder->id_type : TC_ID_RESIDENT;
	if (!takes(p, out->id_type))
		out->id_type = first_type(p);
	out->foreign = is_foreign(out->id_type);
	out->nationality = holder->nationality;
	out->employer = holder->employer;
	out->code = holder->code;
	out->category = holder->category;
	hy = atoi(holder->birth) / 10000;
	today(now, &y, &m, &d);
	if (hy < 1900 || hy > y)
		hy = y - 35;
	family_name(holder, fam, sizeof(fam));
	switch (relation) {
	case TC_REL_SPOUSE:
		out->male = !holder->male;
		set_birth(out, hy - 3 + (int)pick(&r, 7), &r);
		if (out->foreign)
			surname = fam;
		break;
	case TC_REL_CHILD:
		out->male = (int)(next(&r) & 1);
		set_birth(out, y - 4 - (int)pick(&r, 12), &r);
		surname = fam;
		break;
	default:
		out->male = (int)(next(&r) & 1);
		set_birth(out, hy - 26 - (int)pick(&r, 10), &r);
		if (relation == TC_REL_PARENT && out->male)
			surname = fam;
		break;
	}
	c = country_named(holder->nationality);
	if (out->foreign && c == NULL)
		c = &countries[pick(&r, NELEM(countries))];
	if (!out->foreign && out->nationality == NULL)
		out->nationality = "中国";
	/* Never the holder's own name (a few tries are plenty). */
	for (k = 0; k < 8; k++) {
		if (out->foreign) {
			out->nationality = c->name;
			foreign_name(out, c, surname, &r);
		} else
			chinese_name(out, surname, script_of(out->id_type), &r);
		if (strcmp(out->name, holder->name) != 0)
			break;
	}
	if ((rc = make_number(out, &r, now, err, errlen)) != 0) {
		OPENSSL_cleanse(out, sizeof(*out));
		return rc;
	}
	return 0;
}

const char *
tc_sample_clause(
    const struct tc_tier *t, const struct tc_route *r, uint32_t seed)
{
	size_t i, n = 0, k;

	if (r != NULL && r->n_clauses > 0)
		return r->clauses[seed % r->n_clauses].id;
	if (t == NULL)
		return NULL;
	for (i = 0; i < t->n_clauses; i++)
		if (t->clauses[i].holder_of == NULL)
			n++;
	if (n == 0)
		return t->n_clauses > 0	  ? t->clauses[0].id
		    : t->clauses_complete ? NULL
					  : "other-1";
	k = seed % n;
	for (i = 0; i < t->n_clauses; i++)
		if (t->clauses[i].holder_of == NULL && k-- == 0)
			return t->clauses[i].id;
	return NULL;
}

/* A text for a field of max_chars (at least one character). */
static const char *
filler(const struct tc_field *fd)
{
	if (fd->max_chars > 0 && fd->max_chars < 4)
		return "测";
	return "测试内容";
}

/* The programme's own name for ID type t ("resident-id"), or ours. */
static const char *
id_type_label(const struct tc_programme *p, enum tc_id_type t)
{
	enum tc_id_type u;
	size_t i;

	for (i = 0; i < p->application.n_id_types; i++)
		if (tc_app_id_type_parse(p->application.id_types[i].id, &u) ==
			0 &&
		    u == t)
			return p->application.id_types[i].id;
	return tc_id_type_name(t);
}

static int
set_str(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, json_string(v));
}

/* One entry of a section, every required field filled. */
static json_t *
entry_for(const struct tc_programme *p, const struct tc_section *sec,
    const struct tc_sample_person *who, const char *tier, const char *clause)
{
	json_t *o = json_object();
	const struct tc_field *fd;
	enum tc_id_type type = who->id_type ? who->id_type : TC_ID_RESIDENT;
	char bd[11];
	size_t i;
	int bad = 0;

	if (o == NULL)
		return NULL;
	snprintf(bd, sizeof(bd), "%.4s-%.2s-%.2s", who->birth, who->birth + 4,
	    who->birth + 6);
	for (i = 0; i < sec->n_fields; i++) {
		fd = &sec->fields[i];
		if (!fd->required || fd->derived_from != NULL)
			continue;
		switch (fd->type) {
		case TC_FIELD_TEXT:
		case TC_FIELD_ADDRESS:
			if (strcmp(fd->id, "name") == 0 && !sec->repeating)
				bad |= set_str(o, fd->id, who->name);
			else if (strcmp(fd->id, "employer") == 0 &&
			    !sec->repeating && who->employer != NULL)
				bad |= set_str(o, fd->id, who->employer);
			else
				bad |= set_str(o, fd->id, filler(fd));
			break;
		case TC_FIELD_LONG_TEXT:
			bad |= set_str(
			    o, fd->id, "在某研究所从事新材料研究十年。");
			break;
		case TC_FIELD_DATE:
			if (strcmp(fd->id, "birth-date") == 0 &&
			    !sec->repeating)
				bad |= set_str(o, fd->id, bd);
			else if (strcmp(fd->id, "to") == 0)
				bad |= set_str(o, fd->id, "2012-07-01");
			else if (strcmp(fd->id, "id-valid-to") == 0)
				bad |= set_str(o, fd->id, "permanent");
			else
				bad |= set_str(o, fd->id, "2008-09-01");
			break;
		case TC_FIELD_CHOICE:
			if (strcmp(fd->id, "id-type") == 0)
				bad |=
				    set_str(o, fd->id, id_type_label(p, type));
			else if (strcmp(fd->id, "sex") == 0 && !sec->repeating)
				bad |=
				    set_str(o, fd->id, who->male ? "男" : "女");
			else if (strcmp(fd->id, "tier") == 0) {
				if (tier != NULL)
					bad |= set_str(o, fd->id, tier);
			} else if (strcmp(fd->id, "clause") == 0) {
				if (clause != NULL)
					bad |= set_str(o, fd->id, clause);
			} else if (strcmp(fd->id, "work-type") == 0) {
				bad |= set_str(o, fd->id,
				    who->work_type != NULL
					? who->work_type
					: p->application.work_types[0].id);
			} else if (strcmp(fd->id, "nationality") == 0 &&
			    !sec->repeating && who->nationality != NULL)
				bad |= set_str(o, fd->id, who->nationality);
			else
				bad |= set_str(o, fd->id, "其他");
			break;
		case TC_FIELD_ID_NUMBER:
			bad |= set_str(o, fd->id, who->id);
			break;
		case TC_FIELD_PHONE:
			bad |= set_str(o, fd->id, "+86 138-0013-8000");
			break;
		case TC_FIELD_EMAIL:
			bad |= set_str(o, fd->id, "applicant@example.com");
			break;
		default:
			break;
		}
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The applicant object: sex and birth date where the number has none. */
static json_t *
applicant(const struct tc_sample_person *who)
{
	enum tc_id_type type = who->id_type ? who->id_type : TC_ID_RESIDENT;
	json_t *a;
	char bd[11];
	int y, m, d;

	a = json_pack("{s:s, s:s, s:s}", "name", who->name, "id_type",
	    tc_id_type_name(type), "id_number", who->id);
	if (a == NULL)
		return NULL;
	if (who->retire != 0 &&
	    json_object_set_new(a, "retirement_age", json_integer(who->retire)))
		goto fail;
	if (tc_id_birth_date(type, who->id, &y, &m, &d) != 0 &&
	    strlen(who->birth) == 8) {
		snprintf(bd, sizeof(bd), "%.4s-%.2s-%.2s", who->birth,
		    who->birth + 4, who->birth + 6);
		if (set_str(a, "sex", who->male ? "male" : "female") != 0 ||
		    set_str(a, "birth_date", bd) != 0)
			goto fail;
	}
	return a;
fail:
	json_decref(a);
	return NULL;
}

int
tc_sample_form_json(const struct tc_programme *p, const char *tier,
    const char *route, const char *clause, const struct tc_sample_person *who,
    struct tc_buf *out, char *err, size_t errlen)
{
	json_t *root = NULL, *secs, *emp, *arr, *e;
	const struct tc_section *sec;
	const char *eq;
	char *text = NULL, guard[64];
	size_t i;
	int k, n, r = TC_ERR_NOMEM, bad = 0;

	if (p == NULL || who == NULL || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no programme, person or output");
	if ((root = json_object()) == NULL)
		goto out;
	bad |= set_str(root, "programme", p->id);
	if (route != NULL)
		bad |= set_str(root, "route", route);
	if (tier != NULL)
		bad |= set_str(root, "tier", tier);
	if (clause != NULL)
		bad |= set_str(root, "clause", clause);
	bad |= json_object_set_new(root, "applicant", applicant(who));
	if ((emp = json_object()) == NULL)
		goto out;
	bad |= json_object_set_new(root, "employer", emp);
	if (who->employer != NULL)
		bad |= set_str(emp, "name", who->employer);
	if (who->code != NULL)
		bad |= set_str(emp, "code", who->code);
	if (who->category != NULL)
		bad |= set_str(emp, "category", who->category);
	if (p->application.n_work_types > 0)
		bad |= set_str(root, "work_type",
		    who->work_type != NULL ? who->work_type
					   : p->application.work_types[0].id);
	if ((secs = json_object()) == NULL)
		goto out;
	bad |= json_object_set_new(root, "sections", secs);
	for (i = 0; i < p->application.n_sections; i++) {
		sec = &p->application.sections[i];
		if (!sec->required)
			continue;
		if (sec->repeating) {
			if ((arr = json_array()) == NULL)
				goto out;
			bad |= json_object_set_new(secs, sec->id, arr);
			n = sec->min_entries > 0 ? sec->min_entries : 1;
			for (k = 0; k < n; k++)
				bad |= json_array_append_new(
				    arr, entry_for(p, sec, who, tier, clause));
		} else if ((e = entry_for(p, sec, who, tier, clause)) == NULL)
			goto out;
		else
			bad |= json_object_set_new(secs, sec->id, e);
	}
	if (who->exception != NULL &&
	    (eq = strchr(who->exception, '=')) != NULL) {
		snprintf(guard, sizeof(guard), "%.*s",
		    (int)(eq - who->exception), who->exception);
		bad |= json_object_set_new(
		    root, "exceptions", json_pack("{s:s}", guard, eq + 1));
	}
	if (bad || (text = json_dumps(root, JSON_COMPACT)) == NULL)
		goto out;
	if ((r = tc_buf_puts(out, text)) != 0)
		tc_seterr(err, errlen, r, "the application file does not fit");
out:
	if (r == TC_ERR_NOMEM)
		tc_seterr(err, errlen, r, "out of memory");
	if (text != NULL)
		tc_wipe_free(text, strlen(text));
	json_decref(root);
	return r;
}

static int
put_chunk(struct tc_buf *b, const char *type, const uint8_t *data, uint32_t n)
{
	uint32_t crc;
	int r;

	crc = (uint32_t)crc32(0L, (const Bytef *)type, 4);
	if (n > 0)
		crc = (uint32_t)crc32(crc, data, n);
	if ((r = tc_buf_put_u32be(b, n)) != 0 ||
	    (r = tc_buf_put(b, type, 4)) != 0 ||
	    (r = tc_buf_put(b, data, n)) != 0 ||
	    (r = tc_buf_put_u32be(b, crc)) != 0)
		return r;
	return 0;
}

int
tc_sample_png(struct tc_buf *out, uint32_t w, uint32_t h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a,
		0x0a };
	uint8_t ihdr[13], *raw = NULL, *z = NULL;
	size_t rawlen, i, start = out->len;
	uLongf zlen;
	int r = TC_ERR_NOMEM;

	if (w > TC_SAMPLE_IMAGE_MAX || h > TC_SAMPLE_IMAGE_MAX)
		return TC_ERR_RANGE;
	rawlen = (size_t)(w + 1) * h;
	ihdr[0] = (uint8_t)(w >> 24);
	ihdr[1] = (uint8_t)(w >> 16);
	ihdr[2] = (uint8_t)(w >> 8);
	ihdr[3] = (uint8_t)w;
	ihdr[4] = (uint8_t)(h >> 24);
	ihdr[5] = (uint8_t)(h >> 16);
	ihdr[6] = (uint8_t)(h >> 8);
	ihdr[7] = (uint8_t)h;
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 0;  /* greyscale */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering */
	ihdr[12] = 0; /* no interlace */
	zlen = compressBound((uLong)rawlen);
	if ((raw = malloc(rawlen > 0 ? rawlen : 1)) == NULL ||
	    (z = malloc(zlen)) == NULL)
		goto out;
	memset(raw, 0xff, rawlen);
	for (i = 0; i < h; i++)
		raw[i * (w + 1)] = 0; /* filter type none */
	if (compress(z, &zlen, raw, (uLong)rawlen) != Z_OK) {
		r = TC_ERR_INTERNAL;
		goto out;
	}
	if ((r = tc_buf_put(out, sig, sizeof(sig))) != 0 ||
	    (r = put_chunk(out, "IHDR", ihdr, sizeof(ihdr))) != 0 ||
	    (r = put_chunk(out, "IDAT", z, (uint32_t)zlen)) != 0 ||
	    (r = put_chunk(out, "IEND", NULL, 0)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		tc_buf_truncate(out, start);
	free(raw);
	free(z);
	return r;
}

int
tc_sample_jpeg(struct tc_buf *out, uint32_t w, uint32_t h)
{
	static const uint8_t app0[] = { 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I',
		'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
	uint8_t dqt[69];
	size_t start = out->len;
	int r;

	if (w > 0xffff || h > 0xffff)
		return TC_ERR_RANGE;
	memset(dqt, 1, sizeof(dqt));
	dqt[0] = 0xff;
	dqt[1] = 0xdb;
	dqt[2] = 0x00;
	dqt[3] = 67;
	dqt[4] = 0;
	if ((r = tc_buf_put_u16be(out, 0xffd8)) != 0 ||
	    (r = tc_buf_put(out, app0, sizeof(app0))) != 0 ||
	    (r = tc_buf_put(out, dqt, sizeof(dqt))) != 0 ||
	    (r = tc_buf_put_u16be(out, 0xffc0)) != 0 ||
	    (r = tc_buf_put_u16be(out, 17)) != 0 ||
	    (r = tc_buf_put_u8(out, 8)) != 0 ||
	    (r = tc_buf_put_u16be(out, (uint16_t)h)) != 0 ||
	    (r = tc_buf_put_u16be(out, (uint16_t)w)) != 0 ||
	    (r = tc_buf_put_u8(out, 3)) != 0 ||
	    (r = tc_buf_put(out, "\x01\x11\x00\x02\x11\x00\x03\x11\x00", 9)) !=
		0 ||
	    (r = tc_buf_put_u16be(out, 0xffda)) != 0 ||
	    (r = tc_buf_put_u16be(out, 12)) != 0 ||
	    (r = tc_buf_put(
		 out, "\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00", 10)) != 0 ||
	    (r = tc_buf_put(out, "\x12\x34\x56", 3)) != 0 ||
	    (r = tc_buf_put_u16be(out, 0xffd9)) != 0) {
		tc_buf_truncate(out, start);
		return r;
	}
	return 0;
}

/* 1 when material m applies to an application of tier, work type, type. */
static int
material_applies(const struct tc_material *m, const char *tier,
    const char *work_type, enum tc_id_type type)
{
	enum tc_id_type u;
	size_t i;
	int any;

	if (!m->required || m->purpose != TC_PURPOSE_APPLY)
		return 0;
	if (m->tiers.n > 0 && (tier == NULL || !tc_idlist_has(&m->tiers, tier)))
		return 0;
	if (m->work_types.n > 0 &&
	    (work_type == NULL || !tc_idlist_has(&m->work_types, work_type)))
		return 0;
	if (m->id_types.n > 0) {
		for (any = 0, i = 0; i < m->id_types.n; i++)
			if (tc_app_id_type_parse(m->id_types.v[i], &u) == 0 &&
			    u == type)
				any = 1;
		if (!any)
			return 0;
	}
	return 1;
}

int
tc_sample_pdf(struct tc_buf *out, const char *label)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	size_t start = out->len, off[6], i, n;
	char text[160], safe[65];
	int len, r;

	for (n = 0; label != NULL && label[n] != '\0' && n < 64; n++) {
		/* What a PDF string would need escaped is left out. */
		if (label[n] < 0x20 || label[n] > 0x7e || label[n] == '(' ||
		    label[n] == ')' || label[n] == '\\')
			break;
		safe[n] = label[n];
	}
	if (n == 0 || (label != NULL && label[n] != '\0'))
		n = 0, safe[n++] = '-';
	safe[n] = '\0';
	len = snprintf(text, sizeof(text),
	    "2 w 40 40 515 762 re S BT /F1 28 Tf 72 700 Td (Sample material) Tj "
	    "0 -40 Td (%s) Tj ET",
	    safe);
	tc_buf_puts(out, "%PDF-1.4\n");
	for (i = 0; i < 4; i++) {
		off[i] = out->len - start;
		tc_buf_printf(out, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	off[4] = out->len - start;
	tc_buf_printf(out,
	    "5 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len,
	    text);
	off[5] = out->len - start;
	tc_buf_puts(out, "xref\n0 6\n0000000000 65535 f \n");
	for (i = 0; i < 5; i++)
		tc_buf_printf(out, "%010zu 00000 n \n", off[i]);
	tc_buf_printf(out,
	    "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	    off[5]);
	if ((r = tc_buf_error(out)) != 0)
		tc_buf_truncate(out, start);
	return r;
}

/* 1 when a required material of p that is a photo applies. */
static int
photo_material(const struct tc_programme *p, const char *tier,
    const char *work_type, enum tc_id_type id_type)
{
	const struct tc_material *m;
	size_t i;

	for (i = 0; i < p->application.n_materials; i++) {
		m = &p->application.materials[i];
		if (material_applies(m, tier, work_type, id_type) &&
		    tc_att_kind_of_material(m->id) == TC_ATT_PHOTO)
			return 1;
	}
	return 0;
}

int
tc_sample_materials(const struct tc_programme *p, const char *tier,
    const char *work_type, enum tc_id_type id_type, int sub,
    int (*fn)(const struct tc_sample_file *f, void *arg), void *arg)
{
	const struct tc_field *photo = NULL, *fd;
	const struct tc_material *m;
	struct tc_sample_file f;
	struct tc_buf b;
	unsigned allowed = 0;
	enum tc_media med;
	char name[TC_PROGRAMME_ID_MAX + 8];
	size_t i, j;
	uint32_t pw, ph;
	int r = 0;

	if (p == NULL || fn == NULL)
		return TC_ERR_INVALID_ARG;
	if (id_type == 0)
		id_type = TC_ID_RESIDENT;
	for (i = 0; i < p->application.upload_formats.n; i++)
		if (tc_media_parse(p->application.upload_formats.v[i], &med) ==
		    0)
			allowed |= TC_MEDIA_BIT(med);
	if (allowed == 0)
		allowed = TC_MEDIA_ALL;
	for (i = 0; i < p->application.n_sections; i++)
		for (j = 0; j < p->application.sections[i].n_fields; j++) {
			fd = &p->application.sections[i].fields[j];
			if (fd->type == TC_FIELD_PHOTO)
				photo = fd;
		}
	if (!(allowed &
		(TC_MEDIA_BIT(TC_MEDIA_PNG) | TC_MEDIA_BIT(TC_MEDIA_JPEG))) ||
	    !(allowed & TC_MEDIA_BIT(TC_MEDIA_PDF)))
		return TC_ERR_UNSUPPORTED;
	tc_buf_init(&b, TC_ATTACH_MAX);
	if (photo != NULL &&
	    (!sub || !photo_material(p, tier, work_type, id_type))) {
		pw = photo->width_px > 0 ? (uint32_t)photo->width_px : 358;
		ph = photo->height_px > 0 ? (uint32_t)photo->height_px : 441;
		if (allowed & TC_MEDIA_BIT(TC_MEDIA_PNG)) {
			r = tc_sample_png(&b, pw, ph);
			f.name = "photo.png";
		} else {
			r = tc_sample_jpeg(&b, pw, ph);
			f.name = "photo.jpg";
		}
		if (r != 0)
			goto out;
		f.kind = TC_ATT_PHOTO;
		f.material = NULL;
		f.data = b.data;
		f.len = b.len;
		if ((r = fn(&f, arg)) != 0)
			goto out;
	}
	for (i = 0; i < p->application.n_materials; i++) {
		m = &p->application.materials[i];
		if (!material_applies(m, tier, work_type, id_type))
			continue;
		tc_buf_reset(&b);
		if (tc_att_kind_of_material(m->id) == TC_ATT_PHOTO) {
			if (photo != NULL && !sub)
				continue;
			if (!(allowed & TC_MEDIA_BIT(TC_MEDIA_JPEG)))
				r = tc_sample_png(&b, 358, 441);
			else
				r = tc_sample_jpeg(&b, 358, 441);
			snprintf(name, sizeof(name), "%s.%s", m->id,
			    allowed & TC_MEDIA_BIT(TC_MEDIA_JPEG) ? "jpg"
								  : "png");
		} else {
			/* Distinct content per material: the registry
			 * stores one copy per content and kind. */
			r = tc_sample_pdf(&b, m->id);
			snprintf(name, sizeof(name), "%s.pdf", m->id);
		}
		if (r != 0)
			goto out;
		f.kind = tc_att_kind_of_material(m->id);
		f.material = m->id;
		f.name = name;
		f.data = b.data;
		f.len = b.len;
		if ((r = fn(&f, arg)) != 0)
			goto out;
	}
out:
	tc_buf_release(&b);
	return r;
}
