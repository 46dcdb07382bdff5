/* topics.c: word communities ("topics") found from which words share tweets, for the
 * viewer-topic affinity feature. */
#include <math.h>

#include "models/models.h"

/*
 * The texts of up to TOPIC_SAMPLE original tweets (an even sample) give each word's
 * document frequency and each pair's co-occurrence count. Words in at least TOPIC_MIN_DF
 * tweets (at most TOPIC_MAX_WORDS of them, the most frequent) are nodes; two words are
 * linked when they share at least 3 tweets with a pointwise mutual information above
 * TOPIC_MIN_PMI, weighted by PMI x log1p(shared tweets). The cut is high enough that the
 * words of a sentence template, which meet the words of every topic, do not tie two
 * topics into one community (at 0.5 the technology and music words of the synthetic
 * world formed one community, through "new", "that", "can"...). Label propagation over that graph
 * (each word takes the label with the largest total weight among its neighbours, words
 * in order of frequency, ties to the smaller label, until nothing changes or 20 rounds)
 * puts words that appear together into one community. A word keeps its community only
 * when at least half of its link weight goes there and that weight is at least
 * TOPIC_MIN_STRENGTH (a tenth) of the community's strongest word's: filler words, whose
 * few links barely pass the PMI cut, stay out; so do communities under 3 words.
 * Everything is a function of the texts alone: no behaviour, no randomness.
 *
 * Why a tenth: a subject's nouns that mostly appear alone in short sentences ("Still
 * thinking about that album.") have few links. At a fifth, "album", "lyric", "glitch",
 * "telescope" and "experiment" (12% to 18% of their community's strongest word, nearly all their
 * link weight inside it) were left out, and 50 of the default world's 10,000 original
 * tweets had no topic word; with a tenth, 2 had none, and the share of original tweets in
 * their hidden topic's community rose from 97.9% to 99.6%.
 *
 * A text's topic is the community with the largest sum of its words' weights
 * (mrs_topic_of_text), a word weighing (words in its community)^2 / (its document
 * frequency): a template's words are in many tweets and weigh little, a topic's own words
 * are rarer and decide, and a subject (a community of dozens of words) outweighs a
 * register or a phrase (a handful of insults or a template's words) found beside it.
 */
#define TOPIC_SAMPLE 200000u
#define TOPIC_MIN_DF 5u
#define TOPIC_MAX_WORDS 20000u
#define TOPIC_WORDS_PER_TWEET 24
#define TOPIC_MIN_PMI 1.5
#define TOPIC_MIN_STRENGTH 0.1f

struct mrs_topics {
	uint64_t *key;   /* word hash, 0 for an empty slot */
	int32_t *topic;  /* its community, or -1 */
	float *weight;   /* its vote for its community in a text (mrs_topic_of_text) */
	uint32_t mask;
	uint32_t n_topics;
	bool mapped;     /* key and topic live in a snapshot */
};

