// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tracer's events: getters over one ring record (valid only inside the
 * poll callback), as trace.h lays it out, and its arguments decoded by type
 * (tsdt_event__arg_value()), which every writer formats.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "trace-internal.h"

const struct tsdt_tracer *tsdt_event__tracer(const struct tsdt_event *ev)
{
	return ev->tr;
}

enum tsdt_event_kind tsdt_event__kind(const struct tsdt_event *ev)
{
	switch (ev->raw->hdr.type) {
	case TSDT_REC_PROBE: return TSDT_EVENT_PROBE;
	case TSDT_REC_FORK: return TSDT_EVENT_FORK;
	case TSDT_REC_EXEC: return TSDT_EVENT_EXEC;
	case TSDT_REC_EXIT: return TSDT_EVENT_EXIT;
	case TSDT_REC_LOAD: return TSDT_EVENT_LOAD;
	case TSDT_REC_ROLE: return TSDT_EVENT_ROLE;
	case TSDT_REC_SPAN: return TSDT_EVENT_SPAN;
	}
	return 0;
}

const char *tsdt_event_kind__str(enum tsdt_event_kind kind)
{
	switch (kind) {
	case TSDT_EVENT_PROBE: return "probe";
	case TSDT_EVENT_FORK: return "fork";
	case TSDT_EVENT_EXEC: return "exec";
	case TSDT_EVENT_EXIT: return "exit";
	case TSDT_EVENT_LOAD: return "load";
	case TSDT_EVENT_ROLE: return "role";
	case TSDT_EVENT_SPAN: return "span";
	}
	return "unknown";
}

pid_t tsdt_event__ppid(const struct tsdt_event *ev)
{
	return ev->proc ? ev->ppid : tsdt_follow_ppid(ev->tr, ev->raw->pid);
}

pid_t tsdt_event__child(const struct tsdt_event *ev)
{
	return ev->proc && ev->proc->hdr.type == TSDT_REC_FORK ? ev->proc->child : 0;
}

const char *tsdt_event__path(const struct tsdt_event *ev)
{
	return ev->path;
}

const char *tsdt_event__old_path(const struct tsdt_event *ev)
{
	return ev->old_path;
}

int tsdt_event__status(const struct tsdt_event *ev)
{
	return ev->proc && ev->proc->hdr.type == TSDT_REC_EXIT ?
		       (int)ev->proc->child : -1;
}

uint64_t tsdt_event__base(const struct tsdt_event *ev)
{
	if (!ev->proc || ev->proc->hdr.type != TSDT_REC_LOAD)
		return 0;
	return ev->proc->addr ? ev->proc->addr - ev->proc->pgoff : 0;
}

bool tsdt_event__held(const struct tsdt_event *ev)
{
	return ev->proc && (ev->proc->hdr.misc & TSDT_REC_HELD);
}

const char *tsdt_event__role(const struct tsdt_event *ev)
{
	int i;

	/* a declared role, or a string global's: the process's, as its
	 * ROLE records said (in the order of the events) */
	if (ev->tr->role_global < 0 ||
	    ev->tr->globals[ev->tr->role_global].type.kind == TSDT_TYPE_STR)
		return tsdt_follow_role(ev->tr, ev->raw->pid);
	/* the global, read at this hit: an argument after the probe's */
	if (ev->proc)
		return NULL;
	i = tsdt_probe__arg_cnt(tsdt_event__probe(ev)) + ev->tr->role_global;
	if (i >= ev->raw->arg_cnt || (ev->raw->err_mask & (1u << i)))
		return NULL;
	return tsdt_tracer_role_value_name(ev->tr, (int64_t)ev->args[i]);
}

uint64_t tsdt_event__lost(const struct tsdt_event *ev)
{
	return ev->lost;
}

uint64_t tsdt_event__timestamp(const struct tsdt_event *ev)
{
	return ev->raw->ts;
}

pid_t tsdt_event__pid(const struct tsdt_event *ev)
{
	return ev->raw->pid;
}

pid_t tsdt_event__tid(const struct tsdt_event *ev)
{
	return ev->raw->tid;
}

const char *tsdt_event__comm(const struct tsdt_event *ev)
{
	/* bpf_get_current_comm() NUL-terminates within 16 bytes */
	return ev->raw->comm;
}

const struct tsdt_probe *tsdt_event__probe(const struct tsdt_event *ev)
{
	return ev->proc ? NULL : ev->tr->probes[ev->raw->probe_idx];
}

size_t tsdt_event__probe_index(const struct tsdt_event *ev)
{
	return ev->proc ? (size_t)-1 : ev->raw->probe_idx;
}

int tsdt_event__arg_cnt(const struct tsdt_event *ev)
{
	return ev->raw->arg_cnt;
}

uint64_t tsdt_event__arg_raw(const struct tsdt_event *ev, int i)
{
	if (i < 0 || i >= ev->raw->arg_cnt)
		return 0;
	return ev->args[i];
}

