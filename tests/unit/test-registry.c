/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the registry (src/registry/registry.c, src/registry/audit.c) on real SQLite
 * files in temporary directories: the pragmas in force, migrations and
 * refusals, holders and cards, the privacy test (the plain ID number is
 * nowhere in the database, its WAL or journal), and the audit chain against
 * edits, deletions, reordering and a rebuilt unkeyed chain, made through a
 * second raw SQLite connection. The chain is also recomputed here from the
 * documented layout. All people and numbers are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include "unit.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/pii.h"
#include "tcard/registry.h"

#include "fixtures-registry.h"

/* The handle's insides, for fx_reg_int. */
#include "../../src/registry/registry-int.h"
#include "fixtures-registry-sql.h"
/* Made-up resident numbers with valid check characters. */
#define FAKE_ID	    "11010519491231002X"
#define FAKE_ID2    "440304198506153611"
#define FAKE_MASKED "****************2X"

static int
setup(void **state)
{
	return fx_reg_setup(state, "/tmp/tc-registry-XXXXXX", 0x11, 0, 0xa0);
}

static void
open_reg(struct fx_reg *fx, int flags)
{
	char err[256] = "";
	int r;

	r = tc_registry_open(
	    &fx->reg, fx->path, &fx->keys, flags, err, sizeof(err));
	if (r != 0)
		fail_msg("open: %s (%d)", err, r);
}

static void
close_reg(struct fx_reg *fx)
{
	tc_registry_close(fx->reg);
	fx->reg = NULL;
}

static void
test_pragmas_in_force(void **state)
{
	struct fx_reg *fx = *state;
	sqlite3_stmt *st;
	struct stat sb;

	open_reg(fx, TC_REGISTRY_CREATE);
	assert_int_equal(sqlite3_prepare_v2(
			     fx->reg->db, "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA synchronous"), 2);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA foreign_keys"), 1);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA secure_delete"), 1);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA busy_timeout"), 5000);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA trusted_schema"), 0);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA user_version"),
	    TC_REGISTRY_SCHEMA_VERSION);
	assert_int_equal(
	    fx_reg_int(fx->reg, "PRAGMA application_id"), TC_REGISTRY_APP_ID);
	assert_int_equal(
	    tc_registry_schema_version(fx->reg), TC_REGISTRY_SCHEMA_VERSION);
	/* The file was created private. */
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	close_reg(fx);
}

static void
test_migrate_empty_and_reopen(void **state)
{
	struct fx_reg *fx = *state;
	int64_t objects;
	int fd;

	/* An empty (0-byte) file is an empty database: it gets the schema. */
	fd = open(fx->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	open_reg(fx, 0);
	objects = fx_reg_int(fx->reg, "SELECT count(*) FROM sqlite_schema");
	assert_true(objects >= 4);
	assert_int_equal(
	    fx_reg_int(fx->reg,
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('holders', 'cards', 'operators', 'audit')"),
	    4);
	assert_int_equal(tc_registry_audit(fx->reg, 1000, "op", "test.one",
			     NULL, NULL, NULL, 0),
	    0);
	close_reg(fx);
	/* Reopening changes nothing. */
	open_reg(fx, TC_REGISTRY_CREATE);
	assert_int_equal(
	    fx_reg_int(fx->reg, "SELECT count(*) FROM sqlite_schema"), objects);
	assert_int_equal(fx_reg_int(fx->reg, "PRAGMA user_version"),
	    TC_REGISTRY_SCHEMA_VERSION);
	assert_int_equal(fx_reg_int(fx->reg, "SELECT count(*) FROM audit"), 1);
	close_reg(fx);
	open_reg(fx, 0);
	assert_int_equal(
	    fx_reg_int(fx->reg, "SELECT count(*) FROM sqlite_schema"), objects);
	close_reg(fx);
}

static void
test_open_refusals(void **state)
{
	struct fx_reg *fx = *state;
	char err[256], want[32];
	struct tc_registry *reg = NULL;
	struct stat sb;
	FILE *f;
	int i;

	/* Missing without CREATE. */
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys, 0, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_null(reg);
	assert_non_null(strstr(err, "does not exist"));
	/* CREATE|EXCL on an existing file. */
	open_reg(fx, TC_REGISTRY_CREATE | TC_REGISTRY_EXCL);
	close_reg(fx);
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys,
		TC_REGISTRY_CREATE | TC_REGISTRY_EXCL, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, "already exists"));
	/* Bad flags. */
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys, 0x80, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	unlink(fx->path);

	/* A newer schema (as a newer talentcard would leave it). */
	fx_raw_exec(fx->path,
	    "PRAGMA application_id = 1413698119; PRAGMA user_version = 99; CREATE TABLE t (x);");
	assert_int_equal(tc_registry_open(&reg, fx->path, &fx->keys,
			     TC_REGISTRY_CREATE, err, sizeof(err)),
	    TC_ERR_DB_SCHEMA);
	assert_null(reg);
	assert_non_null(strstr(err, "99"));
	snprintf(want, sizeof(want), "up to %d", TC_REGISTRY_SCHEMA_VERSION);
	assert_non_null(strstr(err, want));
	/* The refused file is left alone. */
	assert_int_equal(stat(fx->path, &sb), 0);
	unlink(fx->path);
	/* user_version 99 alone. */
	fx_raw_exec(fx->path, "PRAGMA user_version = 99;");
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys, 0, err, sizeof(err)),
	    TC_ERR_DB_SCHEMA);
	unlink(fx->path);

	/* An SQLite database of something else. */
	fx_raw_exec(fx->path, "CREATE TABLE songs (title TEXT);");
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys, 0, err, sizeof(err)),
	    TC_ERR_DB);
	assert_non_null(strstr(err, "not a talentcard registry"));
	unlink(fx->path);
	fx_raw_exec(fx->path, "PRAGMA application_id = 42;");
	assert_int_equal(
	    tc_registry_open(&reg, fx->path, &fx->keys, 0, err, sizeof(err)),
	    TC_ERR_DB);
	assert_non_null(strstr(err, "another application"));
	unlink(fx->path);

	/* Not a database at all. */
	f = fopen(fx->path, "w");
	assert_non_null(f);
	for (i = 0; i < 100; i++)
		fputs("this is a text file, not a registry\n", f);
	fclose(f);
	assert_int_equal(tc_registry_open(&reg, fx->path, &fx->keys,
			     TC_REGISTRY_CREATE, err, sizeof(err)),
	    TC_ERR_DB);
	assert_null(reg);
	assert_non_null(strstr(err, "not an SQLite database"));
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_size, 100 * 36);
}

