// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Variables that only debug information knows (a static variable of a
 * stripped program), through elfutils: libdwfl finds the debug information
 * the way gdb does, in the file itself, through .gnu_debuglink (beside the
 * file, in .debug/, under /usr/lib/debug), under
 * /usr/lib/debug/.build-id/xx/yyyy.debug, and from the debuginfod servers
 * of DEBUGINFOD_URLS (libdw loads libdebuginfod itself); libdw reads the
 * variable's DIE: its address (DW_OP_addr) and its type. No DWARF reader
 * of our own.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "log.h"

/* A variable DIE named @name with a static address, in @die's subtree. */
static bool find_var(Dwarf_Die *die, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child))
		return false;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if (tag == DW_TAG_variable && (n = dwarf_diename(&child)) &&
		    !strcmp(n, name) && dwarf_hasattr(&child, DW_AT_location)) {
			*out = child;
			return true;
		}
		if ((tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block ||
		     tag == DW_TAG_namespace) && find_var(&child, name, out))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* @type past typedefs and qualifiers, into @out; false if none */
static bool strip_type(Dwarf_Die *type, Dwarf_Die *out)
{
	Dwarf_Attribute at;
	int tag;

	*out = *type;
	while ((tag = dwarf_tag(out)) == DW_TAG_typedef ||
	       tag == DW_TAG_const_type || tag == DW_TAG_volatile_type)
		if (!dwarf_formref_die(dwarf_attr(out, DW_AT_type, &at), out))
			return false;
	return true;
}

/* The type of @var as tsdt's model: integers, bool, enums, floats,
 * pointers (char pointers are strings). */
static int die_type(Dwarf_Die *var, struct tsdt_type *t)
{
	Dwarf_Attribute at;
	Dwarf_Die type;
	Dwarf_Word enc;
	int tag;

	memset(t, 0, sizeof(*t));
	if (!dwarf_formref_die(dwarf_attr(var, DW_AT_type, &at), &type) ||
	    !strip_type(&type, &type))
		return -ENOENT;
	tag = dwarf_tag(&type);
	switch (tag) {
	case DW_TAG_pointer_type: {
		Dwarf_Die to;

		t->size = 8;
		t->kind = TSDT_TYPE_PTR;
		snprintf(t->name, sizeof(t->name), "void *");
		if (dwarf_formref_die(dwarf_attr(&type, DW_AT_type, &at), &to) &&
		    strip_type(&to, &to)) {
			tag = dwarf_tag(&to);
			if (tag == DW_TAG_base_type && dwarf_bytesize(&to) == 1 &&
			    dwarf_formudata(dwarf_attr(&to, DW_AT_encoding, &at), &enc) == 0 &&
			    (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char)) {
				t->kind = TSDT_TYPE_STR;
				snprintf(t->name, sizeof(t->name), "const char *");
			}
		}
		return 0;
	}
	case DW_TAG_enumeration_type:
		t->kind = TSDT_TYPE_ENUM;
		t->size = dwarf_bytesize(&type);
		t->is_signed = true;
		snprintf(t->name, sizeof(t->name), "enum %s",
			 dwarf_diename(&type) ? dwarf_diename(&type) : "");
		return t->size ? 0 : -ENOTSUP;
	case DW_TAG_base_type:
		t->size = dwarf_bytesize(&type);
		if (dwarf_formudata(dwarf_attr(&type, DW_AT_encoding, &at), &enc))
			return -ENOTSUP;
		snprintf(t->name, sizeof(t->name), "%s",
			 dwarf_diename(&type) ? dwarf_diename(&type) : "");
		switch (enc) {
		case DW_ATE_boolean:
			t->kind = TSDT_TYPE_BOOL;
			return 0;
		case DW_ATE_float:
			t->kind = TSDT_TYPE_FLOAT;
			return 0;
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			t->kind = TSDT_TYPE_INT;
			t->is_signed = true;
			return 0;
		case DW_ATE_unsigned:
		case DW_ATE_unsigned_char:
			t->kind = TSDT_TYPE_INT;
			return 0;
		}
		return -ENOTSUP;
	}
	return -ENOTSUP; /* a struct, an array: not a value BPF reads whole */
}

/* The member @name of struct or union @st: its DIE and byte offset. */
static bool find_member(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			Dwarf_Word *off)
{
	Dwarf_Attribute at;

	if (dwarf_child(st, m))
		return false;
	do {
		const char *n = dwarf_diename(m);

		if (dwarf_tag(m) != DW_TAG_member || !n || strcmp(n, name))
			continue;
		*off = 0;
		if (dwarf_hasattr(m, DW_AT_data_member_location) &&
		    dwarf_formudata(dwarf_attr(m, DW_AT_data_member_location, &at), off))
			return false; /* a location expression: not handled */
		return true;
	} while (dwarf_siblingof(m, m) == 0);
	return false;
}