/* ------------------------------------------------------------------ words */

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static bool starts_link(const char *s)
{
	return s[0] == 'h' && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

/* Features hash the words of every candidate's text, so this runs per candidate: the
 * link test looks at the first byte before comparing strings, and FNV-1a runs inline
 * (the same hash mrs_fnv1a gives). */
size_t mrs_text_words(const char *s, uint64_t *out, size_t cap)
{
	size_t n = 0;
	while (*s && n < cap) {
		if (starts_link(s)) {
			while (*s && *s != ' ')
				s++;
			continue;
		}
		if (!word_char((unsigned char)*s)) {
			s++;
			continue;
		}
		uint64_t h = MRS_FNV_START;
		size_t len = 0;
		for (; word_char((unsigned char)*s); s++, len++) {
			unsigned char c = (unsigned char)*s;
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			h = (h ^ c) * MRS_FNV_PRIME;
		}
		if (len >= 3)
			out[n++] = h | 1; /* never 0: 0 marks an empty slot */
	}
	return n;
}

/* ------------------------------------------------------------------ a growable map */

typedef struct u64map {
	uint64_t *key;
	uint32_t *val;
	uint32_t mask, n;
} u64map;

static uint32_t slot_of(const u64map *m, uint64_t k)
{
	uint32_t i = (uint32_t)mrs_hash64(k) & m->mask;
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & m->mask;
	return i;
}

static int map_init(u64map *m, uint32_t cap, mrs_error *err)
{
	m->mask = cap - 1;
	m->n = 0;
	m->key = mrs_calloc(cap, sizeof(uint64_t), "topics", err);
	m->val = mrs_calloc(cap, sizeof(uint32_t), "topics", err);
	return m->key && m->val ? 0 : -1;
}

static void map_free(u64map *m)
{
	free(m->key), free(m->val);
	memset(m, 0, sizeof *m);
}

/* Adds 1 to k's count (keys are never 0). */
static int map_add(u64map *m, uint64_t k, mrs_error *err)
{
	if ((m->n + 1) * 2 > m->mask + 1) {
		u64map g;
		if (map_init(&g, (m->mask + 1) * 2, err)) {
			map_free(&g);
			return -1;
		}
		for (uint32_t i = 0; i <= m->mask; i++)
			if (m->key[i]) {
				uint32_t s = slot_of(&g, m->key[i]);
				g.key[s] = m->key[i], g.val[s] = m->val[i];
			}
		g.n = m->n;
		map_free(m);
		*m = g;
	}
	uint32_t s = slot_of(m, k);
	if (!m->key[s]) {
		m->key[s] = k;
		m->n++;
	}
	m->val[s]++;
	return 0;
}

/* ------------------------------------------------------------------ building */

typedef struct vword {
	uint64_t hash;
	uint32_t df;
} vword;

static int cmp_vword(const void *a, const void *b)
{
	const vword *x = a, *y = b;
	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

typedef struct builder {
	const mrs_dataset *ds;
	uint32_t stride, n_docs;
	vword *vocab;
	uint32_t V;
	u64map index;  /* word hash -> vocab position + 1 */
	mrs_error *err;
} builder;

/* The sampled tweets' vocabulary positions, unique, into out; returns how many. */
static size_t doc_words(const builder *b, uint32_t t, uint32_t *out)
{
	uint64_t w[TOPIC_WORDS_PER_TWEET];
	size_t n = mrs_text_words(mrs_tweet_text(b->ds, t), w, TOPIC_WORDS_PER_TWEET), m = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t s = slot_of(&b->index, w[k]);
		if (b->index.key[s])
			out[m++] = b->index.val[s] - 1;
	}
	qsort(out, m, sizeof *out, cmp_u32);
	size_t u = 0;
	for (size_t k = 0; k < m; k++)
		if (!u || out[u - 1] != out[k])
			out[u++] = out[k];
	return u;
}

static bool sampled(const builder *b, uint32_t t)
{
	return t % b->stride == 0 && b->ds->tweet_rt_of[t] == MRS_NONE;
}

static int build_vocab(builder *b)
{
	const mrs_dataset *ds = b->ds;
	u64map df = {0};
	if (map_init(&df, 1024, b->err))
		goto fail;
	uint64_t w[TOPIC_WORDS_PER_TWEET];
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		if (!sampled(b, t))
			continue;
		b->n_docs++;
		size_t n = mrs_text_words(mrs_tweet_text(ds, t), w, TOPIC_WORDS_PER_TWEET);
		for (size_t k = 0; k < n; k++) {
			bool again = false; /* count a word once per tweet */
			for (size_t j = 0; j < k && !again; j++)
				again = w[j] == w[k];
			if (!again && map_add(&df, w[k], b->err))
				goto fail;
		}
	}
	b->vocab = mrs_calloc(df.n + 1, sizeof(vword), "topics", b->err);
	if (!b->vocab)
		goto fail;
	for (uint32_t i = 0; i <= df.mask; i++)
		if (df.key[i] && df.val[i] >= TOPIC_MIN_DF)
			b->vocab[b->V++] = (vword){df.key[i], df.val[i]};
	qsort(b->vocab, b->V, sizeof(vword), cmp_vword);
	b->V = MRS_MIN(b->V, TOPIC_MAX_WORDS);
	map_free(&df);
	uint32_t cap = 64;
	while (cap < b->V * 2 + 2)
		cap *= 2;
	if (map_init(&b->index, cap, b->err))
		return -1;
	for (uint32_t i = 0; i < b->V; i++) {
		uint32_t s = slot_of(&b->index, b->vocab[i].hash);
		b->index.key[s] = b->vocab[i].hash;
		b->index.val[s] = i + 1;
	}
	return 0;
fail:
	map_free(&df);
	return -1;
}

/* Weighted word graph as CSR (both directions). */
typedef struct graph {
	uint32_t *off, *nbr;
	float *w;
} graph;