static int64_t
add_holder(
    struct fx_reg *fx, enum tc_id_type type, const char *id, const char *name)
{
	struct tc_holder h;
	char err[256] = "", detail[128], masked[TC_ID_MAX];
	int64_t hid = 0;
	int r;

	memset(&h, 0, sizeof(h));
	h.id_type = type;
	strcpy(h.id_number, id);
	strcpy(h.name, name);
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	r = tc_registry_holder_add(
	    fx->reg, &h, 1700000000, &hid, err, sizeof(err));
	if (r != 0)
		fail_msg("holder add: %s (%d)", err, r);
	assert_int_equal(tc_id_mask(id, masked), 0);
	snprintf(detail, sizeof(detail), "{\"id\":\"%s\",\"holder\":%lld}",
	    masked, (long long)hid);
	assert_int_equal(tc_registry_audit(fx->reg, 1700000000, "clerk",
			     "holder.add", masked, detail, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, err, sizeof(err)), 0);
	tc_holder_release(&h);
	return hid;
}

static void
test_holder_round_trip(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_holder h, got;
	char err[256];
	int64_t id, found;

	open_reg(fx, TC_REGISTRY_CREATE);
	id = add_holder(fx, TC_ID_RESIDENT, FAKE_ID, "Zhang San");
	assert_true(id > 0);
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_RESIDENT,
			     FAKE_ID, &found, err, sizeof(err)),
	    0);
	assert_int_equal(found, id);
	/* The same number under another type is another person. */
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_HKMO_RESIDENCE,
			     FAKE_ID, &found, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_RESIDENT,
			     FAKE_ID2, &found, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_null(strstr(err, FAKE_ID2));
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, id, &got, err, sizeof(err)), 0);
	assert_int_equal(got.id, id);
	assert_int_equal(got.id_type, TC_ID_RESIDENT);
	assert_string_equal(got.id_number, FAKE_ID);
	assert_string_equal(got.id_masked, FAKE_MASKED);
	assert_string_equal(got.name, "Zhang San");
	assert_int_equal(got.created_at, 1700000000);
	tc_holder_release(&got);
	assert_int_equal(got.id_number[0], 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, id + 100, &got, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);

	/* A duplicate is refused, naming only the masked number. */
	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	strcpy(h.id_number, FAKE_ID);
	strcpy(h.name, "Someone Else");
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &found, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, FAKE_MASKED));
	assert_null(strstr(err, FAKE_ID));
	tc_registry_rollback(fx->reg);
	/* Not normalised, unknown type, empty name. */
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	strcpy(h.id_number, "1101 0519");
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &found, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	strcpy(h.id_number, FAKE_ID2);
	h.id_type = (enum tc_id_type)99;
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &found, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	h.id_type = TC_ID_RESIDENT;
	h.name[0] = '\0';
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &found, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_registry_rollback(fx->reg);
	tc_holder_release(&h);
	close_reg(fx);
}

