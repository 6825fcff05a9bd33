/* SPDX-License-Identifier: MIT */
/*
 * The programme files of the unit tests that read them (test-programme.c,
 * test-programme-face.c, test-cardface.c): finding the programmes/
 * directory from TC_TOP, the working directory or the test binary's
 * location (scripts/run-tests runs unit tests from wherever it was started
 * and sets TC_TOP only for the integration scripts), and making a one-change
 * variant of a real file for the tables of broken programmes.
 */
#ifndef TC_FIXTURES_PROGRAMME_H
#define TC_FIXTURES_PROGRAMME_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

/*
 * Sets dir (OUT, dirlen bytes) to the programmes directory. Returns 0, or
 * -1 when it is not found or its name does not fit.
 */
static __attribute__((unused)) int
fx_find_programmes(char *dir, size_t dirlen)
{
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	const char *top = getenv("TC_TOP");
	ssize_t n;
	int up;
	char *s;

	if (top != NULL) {
		snprintf(cand, sizeof(cand), "%s/programmes", top);
		if (access(cand, R_OK) == 0)
			goto found;
	}
	snprintf(cand, sizeof(cand), "programmes");
	if (access("programmes/baiyun-yunju.json", R_OK) == 0)
		goto found;
	/* BUILD/tests/unit/test-X: the top is four levels up. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	for (up = 0; up < 4; up++) {
		if ((s = strrchr(exe, '/')) == NULL)
			return -1;
		*s = '\0';
		snprintf(
		    cand, sizeof(cand), "%s/programmes/baiyun-yunju.json", exe);
		if (access(cand, R_OK) == 0) {
			snprintf(cand, sizeof(cand), "%s/programmes", exe);
			goto found;
		}
	}
	return -1;
found:
	return snprintf(dir, dirlen, "%s", cand) < (int)dirlen ? 0 : -1;
}

/*
 * Mutations: path syntax "a.b[2].c"; the last component is set (SET, the
 * value is JSON text) or removed (DEL).
 */
enum { SET, DEL };

/* The parent of path in root, and its last component (OUT, lastlen bytes). */
static __attribute__((unused)) json_t *
fx_json_walk(json_t *root, const char *path, char *last, size_t lastlen)
{
	char tok[128];
	json_t *cur = root;
	const char *p = path;
	size_t n;

	for (;;) {
		n = *p == '[' ? strcspn(p, "]") + 1 : strcspn(p, ".[");
		if (n >= sizeof(tok))
			return NULL;
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n;
		if (*p == '.')
			p++;
		if (*p == '\0') {
			snprintf(last, lastlen, "%s", tok);
			return cur;
		}
		if (tok[0] == '[')
			cur = json_array_get(cur, strtoul(tok + 1, NULL, 10));
		else
			cur = json_object_get(cur, tok);
		if (cur == NULL)
			return NULL;
	}
}

/*
 * The file dir/id.json with path set to value (JSON text) or deleted, dumped
 * with the jansson flags dump_flags; the caller frees it. Fails the test
 * when the file, the path or the value is bad.
 */
static __attribute__((unused)) char *
fx_prog_mutate(const char *dir, const char *id, const char *path, int op,
    const char *value, size_t dump_flags)
{
	char file[PATH_MAX + 128], last[128];
	json_t *root, *parent, *v = NULL;
	json_error_t je;
	char *out;

	snprintf(file, sizeof(file), "%s/%s.json", dir, id);
	root = json_load_file(file, 0, &je);
	assert_non_null(root);
	parent = fx_json_walk(root, path, last, sizeof(last));
	if (parent == NULL)
		fail_msg("%s: bad test path %s", id, path);
	if (op == SET) {
		v = json_loads(value, JSON_DECODE_ANY, &je);
		if (v == NULL)
			fail_msg("bad test value %s", value);
	}
	if (last[0] == '[') {
		size_t i = strtoul(last + 1, NULL, 10);

		if (op == SET)
			assert_int_equal(json_array_set_new(parent, i, v), 0);
		else
			assert_int_equal(json_array_remove(parent, i), 0);
	} else if (op == SET)
		assert_int_equal(json_object_set_new(parent, last, v), 0);
	else
		assert_int_equal(json_object_del(parent, last), 0);
	out = json_dumps(root, dump_flags);
	json_decref(root);
	assert_non_null(out);
	return out;
}

/*
 * fx_find_programmes for a test's main() (TC_UNIT_MAIN_IF): 1 when found;
 * else 0 after a TAP line "not ok", since the files are part of the tree
 * and not finding them fails the run.
 */
static __attribute__((unused)) int
fx_programmes_found(char *dir, size_t dirlen)
{
	if (fx_find_programmes(dir, dirlen) == 0)
		return 1;
	printf("not ok 1 - programmes/ not found (set TC_TOP)\n");
	return 0;
}

#endif
