/* fuzz_import_lastfm.c: HetRec Last.fm through mrs_import("lastfm"): the input's four
 * FUZZ_SEP-separated parts are artists.dat, user_friends.dat, user_artists.dat and
 * user_taggedartists.dat, imported as a folder and then as four files recognised by
 * their headers. */
#include "fuzz.h"

static const char *const names[4] = {"lastfm/artists.dat", "lastfm/user_friends.dat",
				     "lastfm/user_artists.dat", "lastfm/user_taggedartists.dat"};

FUZZ_TARGET(import_lastfm)
{
	const uint8_t *part[4];
	size_t len[4];
	int n = fuzz_split(data, size, part, len, 4);
	const char *files[4];
	for (int i = 0; i < 4; i++)
		files[i] = fuzz_file(i, names[i], i < n ? part[i] : NULL, i < n ? len[i] : 0);
	char folder[600];
	snprintf(folder, sizeof folder, "%s/lastfm", fuzz_dir());
	const char *one[1] = {folder};
	fuzz_import("lastfm", one, 1);
	fuzz_import("lastfm", files, n); /* fewer than four parts: files are missing */
	return 0;
}