static int build_graph(builder *b, graph *g)
{
	const mrs_dataset *ds = b->ds;
	uint32_t V = b->V;
	u64map pairs = {0};
	uint32_t words[TOPIC_WORDS_PER_TWEET];
	uint32_t *fill = NULL;
	if (map_init(&pairs, 1024, b->err))
		goto fail;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		if (!sampled(b, t))
			continue;
		size_t n = doc_words(b, t, words);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (map_add(&pairs, (uint64_t)words[i] * V + words[j] + 1, b->err))
					goto fail;
	}
	g->off = mrs_calloc((size_t)V + 1, sizeof(uint32_t), "topics", b->err);
	fill = mrs_calloc((size_t)V + 1, sizeof(uint32_t), "topics", b->err);
	if (!g->off || !fill)
		goto fail;
	/* keep pairs sharing >= 3 tweets with PMI > 0.5 */
	double N = b->n_docs;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t s = 0; s <= pairs.mask; s++) {
			if (!pairs.key[s] || pairs.val[s] < 3)
				continue;
			uint64_t k = pairs.key[s] - 1;
			uint32_t i = (uint32_t)(k / V), j = (uint32_t)(k % V);
			double c = pairs.val[s];
			double pmi = log(c * N / ((double)b->vocab[i].df * b->vocab[j].df));
			if (pmi <= TOPIC_MIN_PMI)
				continue;
			if (pass == 0) {
				g->off[i + 1]++, g->off[j + 1]++;
				continue;
			}
			float w = (float)(pmi * log1p(c));
			g->nbr[fill[i]] = j, g->w[fill[i]++] = w;
			g->nbr[fill[j]] = i, g->w[fill[j]++] = w;
		}
		if (pass == 0) {
			for (uint32_t v = 0; v < V; v++)
				g->off[v + 1] += g->off[v];
			memcpy(fill, g->off, sizeof(uint32_t) * V);
			g->nbr = mrs_calloc(g->off[V] + 1, sizeof(uint32_t), "topics", b->err);
			g->w = mrs_calloc(g->off[V] + 1, sizeof(float), "topics", b->err);
			if (!g->nbr || !g->w)
				goto fail;
		}
	}
	free(fill);
	map_free(&pairs);
	return 0;
fail:
	free(fill);
	map_free(&pairs);
	return -1;
}

/* Label propagation; label[] receives each word's community (a word index). */
static int propagate(const graph *g, uint32_t V, uint32_t *label, mrs_error *err)
{
	float *acc = mrs_calloc((size_t)V + 1, sizeof(float), "topics", err);
	uint32_t *touched = mrs_calloc((size_t)V + 1, sizeof(uint32_t), "topics", err);
	if (!acc || !touched) {
		free(acc), free(touched);
		return -1;
	}
	for (uint32_t v = 0; v < V; v++)
		label[v] = v;
	for (int round = 0; round < 20; round++) {
		uint32_t changed = 0;
		for (uint32_t v = 0; v < V; v++) {
			uint32_t nt = 0;
			for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
				uint32_t l = label[g->nbr[e]];
				if (acc[l] == 0)
					touched[nt++] = l;
				acc[l] += g->w[e];
			}
			if (!nt)
				continue;
			uint32_t best = label[v];
			float bw = acc[best];
			for (uint32_t k = 0; k < nt; k++) {
				uint32_t l = touched[k];
				if (acc[l] > bw || (acc[l] == bw && l < best))
					best = l, bw = acc[l];
			}
			for (uint32_t k = 0; k < nt; k++)
				acc[touched[k]] = 0;
			if (best != label[v]) {
				label[v] = best;
				changed++;
			}
		}
		if (!changed)
			break;
	}
	free(acc), free(touched);
	return 0;
}

