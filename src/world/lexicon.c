/* lexicon.c: per-topic words, accounts, hashtags and sentence templates, toxic and NSFW
 * lexicons, handles, and the writer that makes a tweet's text from them. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "world/world.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* tech, sports, music, politics, gaming, science, food (the order of mrs_topic_name) */
const char *const mrs_lex_topic[MRS_N_TOPICS][MRS_LEX_TOPIC_WORDS] = {
	{"compiler", "database", "laptop", "chip", "gpu", "kernel", "api", "framework",
	 "browser", "app", "server", "robot", "ai model", "dataset", "benchmark", "terminal",
	 "keyboard", "cloud platform", "encryption library", "firmware", "release", "patch",
	 "codebase", "programming language", "smartphone", "search engine", "data center",
	 "text editor", "container runtime", "quantum computer"},
	{"match", "derby", "league title", "final", "trophy", "transfer", "penalty",
	 "season opener", "playoff game", "marathon", "sprint", "tennis open", "cup tie",
	 "rugby test", "cricket series", "grand prix", "striker", "goalkeeper", "coach",
	 "captain", "stadium", "kickoff", "championship", "medal race", "training camp",
	 "injury list", "squad", "fixture list", "relay", "comeback"},
	{"album", "single", "tour", "concert", "festival", "remix", "mixtape", "setlist",
	 "music video", "vinyl pressing", "acoustic session", "encore", "soundtrack", "duet",
	 "chorus", "guitar solo", "drum fill", "piano ballad", "synth track", "jazz night",
	 "opera", "choir", "record deal", "headline slot", "playlist", "bassline", "collab",
	 "lyric", "studio session", "band"},
	{"election", "budget", "tax bill", "reform", "referendum", "debate", "poll", "ballot",
	 "campaign", "coalition deal", "treaty", "sanctions package", "court ruling",
	 "amendment", "veto", "protest", "rally", "summit", "cabinet reshuffle", "policy",
	 "manifesto", "primary", "senate vote", "district map", "turnout", "lobby group",
	 "constitution", "parliament session", "minister", "caucus"},
	{"speedrun", "boss fight", "raid", "patch", "expansion", "esports final",
	 "tournament", "leaderboard", "controller", "console", "headset", "quest line",
	 "loot system", "ranked season", "mod", "roguelike", "platformer", "indie game",
	 "shooter", "mmo", "sandbox", "skin", "glitch", "stream", "dungeon",
	 "arcade cabinet", "coop mode", "retro remaster", "level editor", "achievement"},
	{"telescope", "galaxy", "genome", "experiment", "fossil", "particle", "vaccine",
	 "neuron", "orbit", "rover", "comet", "enzyme", "protein", "microscope", "volcano",
	 "species", "asteroid", "molecule", "eclipse", "journal paper", "theory", "quasar",
	 "bacteria", "fusion reactor", "spectrum", "satellite", "glacier", "climate model",
	 "lab result", "hypothesis"},
	{"pasta", "sourdough", "brunch", "ramen", "taco", "espresso", "dessert", "curry",
	 "barbecue", "dumplings", "salad", "chocolate cake", "cheesecake", "croissant",
	 "sushi", "fried chicken", "pizza", "brisket", "matcha", "pancakes", "soup", "burger",
	 "pastry", "smoothie", "seafood", "risotto", "lasagna", "noodles", "falafel",
	 "bagels"},
};

