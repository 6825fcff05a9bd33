/* SPDX-License-Identifier: MIT */
/*
 * Opens the key store and the registry of an authority's home directory
 * for the tcard-issuer commands (issuer/home.h). The registry never reads
 * key files itself: the two secrets it needs are read here and handed over,
 * then wiped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "home.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/keystore.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

/*
 * The most read of the one-line files of a home (revocations.seq, the audit
 * head): far more than they hold, so that only a file that is not one of
 * them is refused.
 */
#define HOME_SMALL_FILE_MAX (64 * 1024)

/* Reports a missing piece with the command that makes it; exit status 3. */
static int
missing(int code, const char *what, const char *msg, const char *hint)
{
	char text[1024];

	snprintf(text, sizeof(text), "%s; %s", msg, hint);
	tc_cli_fail(code, what, text);
	return TC_EXIT_ENV;
}

static int
read_secret(
    struct tc_keystore *ks, enum tc_secret which, uint8_t *out, size_t len)
{
	char err[512] = "";
	int r;

	if ((r = tc_keystore_secret(ks, which, out, len, err, sizeof(err))) ==
	    0)
		return TC_EXIT_OK;
	if (r == TC_ERR_NOT_FOUND)
		return missing(r, "key store", err,
		    "run 'tcard-keys init' for this home first");
	return tc_cli_fail(r, "key store", err);
}

int
tc_issuer_open(const char *home, struct tc_keystore **ksp,
    struct tc_registry **regp, int create)
{
	struct tc_keystore *ks = NULL;
	struct tc_registry *reg = NULL;
	struct tc_registry_keys keys;
	char path[4096], err[512] = "", msg[4096 + 128];
	int r, status;

	if (ksp != NULL)
		*ksp = NULL;
	if (regp != NULL)
		*regp = NULL;
	memset(&keys, 0, sizeof(keys));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", home,
		TC_ISSUER_REGISTRY_FILE) >= sizeof(path))
		return tc_cli_usage("home directory path too long");
	if ((r = tc_keystore_open(&ks, home, err, sizeof(err))) != 0) {
		if (r == TC_ERR_NOT_FOUND)
			return missing(r, "key store", err,
			    "run 'tcard-keys init' for this home first");
		return tc_cli_fail(r, "key store", err);
	}
	if ((status = read_secret(ks, TC_SECRET_PEPPER, keys.pepper,
		 sizeof(keys.pepper))) != TC_EXIT_OK ||
	    (status = read_secret(ks, TC_SECRET_DATA_KEY, keys.data_key,
		 sizeof(keys.data_key))) != TC_EXIT_OK)
		goto out;
	r = tc_registry_open(&reg, path, &keys,
	    create ? TC_REGISTRY_CREATE | TC_REGISTRY_EXCL : 0, err,
	    sizeof(err));
	if (r == TC_ERR_NOT_FOUND) {
		status = missing(r, "registry", err,
		    "run 'tcard-issuer init' for this home first");
		goto out;
	}
	if (r == TC_ERR_EXISTS) {
		snprintf(msg, sizeof(msg),
		    "a registry already exists at %s; init never overwrites one",
		    path);
		status = tc_cli_fail(r, "registry", msg);
		goto out;
	}
	if (r != 0) {
		status = tc_cli_fail(r, "registry", err);
		goto out;
	}
	if (tc_registry_file_modes(path, msg, sizeof(msg)))
		fprintf(stderr, "tcard-issuer %s: warning: %s\n",
		    tc_cli_cmdname(), msg);
	status = TC_EXIT_OK;
out:
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (status == TC_EXIT_OK && ksp != NULL) {
		*ksp = ks;
		ks = NULL;
	}
	if (status == TC_EXIT_OK && regp != NULL) {
		*regp = reg;
		reg = NULL;
	}
	tc_issuer_close(ks, reg);
	return status;
}

void
tc_issuer_close(struct tc_keystore *ks, struct tc_registry *reg)
{
	tc_registry_close(reg);
	tc_keystore_free(ks);
}

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

const char *
tc_issuer_shipped_programmes(void)
{
	const char *d = getenv("TCARD_PROGRAMMES");

	return d != NULL && *d != '\0' ? d : TC_PROGRAMMES_DIR;
}