int tsdt_event__arg_status(const struct tsdt_event *ev, int i)
{
	if (i < 0 || i >= ev->raw->arg_cnt)
		return -EINVAL;
	return ev->raw->err_mask & (1u << i) ? -EFAULT : 0;
}

const struct tsdt_type *tsdt_event__arg_type(const struct tsdt_event *ev,
					     int i)
{
	const struct tsdt_probe *p = tsdt_event__probe(ev);

	if (i < 0 || i >= ev->raw->arg_cnt || !p)
		return NULL;
	return tsdt_tracer_arg_type(ev->tr, p, i);
}

const char *tsdt_event__arg_name(const struct tsdt_event *ev, int i)
{
	const struct tsdt_probe *p = tsdt_event__probe(ev);

	if (i < 0 || i >= ev->raw->arg_cnt || !p)
		return NULL;
	return tsdt_tracer_arg_name(ev->tr, p, i);
}

/* The string slot of argument @i, or NULL if @i is not a string. */
static const struct tsdt_trace_str *str_slot(const struct tsdt_event *ev,
					     int i)
{
	int slot;

	if (i < 0 || i >= ev->raw->arg_cnt || i >= TSDT_MAX_ARGS || !ev->strs)
		return NULL;
	slot = ev->tr->str_slots[ev->raw->probe_idx][i];
	if (slot < 0 || slot >= ev->raw->str_cnt)
		return NULL;
	return (const struct tsdt_trace_str *)(ev->strs +
		slot * (sizeof(struct tsdt_trace_str) + ev->tr->str_max));
}

int tsdt_event__arg_str(const struct tsdt_event *ev, int i, const char **str)
{
	const struct tsdt_trace_str *st = str_slot(ev, i);
	const char *s;

	*str = NULL;
	if (!st)
		return -EINVAL;
	if (!ev->args[i])
		return -ENOENT;
	if (st->res <= 0)
		return st->res < 0 ? st->res : -EFAULT;
	s = (const char *)(st + 1);
	*str = s;
	return (int)strnlen(s, ev->tr->str_max - 1);
}

bool tsdt_event__arg_str_truncated(const struct tsdt_event *ev, int i)
{
	const struct tsdt_trace_str *st = str_slot(ev, i);

	/* the copy filled the slot: the string may go on */
	return st && st->res > 0 && (unsigned int)st->res >= ev->tr->str_max;
}

int tsdt_event__arg_value(const struct tsdt_event *ev, int i,
			  struct tsdt_value *v)
{
	const struct tsdt_type *t;
	uint64_t raw;
	int n;

	memset(v, 0, sizeof(*v));
	if (i < 0 || i >= ev->raw->arg_cnt) {
		v->err = -EINVAL;
		return -EINVAL;
	}
	t = tsdt_event__arg_type(ev, i);
	raw = ev->args[i];
	v->u = raw;
	/* a non-string argument BPF could not read (memory, or an %xmm
	 * register): never its 0 as if it were the value */
	if ((ev->raw->err_mask & (1u << i)) &&
	    (!t || t->kind != TSDT_TYPE_STR)) {
		v->kind = TSDT_VALUE_UNREADABLE;
		v->err = -EFAULT;
		return 0;
	}
	switch (t ? t->kind : TSDT_TYPE_UNTYPED) {
	case TSDT_TYPE_STR:
		n = tsdt_event__arg_str(ev, i, &v->str);
		if (n >= 0) {
			v->kind = TSDT_VALUE_STR;
			v->len = n;
			v->truncated = tsdt_event__arg_str_truncated(ev, i);
		} else if (n == -ENOENT) {
			v->kind = TSDT_VALUE_STR_NULL;
		} else {
			v->kind = TSDT_VALUE_STR_ERR;
			v->err = n;
		}
		break;
	case TSDT_TYPE_PTR:
		v->kind = TSDT_VALUE_PTR;
		break;
	case TSDT_TYPE_BOOL:
		v->kind = TSDT_VALUE_BOOL;
		v->u = tsdt_value_fit(raw, t->size, false) != 0;
		break;
	case TSDT_TYPE_FLOAT:
		v->kind = TSDT_VALUE_FLOAT;
		v->is_float = t->size == 4;
		if (v->is_float) {
			uint32_t bits = raw;
			float f;

			memcpy(&f, &bits, 4);
			v->d = f;
		} else {
			memcpy(&v->d, &raw, 8);
		}
		break;
	case TSDT_TYPE_INT:
	case TSDT_TYPE_ENUM:
	case TSDT_TYPE_UNTYPED:
	default:
		if (t && t->size)
			raw = tsdt_value_fit(raw, t->size, t->is_signed);
		v->u = raw;
		v->i = (int64_t)raw;
		v->kind = !t || t->is_signed ? TSDT_VALUE_INT : TSDT_VALUE_UINT;
		break;
	}
	return 0;
}