/*
 * Walks @steps ("->a.b->c": each step an operator and a member) from the
 * DIE @cur (a variable, then members) into the chain: @o0 (added before the
 * first dereference), chain_off[] and *derefs; @cur ends at the last
 * member. 0, or -errno with @why.
 */
static int walk_path(Dwarf_Die *cur, const char *steps, int64_t *o0,
		     int64_t chain_off[3], int *derefs, char *why, size_t why_sz)
{
	const char *p = steps;

	*o0 = 0;
	*derefs = 0;
	while (*p) {
		bool arrow = p[0] == '-' && p[1] == '>';
		char member[128];
		Dwarf_Attribute at;
		Dwarf_Die t, st, m;
		Dwarf_Word off;
		size_t n;

		if (!arrow && *p != '.') {
			snprintf(why, why_sz, "'%s': expected -> or .", p);
			return -EINVAL;
		}
		p += arrow ? 2 : 1;
		n = strcspn(p, ".-");
		if (!n || n >= sizeof(member)) {
			snprintf(why, why_sz, "'%s': expected a member name", p);
			return -EINVAL;
		}
		memcpy(member, p, n);
		member[n] = 0;
		p += n;
		if (!dwarf_formref_die(dwarf_attr(cur, DW_AT_type, &at), &t) ||
		    !strip_type(&t, &st)) {
			snprintf(why, why_sz, "no type before '%s'", member);
			return -EINVAL;
		}
		if (arrow) {
			if (dwarf_tag(&st) != DW_TAG_pointer_type ||
			    !dwarf_formref_die(dwarf_attr(&st, DW_AT_type, &at), &t) ||
			    !strip_type(&t, &st)) {
				snprintf(why, why_sz, "'->%s' on something that is not a pointer to a struct", member);
				return -EINVAL;
			}
			if (*derefs == 3) {
				snprintf(why, why_sz, "more than three '->'");
				return -E2BIG;
			}
			chain_off[(*derefs)++] = 0;
		}
		if (dwarf_tag(&st) != DW_TAG_structure_type &&
		    dwarf_tag(&st) != DW_TAG_union_type) {
			snprintf(why, why_sz, "'%s' of something that is not a struct", member);
			return -EINVAL;
		}
		if (!find_member(&st, member, &m, &off)) {
			snprintf(why, why_sz, "no member '%s' in %s %s", member,
				 dwarf_tag(&st) == DW_TAG_union_type ? "union" : "struct",
				 dwarf_diename(&st) ? dwarf_diename(&st) : "(anonymous)");
			return -ENOENT;
		}
		if (*derefs)
			chain_off[*derefs - 1] += off;
		else
			*o0 += off;
		*cur = m;
	}
	return 0;
}

struct tsdt_debuginfo {
	Dwfl_Callbacks cb;      /* dwfl keeps a pointer to it */
	char *debuginfo_path;
	Dwfl *dwfl;
	Dwarf *dw;
};

void tsdt_debuginfo_close(struct tsdt_debuginfo *di)
{
	if (!di)
		return;
	if (di->dwfl)
		dwfl_end(di->dwfl);
	free(di);
}

struct tsdt_debuginfo *tsdt_debuginfo_open_why(const char *path, char *why,
					       size_t why_sz)
{
	struct tsdt_debuginfo *di = calloc(1, sizeof(*di));
	const unsigned char *bid = NULL;
	char bid_hex[2 * 64 + 1] = "";
	GElf_Addr bid_vaddr;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	int n;

	if (!di) {
		if (why)
			snprintf(why, why_sz, "%s: out of memory", path);
		return NULL;
	}
	di->cb = (Dwfl_Callbacks){
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &di->debuginfo_path,
	};
	di->dwfl = dwfl_begin(&di->cb);
	if (!di->dwfl) {
		if (why)
			snprintf(why, why_sz, "%s: %s", path, dwfl_errmsg(-1));
		goto fail;
	}
	mod = dwfl_report_offline(di->dwfl, "", path, -1);
	dwfl_report_end(di->dwfl, NULL, NULL);
	if (!mod) {
		if (why)
			snprintf(why, why_sz, "%s: %s", path, dwfl_errmsg(-1));
		goto fail;
	}
	di->dw = dwfl_module_getdwarf(mod, &bias);
	if (!di->dw) {
		n = dwfl_module_build_id(mod, &bid, &bid_vaddr);
		for (int i = 0; i < n && i < 64; i++)
			sprintf(bid_hex + 2 * i, "%02x", bid[i]);
		if (why)
			snprintf(why, why_sz,
				 "%s: no debug information (build-id %s): not in the file, its .gnu_debuglink, /usr/lib/debug/.build-id/, nor DEBUGINFOD_URLS%s",
				 path, bid_hex[0] ? bid_hex : "none",
				 getenv("DEBUGINFOD_URLS") ? "" : " (unset)");
		goto fail;
	}
	return di;
fail:
	tsdt_debuginfo_close(di);
	return NULL;
}

