/* SPDX-License-Identifier: MIT */
/*
 * The acting operator of a tcard-issuer command (issuer/operator.h):
 * passphrase prompts on /dev/tty with echo off, the environment-variable
 * path for scripts, the refusal of passphrases in arguments, and
 * authentication with role checks. The prompt restores the terminal
 * before acting on a signal, as OpenBSD's readpassphrase(3) does. Also
 * the audit detail of an operator's roles, which 'operator add' and 'demo'
 * write alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "home.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/operator.h"
#include "tcard/passhash.h"
#include "tcard/role.h"

#define ADMIN TC_ROLE_BIT(TC_ROLE_ADMIN)

int
tc_issuer_passhash_setup(void)
{
	static int warned;
	const char *s = getenv(TC_ISSUER_COST_ENV);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return TC_EXIT_OK;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < TC_PASSHASH_LN_MIN ||
	    v > TC_PASSHASH_LN_MAX || tc_passhash_set_cost((int)v) != 0)
		return tc_cli_usage("%s=%s: want a number from %d to %d",
		    TC_ISSUER_COST_ENV, s, TC_PASSHASH_LN_MIN,
		    TC_PASSHASH_LN_MAX);
	if (v < TC_PASSHASH_LN_DEFAULT && !warned) {
		fprintf(stderr,
		    "tcard-issuer %s: warning: %s=%ld makes new passphrase hashes weaker than the default (%d); use it for tests and demonstrations only\n",
		    tc_cli_cmdname(), TC_ISSUER_COST_ENV, v,
		    TC_PASSHASH_LN_DEFAULT);
		warned = 1;
	}
	return TC_EXIT_OK;
}

/* Options that would carry a secret: "--pass..." and "--pw...". */
static int
secret_option(const char *a, size_t *namelen)
{
	static const char allowed[] = "--passphrase-env";
	size_t n = strcspn(a, "=");

	*namelen = n;
	if (strncmp(a, "--pass", 6) != 0 && strncmp(a, "--pw", 4) != 0 &&
	    strncmp(a, "--pin", 5) != 0 && strncmp(a, "--secret", 8) != 0)
		return 0;
	/* --passphrase-env and its unambiguous abbreviations. */
	if (n > strlen("--passphrase") && n <= strlen(allowed) &&
	    strncmp(a, allowed, n) == 0)
		return 0;
	return 1;
}

int
tc_issuer_refuse_secret_args(int argc, char **argv)
{
	size_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (!secret_option(argv[i], &n))
			continue;
		return tc_cli_usage(
		    "refusing %.*s: a passphrase given as an argument can be read by other users of this machine (ps, /proc) and stays in the shell history. Type it at the prompt; in scripts, put a new operator's passphrase in an environment variable named by --passphrase-env VAR, and the acting operator's in $%s",
		    (int)(n > 32 ? 32 : n), argv[i], TC_ISSUER_PASS_ENV);
	}
	return TC_EXIT_OK;
}

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static const int prompt_signals[] = {
	SIGALRM,
	SIGHUP,
	SIGINT,
	SIGPIPE,
	SIGQUIT,
	SIGTERM,
	SIGTSTP,
	SIGTTIN,
	SIGTTOU,
};
#define NSIG_PROMPT (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

/*
 * Reads one line from the terminal with echo off. Returns 0 with the line
 * (without its newline) in buf; -1 with errno when there is no terminal;
 * -2 when the line is longer than buflen - 1; -3 on end of input or a
 * read error. A caught signal is re-raised after the terminal and the
 * handlers are restored.
 */