const char *const mrs_lex_entities[MRS_N_TOPICS][MRS_LEX_ENTITIES] = {
	{"Nimbus Labs", "Kernelworks", "Bytefield", "Quillstack", "Orbitly", "Tensorlane",
	 "Pebble OS", "Lumen AI", "Forgehub", "Stackbird", "Vantage Cloud", "Circuitry"},
	{"Riverside FC", "the Harbor Hawks", "Northgate United", "the Cobalt Kings",
	 "Coach Alvarez", "the Ironwood Rovers", "Maya Okafor", "the Summit Sprinters",
	 "Lakeview Athletic", "Dan Kowalski", "the Granite Bears", "Elena Ruiz"},
	{"Velvet Static", "the Paper Lanterns", "DJ Marlow", "Nova Reyes", "Echo Harbor",
	 "the Midnight Choir", "Luca Bright", "Saltwater Radio", "Iris Vale",
	 "the Copper Tones", "Juno Park", "Static Bloom"},
	{"Senator Hale", "the Reform Party", "Governor Okonkwo", "Mayor Lindqvist",
	 "the Coalition", "Minister Tran", "the Unity Bloc", "Councillor Reyes",
	 "the Civic Alliance", "Speaker Brandt", "the Green List", "President Adeyemi"},
	{"Starfall Online", "Pixel Forge", "Crimson Raid", "Dungeon Drift", "Nightowl Tactics",
	 "Ember Quest", "Lunar Arcade", "Void Knights", "Retro Rumble", "Gridlock Racing",
	 "Hexbound", "Moss Garden"},
	{"the Halvorsen Lab", "Kepler Station", "the Marine Institute", "Dr. Amara Singh",
	 "the Orion Observatory", "Professor Liang", "the Glacier Survey", "the Helix Project",
	 "Polar Base Seven", "the Delta Rover team", "Dr. Jonas Berg", "the Fermi Group"},
	{"Mama Rosa's", "the Copper Pot", "Chef Tomasz", "Noodle Bar 88", "Sunrise Bakery",
	 "the Smokehouse", "Green Fork", "Chef Aiko", "the Night Market", "Bean There Cafe",
	 "Taco Loco", "the Salt Room"},
};

const char *const mrs_lex_tags[MRS_N_TOPICS][MRS_LEX_TAGS] = {
	{"#tech", "#AI", "#opensource", "#devlife", "#cloud", "#programming"},
	{"#sports", "#football", "#matchday", "#tennis", "#running", "#sportsnews"},
	{"#music", "#newmusic", "#nowplaying", "#livemusic", "#vinyl", "#concert"},
	{"#politics", "#election", "#policy", "#vote", "#democracy", "#breaking"},
	{"#gaming", "#esports", "#speedrun", "#indiegame", "#streamer", "#retrogaming"},
	{"#science", "#space", "#research", "#climate", "#biology", "#astronomy"},
	{"#food", "#foodie", "#recipe", "#brunch", "#baking", "#streetfood"},
};

/* the hashtags of trending events; a trend takes one of its topic's */
const char *const mrs_lex_event_tags[MRS_N_TOPICS][MRS_LEX_EVENT_TAGS] = {
	{"#LaunchDay", "#DevConf", "#ChipShortage", "#OutageWatch", "#AIWeek", "#BigMerger",
	 "#KernelFest", "#HackNight", "#CloudSummit", "#ZeroDay", "#ShipIt", "#BetaDrop"},
	{"#DerbyDay", "#CupFinal", "#TransferDeadline", "#MarathonSunday", "#GrandPrix",
	 "#OpenFinal", "#SeasonOpener", "#Playoffs", "#RivalryWeek", "#MedalNight",
	 "#DeadlineDay", "#TitleRace"},
	{"#FestivalWeekend", "#AlbumDrop", "#TourAnnounce", "#AwardsNight", "#VinylDay",
	 "#ReunionTour", "#NewSingle", "#LiveTonight", "#ChartWeek", "#EncoreNight",
	 "#SoundcheckLive", "#MixtapeMonday"},
	{"#ElectionNight", "#BudgetDay", "#DebateNight", "#SummitTalks", "#VoteNow",
	 "#RecallVote", "#PolicyWeek", "#CourtRuling", "#CabinetShakeup", "#TaxReform",
	 "#Referendum", "#PrimaryDay"},
	{"#PatchDay", "#LANFinals", "#GameAwards", "#NewSeason", "#SpeedrunMarathon",
	 "#RaidNight", "#LaunchTrailer", "#BetaWeekend", "#ModJam", "#ServerMeltdown",
	 "#RetroWeek", "#Worlds"},
	{"#EclipseDay", "#LaunchWindow", "#NobelWeek", "#MarsLanding", "#CometWatch",
	 "#ClimateReport", "#GenomeWeek", "#FusionBreakthrough", "#MeteorShower",
	 "#FieldSeason", "#FossilFind", "#NewSpecies"},
	{"#FoodFest", "#BakeOff", "#TacoTuesday", "#RamenWeek", "#BrunchClub",
	 "#NightMarket", "#ChiliCookoff", "#PizzaWeek", "#HarvestFair", "#CoffeeDay",
	 "#StreetEats", "#BBQSeason"},
};