static void
test_holder_tamper_and_keys(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_holder got;
	char err[256];
	int64_t a, b;

	open_reg(fx, TC_REGISTRY_CREATE);
	a = add_holder(fx, TC_ID_RESIDENT, FAKE_ID, "Zhang San");
	b = add_holder(fx, TC_ID_RESIDENT, FAKE_ID2, "Li Si");
	close_reg(fx);
	/* Another data key cannot open the sealed numbers. */
	fx->keys.data_key[0] ^= 1;
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, a, &got, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	close_reg(fx);
	fx->keys.data_key[0] ^= 1;
	/* A sealed number moved to another type does not open. */
	fx_raw_exec(fx->path,
	    "UPDATE holders SET id_type = 'hkmo-residence' WHERE id = 1;");
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, a, &got, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	close_reg(fx);
	/* Sealed numbers swapped between rows are caught by the MAC. */
	fx_raw_exec(fx->path,
	    "UPDATE holders SET id_type = 'resident' WHERE id = 1; UPDATE holders SET id_sealed = (SELECT id_sealed FROM holders WHERE id = 2) WHERE id = 1;");
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, a, &got, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	assert_int_equal(got.id_number[0], 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, b, &got, err, sizeof(err)), 0);
	assert_string_equal(got.id_number, FAKE_ID2);
	tc_holder_release(&got);
	close_reg(fx);
}

/* Reads a whole file; *len 0 and NULL when it does not exist. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	uint8_t *p;
	FILE *f;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	assert_int_equal(fstat(fileno(f), &sb), 0);
	p = malloc((size_t)sb.st_size + 1);
	assert_non_null(p);
	assert_int_equal(
	    fread(p, 1, (size_t)sb.st_size, f), (size_t)sb.st_size);
	fclose(f);
	*len = (size_t)sb.st_size;
	return p;
}

/* needle as UTF-16 (big or little endian) */
static void
utf16(const char *s, int be, uint8_t *out)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		out[2 * i + !be] = 0;
		out[2 * i + be] = (uint8_t)s[i];
	}
}

/*
 * Searches the database, its WAL and its rollback journal for the number
 * in every form; returns how many files held the masked form.
 */
static int
scan_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-journal", "-shm" };
	static const char *const derived[] = { "19491231", "1949-12-31",
		"1949/12/31", "1949.12.31", "31.12.1949", "1949年12月31日",
		"110105", "1101**" };
	char p[256], first17[18];
	uint8_t u16le[64], u16be[64];
	uint8_t *data;
	size_t i, k, len, idlen = strlen(FAKE_ID);
	int masked = 0;

	memcpy(first17, FAKE_ID, 17);
	first17[17] = '\0';
	utf16(FAKE_ID, 0, u16le);
	utf16(FAKE_ID, 1, u16be);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		if ((data = slurp(p, &len)) == NULL)
			continue;
		if (memmem(data, len, FAKE_ID, idlen) != NULL ||
		    memmem(data, len, first17, 17) != NULL ||
		    memmem(data, len, u16le, 2 * idlen) != NULL ||
		    memmem(data, len, u16be, 2 * idlen) != NULL)
			fail_msg("the plain ID number is in %s", p);
		/* Also lower case x, in case anything lower-cased it. */
		if (memmem(data, len, "11010519491231002x", idlen) != NULL)
			fail_msg("the plain ID number is in %s", p);
		/*
		 * Nor what can be derived from it: the birth date in the
		 * usual spellings, the region code, the masked form of
		 * before schema version 7 (region and sequence number).
		 */
		for (k = 0; k < sizeof(derived) / sizeof(derived[0]); k++)
			if (memmem(data, len, derived[k], strlen(derived[k])) !=
			    NULL)
				fail_msg("%s is in %s", derived[k], p);
		masked += memmem(data, len, FAKE_MASKED, idlen) != NULL;
		free(data);
	}
	return masked;
}

static void
test_privacy_no_plain_id_on_disk(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_holder got;
	char wal[160], err[256];
	size_t len;
	uint8_t *data;
	int64_t id;

	open_reg(fx, TC_REGISTRY_CREATE);
	id = add_holder(fx, TC_ID_RESIDENT, FAKE_ID, "Zhang San");
	/* Reading the number back (decrypting) must not write it either. */
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, id, &got, err, sizeof(err)), 0);
	tc_holder_release(&got);
	/* Still open, no checkpoint yet: the rows are in the WAL. */
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	data = slurp(wal, &len);
	assert_non_null(data);
	assert_non_null(memmem(data, len, FAKE_MASKED, strlen(FAKE_MASKED)));
	free(data);
	assert_true(scan_files(fx->path) >= 1);
	close_reg(fx);
	/* Closed: checkpointed into the database file. */
	assert_true(scan_files(fx->path) >= 1);
	/*
	 * A rollback journal holds old page images: make one (a kept
	 * journal, as another tool might leave behind) and search it too.
	 */
	fx_raw_exec(fx->path,
	    "PRAGMA journal_mode = PERSIST; UPDATE holders SET name = name || '.';");
	snprintf(wal, sizeof(wal), "%s-journal", fx->path);
	data = slurp(wal, &len);
	assert_non_null(data);
	assert_true(len > 0);
	free(data);
	assert_true(scan_files(fx->path) >= 1);
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_holder_get(fx->reg, id, &got, err, sizeof(err)), 0);
	assert_string_equal(got.id_number, FAKE_ID);
	assert_string_equal(got.name, "Zhang San.");
	tc_holder_release(&got);
	close_reg(fx);
	assert_true(scan_files(fx->path) >= 1);
}