int
tc_issuer_programmes(const char *home, struct tc_programme_set **out)
{
	char dir[4096], err[1024] = "";
	struct stat st;
	int r;

	*out = NULL;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", home,
		TC_ISSUER_PROGRAMMES_DIR) >= sizeof(dir))
		return tc_cli_usage("home directory path too long");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		snprintf(
		    dir, sizeof(dir), "%s", tc_issuer_shipped_programmes());
	if ((r = tc_programme_set_load_dir(out, dir, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "programmes", err);
	return TC_EXIT_OK;
}

int
tc_issuer_install_programmes(const char *src, const char *home)
{
	char dst[4096], from[4096 + 258], to[4096 + 258], buf[8192];
	struct dirent *e;
	DIR *d;
	ssize_t n;
	size_t len;
	int in, out, status = TC_EXIT_OK;

	snprintf(dst, sizeof(dst), "%s/%s", home, TC_ISSUER_PROGRAMMES_DIR);
	if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
		snprintf(buf, sizeof(buf), "%s: %s", dst, strerror(errno));
		return tc_cli_fail(TC_ERR_IO, "programmes", buf);
	}
	if ((d = opendir(src)) == NULL) {
		snprintf(buf, sizeof(buf), "%s: %s", src, strerror(errno));
		return tc_cli_fail(TC_ERR_IO, "programmes", buf);
	}
	while (status == TC_EXIT_OK && (e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
		if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
			snprintf(
			    buf, sizeof(buf), "%s: %s", from, strerror(errno));
			status = tc_cli_fail(TC_ERR_IO, "programmes", buf);
			break;
		}
		out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (out < 0) {
			close(in);
			if (errno == EEXIST)
				continue;
			snprintf(
			    buf, sizeof(buf), "%s: %s", to, strerror(errno));
			status = tc_cli_fail(TC_ERR_IO, "programmes", buf);
			break;
		}
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n) {
				n = -1;
				break;
			}
		if (n < 0 || fsync(out) != 0) {
			snprintf(
			    buf, sizeof(buf), "%s: %s", to, strerror(errno));
			status = tc_cli_fail(TC_ERR_IO, "programmes", buf);
		}
		close(in);
		close(out);
	}
	closedir(d);
	return status;
}

int
tc_issuer_read_seq(const char *path, uint64_t *seq)
{
	struct tc_buf b;
	unsigned long long v = 0;
	int r;

	*seq = 0;
	tc_buf_init(&b, HOME_SMALL_FILE_MAX);
	if ((r = tc_file_read(
		 path, NULL, HOME_SMALL_FILE_MAX, 0, &b, NULL, 0)) != 0) {
		tc_buf_release(&b);
		return r == TC_ERR_NOT_FOUND ? 0 : TC_ERR_IO;
	}
	r = b.data != NULL && sscanf((const char *)b.data, "%llu", &v) == 1
	    ? 0
	    : TC_ERR_MALFORMED;
	tc_buf_release(&b);
	if (r == 0)
		*seq = v;
	return r;
}

int
tc_issuer_next_update(const struct tc_args *a, long *hours)
{
	const char *v = tc_args_get(a, "next-update");
	char *end;

	*hours = 24;
	if (v == NULL)
		return TC_EXIT_OK;
	errno = 0;
	*hours = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || *hours < 1 || *hours > 8760)
		return tc_cli_usage("--next-update takes 1 to 8760 hours");
	return TC_EXIT_OK;
}

int
tc_issuer_read_audit_head(const char *home, struct tc_audit_head *head,
    int *found, char *err, size_t errlen)
{
	char path[4096], line[TC_AUDIT_HEAD_TEXT_MAX + 2], perr[256] = "";
	struct tc_buf b;
	size_t n;
	int r;

	memset(head, 0, sizeof(*head));
	*found = 0;
	if (tc_path_join(path, sizeof(path), home, TC_ISSUER_AUDIT_HEAD_FILE) !=
	    0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "home directory path too long");
	tc_buf_init(&b, HOME_SMALL_FILE_MAX);
	if ((r = tc_file_read(
		 path, NULL, HOME_SMALL_FILE_MAX, 0, &b, err, errlen)) != 0) {
		tc_buf_release(&b);
		return r == TC_ERR_NOT_FOUND ? 0 : TC_ERR_IO;
	}
	/* The first line, cut as fgets(3) into line would cut it. */
	n = strcspn(b.data != NULL ? (const char *)b.data : "", "\n");
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (n > 0)
		memcpy(line, b.data, n);
	line[n] = '\0';
	tc_buf_release(&b);
	if ((r = tc_audit_head_parse(line, head, perr, sizeof(perr))) != 0)
		return tc_seterr(err, errlen, r,
		    "%s: %s (the file holds the audit head of the last publish)",
		    path, perr);
	*found = 1;
	return 0;
}

