/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The type model's internal interface (types.c; the public part is in
 * <tsdt/libtsdt.h>). */
#ifndef TSDT_TYPES_H
#define TSDT_TYPES_H

#include <tsdt/libtsdt.h>

/* Give @t (kind/size/sign already set, e.g. from a type note) the canonical
 * name of @spelling when it parses to the same kind, else the spelling with
 * normalised spaces. */
void tsdt_type_canonical_name(struct tsdt_type *t, const char *spelling);

#endif /* TSDT_TYPES_H */
