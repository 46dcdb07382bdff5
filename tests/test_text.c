/* test_text.c: data made safe to show (tui/text.c): control characters, escape sequences
 * and broken UTF-8 never reach a terminal, columns are cut between characters, and JSON
 * is valid UTF-8 that keeps the data exact (issue 13, point 7). */
#include <cJSON.h>

#include "testutil.h"
#include "text.h"

static void expect_clean(const char *in, int mode, const char *want)
{
	char *got = text_clean(in, mode, false);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("text_clean: got '%s', want '%s'", got, want);
	free(got);
}

static void test_controls(void **state)
{
	(void)state;
	/* C0: the ESC of a sequence, BEL, CR, TAB, backspace become spaces: what follows is
	 * plain text, no sequence reaches the terminal */
	expect_clean("a\x1b]0;pwned\x07" "b", TEXT_STREAM, "a ]0;pwned b");
	expect_clean("\x1b[2J\x1b[31mred", TEXT_STREAM, " [2J [31mred");
	expect_clean("x\ty\rz\bw", TEXT_STREAM, "x y z w");
	/* DEL is dropped; C1 controls (CSI U+009B, OSC U+009D, NEL U+0085) become '?' */
	expect_clean("de\x7fl", TEXT_STREAM, "del");
	expect_clean("\xc2\x9b" "2J\xc2\x9d" "0;t\xc2\x85", TEXT_STREAM, "?2J?0;t?");
	/* bidirectional overrides reorder what follows: '?' */
	expect_clean("abc\xe2\x80\xae" "def", TEXT_STREAM, "abc?def");
	/* newlines are kept only where the text is lines of output */
	char *lines = text_clean("one\ntwo\x1b", TEXT_STREAM, true);
	assert_string_equal(lines, "one\ntwo ");
	free(lines);
	expect_clean("one\ntwo", TEXT_STREAM, "one two");
	/* printable text passes as it is */
	expect_clean("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82", TEXT_STREAM,
		     "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82");
	/* and outside ASCII is '?' on a terminal that is not UTF-8 */
	expect_clean("caf\xc3\xa9", TEXT_ASCII, "caf?");
}

static void test_bad_utf8(void **state)
{
	(void)state;
	/* stray bytes, a sequence cut short, overlong forms (an overlong ESC too), surrogates,
	 * beyond U+10FFFF: one '?' per byte that starts nothing valid */
	expect_clean("a\xff" "b", TEXT_STREAM, "a?b");
	expect_clean("a\xe6\x97", TEXT_STREAM, "a??");
	expect_clean("\xc0\x9b[2J", TEXT_STREAM, "??[2J");
	expect_clean("\xed\xa0\x80", TEXT_STREAM, "???");
	expect_clean("\xf4\x90\x80\x80", TEXT_STREAM, "????");
}

static void test_columns(void **state)
{
	(void)state;
	char buf[64];
	/* cut to the width with "~", never inside a character; padded when asked */
	assert_string_equal(text_cut("@abcdefgh", 5, false, buf, sizeof buf), "@abc~");
	assert_string_equal(text_cut("@ab", 5, true, buf, sizeof buf), "@ab  ");
	assert_string_equal(text_cut("@abcd", 5, false, buf, sizeof buf), "@abcd");
	assert_string_equal(text_cut("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, false, buf, sizeof buf),
			    "\xc3\xa9\xc3\xa9~");
	/* padding counts columns, not bytes: "é" takes two bytes and one column */
	assert_string_equal(text_cut("\xc3\xa9", 3, true, buf, sizeof buf), "\xc3\xa9  ");
	/* an escape in a column is cleaned before it is measured */
	assert_string_equal(text_cut("a\x1b[2Jb", 8, true, buf, sizeof buf), "a [2Jb  ");
	/* a buffer too small for the width still ends between characters */
	char small[6];
	text_cut("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", 9, false, small, sizeof small);
	assert_string_equal(small, "\xe6\x97\xa5~");
}

static void test_json(void **state)
{
	(void)state;
	/* cJSON escapes C0 controls; text_json makes the rest valid and safe: bad bytes become
	 * U+FFFD, DEL and C1 \u escapes; valid text stays exact */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "h", "a\x1b[2J\x07\x7f\xc2\x9b\xff\xc3\xa9");
	char *raw = cJSON_PrintUnformatted(o);
	char *safe = text_json(raw);
	assert_string_equal(safe,
			    "{\"h\":\"a\\u001b[2J\\u0007\\u007f\\u009b\xef\xbf\xbd\xc3\xa9\"}");
	cJSON *back = cJSON_Parse(safe);
	assert_non_null(back);
	assert_string_equal(cJSON_GetObjectItem(back, "h")->valuestring,
			    "a\x1b[2J\x07\x7f\xc2\x9b\xef\xbf\xbd\xc3\xa9");
	cJSON_Delete(back);
	cJSON_free(raw);
	free(safe);
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