struct tsdt_debuginfo *tsdt_debuginfo_open(const char *path)
{
	return tsdt_debuginfo_open_why(path, NULL, 0);
}

/* A function definition named @name among @cu's children, into @out. */
static bool find_fn(Dwarf_Die *cu, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child))
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) == DW_TAG_subprogram &&
		    (n = dwarf_diename(&child)) && !strcmp(n, name) &&
		    dwarf_hasattr(&child, DW_AT_low_pc)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* @find (find_var, find_fn) in each compilation unit, until one has it. */
static bool find_in_cus(struct tsdt_debuginfo *di,
			bool (*find)(Dwarf_Die *cu, const char *name, Dwarf_Die *out),
			const char *name, Dwarf_Die *out)
{
	for (Dwarf_Off off = 0, next; ; off = next) {
		Dwarf_Die cu;
		size_t hsz;

		if (dwarf_nextcu(di->dw, off, &next, &hsz, NULL, NULL, NULL))
			return false;
		if (dwarf_offdie(di->dw, off + hsz, &cu) && find(&cu, name, out))
			return true;
	}
}

int tsdt_debuginfo_find_path(struct tsdt_debuginfo *di, const char *path,
			     const char *expr, uint64_t *addr,
			     struct tsdt_type *type, int *derefs,
			     int64_t chain_off[3], char *why, size_t why_sz)
{
	Dwarf_Attribute at;
	Dwarf_Op *ops;
	Dwarf_Die var;
	const char *steps;
	char name[128];
	int64_t o0 = 0;
	size_t nlen, len;
	int err;

	*derefs = 0;
	nlen = strcspn(expr, ".-");
	if (!nlen || nlen >= sizeof(name)) {
		snprintf(why, why_sz, "'%s': expected a variable name", expr);
		return -EINVAL;
	}
	memcpy(name, expr, nlen);
	name[nlen] = 0;
	steps = expr + nlen;
	if (!find_in_cus(di, find_var, name, &var)) {
		snprintf(why, why_sz, "%s: no variable '%s' in its debug information",
			 path, name);
		return -ENOENT;
	}
	if (dwarf_getlocation(dwarf_attr(&var, DW_AT_location, &at), &ops, &len) ||
	    len != 1 || ops[0].atom != DW_OP_addr) {
		snprintf(why, why_sz, "%s: '%s' has no fixed address", path, name);
		return -ENOTSUP;
	}
	*addr = ops[0].number;
	if (*steps) {
		char w[256] = "";

		err = walk_path(&var, steps, &o0, chain_off, derefs, w, sizeof(w));
		if (err) {
			snprintf(why, why_sz, "%s: %s: %s", path, expr, w);
			return err;
		}
		*addr += o0;
	}
	err = die_type(&var, type);
	if (err)
		snprintf(why, why_sz, "%s: '%s': a type tsdt cannot read whole",
			 path, expr);
	return err;
}

int tsdt_debuginfo_fn_params(struct tsdt_debuginfo *di, const char *fn, int max,
			     struct tsdt_debuginfo_param *params,
			     struct tsdt_type *ret)
{
	Dwarf_Die die, child;
	int n = 0;

	if (!di || !find_in_cus(di, find_fn, fn, &die))
		return -ENOENT;
	memset(ret, 0, sizeof(*ret));
	if (die_type(&die, ret))
		ret->kind = TSDT_TYPE_UNTYPED; /* void, or not a value */
	if (dwarf_child(&die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			if (n == max)
				break;
			memset(&params[n], 0, sizeof(params[n]));
			snprintf(params[n].name, sizeof(params[n].name), "%s",
				 dwarf_diename(&child) ? dwarf_diename(&child) : "");
			if (die_type(&child, &params[n].type))
				params[n].type.kind = TSDT_TYPE_UNTYPED;
			n++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return n;
}

int tsdt_debuginfo_enum_names(struct tsdt_debuginfo *di, const char *var,
			      int (*fn)(void *ctx, int64_t value, const char *name),
			      void *ctx)
{
	Dwarf_Attribute at;
	Dwarf_Die v, t, e;
	int n = 0;

	if (!di || !find_in_cus(di, find_var, var, &v) ||
	    !dwarf_formref_die(dwarf_attr(&v, DW_AT_type, &at), &t) ||
	    !strip_type(&t, &t) || dwarf_tag(&t) != DW_TAG_enumeration_type ||
	    dwarf_child(&t, &e))
		return -ENOENT;
	do {
		Dwarf_Sword val;

		if (dwarf_tag(&e) != DW_TAG_enumerator || !dwarf_diename(&e) ||
		    dwarf_formsdata(dwarf_attr(&e, DW_AT_const_value, &at), &val))
			continue;
		if (fn(ctx, val, dwarf_diename(&e)))
			break;
		n++;
	} while (dwarf_siblingof(&e, &e) == 0);
	return n;
}
