/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the made-up applications (demo/sample.c) against the four
 * shipped programme files: every generated person has an ID number that
 * tc_id_normalise accepts (with the birth date and sex it claims) and is
 * below the statutory retirement age; the same seed gives the same
 * person; every form for every main tier, route, sub-card tier and ID
 * type a programme takes parses with tc_app_form_parse and is complete
 * (tc_app_form_complete) once the files of tc_sample_materials are
 * attached, and incomplete without them; images have the requested size
 * by tc_attach_check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/application.h"
#include "tcard/attach.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/programme.h"
#include "tcard/retire.h"
#include "sample.h"
#include "tcard/workday.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

/* Monday 2 March 2026, 09:00 in Shanghai. */
#define T0 ((time_t)1772413200)

static struct tc_programme_set *set;

static int
setup(void **state)
{
	const char *top = getenv("TC_TOP");
	char dir[512], err[1024];

	if (top != NULL)
		snprintf(dir, sizeof(dir), "%s/programmes", top);
	else
		snprintf(dir, sizeof(dir), "%s", TC_PROGRAMMES_DIR);
	if (tc_programme_set_load_dir(&set, dir, err, sizeof(err)) != 0)
		fail_msg("programmes: %s", err);
	assert_int_equal(tc_programme_set_count(set), 4);
	return 0;
}

static int
teardown(void **state)
{
	tc_programme_set_free(set);
	return 0;
}

static const struct tc_programme *
prog(const char *id)
{
	const struct tc_programme *p = tc_programme_set_find(set, id);

	assert_non_null(p);
	return p;
}

/* Checks the promises of tc_sample_person about one person. */
static void
check_person(const struct tc_sample_person *who, time_t now)
{
	char norm[TC_ID_MAX], err[256], bd[9];
	int y, m, d, ny, nm, nd, age;
	int64_t retire_day;

	if (tc_id_normalise(
		who->id_type, who->id, now, norm, err, sizeof(err)) != 0)
		fail_msg(
		    "%s %s: %s", tc_id_type_name(who->id_type), who->id, err);
	assert_string_equal(norm, who->id);
	assert_int_equal(strlen(who->birth), 8);
	y = atoi(who->birth) / 10000;
	m = atoi(who->birth) / 100 % 100;
	d = atoi(who->birth) % 100;
	assert_true(tc_date_valid(y, m, d));
	if (tc_id_birth_date(who->id_type, who->id, &y, &m, &d) == 0) {
		snprintf(bd, sizeof(bd), "%04d%02d%02d", y, m, d);
		assert_string_equal(bd, who->birth);
	}
	if (strlen(who->id) == 18 && who->id_type != TC_ID_FOREIGN_PR)
		assert_int_equal((who->id[16] - '0') % 2, who->male);
	tc_civil_from_day(tc_day_of_time(now), &ny, &nm, &nd);
	age = ny - y - (nm < m || (nm == m && nd < d));
	assert_in_range(age, 27, 46);
	assert_int_equal(
	    tc_retire_day(who->male ? TC_RETIRE_MEN : TC_RETIRE_WOMEN_50, y, m,
		d, &retire_day),
	    0);
	assert_true(retire_day > tc_day_of_time(now));
	assert_true(who->name[0] != '\0');
	assert_non_null(who->nationality);
	assert_non_null(who->employer);
	assert_non_null(who->code);
	assert_int_equal(who->foreign,
	    who->id_type == TC_ID_PASSPORT || who->id_type == TC_ID_FOREIGN_PR);
	/* A foreigner's name is Latin, a Chinese citizen's is not. */
	assert_int_equal(strchr(who->name, ' ') != NULL, who->foreign);
}

