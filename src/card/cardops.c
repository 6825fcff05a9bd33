/* SPDX-License-Identifier: MIT */
/*
 * The card platform tables (include/tcard/cardops.h): the list of built-in
 * platforms, each table built once from the ISO 7816 defaults by its
 * src/card-X.c, the platforms added at run time, and the lookups by
 * platform and by name. tc_card_ops_lookup() is the only place where a
 * platform value decides anything; docs/card-pcsc.md.
 */
#include <pthread.h>
#include <string.h>

#include "card-int.h"
#include "tcard/err.h"

/* The built-in platforms: one line per src/card-X.c. */
static void (*const builtin_init[])(struct tc_card_ops *) = {
	tc_card_tcard_init,
	tc_card_piv_init,
};
#define N_BUILTIN (sizeof(builtin_init) / sizeof(builtin_init[0]))

static struct tc_card_ops builtin[N_BUILTIN];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static const struct tc_card_ops *extra[TC_CARD_OPS_EXTRA_MAX];
static size_t n_extra;
static pthread_mutex_t extra_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * The tables are copies of the ISO table with overrides, made at run time
 * as OpenSC's drivers make theirs; once, whichever thread asks first.
 */
static void
build_builtin(void)
{
	size_t i;

	for (i = 0; i < N_BUILTIN; i++)
		builtin_init[i](&builtin[i]);
}

/* The i-th table (built-in ones first), or NULL past the end. */
static const struct tc_card_ops *
nth(size_t i)
{
	const struct tc_card_ops *o = NULL;

	pthread_once(&builtin_once, build_builtin);
	if (i < N_BUILTIN)
		return &builtin[i];
	pthread_mutex_lock(&extra_mu);
	if (i - N_BUILTIN < n_extra)
		o = extra[i - N_BUILTIN];
	pthread_mutex_unlock(&extra_mu);
	return o;
}

const struct tc_card_ops *
tc_card_ops_lookup(enum tc_platform platform)
{
	const struct tc_card_ops *o;
	size_t i;

	for (i = 0; (o = nth(i)) != NULL; i++)
		if (o->platform == platform)
			return o;
	return NULL;
}

const struct tc_card_ops *
tc_card_ops_by_name(const char *name)
{
	const struct tc_card_ops *o;
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; (o = nth(i)) != NULL; i++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int
tc_card_ops_register(const struct tc_card_ops *ops)
{
	int r = 0;

	if (ops == NULL || ops->name == NULL || ops->name[0] == '\0' ||
	    ops->select == NULL || ops->opened == NULL)
		return TC_ERR_INVALID_ARG;
	if (tc_card_ops_lookup(ops->platform) != NULL ||
	    tc_card_ops_by_name(ops->name) != NULL)
		return TC_ERR_EXISTS;
	pthread_mutex_lock(&extra_mu);
	if (n_extra == TC_CARD_OPS_EXTRA_MAX)
		r = TC_ERR_TOO_LARGE;
	else
		extra[n_extra++] = ops;
	pthread_mutex_unlock(&extra_mu);
	return r;
}
