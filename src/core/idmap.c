/* idmap.c: the id -> slot map of per-request accumulators (open addressing, slots in
 * insertion order). */
#include "core/core.h"

static int idmap_alloc(mrs_idmap *m, uint32_t cap, mrs_error *err)
{
	uint32_t *key = mrs_calloc(cap, sizeof(uint32_t), "id map", err);
	uint32_t *val = mrs_calloc(cap, sizeof(uint32_t), "id map", err);
	if (!key || !val) {
		free(key), free(val);
		return -1;
	}
	memset(key, 0xff, sizeof(uint32_t) * cap);
	free(m->key), free(m->val);
	m->key = key, m->val = val;
	m->mask = cap - 1;
	return 0;
}

int mrs_idmap_reset(mrs_idmap *m, uint32_t expect, mrs_error *err)
{
	uint32_t cap = 16;
	while (cap < 2 * (uint64_t)expect + 8 && cap < (1u << 31))
		cap *= 2;
	if (!m->key || m->mask + 1 < cap) {
		if (idmap_alloc(m, cap, err))
			return -1;
	} else if (m->n > (m->mask + 1) / 8) {
		memset(m->key, 0xff, sizeof(uint32_t) * (m->mask + 1));
	} else {
		/* few ids: clear only their slots (the search walks past slots already
		 * emptied, so it finds every id) */
		for (uint32_t i = 0; i < m->n; i++) {
			uint32_t h = (uint32_t)mrs_hash64(m->ids[i]) & m->mask;
			while (m->key[h] != m->ids[i])
				h = (h + 1) & m->mask;
			m->key[h] = MRS_NONE;
		}
	}
	m->n = 0;
	return mrs_grow((void **)&m->ids, &m->ids_cap, MRS_MAX(expect, 16u), sizeof(uint32_t),
			"id map", err);
}

uint32_t mrs_idmap_get(const mrs_idmap *m, uint32_t id)
{
	if (!m->key)
		return MRS_NONE;
	uint32_t h = (uint32_t)mrs_hash64(id) & m->mask;
	while (m->key[h] != MRS_NONE) {
		if (m->key[h] == id)
			return m->val[h];
		h = (h + 1) & m->mask;
	}
	return MRS_NONE;
}

static int idmap_rehash(mrs_idmap *m, uint32_t cap, mrs_error *err)
{
	uint32_t *oldk = m->key, *oldv = m->val, oldcap = m->mask + 1;
	m->key = m->val = NULL;
	if (idmap_alloc(m, cap, err)) {
		m->key = oldk, m->val = oldv;
		return -1;
	}
	for (uint32_t i = 0; i < oldcap; i++) {
		if (oldk[i] == MRS_NONE)
			continue;
		uint32_t h = (uint32_t)mrs_hash64(oldk[i]) & m->mask;
		while (m->key[h] != MRS_NONE)
			h = (h + 1) & m->mask;
		m->key[h] = oldk[i];
		m->val[h] = oldv[i];
	}
	free(oldk), free(oldv);
	return 0;
}

uint32_t mrs_idmap_put(mrs_idmap *m, uint32_t id, bool *added, mrs_error *err)
{
	if (added)
		*added = false;
	if (!m->key && mrs_idmap_reset(m, 16, err))
		return MRS_NONE;
	if (2 * (uint64_t)(m->n + 1) > m->mask + 1 && idmap_rehash(m, (m->mask + 1) * 2, err))
		return MRS_NONE;
	uint32_t h = (uint32_t)mrs_hash64(id) & m->mask;
	while (m->key[h] != MRS_NONE) {
		if (m->key[h] == id)
			return m->val[h];
		h = (h + 1) & m->mask;
	}
	if (mrs_grow((void **)&m->ids, &m->ids_cap, (size_t)m->n + 1, sizeof(uint32_t), "id map",
		     err))
		return MRS_NONE;
	m->key[h] = id;
	m->val[h] = m->n;
	m->ids[m->n] = id;
	if (added)
		*added = true;
	return m->n++;
}

int mrs_idmap_reserve(mrs_idmap *m, uint32_t more, mrs_error *err)
{
	if (!m->key && mrs_idmap_reset(m, 16, err))
		return -1;
	uint64_t want = (uint64_t)m->n + more;
	uint32_t cap = m->mask + 1;
	while (2 * want > cap && cap < (1u << 31))
		cap *= 2;
	if (cap != m->mask + 1 && idmap_rehash(m, cap, err))
		return -1;
	return mrs_grow((void **)&m->ids, &m->ids_cap, MRS_MAX(want, 16u), sizeof(uint32_t),
			"id map", err);
}

void mrs_idmap_free(mrs_idmap *m)
{
	free(m->key), free(m->val), free(m->ids);
	memset(m, 0, sizeof *m);
}