static void
test_people(void **state)
{
	struct tc_sample_person a, b;
	char ids[300][TC_ID_MAX], err[256];
	size_t distinct = 0, i, j;
	uint32_t seed;
	int t;

	for (t = TC_ID_RESIDENT; t <= TC_ID_PASSPORT; t++)
		for (seed = 0; seed < 300; seed++) {
			if (tc_sample_person(NULL, (enum tc_id_type)t, seed, T0,
				&a, err, sizeof(err)) != 0)
				fail_msg("type %d seed %u: %s", t, seed, err);
			assert_int_equal(a.id_type, t);
			check_person(&a, T0);
			/* Also forty years later (birth dates move). */
			assert_int_equal(
			    tc_sample_person(NULL, (enum tc_id_type)t, seed,
				T0 + 40 * 31557600, &b, err, sizeof(err)),
			    0);
			check_person(&b, T0 + 40 * 31557600);
			if (t == TC_ID_RESIDENT)
				snprintf(
				    ids[seed], sizeof(ids[seed]), "%s", a.id);
		}
	/* Reproducible, and different people for different seeds. */
	assert_int_equal(
	    tc_sample_person(NULL, 0, 42, T0, &a, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_sample_person(NULL, 0, 42, T0, &b, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	for (i = 0; i < 300; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				break;
		distinct += j == i;
	}
	assert_true(distinct >= 295);
	/* Refusals. */
	assert_int_equal(
	    tc_sample_person(NULL, 99, 1, T0, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_sample_person(prog("guangdong-youyue"),
			     TC_ID_PASSPORT, 1, T0, &a, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "passport"));
	assert_int_equal(a.id[0], '\0');
}

static void
test_seed_choice(void **state)
{
	const struct tc_programme *g = prog("guangzhou-green");
	const struct tc_programme *y = prog("guangdong-youyue");
	struct tc_sample_person a;
	char err[256];
	int types = 0, chinese = 0, latin = 0;
	uint32_t seed;

	/* Odd seeds are foreigners where passports are taken. */
	assert_int_equal(
	    tc_sample_person(g, 0, 1, T0, &a, err, sizeof(err)), 0);
	assert_int_equal(a.id_type, TC_ID_PASSPORT);
	assert_true(a.foreign);
	assert_int_equal(
	    tc_sample_person(g, 0, 2, T0, &a, err, sizeof(err)), 0);
	assert_int_equal(a.id_type, TC_ID_HKMO_PERMIT);
	assert_false(a.foreign);
	assert_int_equal(
	    tc_sample_person(g, 0, 4, T0, &a, err, sizeof(err)), 0);
	assert_int_equal(a.id_type, TC_ID_TW_PERMIT);
	assert_int_equal(
	    tc_sample_person(g, 0, 6, T0, &a, err, sizeof(err)), 0);
	assert_int_equal(a.id_type, TC_ID_RESIDENT);
	/* Youyue takes resident ID cards only. */
	for (seed = 0; seed < 20; seed++) {
		assert_int_equal(
		    tc_sample_person(y, 0, seed, T0, &a, err, sizeof(err)), 0);
		assert_int_equal(a.id_type, TC_ID_RESIDENT);
		check_person(&a, T0);
	}
	for (seed = 0; seed < 40; seed++) {
		assert_int_equal(
		    tc_sample_person(g, 0, seed, T0, &a, err, sizeof(err)), 0);
		check_person(&a, T0);
		types |= 1 << a.id_type;
		chinese += !a.foreign;
		latin += a.foreign;
	}
	assert_int_equal(types,
	    (1 << TC_ID_RESIDENT) | (1 << TC_ID_PASSPORT) |
		(1 << TC_ID_HKMO_PERMIT) | (1 << TC_ID_TW_PERMIT));
	assert_int_equal(chinese, 20);
	assert_int_equal(latin, 20);
	/* The employer is near the programme's region. */
	assert_int_equal(tc_sample_person(prog("chuxiong-xingchu"), 0, 3, T0,
			     &a, err, sizeof(err)),
	    0);
	assert_memory_equal(a.code + 2, "5323", 4);
}

static void
test_resident_id(void **state)
{
	char id[19], norm[TC_ID_MAX], err[128];

	/* The example of GB 11643-1999 (11010519491231002X). */
	tc_sample_resident_id(id, "110105", "19491231", 2, 0);
	assert_string_equal(id, "11010519491231002X");
	/* Sequence parity follows the sex. */
	tc_sample_resident_id(id, "440106", "19850512", 102, 1);
	assert_memory_equal(id + 14, "103", 3);
	tc_sample_resident_id(id, "440106", "19850512", 103, 0);
	assert_memory_equal(id + 14, "104", 3);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, id, T0, norm, err, sizeof(err)), 0);
}

static void
test_relatives(void **state)
{
	const struct tc_programme *g = prog("guangzhou-green");
	struct tc_sample_person h, r;
	char err[256];
	int y, m, d, ny, nm, nd, age;
	uint32_t seed;

	for (seed = 0; seed < 60; seed++) {
		assert_int_equal(
		    tc_sample_person(g, 0, seed, T0, &h, err, sizeof(err)), 0);
		assert_int_equal(tc_sample_relative(g, &h, TC_REL_SPOUSE, seed,
				     T0, &r, err, sizeof(err)),
		    0);
		assert_int_equal(r.male, !h.male);
		assert_int_equal(r.id_type, h.id_type);
		assert_int_equal(r.foreign, h.foreign);
		assert_string_not_equal(r.id, h.id);
		assert_int_equal(tc_sample_relative(g, &h, TC_REL_CHILD, seed,
				     T0, &r, err, sizeof(err)),
		    0);
		y = atoi(r.birth) / 10000;
		m = atoi(r.birth) / 100 % 100;
		d = atoi(r.birth) % 100;
		tc_civil_from_day(tc_day_of_time(T0), &ny, &nm, &nd);
		age = ny - y - (nm < m || (nm == m && nd < d));
		assert_in_range(age, 3, 15);
		/* The child has the holder's family name. */
		if (h.foreign)
			assert_string_equal(
			    strrchr(r.name, ' '), strrchr(h.name, ' '));
		else
			assert_memory_equal(r.name, h.name, 3);
		assert_int_equal(tc_sample_relative(g, &h, TC_REL_PARENT, seed,
				     T0, &r, err, sizeof(err)),
		    0);
		assert_true(
		    atoi(r.birth) / 10000 <= atoi(h.birth) / 10000 - 26);
	}
	assert_int_equal(tc_sample_relative(
			     g, &h, TC_REL_HOLDER, 1, T0, &r, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

/* What tc_sample_materials handed over, for tc_app_form_complete. */
struct files {
	enum tc_att_kind kinds[TC_APP_FILES_MAX];
	const char *materials[TC_APP_FILES_MAX];
	char names[TC_APP_FILES_MAX][64];
	size_t n;
	int photos;
};

static int
collect(const struct tc_sample_file *f, void *arg)
{
	struct files *fs = arg;
	struct tc_attach_info info;
	char err[256];

	assert_true(fs->n < TC_APP_FILES_MAX);
	if (tc_attach_check(
		f->name, f->data, f->len, 0, &info, err, sizeof(err)) != 0)
		fail_msg("%s: %s", f->name, err);
	if (f->kind == TC_ATT_PHOTO) {
		assert_true(
		    info.media == TC_MEDIA_PNG || info.media == TC_MEDIA_JPEG);
		fs->photos++;
	}
	fs->kinds[fs->n] = f->kind;
	fs->materials[fs->n] = f->material;
	snprintf(fs->names[fs->n], sizeof(fs->names[0]), "%s", f->name);
	fs->n++;
	return 0;
}

static int
stop(const struct tc_sample_file *f, void *arg)
{
	return 7;
}

/*
 * Builds who's form for (tier, route, clause), parses it and checks that
 * it is complete with the sample files and (when any are required)
 * incomplete without them. Returns the number of files.
 */
static size_t
check_form(const struct tc_programme *p, const char *tier, const char *route,
    const char *clause, const struct tc_sample_person *who,
    enum tc_app_kind kind)
{
	struct tc_app_facts facts;
	struct tc_app_form f;
	struct files fs;
	struct tc_buf b;
	char err[1024];
	int r;

	tc_buf_init(&b, TC_APP_FORM_MAX);
	if (tc_sample_form_json(
		p, tier, route, clause, who, &b, err, sizeof(err)) != 0)
		fail_msg("form: %s", err);
	if ((r = tc_app_form_parse(set, (const char *)b.data, b.len, T0, &f,
		 err, sizeof(err))) != 0)
		fail_msg("%s %s/%s/%s %s: %s (%s)\n%s", p->id,
		    tier ? tier : "-", route ? route : "-",
		    clause ? clause : "-", tc_id_type_name(who->id_type), err,
		    tc_errname(r), (char *)b.data);
	tc_buf_release(&b);
	assert_int_equal(f.id_type, who->id_type);
	assert_string_equal(f.id_number, who->id);
	assert_string_equal(f.name, who->name);
	assert_null(strstr(f.form_json, who->id));
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(tc_sample_materials(p, f.tier[0] ? f.tier : NULL,
			     f.work_type[0] ? f.work_type : NULL, f.id_type,
			     kind == TC_APP_SUB, collect, &fs),
	    0);
	memset(&facts, 0, sizeof(facts));
	facts.programme = p;
	facts.kind = kind;
	facts.tier = f.tier;
	facts.work_type = f.work_type;
	facts.id_type = f.id_type;
	facts.form_json = f.form_json;
	facts.pledge_accepted = 1;
	facts.att_kinds = fs.kinds;
	facts.att_materials = fs.materials;
	facts.n_atts = fs.n;
	if (tc_app_form_complete(&facts, err, sizeof(err)) != 0)
		fail_msg("%s %s: %s", p->id, tier ? tier : route, err);
	if (fs.n > 0) {
		facts.n_atts = 0;
		assert_int_equal(tc_app_form_complete(&facts, err, sizeof(err)),
		    TC_ERR_MALFORMED);
	}
	tc_app_form_release(&f);
	return fs.n;
}

/* Every ID type p takes, as registry types (no duplicates). */
static unsigned
types_taken(const struct tc_programme *p)
{
	enum tc_id_type t;
	unsigned mask = 0;
	size_t i;

	for (i = 0; i < p->application.n_id_types; i++)
		if (tc_app_id_type_parse(p->application.id_types[i].id, &t) ==
		    0)
			mask |= 1u << t;
	return mask;
}

static void
test_forms_complete(void **state)
{
	const struct tc_programme *p;
	const struct tc_tier *t, *st;
	const struct tc_route *rt;
	struct tc_sample_person who, rel;
	char err[256];
	size_t i, j, k, forms = 0;
	uint32_t seed = 1;
	unsigned mask;
	int type;

	for (i = 0; i < tc_programme_set_count(set); i++) {
		p = tc_programme_set_at(set, i);
		mask = types_taken(p);
		for (type = TC_ID_RESIDENT; type <= TC_ID_PASSPORT; type++) {
			if (!(mask & (1u << type)))
				continue;
			for (j = 0; j < p->n_tiers; j++) {
				t = &p->tiers[j];
				if (t->kind != TC_TIER_MAIN)
					continue;
				assert_int_equal(
				    tc_sample_person(p, (enum tc_id_type)type,
					seed++, T0, &who, err, sizeof(err)),
				    0);
				check_form(p, t->id, NULL,
				    tc_sample_clause(t, NULL, seed), &who,
				    TC_APP_NEW);
				forms++;
				/* Sub-card tiers on this tier. */
				for (k = 0; k < p->n_tiers; k++) {
					st = &p->tiers[k];
					if (st->kind != TC_TIER_SUB ||
					    !tc_idlist_has(
						&st->principal_tiers, t->id))
						continue;
					assert_int_equal(
					    tc_sample_relative(p, &who,
						st->relation, seed, T0, &rel,
						err, sizeof(err)),
					    0);
					check_form(p, st->id, NULL, NULL, &rel,
					    TC_APP_SUB);
					forms++;
				}
			}
			for (j = 0; j < p->n_routes; j++) {
				rt = &p->routes[j];
				assert_int_equal(
				    tc_sample_person(p, (enum tc_id_type)type,
					seed++, T0, &who, err, sizeof(err)),
				    0);
				if (rt->n_clauses > 0)
					check_form(p, NULL, rt->id,
					    tc_sample_clause(NULL, rt, seed),
					    &who, TC_APP_NEW);
				else {
					t = tc_programme_tier(
					    p, rt->tiers.v[0]);
					check_form(p, t->id, rt->id,
					    tc_sample_clause(t, NULL, seed),
					    &who, TC_APP_NEW);
				}
				forms++;
			}
		}
	}
	/*
	 * Baiyun 4 types x (3 tiers + 1 route), Chuxiong 1 x (2 + 2),
	 * Youyue 1 x 2, green card 4 x (2 tiers + 4 sub tiers on A).
	 */
	assert_int_equal(forms, 16 + 4 + 2 + 24);
}

static void
test_materials(void **state)
{
	const struct tc_programme *b = prog("baiyun-yunju");
	const struct tc_programme *y = prog("guangdong-youyue");
	const struct tc_programme *g = prog("guangzhou-green");
	struct files fs;
	size_t i;
	int seen;

	/* Baiyun takes no PNG: the photo is a JPEG; the permit's copy. */
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(tc_sample_materials(b, "gold", "employee",
			     TC_ID_HKMO_PERMIT, 0, collect, &fs),
	    0);
	assert_string_equal(fs.names[0], "photo.jpg");
	assert_int_equal(fs.photos, 1);
	for (seen = 0, i = 0; i < fs.n; i++) {
		seen |= fs.materials[i] != NULL &&
		    strcmp(fs.materials[i], "id-permit") == 0;
		assert_true(fs.materials[i] == NULL ||
		    strcmp(fs.materials[i], "id-resident") != 0);
		assert_true(fs.materials[i] == NULL ||
		    strcmp(fs.materials[i], "unit-tax") != 0);
	}
	assert_true(seen);
	/* Youyue: a PNG photo of 358 x 441; flexible work needs the
	 * cooperation agreement, not the labour contract. */
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(tc_sample_materials(y, "a", "flexible", TC_ID_RESIDENT,
			     0, collect, &fs),
	    0);
	assert_string_equal(fs.names[0], "photo.png");
	for (seen = 0, i = 0; i < fs.n; i++) {
		seen |= fs.materials[i] != NULL &&
		    strcmp(fs.materials[i], "cooperation-agreement") == 0;
		assert_true(fs.materials[i] == NULL ||
		    strcmp(fs.materials[i], "labour-contract") != 0);
	}
	assert_true(seen);
	/* A sub-card application: no photo field file, the photo
	 * material as a JPEG. */
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(tc_sample_materials(g, "a-child", NULL, TC_ID_RESIDENT,
			     1, collect, &fs),
	    0);
	assert_int_equal(fs.photos, 1);
	for (seen = 0, i = 0; i < fs.n; i++)
		seen |= strcmp(fs.names[i], "photo.jpg") == 0;
	assert_true(seen);
	/* The callback's value stops the walk. */
	assert_int_equal(
	    tc_sample_materials(g, "a", NULL, TC_ID_RESIDENT, 0, stop, NULL),
	    7);
	assert_int_equal(
	    tc_sample_materials(NULL, "a", NULL, TC_ID_RESIDENT, 0, stop, NULL),
	    TC_ERR_INVALID_ARG);
}

/* A w x h sample image of media (in b) is one tc_attach_check takes as is. */
static void
image_checks(struct tc_buf *b, enum tc_media media, const char *name,
    uint32_t w, uint32_t h)
{
	struct tc_attach_info info;
	char err[256];

	if (tc_attach_check(name, b->data, b->len, TC_MEDIA_BIT(media), &info,
		err, sizeof(err)) != 0)
		fail_msg("%s %ux%u: %s", name, (unsigned)w, (unsigned)h, err);
	assert_int_equal(info.media, media);
	assert_int_equal(info.width, w);
	assert_int_equal(info.height, h);
}

static void
test_images(void **state)
{
	static const uint32_t sizes[][2] = { { 1, 1 }, { 358, 441 },
		{ 4096, 3 }, { 17, 4096 } };
	struct tc_attach_info info;
	struct tc_buf b;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		tc_buf_init(&b, TC_ATTACH_MAX);
		assert_int_equal(
		    tc_sample_png(&b, sizes[i][0], sizes[i][1]), 0);
		image_checks(
		    &b, TC_MEDIA_PNG, "p.png", sizes[i][0], sizes[i][1]);
		tc_buf_reset(&b);
		assert_int_equal(
		    tc_sample_jpeg(&b, sizes[i][0], sizes[i][1]), 0);
		image_checks(
		    &b, TC_MEDIA_JPEG, "p.jpg", sizes[i][0], sizes[i][1]);
		tc_buf_release(&b);
	}
	/* Appends; a zero side is refused by the sniffer; limits. */
	tc_buf_init(&b, TC_ATTACH_MAX);
	tc_buf_puts(&b, "x");
	assert_int_equal(tc_sample_png(&b, 0, 10), 0);
	assert_int_equal(b.data[0], 'x');
	assert_int_equal(
	    tc_attach_sniff(b.data + 1, b.len - 1, &info, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	tc_buf_reset(&b);
	assert_int_equal(tc_sample_jpeg(&b, 5, 0), 0);
	assert_int_equal(
	    tc_attach_sniff(b.data, b.len, &info, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	tc_buf_release(&b);
	tc_buf_init(&b, 40);
	tc_buf_puts(&b, "keep");
	assert_int_equal(tc_sample_png(&b, 358, 441), TC_ERR_TOO_LARGE);
	assert_int_equal(tc_sample_jpeg(&b, 358, 441), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 4);
	assert_string_equal((char *)b.data, "keep");
	assert_int_equal(tc_sample_png(&b, 4097, 1), TC_ERR_RANGE);
	assert_int_equal(tc_sample_jpeg(&b, 1, 65536), TC_ERR_RANGE);
	tc_buf_release(&b);
}

static void
test_clause(void **state)
{
	const struct tc_programme *b = prog("baiyun-yunju");
	const struct tc_programme *y = prog("guangdong-youyue");
	const struct tc_tier *t = tc_programme_tier(b, "gold"), *owner;
	const struct tc_route *rt = tc_programme_route(b, "case-by-case");
	const struct tc_route *ro;
	const struct tc_clause *c;
	uint32_t seed;

	for (seed = 0; seed < 40; seed++) {
		c = tc_programme_clause(
		    b, tc_sample_clause(t, NULL, seed), &owner, &ro);
		assert_non_null(c);
		assert_ptr_equal(owner, t);
		assert_null(c->holder_of);
	}
	assert_string_equal(tc_sample_clause(t, rt, 3), "cbc");
	/* Youyue B lists no clauses and says its list is incomplete. */
	assert_string_equal(
	    tc_sample_clause(tc_programme_tier(y, "b"), NULL, 1), "other-1");
	assert_null(tc_sample_clause(NULL, NULL, 1));
}

/*
 * tc_sample_pdf: a PDF whose cross-reference table is right (each offset
 * is where its object begins, startxref where the table begins), the
 * label written as text, an unsafe label replaced, sniffed as a PDF.
 */
static void
test_pdf(void **state)
{
	static const struct {
		const char *label, *text;
	} v[] = {
		{ "basic.id-card", "(basic.id-card) Tj" },
		{ "a(b)", "(-) Tj" },
		{ "", "(-) Tj" },
		{ NULL, "(-) Tj" },
	};
	struct tc_attach_info info;
	struct tc_buf b;
	const char *s, *x;
	char want[16], err[128];
	unsigned long off;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_buf_init(&b, 1u << 16);
		assert_int_equal(tc_sample_pdf(&b, v[i].label), 0);
		s = (const char *)b.data;
		assert_non_null(strstr(s, v[i].text));
		assert_int_equal(
		    tc_attach_sniff(b.data, b.len, &info, err, sizeof(err)), 0);
		assert_int_equal(info.media, TC_MEDIA_PDF);
		assert_non_null(x = strstr(s, "\nxref\n0 6\n"));
		x += strlen("\nxref\n0 6\n") + 20;
		for (k = 1; k <= 5; k++, x += 20) {
			assert_int_equal(sscanf(x, "%10lu", &off), 1);
			snprintf(want, sizeof(want), "%zu 0 obj\n", k);
			assert_true(off < b.len);
			assert_memory_equal(s + off, want, strlen(want));
		}
		assert_non_null(x = strstr(s, "startxref\n"));
		assert_int_equal(sscanf(x + 10, "%lu", &off), 1);
		assert_memory_equal(s + off, "xref\n", 5);
		tc_buf_release(&b);
	}
}

#define TESTS(X, XF)                                                           \
	X(test_people)                                                         \
	X(test_seed_choice)                                                    \
	X(test_resident_id)                                                    \
	X(test_relatives)                                                      \
	X(test_forms_complete)                                                 \
	X(test_materials)                                                      \
	X(test_images)                                                         \
	X(test_pdf)                                                            \
	X(test_clause)

TC_UNIT_MAIN(TESTS, setup, teardown)