static int
tty_line(const char *prompt, char *buf, size_t buflen)
{
	struct sigaction sa, saved[NSIG_PROMPT];
	struct termios old, quiet;
	size_t len = 0, i;
	int fd, r = 0, restore = 0, toolong = 0, sig;
	ssize_t n;
	char c;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		errno = ENOTTY;
		return -1;
	}
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
	for (i = 0; i < NSIG_PROMPT; i++)
		sigaction(prompt_signals[i], &sa, &saved[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
		restore = 1;
	(void)!write(fd, prompt, strlen(prompt));
	for (;;) {
		n = read(fd, &c, 1);
		if (n == 1 && c != '\n' && c != '\r') {
			if (len + 1 < buflen)
				buf[len++] = c;
			else
				toolong = 1;
			continue;
		}
		if (n == 1)
			break;
		if (n < 0 && errno == EINTR && !caught)
			continue;
		r = -3;
		break;
	}
	c = 0;
	buf[len] = '\0';
	if (restore)
		while (tcsetattr(fd, TCSAFLUSH, &old) != 0 && errno == EINTR)
			;
	(void)!write(fd, "\n", 1);
	for (i = 0; i < NSIG_PROMPT; i++)
		sigaction(prompt_signals[i], &saved[i], NULL);
	close(fd);
	if ((sig = caught) != 0) {
		OPENSSL_cleanse(buf, buflen);
		kill(getpid(), sig);
		r = -3;
	}
	if (r == 0 && toolong)
		r = -2;
	if (r != 0)
		OPENSSL_cleanse(buf, buflen);
	return r;
}

static int
prompt_once(const char *prompt, char *buf, size_t buflen)
{
	char msg[256];
	int r = tty_line(prompt, buf, buflen);

	if (r == -1) {
		snprintf(msg, sizeof(msg),
		    "no terminal to ask for the passphrase on (%s); for scripts, see ENVIRONMENT in --help",
		    strerror(errno));
		tc_cli_fail(TC_ERR_INVALID_ARG, "passphrase", msg);
		return TC_EXIT_USAGE;
	}
	if (r == -2) {
		snprintf(msg, sizeof(msg), "longer than %d bytes",
		    TC_PASSHASH_MAX_BYTES);
		return tc_cli_fail(TC_ERR_TOO_LARGE, "passphrase", msg);
	}
	if (r != 0)
		return tc_cli_fail(TC_ERR_IO, "passphrase",
		    "no passphrase read (end of input or interrupted)");
	if (buf[0] == '\0')
		return tc_cli_fail(
		    TC_ERR_INVALID_ARG, "passphrase", "empty passphrase");
	return TC_EXIT_OK;
}

int
tc_issuer_read_passphrase(
    const char *prompt, const char *env, int confirm, char *buf, size_t buflen)
{
	char again[TC_ISSUER_PASS_MAX], msg[256];
	const char *v;
	size_t n;
	int status;

	if (buflen == 0)
		return TC_EXIT_INTERNAL;
	buf[0] = '\0';
	if (env != NULL && (v = getenv(env)) != NULL) {
		n = strlen(v);
		if (n == 0) {
			snprintf(msg, sizeof(msg), "$%s is set but empty", env);
			return tc_cli_fail(
			    TC_ERR_INVALID_ARG, "passphrase", msg);
		}
		if (n >= buflen || n > TC_PASSHASH_MAX_BYTES) {
			snprintf(msg, sizeof(msg),
			    "$%s is longer than %d bytes", env,
			    TC_PASSHASH_MAX_BYTES);
			return tc_cli_fail(TC_ERR_TOO_LARGE, "passphrase", msg);
		}
		memcpy(buf, v, n + 1);
		return TC_EXIT_OK;
	}
	if ((status = prompt_once(prompt, buf, buflen)) != TC_EXIT_OK)
		return status;
	if (!confirm)
		return TC_EXIT_OK;
	status = prompt_once("Repeat: ", again, sizeof(again));
	if (status == TC_EXIT_OK && strcmp(buf, again) != 0)
		status = tc_cli_fail(TC_ERR_INVALID_ARG, "passphrase",
		    "the two entries differ; nothing was changed");
	OPENSSL_cleanse(again, sizeof(again));
	if (status != TC_EXIT_OK)
		OPENSSL_cleanse(buf, buflen);
	return status;
}

void
tc_issuer_roles_text(unsigned mask, const char *sep, char *out, size_t outlen)
{
	size_t len = 0;
	int i, n;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (i = TC_ROLE_FIRST; i <= TC_ROLE_LAST; i++) {
		if (!(mask & TC_ROLE_BIT(i)))
			continue;
		n = snprintf(out + len, outlen - len, "%s%s",
		    len > 0 ? sep : "", tc_role_name((enum tc_role)i));
		if (n < 0 || (size_t)n >= outlen - len)
			return;
		len += (size_t)n;
	}
}

static int
role_check(const struct tc_operator *op, unsigned required_any)
{
	char need[2 * TC_ROLES_TEXT_MAX], msg[3 * TC_ROLES_TEXT_MAX];

	if (required_any == 0 || (op->roles & required_any) != 0)
		return TC_EXIT_OK;
	tc_issuer_roles_text(required_any, " or ", need, sizeof(need));
	snprintf(msg, sizeof(msg),
	    "operator %s may not do this: it needs the role %s", op->name,
	    need);
	return tc_cli_fail(TC_ERR_FORBIDDEN, "--as", msg);
}

/* 1 when the process has a terminal to prompt on. */
static int
have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int
tc_issuer_authenticate_with(struct tc_registry *reg, const char *name,
    const char *pass, unsigned required_any, struct tc_operator *out)
{
	char err[512] = "", what[TC_OPERATOR_NAME_MAX + 16];
	time_t now;
	int r;

	char otp[TC_ISSUER_PASS_MAX] = "", prompt[TC_OPERATOR_NAME_MAX + 64];
	struct tc_operator peek;
	int status;

	memset(out, 0, sizeof(*out));
	if ((now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;
	/*
	 * The second factor: $TCARD_OTP, or a prompt when the operator is
	 * enrolled (docs/operators.md "Second factor"). Asked before the
	 * passphrase is checked, so that a wrong one is not revealed early.
	 */
	if (getenv(TC_ISSUER_OTP_ENV) != NULL ||
	    (tc_registry_operator_get(reg, name, &peek, NULL, 0) == 0 &&
		peek.totp_enrolled)) {
		if (getenv(TC_ISSUER_OTP_ENV) == NULL && !have_tty())
			return tc_cli_usage(
			    "operator %.*s is enrolled in TOTP: give its current code in $TCARD_OTP, or run this on a terminal to be asked",
			    TC_OPERATOR_NAME_MAX, name);
		snprintf(prompt, sizeof(prompt),
		    "TOTP code for operator %.*s: ", TC_OPERATOR_NAME_MAX,
		    name);
		if ((status = tc_issuer_read_passphrase(prompt,
			 TC_ISSUER_OTP_ENV, 0, otp, sizeof(otp))) != TC_EXIT_OK)
			return status;
	}
	r = tc_registry_operator_login_flags(reg, name, pass, otp,
	    TC_OPERATOR_LOGIN_LOCAL, now, out, err, sizeof(err));
	OPENSSL_cleanse(otp, sizeof(otp));
	if (r != 0) {
		snprintf(what, sizeof(what), "--as %.*s", TC_OPERATOR_NAME_MAX,
		    name);
		if (r == TC_ERR_AUTH && strcmp(err, TC_OPERATOR_AUTH_MSG) == 0)
			snprintf(err + strlen(err), sizeof(err) - strlen(err),
			    " (after %d failures in a row an operator is locked for %d minutes)",
			    TC_OPERATOR_MAX_FAILURES,
			    TC_OPERATOR_LOCK_SECONDS / 60);
		return tc_cli_fail(r, what, err);
	}
	return role_check(out, required_any);
}

int
tc_issuer_authenticate(struct tc_registry *reg, const char *as_name,
    unsigned required_any, struct tc_operator *out)
{
	char pass[TC_ISSUER_PASS_MAX], prompt[TC_OPERATOR_NAME_MAX + 64];
	int status;

	memset(out, 0, sizeof(*out));
	if (as_name == NULL || *as_name == '\0')
		return tc_cli_usage(
		    "this command needs --as NAME: the operator who does it");
	if ((status = tc_issuer_passhash_setup()) != TC_EXIT_OK)
		return status;
	snprintf(prompt, sizeof(prompt),
	    "Passphrase for operator %.*s: ", TC_OPERATOR_NAME_MAX, as_name);
	status = tc_issuer_read_passphrase(
	    prompt, TC_ISSUER_PASS_ENV, 0, pass, sizeof(pass));
	if (status == TC_EXIT_OK)
		status = tc_issuer_authenticate_with(
		    reg, as_name, pass, required_any, out);
	OPENSSL_cleanse(pass, sizeof(pass));
	return status;
}

int
tc_issuer_operator_recheck(struct tc_registry *reg,
    const struct tc_operator *op, unsigned required_any)
{
	struct tc_operator now;
	char err[512] = "";
	int r;

	if ((r = tc_registry_operator_get(
		 reg, op->name, &now, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "--as", err);
	if (now.disabled) {
		snprintf(err, sizeof(err), "operator %s was disabled meanwhile",
		    op->name);
		return tc_cli_fail(TC_ERR_AUTH, "--as", err);
	}
	return role_check(&now, required_any);
}

int
tc_issuer_admin_begin(const char *home_opt, const char *as, int hashing,
    struct tc_registry **reg, struct tc_operator *actor, time_t *now)
{
	const char *home;
	char err[512] = "";
	int r, status;

	*reg = NULL;
	if (as == NULL)
		return tc_cli_usage(
		    "give --as NAME: an operator with the admin role");
	if ((home = tc_cli_home(home_opt)) == NULL ||
	    (*now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;
	if (hashing && (status = tc_issuer_passhash_setup()) != TC_EXIT_OK)
		return status;
	if ((status = tc_issuer_open(home, NULL, reg, 0)) != TC_EXIT_OK)
		return status;
	if ((status = tc_issuer_authenticate(*reg, as, ADMIN, actor)) !=
	    TC_EXIT_OK)
		goto fail;
	if ((r = tc_registry_begin(*reg, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "registry", err);
		goto fail;
	}
	if ((status = tc_issuer_operator_recheck(*reg, actor, ADMIN)) ==
	    TC_EXIT_OK)
		return TC_EXIT_OK;
	tc_registry_rollback(*reg);
fail:
	tc_registry_close(*reg);
	*reg = NULL;
	return status;
}

int
tc_issuer_commit(struct tc_registry *reg, int status)
{
	char err[512] = "";
	int r;

	if (status != TC_EXIT_OK) {
		tc_registry_rollback(reg);
		return status;
	}
	if ((r = tc_registry_commit(reg, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "commit", err);
	return TC_EXIT_OK;
}

char *
tc_issuer_roles_detail(unsigned roles, int bootstrap, int demo)
{
	json_t *o = json_object(), *arr = json_array();
	const char *user;
	struct passwd *pw;
	char *s = NULL;
	int i;

	if (o == NULL || arr == NULL)
		goto out;
	for (i = TC_ROLE_FIRST; i <= TC_ROLE_LAST; i++)
		if (roles & TC_ROLE_BIT(i))
			json_array_append_new(
			    arr, json_string(tc_role_name((enum tc_role)i)));
	json_object_set(o, "roles", arr);
	if (bootstrap) {
		pw = getpwuid(getuid());
		user =
		    pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown";
		json_object_set_new(o, "bootstrap", json_true());
		json_object_set_new(o, "os_user", json_string(user));
	}
	if (demo)
		json_object_set_new(o, "demo", json_true());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
	json_decref(arr);
	json_decref(o);
	return s;
}