/* "who did what" per topic: $N is one of the topic's nouns */
static const char *const did[MRS_N_TOPICS][8] = {
	{"shipped a new $N", "open-sourced its $N", "announced a faster $N",
	 "fixed the $N bug everyone hated", "raised money for a $N startup",
	 "rewrote the $N in rust", "killed the old $N", "launched a $N for developers"},
	{"won the $N", "lost the $N in extra time", "sacked the $N", "broke the $N record",
	 "signed a new $N", "clinched the $N", "scored twice in the $N", "dropped the $N"},
	{"dropped a new $N", "announced a $N", "cancelled the $N", "played the $N live",
	 "teased a $N", "sold out the $N", "released a $N remix", "won best $N"},
	{"proposed a new $N", "blocked the $N", "won the $N", "called for a $N",
	 "lost the $N", "backed the $N", "leaked the $N", "walked out of the $N"},
	{"patched the $N", "announced a $N", "broke the $N record", "won the $N",
	 "nerfed the $N", "leaked the $N", "released a $N update", "delayed the $N"},
	{"published a $N study", "questioned the $N", "measured the $N",
	 "revisited the $N", "confirmed the $N", "presented the $N", "found a surprise in the $N",
	 "doubled down on the $N"},
	{"opened a $N spot", "made the best $N", "added $N to the menu", "won the $N contest",
	 "shared a $N recipe", "stopped serving the $N", "started a $N night", "sold out of $N"},
};

/* topic frames: $E and $F accounts, $N and $M nouns, $A an opinion, $V what $E did */
static const char *const frames[MRS_N_TOPICS][6] = {
	{"Spent all night fighting the $N. Send coffee.",
	 "Hot take: the new $N from $E is $A.",
	 "Is it just me or is every $N $A now?",
	 "We moved our $N to $E last week. Verdict: $A.",
	 "Benchmarks are in: the $N from $E is $A.",
	 "Anyone else seeing $N errors after the $M update?"},
	{"What a $N. Verdict on $E tonight: $A.",
	 "Who else is watching $E in the $N?",
	 "Hot take: the $N from $E is $A.",
	 "That $N was $A. Still shaking.",
	 "$E vs $F this weekend. Predictions?",
	 "The $N decides everything. Form guide on $E: $A."},
	{"Can't stop playing the new $N by $E. $A.",
	 "Saw $E live last night. The $N was $A.",
	 "Unpopular opinion: the $N is $A.",
	 "Who's going to the $N this weekend?",
	 "The $N on the new record from $E is $A.",
	 "$E and $F on one $N? $A."},
	{"The $N vote is tomorrow. Call your rep.",
	 "Honest question: is the $N $A, or is it just spin?",
	 "$E on the $N: $A.",
	 "Polls say the $N is close. $E needs a miracle.",
	 "Watching the $N with $F in the room. $A.",
	 "The $N is $A and $E knows it."},
	{"Three hours into the $N and it is $A.",
	 "Anyone else stuck on the $N in $E?",
	 "The $N in $E is $A. Fight me.",
	 "Streaming $E tonight: $N attempts until we win.",
	 "The new $N from $E is $A.",
	 "$E or $F for the next $N? Vote below."},
	{"New paper from $E: the $N is stranger than we thought.",
	 "Wild result on the $N from $E. Peer review will be fun.",
	 "Is the $N finding $A or overhyped?",
	 "Field notes: the $N and the $M, both $A.",
	 "The $N data from $E is $A.",
	 "$E and $F disagree about the $N. Popcorn."},
	{"Made $N tonight and it came out $A.",
	 "Best $N in town? $E, no contest.",
	 "Is the $N at $E $A or am I just hungry?",
	 "Sunday plan: $N, $M and a nap.",
	 "Tried the $N at $E. $A.",
	 "$E vs $F: whose $N wins?"},
};

/* frames any topic uses; $L marks the ones that read best with a link */
static const char *const shared_frames[] = {
	"$E just $V.",
	"Big news: $E $V.",
	"So $E $V. Did not see that coming.",
	"Can we talk about the $N for a second?",
	"Thread: everything you need to know about the $N.",
	"Still thinking about that $N.",
	"$LReading about $E and the $N.",
	"$LNew post: what the $N means for the $M.",
	"$LGreat explainer on the $N from $E.",
};