int
tc_issuer_write_audit_head(const char *home, const struct tc_audit_head *head,
    char *err, size_t errlen)
{
	char text[TC_AUDIT_HEAD_TEXT_MAX + 1];
	size_t n;

	tc_audit_head_format(head, text);
	n = strlen(text);
	text[n++] = '\n';
	return tc_bundle_write_file(
	    home, TC_ISSUER_AUDIT_HEAD_FILE, text, n, err, errlen);
}

void
tc_issuer_bundle_expect(struct tc_issuer_expect *e, const char *dir,
    const struct tc_audit_head_info *info)
{
	char when[32];

	tc_cli_utc(info->issued_at, when);
	memset(e, 0, sizeof(*e));
	e->head = info->head;
	snprintf(e->source, sizeof(e->source),
	    "signed in bundle %s/%s, publish %llu of %s", dir,
	    TC_BUNDLE_AUDIT_HEAD, (unsigned long long)info->publish_seq, when);
}

/*
 * One pass over the log against one recorded head (NULL: none). A
 * failure about the head itself (the log is shorter, or differs at the
 * head's entry) gets the head's source appended to its reason, so the
 * operator knows which copy of the head caught it.
 */
static int
check_against(struct tc_registry *reg, const struct tc_audit_head *head,
    const char *source, struct tc_audit_report *rep, char *err, size_t errlen)
{
	char why[512] = "", full[sizeof(rep->reason) + 1200];
	size_t n;
	int r;

	r = tc_registry_audit_verify(reg, head, rep, why, sizeof(why));
	if (r == 0)
		return 0;
	if (r != TC_ERR_AUDIT_BROKEN)
		return tc_seterr(err, errlen, r, "%s", why);
	if (head == NULL || source == NULL ||
	    strstr(rep->reason, "recorded head") == NULL)
		return tc_seterr(err, errlen, r, "%s", rep->reason);
	/* err gets it whole; rep->reason as much as it holds. */
	snprintf(full, sizeof(full), "%s (%s)", rep->reason, source);
	n = strnlen(full, sizeof(rep->reason) - 1);
	memcpy(rep->reason, full, n);
	rep->reason[n] = '\0';
	return tc_seterr(err, errlen, r, "%s", full);
}

int
tc_issuer_check_registry(const char *home, struct tc_registry *reg,
    const struct tc_issuer_expect *expect, size_t nexpect,
    struct tc_audit_report *rep, char *err, size_t errlen)
{
	struct tc_audit_head recorded;
	char source[PATH_MAX + 64];
	size_t i;
	int found, r;

	memset(rep, 0, sizeof(*rep));
	if ((r = tc_registry_integrity_check(reg, err, errlen)) != 0)
		return r;
	if ((r = tc_issuer_read_audit_head(
		 home, &recorded, &found, err, errlen)) != 0)
		return r;
	if (found) {
		snprintf(source, sizeof(source),
		    "recorded in %s/%s at the last publish", home,
		    TC_ISSUER_AUDIT_HEAD_FILE);
		if ((r = check_against(
			 reg, &recorded, source, rep, err, errlen)) != 0)
			return r;
	}
	for (i = 0; i < nexpect; i++)
		if ((r = check_against(reg, &expect[i].head, expect[i].source,
			 rep, err, errlen)) != 0)
			return r;
	if (!found && nexpect == 0 &&
	    (r = check_against(reg, NULL, NULL, rep, err, errlen)) != 0)
		return r;
	if (rep->entries == 0) {
		rep->first_bad = 1;
		snprintf(rep->reason, sizeof(rep->reason),
		    "the log is empty, but every registry starts with the entry 'tcard-issuer init' writes: the audit table was emptied");
		return tc_seterr(
		    err, errlen, TC_ERR_AUDIT_BROKEN, "%s", rep->reason);
	}
	return 0;
}