static void
make_card(struct tc_card *c, int64_t serial, int64_t holder)
{
	memset(c, 0, sizeof(*c));
	c->serial = serial;
	assert_int_equal(
	    tc_cardno_make("440100", (uint64_t)serial, c->card_no), 0);
	c->holder_id = holder;
	strcpy(c->programme, "gz-talent");
	strcpy(c->tier, "A");
	c->status = TC_CARD_ISSUED;
	c->issued_at = 1700000000;
	c->expires_at = 1700000000 + 5 * 365 * 86400;
}

static void
test_cards(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_card c, sub, got;
	char err[256];
	int64_t h1, h2;

	open_reg(fx, TC_REGISTRY_CREATE);
	h1 = add_holder(fx, TC_ID_RESIDENT, FAKE_ID, "Zhang San");
	h2 = add_holder(fx, TC_ID_RESIDENT, FAKE_ID2, "Li Si");
	make_card(&c, 17, h1);
	/* Outside a transaction: refused. */
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &c, err, sizeof(err)), TC_ERR_STATE);
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_begin(fx->reg, err, sizeof(err)), TC_ERR_STATE);
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &c, err, sizeof(err)), 0);
	/* Duplicate serial. */
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &c, err, sizeof(err)), TC_ERR_EXISTS);
	/* A missing holder: the foreign key refuses it. */
	make_card(&sub, 18, 999);
	assert_int_equal(tc_registry_card_add(fx->reg, &sub, err, sizeof(err)),
	    TC_ERR_CONSTRAINT);
	assert_non_null(strstr(err, "holder 999"));
	/* A sub-card of card 17 for the spouse. */
	make_card(&sub, 18, h2);
	sub.principal_serial = 17;
	assert_int_equal(tc_registry_card_add(fx->reg, &sub, err, sizeof(err)),
	    TC_ERR_INVALID_ARG); /* no relation */
	strcpy(sub.relation, "spouse");
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &sub, err, sizeof(err)), 0);
	/* A sub-card of a sub-card, or of a missing card. */
	make_card(&got, 19, h2);
	got.principal_serial = 18;
	strcpy(got.relation, "child");
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_CONSTRAINT);
	got.principal_serial = 77;
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_CONSTRAINT);
	/* Bad fields. */
	make_card(&got, 19, h2);
	got.serial = 20;
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_INVALID_ARG); /* serial not in the number */
	make_card(&got, 19, h2);
	got.card_no[15] = got.card_no[15] == '0' ? '1' : '0';
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_INVALID_ARG); /* Luhn */
	make_card(&got, 19, h2);
	got.expires_at = got.issued_at;
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	make_card(&got, 19, h2);
	got.status = (enum tc_card_status)0;
	assert_int_equal(tc_registry_card_add(fx->reg, &got, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* A change without an audit entry is not committed. */
	assert_int_equal(
	    tc_registry_commit(fx->reg, err, sizeof(err)), TC_ERR_STATE);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 17, &got, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* Again, with the audit entry. */
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &c, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_card_add(fx->reg, &sub, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_audit(fx->reg, 1700000000, "clerk", "card.add",
		c.card_no, "{\"serials\":[17,18]}", err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 17, &got, err, sizeof(err)), 0);
	assert_string_equal(got.card_no, c.card_no);
	assert_int_equal(got.holder_id, h1);
	assert_string_equal(got.programme, "gz-talent");
	assert_string_equal(got.tier, "A");
	assert_int_equal(got.status, TC_CARD_ISSUED);
	assert_int_equal(got.issued_at, c.issued_at);
	assert_int_equal(got.expires_at, c.expires_at);
	assert_int_equal(got.principal_serial, 0);
	assert_string_equal(got.relation, "");
	assert_int_equal(tc_registry_card_get_by_no(
			     fx->reg, sub.card_no, &got, err, sizeof(err)),
	    0);
	assert_int_equal(got.serial, 18);
	assert_int_equal(got.principal_serial, 17);
	assert_string_equal(got.relation, "spouse");
	assert_int_equal(tc_registry_card_get_by_no(fx->reg, "4401000000000990",
			     &got, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	/* Status. */
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(tc_registry_card_set_status(
			     fx->reg, 17, TC_CARD_SUSPENDED, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_card_set_status(
			     fx->reg, 99, TC_CARD_REVOKED, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_registry_audit(fx->reg, 1700000100, "clerk",
			     "card.suspend", c.card_no, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(tc_registry_commit(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_card_get(fx->reg, 17, &got, err, sizeof(err)), 0);
	assert_int_equal(got.status, TC_CARD_SUSPENDED);
	assert_string_equal(tc_card_status_name(TC_CARD_REVOKED), "revoked");
	assert_int_equal(
	    tc_registry_commit(fx->reg, err, sizeof(err)), TC_ERR_STATE);
	close_reg(fx);
	/* The schema's own checks hold against raw writes too. */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
		assert_int_not_equal(
		    sqlite3_exec(db,
			"UPDATE cards SET status = 'lost' WHERE serial = 17",
			NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(db,
			"UPDATE cards SET holder_id = 4242 WHERE serial = 17",
			NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(db,
			"UPDATE cards SET serial = 19 WHERE serial = 17", NULL,
			NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
	}
}

/* The audit log: ten entries in a fresh registry. */
static void
ten_entries(struct fx_reg *fx)
{
	char detail[64], subject[32], err[256] = "";
	int i, r;

	open_reg(fx, TC_REGISTRY_CREATE);
	for (i = 1; i <= 10; i++) {
		snprintf(subject, sizeof(subject), "thing-%d", i);
		snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
		r = tc_registry_audit(fx->reg, 1700000000 + i, "clerk",
		    "test.step", subject, detail, err, sizeof(err));
		if (r != 0)
			fail_msg("audit %d: %s", i, err);
	}
}

static void
expect_broken_at(struct fx_reg *fx, int64_t seq,
    const struct tc_audit_head *expect, const char *why)
{
	struct tc_audit_report rep;
	char err[256] = "";
	int r;

	r = tc_registry_audit_verify(fx->reg, expect, &rep, err, sizeof(err));
	if (r != TC_ERR_AUDIT_BROKEN || rep.first_bad != seq)
		fail_msg(
		    "expected entry %lld broken, got r=%d first_bad=%lld (%s)",
		    (long long)seq, r, (long long)rep.first_bad, err);
	assert_non_null(strstr(rep.reason, why));
	assert_int_equal(rep.entries, seq - 1);
	assert_int_equal(rep.head.seq, seq - 1);
}

static void
drop_triggers(const char *path)
{
	fx_raw_exec(path,
	    "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_seq_next;");
}

static void
test_audit_verify_ok(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_audit_report rep;
	struct tc_audit_head head;
	char err[256];

	ten_entries(fx);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.entries, 10);
	assert_int_equal(rep.first_bad, 0);
	assert_string_equal(rep.reason, "");
	assert_int_equal(rep.head.seq, 10);
	assert_int_equal(
	    tc_registry_audit_head(fx->reg, &head, err, sizeof(err)), 0);
	assert_int_equal(head.seq, 10);
	assert_memory_equal(head.mac, rep.head.mac, 32);
	/* The recorded head, and an older one, both match. */
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, &head, &rep, err, sizeof(err)),
	    0);
	head.seq = 0;
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, &head, &rep, err, sizeof(err)),
	    0);
	close_reg(fx);
	/* Another data key: the first entry fails. */
	fx->keys.data_key[5] ^= 0x40;
	open_reg(fx, 0);
	expect_broken_at(fx, 1, NULL, "mac does not verify");
	close_reg(fx);
}

static void
test_audit_triggers(void **state)
{
	struct fx_reg *fx = *state;
	sqlite3 *db;

	ten_entries(fx);
	close_reg(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db, "UPDATE audit SET detail = '{}' WHERE seq = 3",
		NULL, NULL, NULL),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_not_equal(
	    sqlite3_exec(
		db, "DELETE FROM audit WHERE seq = 10", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db,
		"INSERT OR REPLACE INTO audit SELECT * FROM audit WHERE seq = 4",
		NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db,
		"INSERT INTO audit (seq, at, operator, action, prev, mac) VALUES (20, 1, 'x', 'y', zeroblob(32), zeroblob(32))",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	open_reg(fx, 0);
	{
		struct tc_audit_report rep;

		assert_int_equal(
		    tc_registry_audit_verify(fx->reg, NULL, &rep, NULL, 0), 0);
		assert_int_equal(rep.entries, 10);
	}
	close_reg(fx);
}

static void
test_audit_edit_detected(void **state)
{
	struct fx_reg *fx = *state;

	ten_entries(fx);
	close_reg(fx);
	drop_triggers(fx->path);
	fx_raw_exec(
	    fx->path, "UPDATE audit SET detail = '{\"n\":400}' WHERE seq = 4;");
	open_reg(fx, 0);
	expect_broken_at(fx, 4, NULL, "altered");
	close_reg(fx);
}

static void
test_audit_delete_detected(void **state)
{
	struct fx_reg *fx = *state;

	ten_entries(fx);
	close_reg(fx);
	drop_triggers(fx->path);
	fx_raw_exec(fx->path, "DELETE FROM audit WHERE seq = 5;");
	open_reg(fx, 0);
	expect_broken_at(fx, 5, NULL, "missing");
	close_reg(fx);
	/* Renumbered to hide the gap: entry 5 (the old 6) fails. */
	fx_raw_exec(fx->path, "UPDATE audit SET seq = seq - 1 WHERE seq > 5;");
	open_reg(fx, 0);
	expect_broken_at(fx, 5, NULL, "prev does not match");
	close_reg(fx);
}

static void
test_audit_swap_detected(void **state)
{
	struct fx_reg *fx = *state;

	ten_entries(fx);
	close_reg(fx);
	drop_triggers(fx->path);
	fx_raw_exec(fx->path,
	    "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (3, 7);UPDATE audit SET (at, operator, action, subject, detail, prev, mac) = (SELECT at, operator, action, subject, detail, prev, mac FROM t WHERE t.seq = 10 - audit.seq) WHERE seq IN (3, 7);");
	open_reg(fx, 0);
	expect_broken_at(fx, 3, NULL, "prev does not match");
	close_reg(fx);
}

/* The serialisation of docs/registry.md, written independently. */
static size_t
serialise(uint8_t *out, const uint8_t prev[32], int64_t seq, int64_t at,
    const char *const f[4])
{
	size_t n = 0, i, l;
	int k;

	memcpy(out, prev, 32);
	n = 32;
	for (k = 7; k >= 0; k--)
		out[n++] = (uint8_t)((uint64_t)seq >> (8 * k));
	for (k = 7; k >= 0; k--)
		out[n++] = (uint8_t)((uint64_t)at >> (8 * k));
	for (i = 0; i < 4; i++) {
		l = strlen(f[i]);
		for (k = 3; k >= 0; k--)
			out[n++] = (uint8_t)(l >> (8 * k));
		memcpy(out + n, f[i], l);
		n += l;
	}
	return n;
}

/*
 * Rewrites the chain from entry `from` on through a raw connection: with
 * edit, entry `from` gets a new detail; the macs are HMAC-SHA256 under key,
 * or plain SHA-256 when key is NULL (an attacker without the key).
 */
static void
rebuild_chain(const char *path, int64_t from, const uint8_t *key, int edit)
{
	sqlite3 *db;
	sqlite3_stmt *sel, *upd;
	uint8_t prev[32], mac[32], buf[2048];
	const char *f[4];
	char detail[64];
	unsigned int ml;
	size_t n;
	int64_t seq, at;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
		"SELECT seq, at, operator, action, subject, detail, prev, mac FROM audit ORDER BY seq",
		-1, &sel, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
		"UPDATE audit SET detail = ?2, prev = ?3, mac = ?4 WHERE seq = ?1",
		-1, &upd, NULL),
	    SQLITE_OK);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	memset(prev, 0, sizeof(prev));
	while (sqlite3_step(sel) == SQLITE_ROW) {
		seq = sqlite3_column_int64(sel, 0);
		at = sqlite3_column_int64(sel, 1);
		if (seq < from) {
			memcpy(prev, sqlite3_column_blob(sel, 7), 32);
			continue;
		}
		f[0] = (const char *)sqlite3_column_text(sel, 2);
		f[1] = (const char *)sqlite3_column_text(sel, 3);
		f[2] = (const char *)sqlite3_column_text(sel, 4);
		snprintf(detail, sizeof(detail), "%s",
		    (const char *)sqlite3_column_text(sel, 5));
		if (edit && seq == from)
			snprintf(detail, sizeof(detail), "{\"n\":%lld000}",
			    (long long)seq);
		f[3] = detail;
		n = serialise(buf, prev, seq, at, f);
		if (key != NULL)
			assert_non_null(
			    HMAC(EVP_sha256(), key, 32, buf, n, mac, &ml));
		else
			SHA256(buf, n, mac);
		sqlite3_bind_int64(upd, 1, seq);
		sqlite3_bind_text(upd, 2, detail, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(upd, 3, prev, 32, SQLITE_TRANSIENT);
		sqlite3_bind_blob(upd, 4, mac, 32, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
		sqlite3_reset(upd);
		memcpy(prev, mac, 32);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	assert_int_equal(
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* audit_key = HMAC-SHA256(data_key, "talentcard-audit-v1") */
static void
audit_key(const struct fx_reg *fx, uint8_t key[32])
{
	unsigned int n;

	assert_non_null(HMAC(EVP_sha256(), fx->keys.data_key, 32,
	    (const uint8_t *)"talentcard-audit-v1", 19, key, &n));
}

static void
test_audit_documented_chain(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_audit_report rep, after;
	uint8_t key[32];
	char err[256];

	ten_entries(fx);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
	close_reg(fx);
	drop_triggers(fx->path);
	/* Recomputing the whole chain per the document changes nothing. */
	audit_key(fx, key);
	rebuild_chain(fx->path, 1, key, 0);
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &after, err, sizeof(err)),
	    0);
	assert_memory_equal(after.head.mac, rep.head.mac, 32);
	close_reg(fx);
}

static void
test_audit_unkeyed_rebuild_detected(void **state)
{
	struct fx_reg *fx = *state;

	ten_entries(fx);
	close_reg(fx);
	drop_triggers(fx->path);
	/* An attacker without the key edits entry 6 and rebuilds a plain
	 * SHA-256 chain from there. */
	rebuild_chain(fx->path, 6, NULL, 1);
	open_reg(fx, 0);
	expect_broken_at(fx, 6, NULL, "mac does not verify");
	close_reg(fx);
}

static void
test_audit_recorded_head(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_audit_report rep;
	struct tc_audit_head head, old;
	uint8_t key[32];
	char err[256];

	ten_entries(fx);
	assert_int_equal(
	    tc_registry_audit_head(fx->reg, &head, err, sizeof(err)), 0);
	close_reg(fx);
	drop_triggers(fx->path);
	/* With the key, an edit can be hidden; only the head shows it. */
	audit_key(fx, key);
	rebuild_chain(fx->path, 8, key, 1);
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
	expect_broken_at(fx, 10, &head, "recorded head");
	close_reg(fx);
	/* Entries removed from the end: the shorter log verifies alone. */
	fx_raw_exec(fx->path, "DELETE FROM audit WHERE seq > 8;");
	open_reg(fx, 0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.entries, 8);
	old = head;
	expect_broken_at(fx, 9, &old, "removed from the end");
	close_reg(fx);
}

/*
 * Audit time never goes backwards: an entry appended with an earlier clock
 * gets the last entry's time and says how far behind the clock was; a log
 * rewritten (with the key) to hold an earlier time does not verify.
 */
static void
test_audit_time_monotonic(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_audit_report rep;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint8_t key[32];
	char err[256] = "";

	ten_entries(fx);
	assert_int_equal(tc_registry_audit(fx->reg, 1600000000, "clerk",
			     "test.late", NULL, "{\"n\":11}", err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_registry_audit_verify(fx->reg, NULL, &rep, err, sizeof(err)), 0);
	close_reg(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
		"SELECT at, detail FROM audit WHERE seq = 11", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 1700000010);
	assert_string_equal((const char *)sqlite3_column_text(st, 1),
	    "{\"n\":11,\"clock_behind_s\":100000010}");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* Someone with the key backdates entry 7 and rebuilds the chain. */
	drop_triggers(fx->path);
	fx_raw_exec(
	    fx->path, "UPDATE audit SET at = 1600000000 WHERE seq = 7;");
	audit_key(fx, key);
	rebuild_chain(fx->path, 7, key, 0);
	open_reg(fx, 0);
	expect_broken_at(fx, 7, NULL, "earlier than entry 6");
	close_reg(fx);
}

/* The plan of sql (an EXPLAIN QUERY PLAN) on the file at path has want. */
static void
expect_plan(const char *path, const char *sql, const char *want)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int found = 0;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3), want))
			found = 1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!found)
		fail_msg("the plan of \"%s\" does not use %s", sql, want);
}

struct list_state {
	int64_t seqs[16];
	int n;
	int stop_at;
};

static int
collect(const struct tc_audit_entry *e, void *arg)
{
	struct list_state *ls = arg;

	assert_string_equal(e->operator_name, "clerk");
	assert_string_equal(e->action, "test.step");
	ls->seqs[ls->n++] = e->seq;
	return ls->stop_at != 0 && e->seq == ls->stop_at ? 42 : 0;
}

static void
test_audit_list_and_head_text(void **state)
{
	struct fx_reg *fx = *state;
	struct list_state ls;
	struct tc_audit_head head, parsed;
	char text[TC_AUDIT_HEAD_TEXT_MAX], err[256];

	ten_entries(fx);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tc_registry_audit_list(
			     fx->reg, 1, 0, collect, &ls, err, sizeof(err)),
	    0);
	assert_int_equal(ls.n, 10);
	assert_int_equal(ls.seqs[9], 10);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tc_registry_audit_list(
			     fx->reg, 4, 3, collect, &ls, err, sizeof(err)),
	    0);
	assert_int_equal(ls.n, 3);
	assert_int_equal(ls.seqs[0], 4);
	assert_int_equal(ls.seqs[2], 6);
	memset(&ls, 0, sizeof(ls));
	ls.stop_at = 2;
	assert_int_equal(tc_registry_audit_list(
			     fx->reg, 1, 0, collect, &ls, err, sizeof(err)),
	    42);
	assert_int_equal(ls.n, 2);

	/* One subject's entries, in order, from its index. */
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tc_registry_audit_subject(fx->reg, "thing-3", collect,
			     &ls, err, sizeof(err)),
	    0);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.seqs[0], 3);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tc_registry_audit_subject(
			     fx->reg, "thing-", collect, &ls, err, sizeof(err)),
	    0);
	assert_int_equal(ls.n, 0);
	assert_int_equal(tc_registry_audit_subject(
			     fx->reg, NULL, collect, &ls, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	expect_plan(fx->path,
	    "EXPLAIN QUERY PLAN SELECT seq, at, operator, action, subject, detail, prev, mac FROM audit WHERE subject = 'x' ORDER BY seq",
	    "USING INDEX audit_subject");

	assert_int_equal(
	    tc_registry_audit_head(fx->reg, &head, err, sizeof(err)), 0);
	tc_audit_head_format(&head, text);
	assert_int_equal(strlen(text), 3 + 64);
	assert_int_equal(strncmp(text, "10:", 3), 0);
	assert_int_equal(
	    tc_audit_head_parse(text, &parsed, err, sizeof(err)), 0);
	assert_int_equal(parsed.seq, 10);
	assert_memory_equal(parsed.mac, head.mac, 32);
	assert_int_equal(tc_audit_head_parse("10", &parsed, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_audit_head_parse(":00", &parsed, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	text[10] = 'g';
	assert_int_equal(tc_audit_head_parse(text, &parsed, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_audit_head_parse("99999999999999999999:00", &parsed,
			     err, sizeof(err)),
	    TC_ERR_MALFORMED);
	close_reg(fx);
}

static void
test_audit_refuses_bad_entries(void **state)
{
	struct fx_reg *fx = *state;
	char err[256], card[17];

	open_reg(fx, TC_REGISTRY_CREATE);
	assert_int_equal(tc_registry_audit(
			     fx->reg, 1, "", "a", NULL, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", NULL, NULL, NULL,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "a", NULL,
			     "{\"x\":", err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "not valid JSON"));
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "a", NULL, "[1]",
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* A plain ID number, or its first 17 characters, is refused. */
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "a", NULL,
			     "{\"id\":\"" FAKE_ID "\"}", err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "masked"));
	assert_null(strstr(err, FAKE_ID));
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "a",
			     "11010519491231002", NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "a", NULL,
			     "{\"id\":" FAKE_ID2 "}", err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* Card numbers, masked numbers, hex and times pass. */
	assert_int_equal(tc_cardno_make("440100", 17, card), 0);
	assert_int_equal(
	    tc_registry_audit(fx->reg, 1, "op", "a", card,
		"{\"id\":\"" FAKE_MASKED "\",\"at\":1700000000,\"h\":\"ab12\"}",
		err, sizeof(err)),
	    0);
	assert_int_equal(fx_reg_int(fx->reg, "SELECT count(*) FROM audit"), 1);
	close_reg(fx);
}

static void
test_transactions(void **state)
{
	struct fx_reg *fx = *state;
	struct tc_holder h;
	char err[256];
	int64_t id;

	open_reg(fx, TC_REGISTRY_CREATE);
	memset(&h, 0, sizeof(h));
	h.id_type = TC_ID_RESIDENT;
	strcpy(h.id_number, FAKE_ID);
	strcpy(h.name, "Zhang San");
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &id, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(
	    tc_registry_commit(fx->reg, err, sizeof(err)), TC_ERR_STATE);
	/* Rolled back: the holder and its audit entry are both gone. */
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &id, err, sizeof(err)), 0);
	assert_int_equal(tc_registry_audit(fx->reg, 1, "op", "holder.add",
			     FAKE_MASKED, NULL, err, sizeof(err)),
	    0);
	tc_registry_rollback(fx->reg);
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_RESIDENT,
			     FAKE_ID, &id, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(fx_reg_int(fx->reg, "SELECT count(*) FROM audit"), 0);
	/* Closing with an open transaction rolls it back. */
	assert_int_equal(tc_registry_begin(fx->reg, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_registry_holder_add(fx->reg, &h, 1, &id, err, sizeof(err)), 0);
	close_reg(fx);
	open_reg(fx, 0);
	assert_int_equal(tc_registry_holder_find(fx->reg, TC_ID_RESIDENT,
			     FAKE_ID, &id, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	close_reg(fx);
	tc_holder_release(&h);
}

#define TESTS(X, XF)                                                           \
	X(test_pragmas_in_force)                                               \
	X(test_migrate_empty_and_reopen)                                       \
	X(test_open_refusals)                                                  \
	X(test_holder_round_trip)                                              \
	X(test_holder_tamper_and_keys)                                         \
	X(test_privacy_no_plain_id_on_disk)                                    \
	X(test_cards)                                                          \
	X(test_audit_verify_ok)                                                \
	X(test_audit_triggers)                                                 \
	X(test_audit_edit_detected)                                            \
	X(test_audit_delete_detected)                                          \
	X(test_audit_swap_detected)                                            \
	X(test_audit_documented_chain)                                         \
	X(test_audit_unkeyed_rebuild_detected)                                 \
	X(test_audit_recorded_head)                                            \
	X(test_audit_time_monotonic)                                           \
	X(test_audit_list_and_head_text)                                       \
	X(test_audit_refuses_bad_entries)                                      \
	X(test_transactions)

TC_UNIT_MAIN_EACH(TESTS, setup, fx_reg_teardown)