mrs_topics *mrs_topics_build(const mrs_dataset *ds, mrs_error *err)
{
	builder b = {.ds = ds, .err = err};
	b.stride = ds->n_tweets > TOPIC_SAMPLE ? (ds->n_tweets + TOPIC_SAMPLE - 1) / TOPIC_SAMPLE : 1;
	graph g = {0};
	uint32_t *label = NULL, *size = NULL;
	int32_t *id = NULL;
	mrs_topics *t = mrs_calloc(1, sizeof *t, "topics", err);
	if (!t || build_vocab(&b) || build_graph(&b, &g))
		goto fail;
	uint32_t V = b.V;
	label = mrs_calloc((size_t)V + 1, sizeof(uint32_t), "topics", err);
	size = mrs_calloc((size_t)V + 1, sizeof(uint32_t), "topics", err);
	id = mrs_calloc((size_t)V + 1, sizeof(int32_t), "topics", err);
	if (!label || !size || !id || propagate(&g, V, label, err))
		goto fail;
	/* a word belongs to its community when most of its link weight goes there and that
	 * weight is at least TOPIC_MIN_STRENGTH of the community's strongest word's: filler
	 * words have only a few weak links that survive the PMI cut */
	float *own = mrs_calloc((size_t)V + 1, sizeof(float), "topics", err);
	float *top = mrs_calloc((size_t)V + 1, sizeof(float), "topics", err);
	if (!own || !top) {
		free(own), free(top);
		goto fail;
	}
	for (uint32_t v = 0; v < V; v++) {
		double all = 0;
		for (uint32_t e = g.off[v]; e < g.off[v + 1]; e++) {
			all += g.w[e];
			own[v] += label[g.nbr[e]] == label[v] ? g.w[e] : 0;
		}
		if (all <= 0 || own[v] < 0.5 * all)
			own[v] = 0;
		top[label[v]] = fmaxf(top[label[v]], own[v]);
	}
	for (uint32_t v = 0; v < V; v++)
		if (!(own[v] > 0 && own[v] >= TOPIC_MIN_STRENGTH * top[label[v]]))
			label[v] = UINT32_MAX;
	free(own), free(top);
	for (uint32_t v = 0; v < V; v++)
		if (label[v] != UINT32_MAX)
			size[label[v]]++;
	for (uint32_t v = 0; v < V; v++)
		id[v] = -1;
	for (uint32_t v = 0; v < V; v++) /* ids in order of each community's first word */
		if (label[v] != UINT32_MAX && size[label[v]] >= 3 && id[label[v]] < 0)
			id[label[v]] = (int32_t)t->n_topics++;
	uint32_t cap = 64;
	while (cap < V * 2 + 2)
		cap *= 2;
	t->mask = cap - 1;
	t->key = mrs_calloc(cap, sizeof(uint64_t), "topics", err);
	t->topic = mrs_calloc(cap, sizeof(int32_t), "topics", err);
	t->weight = mrs_calloc(cap, sizeof(float), "topics", err);
	if (!t->key || !t->topic || !t->weight)
		goto fail;
	for (uint32_t v = 0; v < V; v++) {
		if (label[v] == UINT32_MAX || id[label[v]] < 0)
			continue;
		uint32_t i = (uint32_t)mrs_hash64(b.vocab[v].hash) & t->mask;
		while (t->key[i])
			i = (i + 1) & t->mask;
		t->key[i] = b.vocab[v].hash;
		t->topic[i] = id[label[v]];
		double n = size[label[v]];
		t->weight[i] = (float)(n * n / b.vocab[v].df);
	}
	free(label), free(size), free(id), free(g.off), free(g.nbr), free(g.w);
	free(b.vocab), map_free(&b.index);
	return t;
fail:
	free(label), free(size), free(id), free(g.off), free(g.nbr), free(g.w);
	free(b.vocab), map_free(&b.index);
	mrs_topics_free(t);
	return NULL;
}

void mrs_topics_free(mrs_topics *t)
{
	if (!t)
		return;
	if (!t->mapped)
		free(t->key), free(t->topic), free(t->weight);
	free(t);
}

int mrs_topics_snap(mrs_topics **tp, mrs_snap_io *io)
{
	if (!io->writing && !(*tp = mrs_calloc(1, sizeof **tp, "word topics", io->err)))
		return -1;
	mrs_topics *t = *tp;
	t->mapped = !io->writing;
	uint32_t head[2] = {t->mask, t->n_topics};
	if (mrs_snap_value(io, "topics.head", head, sizeof head))
		return -1;
	t->mask = head[0], t->n_topics = head[1];
	size_t n = (size_t)t->mask + 1;
	return MRS_SNAP_ARRAY(io, "topics.key", t->key, n) ||
			       MRS_SNAP_ARRAY(io, "topics.topic", t->topic, n) ||
			       MRS_SNAP_ARRAY(io, "topics.weight", t->weight, n)
		       ? -1
		       : 0;
}

uint32_t mrs_topics_count(const mrs_topics *t)
{
	return t ? t->n_topics : 0;
}

/* The slot of a word hash in t (empty when the word has no community). */
static uint32_t word_slot(const mrs_topics *t, uint64_t word)
{
	uint32_t i = (uint32_t)mrs_hash64(word) & t->mask;
	while (t->key[i] && t->key[i] != word)
		i = (i + 1) & t->mask;
	return i;
}

int32_t mrs_topic_of_word(const mrs_topics *t, uint64_t word)
{
	if (!t || !t->n_topics)
		return -1;
	uint32_t i = word_slot(t, word);
	return t->key[i] ? t->topic[i] : -1;
}

int32_t mrs_topic_of_text(const mrs_topics *t, const uint64_t *words, size_t n)
{
	if (!t || !t->n_topics)
		return -1;
	/* a text has few words: the sums live beside the words, not in a [n_topics] table */
	int32_t topic[64];
	double sum[64];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = word_slot(t, words[i]);
		if (!t->key[s] || t->topic[s] < 0)
			continue;
		size_t j = 0;
		while (j < k && topic[j] != t->topic[s])
			j++;
		if (j == k) {
			if (k == sizeof topic / sizeof *topic)
				continue;
			topic[k] = t->topic[s], sum[k++] = 0;
		}
		sum[j] += t->weight[s];
	}
	int32_t best = -1;
	double bw = 0;
	for (size_t j = 0; j < k; j++)
		if (best < 0 || sum[j] > bw || (sum[j] == bw && topic[j] < best))
			best = topic[j], bw = sum[j];
	return best;
}