static const char *const opinions[] = {
	"brilliant", "overrated", "underrated", "wild", "huge", "a disaster", "incredible",
	"disappointing", "so good", "a mess", "genius", "boring", "massive", "unreal",
	"questionable", "perfect",
};

static const char *const quote_comments[] = {
	"This is huge.", "Can't believe this.", "Finally.", "Told you so.", "Big if true.",
	"Worth a read.", "Exactly what I said last week.", "Hard disagree.", "Wow.",
	"Saving this.", "Not surprised.", "About time.", "This one is for you.",
	"Read the whole thing.",
};

const char *const mrs_lex_toxic[] = {
	"idiot", "stupid", "moron", "loser", "trash", "pathetic", "clown", "dumb",
	"shutup", "garbage", "disgusting", "scum", "worthless", "imbecile", "jerk", "fool",
	"ugly", "hate", "braindead", "clueless", "fraud", "liar", "coward", "parasite", "vile",
};
const unsigned mrs_lex_n_toxic = N(mrs_lex_toxic);

const char *const mrs_lex_nsfw[] = {
	"nsfw", "nude", "lewd", "explicit", "xxx", "steamy", "spicy", "onlyfans", "thirst",
	"topless", "uncensored", "naughty", "sultry", "kinky", "adult", "18plus", "risque",
	"sensual", "racy", "boudoir",
};
const unsigned mrs_lex_n_nsfw = N(mrs_lex_nsfw);

/* clauses that carry toxic and NSFW words: what comes before the list and after it */
static const char *const toxic_clauses[][2] = {
	{"Honestly? ", "."}, {"The replies are ", "."}, {"Calling it now: ", "."},
	{"Zero sympathy. ", "."}, {"Everyone involved: ", "."},
};
static const char *const nsfw_clauses[][2] = {
	{"", " pics in my bio."}, {"DM for the ", " version."}, {"", " content, link in bio."},
	{"Feeling ", " tonight."},
};

const char *const mrs_lex_names[] = {
	"ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances",
	"edsger", "radia", "donald", "katherine", "john", "hedy", "tim", "annie", "claude",
	"mary", "niklaus", "sophie", "guido", "karen", "bjarne", "shafi", "leslie", "lynn",
	"yukihiro", "anita", "vint", "jean", "bob", "fran", "tony", "adele", "dana", "ivan",
	"joan", "larry", "ruth", "steve", "evelyn", "marvin", "betty", "alonzo", "carol",
	"seymour", "hal", "ida", "kurt", "lois", "rosalind", "paul", "hilda", "ron", "elena",
	"omar", "priya", "mei", "kofi", "ines", "tariq", "yara", "luca",
};
const unsigned mrs_lex_n_names = N(mrs_lex_names);

/* ------------------------------------------------------------------ the writer */

typedef struct sink {
	char *buf;
	size_t size, len;
} sink;

