// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading a handler's declared argument types from BTF.
 *
 * TSDT_HANDLER(prog, provider, probe, (type, name)...) in <tsdt/tsdt.bpf.h>
 * emits
 *
 *	struct __attribute__((btf_decl_tag("tsdt.probe=provider:probe")))
 *	tsdt_args__prog { type name; ... };
 *
 * kept in the object's BTF by a weak global in the non-loaded section
 * .tsdt.sig. This file finds that struct for a program, reads the decl tag,
 * and maps each member's BTF type to a struct tsdt_type:
 *
 *  - typedef chains are resolved, but the outermost typedef name is kept as
 *    the type's name for messages ("uint64_t", "__u32");
 *  - const/volatile/restrict/type tags are skipped;
 *  - int: INT (BTF_INT_BOOL: BOOL); float: FLOAT; enum: INT of its size
 *    and sign, named "enum x" (C probes record enums as integers);
 *  - pointer to a 1-byte integer (char, signed/unsigned char): STR;
 *    any other pointer: PTR, named as C spells it ("struct foo *").
 *  - structs and unions by value are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "attach-internal.h"
#include "log.h"

#define SIG_PREFIX "tsdt_args__"
#define TAG_PREFIX "tsdt.probe="

static const struct btf_type *skip_mods(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_mod(t) || btf_is_type_tag(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* C spelling of type @id, pointers and qualifiers included, into buf. */
static int spell(const struct btf *btf, __u32 id, char *buf, size_t sz,
		 int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	char inner[TSDT_TYPE_NAME_MAX * 2];
	int max = sz > 16 ? (int)sz - 16 : 0; /* room for what we add */

	if (depth > 16)
		return -ELOOP;
	if (!id || !t) {
		snprintf(buf, sz, "void");
		return 0;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
		if (spell(btf, t->type, inner, sizeof(inner), depth + 1))
			return -EINVAL;
		snprintf(buf, sz, "const %.*s", max, inner);
		return 0;
	case BTF_KIND_VOLATILE:
		if (spell(btf, t->type, inner, sizeof(inner), depth + 1))
			return -EINVAL;
		snprintf(buf, sz, "volatile %.*s", max, inner);
		return 0;
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return spell(btf, t->type, buf, sz, depth + 1);
	case BTF_KIND_PTR:
		if (spell(btf, t->type, inner, sizeof(inner), depth + 1))
			return -EINVAL;
		snprintf(buf, sz, "%.*s%s*", max, inner,
			 inner[0] && inner[strlen(inner) - 1] == '*' ? "" : " ");
		return 0;
	case BTF_KIND_STRUCT:
		snprintf(buf, sz, "struct %s", name && *name ? name : "(anon)");
		return 0;
	case BTF_KIND_UNION:
		snprintf(buf, sz, "union %s", name && *name ? name : "(anon)");
		return 0;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		snprintf(buf, sz, "enum %s", name && *name ? name : "(anon)");
		return 0;
	case BTF_KIND_FWD:
		snprintf(buf, sz, "%s %s", btf_kflag(t) ? "union" : "struct",
			 name);
		return 0;
	case BTF_KIND_FUNC_PROTO:
		snprintf(buf, sz, "function");
		return 0;
	case BTF_KIND_ARRAY:
		snprintf(buf, sz, "array");
		return 0;
	default:
		snprintf(buf, sz, "%s", name && *name ? name : "?");
		return 0;
	}
}

int tsdt_btf__type(const struct btf *btf, __u32 id, struct tsdt_type *ret)
{
	const struct btf_type *t;
	const char *tdname = NULL;
	char buf[TSDT_TYPE_NAME_MAX * 2];
	int depth = 0;

	memset(ret, 0, sizeof(*ret));
	for (;;) {
		t = btf__type_by_id(btf, id);
		if (!t || ++depth > 32)
			return -EINVAL;
		if (btf_is_typedef(t)) {
			if (!tdname)
				tdname = btf__name_by_offset(btf, t->name_off);
		} else if (!btf_is_mod(t) && !btf_is_type_tag(t)) {
			break;
		}
		id = t->type;
	}

	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		__u8 enc = btf_int_encoding(t);

		ret->size = t->size;
		if (enc & BTF_INT_BOOL) {
			ret->kind = TSDT_TYPE_BOOL;
		} else {
			ret->kind = TSDT_TYPE_INT;
			ret->is_signed = !!(enc & BTF_INT_SIGNED);
		}
		snprintf(ret->name, sizeof(ret->name), "%s",
			 tdname ? tdname : btf__name_by_offset(btf, t->name_off));
		return 0;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		/* as an integer of its size and sign: C probes record enums
		 * as integers (docs/type-note.md), and tsdt_type__check()
		 * lets an integer reader read a C++ probe's ENUM */
		ret->kind = TSDT_TYPE_INT;
		ret->size = t->size;
		ret->is_signed = btf_kflag(t);
		if (tdname)
			snprintf(ret->name, sizeof(ret->name), "%s", tdname);
		else
			spell(btf, id, ret->name, sizeof(ret->name), 0);
		return 0;
	case BTF_KIND_FLOAT:
		ret->kind = TSDT_TYPE_FLOAT;
		ret->size = t->size;
		ret->is_signed = true;
		snprintf(ret->name, sizeof(ret->name), "%s",
			 tdname ? tdname : btf__name_by_offset(btf, t->name_off));
		return 0;
	case BTF_KIND_PTR: {
		__u32 pid = t->type;
		const struct btf_type *pt = skip_mods(btf, &pid);

		/* the pointee, through typedefs (uint8_t * is no string) */
		ret->size = 8;
		ret->kind = TSDT_TYPE_PTR;
		if (pt && btf_is_int(pt) && pt->size == 1 &&
		    !(btf_int_encoding(pt) & BTF_INT_BOOL)) {
			const char *n = btf__name_by_offset(btf, pt->name_off);

			if (n && strstr(n, "char"))
				ret->kind = TSDT_TYPE_STR;
		}
		spell(btf, id, buf, sizeof(buf), 0);
		snprintf(ret->name, sizeof(ret->name), "%.*s",
			 (int)sizeof(ret->name) - 1, buf);
		return 0;
	}
	default:
		spell(btf, id, buf, sizeof(buf), 0);
		snprintf(ret->name, sizeof(ret->name), "%.*s",
			 (int)sizeof(ret->name) - 1, buf);
		return -ENOTSUP;
	}
}

int tsdt_btf__handler_sig(const struct btf *btf, const char *prog_name,
			  struct tsdt_handler_sig *sig)
{
	char sname[256];
	const struct btf_type *st;
	const struct btf_member *m;
	int sid, n, i, err;

	memset(sig, 0, sizeof(*sig));
	snprintf(sname, sizeof(sname), SIG_PREFIX "%s", prog_name);
	sid = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	if (sid < 0) {
		pr_warn("attach: program '%s' declares no argument types (no struct %s in its BTF); was it written with TSDT_HANDLER() from <tsdt/tsdt.bpf.h>?\n",
			prog_name, sname);
		return -ENOENT;
	}

	/* the decl tag naming the probe */
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *tag, *colon;

		if (!btf_is_decl_tag(t) || t->type != (__u32)sid ||
		    btf_decl_tag(t)->component_idx != -1)
			continue;
		tag = btf__name_by_offset(btf, t->name_off);
		if (!tag || strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
			continue;
		tag += strlen(TAG_PREFIX);
		colon = strchr(tag, ':');
		if (!colon || colon == tag || !colon[1] ||
		    (size_t)(colon - tag) >= sizeof(sig->provider) ||
		    strlen(colon + 1) >= sizeof(sig->name)) {
			pr_warn("attach: program '%s': malformed probe tag '%s'\n",
				prog_name, tag);
			return -EINVAL;
		}
		memcpy(sig->provider, tag, colon - tag);
		sig->provider[colon - tag] = 0;
		strcpy(sig->name, colon + 1);
		break;
	}
	if (!sig->provider[0]) {
		pr_warn("attach: program '%s': struct %s has no '" TAG_PREFIX "' tag\n",
			prog_name, sname);
		return -ENOENT;
	}

	st = btf__type_by_id(btf, sid);
	if (btf_vlen(st) > TSDT_MAX_ARGS) {
		pr_warn("attach: program '%s' declares %d arguments, at most %d\n",
			prog_name, btf_vlen(st), TSDT_MAX_ARGS);
		return -E2BIG;
	}
	sig->arg_cnt = btf_vlen(st);
	m = btf_members(st);
	for (i = 0; i < sig->arg_cnt; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		snprintf(sig->arg_names[i], sizeof(sig->arg_names[i]), "%s",
			 mn ? mn : "");
		err = tsdt_btf__type(btf, m->type, &sig->types[i]);
		if (err) {
			pr_warn("attach: %s:%s handler '%s' arg %d '%s': type %s cannot be read from a probe\n",
				sig->provider, sig->name, prog_name, i,
				sig->arg_names[i], sig->types[i].name);
			return err;
		}
	}
	return 0;
}
