/* lexicon.c: per-topic vocabularies, filler words, toxic and NSFW lexicons, handles. */
#include "world/world.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const mrs_lex_topic[MRS_N_TOPICS][MRS_LEX_TOPIC_WORDS] = {
	{"code", "startup", "linux", "compiler", "cloud", "chip", "gpu", "kernel", "api",
	 "release", "bug", "deploy", "database", "laptop", "keyboard", "rust", "python",
	 "opensource", "server", "latency", "cache", "robot", "ai", "model", "dataset",
	 "benchmark", "terminal", "git", "patch", "framework", "browser", "encryption",
	 "protocol", "firmware", "silicon", "quantum", "app", "devops", "hackathon", "repo"},
	{"goal", "match", "league", "coach", "striker", "season", "playoffs", "derby",
	 "stadium", "referee", "transfer", "tennis", "marathon", "cycling", "olympics",
	 "basketball", "dunk", "penalty", "keeper", "victory", "defeat", "training", "squad",
	 "final", "trophy", "sprint", "medal", "fixture", "halftime", "injury", "captain",
	 "fans", "kickoff", "rugby", "cricket", "innings", "wicket", "racing", "lap", "podium"},
	{"album", "guitar", "concert", "playlist", "vinyl", "chorus", "drummer", "tour",
	 "single", "lyrics", "band", "festival", "remix", "synth", "bassline", "jazz",
	 "orchestra", "melody", "rapper", "studio", "encore", "setlist", "acoustic", "piano",
	 "soundtrack", "mixtape", "vocals", "gig", "headliner", "ep", "beat", "producer",
	 "harmony", "violin", "record", "songwriter", "choir", "tempo", "riff", "opera"},
	{"election", "senate", "policy", "vote", "campaign", "parliament", "minister", "bill",
	 "debate", "budget", "tax", "reform", "poll", "governor", "mayor", "coalition",
	 "treaty", "sanctions", "congress", "ballot", "constitution", "court", "ruling",
	 "protest", "rally", "candidate", "diplomacy", "summit", "cabinet", "opposition",
	 "referendum", "lobby", "veto", "amendment", "pundit", "turnout", "district",
	 "caucus", "primary", "manifesto"},
	{"speedrun", "console", "boss", "quest", "multiplayer", "patchnotes", "esports",
	 "controller", "loot", "raid", "rpg", "shooter", "indie", "pixel", "level",
	 "leaderboard", "stream", "twitch", "clan", "respawn", "dungeon", "crafting", "mod",
	 "sandbox", "strategy", "platformer", "glitch", "achievement", "lobby", "ranked",
	 "tournament", "headset", "fps", "mmo", "skin", "cheat", "roguelike", "coop",
	 "retro", "arcade"},
	{"telescope", "galaxy", "genome", "experiment", "physics", "climate", "fossil",
	 "particle", "vaccine", "neuron", "orbit", "rover", "comet", "enzyme", "protein",
	 "laboratory", "hypothesis", "microscope", "evolution", "volcano", "species", "ocean",
	 "mars", "asteroid", "biology", "chemistry", "molecule", "gravity", "eclipse", "data",
	 "peer", "journal", "theory", "quasar", "bacteria", "reactor", "fusion", "spectrum",
	 "satellite", "glacier"},
	{"recipe", "pasta", "bakery", "sourdough", "brunch", "ramen", "taco", "espresso",
	 "dessert", "curry", "grill", "vegan", "spice", "noodles", "pizza", "chef", "kitchen",
	 "dumplings", "salad", "chocolate", "cheese", "croissant", "barbecue", "sushi",
	 "street", "market", "flavor", "oven", "brisket", "matcha", "pancakes", "soup",
	 "avocado", "burger", "pastry", "smoothie", "seafood", "wine", "menu", "dinner"},
};

const char *const mrs_lex_general[] = {
	"the", "a", "this", "that", "today", "just", "really", "so", "new", "big", "best",
	"thread", "thoughts", "honestly", "finally", "again", "everyone", "week", "time",
	"love", "great", "amazing", "check", "out", "look", "what", "why", "how", "my", "our",
	"your", "is", "was", "are", "with", "about", "from", "for", "on", "in", "at", "and",
	"but", "not", "more", "less", "who", "here", "there", "now", "tonight", "morning",
	"wow", "nice", "cool", "read", "watch", "share", "think", "people",
};
const unsigned mrs_lex_n_general = N(mrs_lex_general);

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