static void put(sink *s, const char *text)
{
	size_t n = strlen(text);
	if (s->len + 1 >= s->size)
		return;
	if (n > s->size - 1 - s->len)
		n = s->size - 1 - s->len;
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

/* Capitalises the first letter of each sentence written since `from`. */
static void capitalise(sink *s, size_t from)
{
	bool start = true;
	for (size_t i = from; i < s->len; i++) {
		unsigned char c = (unsigned char)s->buf[i];
		if (start && isalpha(c)) {
			s->buf[i] = (char)toupper(c);
			start = false;
		} else if (c == '.' || c == '?' || c == '!') {
			start = true;
		} else if (c != ' ' && c != '$' && c != '#') {
			start = false;
		}
	}
}

static const char *pick(mrs_rng *r, const char *const *list, unsigned n)
{
	return list[mrs_rng_below(r, n)];
}

/* Expands a template: $E/$F accounts, $N/$M nouns, $A an opinion, $V a deed of $E. */
static void expand(sink *s, const char *tpl, int topic, mrs_rng *r)
{
	uint32_t e = mrs_rng_below(r, MRS_LEX_ENTITIES), f = mrs_rng_below(r, MRS_LEX_ENTITIES - 1);
	uint32_t n = mrs_rng_below(r, MRS_LEX_TOPIC_WORDS), m = mrs_rng_below(r, MRS_LEX_TOPIC_WORDS - 1);
	f += f >= e;
	m += m >= n;
	for (const char *p = tpl; *p; p++) {
		if (*p != '$' || !p[1]) {
			char c[2] = {*p, '\0'};
			put(s, c);
			continue;
		}
		switch (*++p) {
		case 'E': put(s, mrs_lex_entities[topic][e]); break;
		case 'F': put(s, mrs_lex_entities[topic][f]); break;
		case 'N': put(s, mrs_lex_topic[topic][n]); break;
		case 'M': put(s, mrs_lex_topic[topic][m]); break;
		case 'A': put(s, pick(r, opinions, N(opinions))); break;
		case 'V': expand(s, did[topic][mrs_rng_below(r, 8)], topic, r); break;
		default: break; /* $L: a marker only */
		}
	}
}

/* Appends a clause carrying k words of a lexicon ("a, b and c"). */
static void add_clause(sink *s, const char *const (*clauses)[2], unsigned n_clauses,
		       const char *const *words, unsigned n_words, unsigned k, mrs_rng *r)
{
	char list[256] = "";
	size_t len = 0;
	for (unsigned i = 0; i < k && len < sizeof list - 40; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					i == 0 ? "" : i + 1 == k ? " and " : ", ",
					pick(r, words, n_words));
	const char *const *clause = clauses[mrs_rng_below(r, n_clauses)];
	put(s, " ");
	size_t at = s->len;
	put(s, clause[0]);
	put(s, list);
	put(s, clause[1]);
	capitalise(s, at);
}

/* Words in a clause: as many draws as a tweet has words (6 to 17), each a lexicon word
 * with probability 0.42 x latent^2: the rate the world has always used. */
static unsigned lexicon_words(double latent, mrs_rng *r)
{
	unsigned words = 6 + mrs_rng_below(r, 12), k = 0;
	double p = 0.42 * latent * latent;
	for (unsigned i = 0; i < words; i++)
		k += mrs_rng_uniform(r) < p;
	return k;
}

void mrs_lex_write_tweet(const mrs_lex_tweet *w, mrs_rng *r, char *buf, size_t size)
{
	sink s = {buf, size, 0};
	buf[0] = '\0';
	unsigned n_shared = N(shared_frames);
	const char *tpl;
	/* a link goes with a shared read; otherwise a topic frame or a shared one */
	if (w->link)
		tpl = shared_frames[n_shared - 3 + mrs_rng_below(r, 3)];
	else if (mrs_rng_uniform(r) < 0.65)
		tpl = frames[w->topic][mrs_rng_below(r, 6)];
	else
		tpl = shared_frames[mrs_rng_below(r, n_shared - 3)];
	expand(&s, tpl, w->topic, r);
	capitalise(&s, 0);
	unsigned tox = lexicon_words(w->toxicity, r), nsfw = lexicon_words(w->nsfw, r);
	if (tox)
		add_clause(&s, toxic_clauses, N(toxic_clauses), mrs_lex_toxic, mrs_lex_n_toxic, tox, r);
	if (nsfw)
		add_clause(&s, nsfw_clauses, N(nsfw_clauses), mrs_lex_nsfw, mrs_lex_n_nsfw, nsfw, r);
	if (w->event_tag) {
		put(&s, " ");
		put(&s, w->event_tag);
	}
	if (mrs_rng_uniform(r) < 0.3) {
		put(&s, " ");
		put(&s, mrs_lex_tags[w->topic][mrs_rng_below(r, MRS_LEX_TAGS)]);
	}
	if (w->link) {
		static const char alnum[] =
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		char url[32] = "https://t.co/";
		for (int i = 0; i < 8; i++)
			url[13 + i] = alnum[mrs_rng_below(r, sizeof alnum - 1)];
		url[21] = '\0';
		put(&s, " ");
		put(&s, url);
	}
}

void mrs_lex_write_retweet(mrs_rng *quote, const char *handle, const char *text, char *buf,
			   size_t size)
{
	sink s = {buf, size, 0};
	buf[0] = '\0';
	if (quote) {
		put(&s, pick(quote, quote_comments, N(quote_comments)));
		put(&s, " ");
	}
	put(&s, quote ? "QT @" : "RT @");
	put(&s, handle);
	put(&s, ": ");
	put(&s, text);
}
