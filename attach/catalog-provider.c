// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Types from provider files (stub until the provider parser is wired). */
#include "catalog.h"

int tsdt_catalog_apply_provider_files(struct tsdt_binary *bin,
				      const struct tsdt_catalog_opts *opts)
{
	return 0;
}
