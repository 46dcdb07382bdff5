/* test_args.c: the one parser of the command language (tui/args.c) and the one rule from
 * an error to a status: options anywhere among the positionals, the
 * program's global options after a command's name when it runs once (and refused in a
 * session), defaults, ranges, choices, pairs, required options, repeated options, the
 * usage the table gives; and a command's result (tui/result.c): numbers that are not
 * finite are null, 64-bit integers stay exact. */
#include <math.h>

#include "cmd.h"
#include "testutil.h"

static const char *const colours[] = {"red", "green", "blue", NULL};
static const char *const modes[] = {"fast", "slow", NULL};

/* A command with one of each kind of argument. */
static const cmd_arg demo_args[] = {
	{"USER", .type = CMD_WORD, .flags = CMD_OPTIONAL, .help = "an account"},
	{"-n", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 100, .def = "10", .help = "count"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX, .help = "seed"},
	{"--rate", .type = CMD_REAL, .value = "X", .min = 0, .max = 1, .help = "rate"},
	{"--colour", .type = CMD_CHOICE, .what = "colour", .choices = colours, .def = "green",
	 .help = "colour"},
	{"--mode", .type = CMD_CHOICE, .choices = modes, .help = "mode"},
	{"--pair", .type = CMD_WORD, .flags = CMD_PAIR, .value = "TEXT LABELS", .help = "pair"},
	{"--output", "-o", CMD_WORD, .value = "FILE", .help = "output"},
	{"--force", .type = CMD_FLAG, .help = "force"},
	{NULL},
};
static const cmd_entry demo = {"demo", NULL, "a demo", demo_args, CMD_ANYWHERE, NULL, NULL, NULL};

static const cmd_arg need_args[] = {
	{"--train", .type = CMD_WORD, .flags = CMD_REQUIRED | CMD_PAIR, .value = "TEXT LABELS",
	 .help = "required"},
	{NULL},
};
static const cmd_entry need = {"need", NULL, "a required option", need_args, CMD_ONCE, NULL,
			       NULL, NULL};

static const cmd_arg rest_args[] = {
	{"COMMAND", .type = CMD_WORD, .flags = CMD_OPTIONAL | CMD_REST | CMD_RAW,
	 .help = "another command's words"},
	{NULL},
};
static const cmd_entry rest = {"rest", NULL, "raw words", rest_args, CMD_SESSION, NULL, NULL,
			       NULL};

/* Parses the words (a NULL-terminated list, the name first) as c's, once when o. */
static int parse(const cmd_entry *c, cmd_args *a, cli_opts *o, mrs_error *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, err);
	for (char *w; (w = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = w;
	va_end(ap);
	argv[argc] = NULL;
	*err = (mrs_error){0};
	return cmd_parse(c, argc, argv, a, o, err);
}

/* Expects a usage error whose message holds want. */
static void expect_usage(int rc, const mrs_error *err, const char *want)
{
	assert_int_equal(rc, -1);
	assert_int_equal(err->code, MRS_ERR_USAGE);
	if (!strstr(err->msg, want))
		fail_msg("message '%s' lacks '%s'", err->msg, want);
}

static void test_options_anywhere(void **state)
{
	(void)state;
	cmd_args a;
	mrs_error err;
	/* before, between and after the positional: the same values */
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", "-n", "3", "@ada", "--force", NULL), 0);
	assert_string_equal(cmd_word(&a, "USER"), "@ada");
	assert_int_equal(cmd_uint(&a, "-n"), 3);
	assert_true(cmd_flag(&a, "--force"));
	cmd_args_free(&a);
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", "@ada", "--force", "-n", "3", NULL), 0);
	assert_string_equal(cmd_word(&a, "USER"), "@ada");
	assert_int_equal(cmd_uint(&a, "-n"), 3);
	cmd_args_free(&a);
	/* defaults read as if given, and say they were not */
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", NULL), 0);
	assert_null(cmd_word(&a, "USER"));
	assert_int_equal(cmd_uint(&a, "-n"), 10);
	assert_false(cmd_given(&a, "-n"));
	assert_int_equal(cmd_choice(&a, "--colour"), 1);
	assert_int_equal(cmd_choice(&a, "--mode"), -1);
	assert_false(cmd_flag(&a, "--force"));
	cmd_args_free(&a);
	/* an alias, a pair, a real, a seed up to 2^64-1 */
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", "-o", "f.json", "--pair", "t.txt",
			       "l.txt", "--rate", "0.25", "--seed", "18446744073709551615", NULL),
			 0);
	assert_string_equal(cmd_word(&a, "--output"), "f.json");
	assert_string_equal(cmd_value_of(&a, "--pair")->word, "t.txt");
	assert_string_equal(cmd_value_of(&a, "--pair")->word2, "l.txt");
	assert_true(cmd_real(&a, "--rate") == 0.25);
	assert_true(cmd_uint(&a, "--seed") == UINT64_MAX);
	cmd_args_free(&a);
	/* "-" and a negative number are positional words; "--" ends the options */
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", "-1", NULL), 0);
	assert_string_equal(cmd_word(&a, "USER"), "-1");
	cmd_args_free(&a);
	assert_int_equal(parse(&demo, &a, NULL, &err, "demo", "--", "--force", NULL), 0);
	assert_string_equal(cmd_word(&a, "USER"), "--force");
	assert_false(cmd_flag(&a, "--force"));
	cmd_args_free(&a);
}

static void test_globals(void **state)
{
	(void)state;
	cmd_args a;
	mrs_error err;
	/* run once: the program's options may follow the command's name */
	cli_opts o = {0};
	assert_int_equal(parse(&demo, &a, &o, &err, "demo", "--data", "x.db", "@ada", "--json",
			       "-q", "--models", "m", NULL),
			 0);
	assert_string_equal(o.data, "x.db");
	assert_string_equal(o.models, "m");
	assert_int_equal(o.data_rule, PATHS_OPTION);
	assert_true(o.json && o.quiet);
	assert_string_equal(cmd_word(&a, "USER"), "@ada");
	cmd_args_free(&a);
	assert_int_equal(parse(&demo, &a, &o, &err, "demo", "--help", NULL), 0);
	assert_true(a.help);
	cmd_args_free(&a);
	expect_usage(parse(&demo, &a, &o, &err, "demo", "--data", NULL), &err,
		     "--data needs a value");
	/* in a session they belong to the program, not to the command */
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--data", "x.db", NULL), &err,
		     "--data is an option of minirecsys itself");
}

static void test_bad_words(void **state)
{
	(void)state;
	cmd_args a;
	mrs_error err;
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "-n", "0", NULL), &err,
		     "-n: 0 is out of range (1 .. 100)");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "-n", " 7", NULL), &err,
		     "-n: ' 7' is not a whole number");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "-n", "-1", NULL), &err,
		     "-n: '-1' is not a whole number");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "-n", NULL), &err, "-n needs a value");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--seed", "99999999999999999999", NULL),
		     &err, "--seed: 99999999999999999999 is too large");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--rate", "nan", NULL), &err,
		     "--rate: 'nan' is not a number in [0, 1)");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--rate", "1", NULL), &err,
		     "--rate: '1' is not a number in [0, 1)");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--colour", "pink", NULL), &err,
		     "unknown colour 'pink' (red, green or blue)");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--mode", "warp", NULL), &err,
		     "--mode: 'warp' is not fast or slow");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--pair", "t.txt", NULL), &err,
		     "--pair needs TEXT and LABELS");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--force", "--force", NULL), &err,
		     "demo: --force given twice");
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "--bogus", NULL), &err,
		     "demo: unknown option '--bogus'");
	/* a word too many: the usage, with the program's name when run once */
	expect_usage(parse(&demo, &a, NULL, &err, "demo", "a", "b", NULL), &err, "usage: demo [USER]");
	cli_opts o = {0};
	expect_usage(parse(&demo, &a, &o, &err, "demo", "a", "b", NULL), &err,
		     "usage: minirecsys demo [USER] [-n N]");
	expect_usage(parse(&need, &a, &o, &err, "need", NULL), &err,
		     "need needs --train TEXT LABELS");
}

static void test_raw_rest(void **state)
{
	(void)state;
	cmd_args a;
	mrs_error err;
	/* another command's words, its options included */
	assert_int_equal(parse(&rest, &a, NULL, &err, "rest", "eval", "--users", "5", NULL), 0);
	assert_int_equal(a.n_rest, 3);
	assert_string_equal(a.rest[0], "eval");
	assert_string_equal(a.rest[1], "--users");
	assert_null(a.rest[3]);
	cmd_args_free(&a);
	assert_int_equal(parse(&rest, &a, NULL, &err, "rest", NULL), 0);
	assert_int_equal(a.n_rest, 0);
	cmd_args_free(&a);
}

static const cmd_arg many_args[] = {
	{"--set", .type = CMD_WORD, .flags = CMD_REPEAT, .value = "NAME=VALUE", .help = "again"},
	{"--once", .type = CMD_WORD, .value = "X", .help = "once"},
	{NULL},
};
static const cmd_entry many = {"many", NULL, "a repeated option", many_args, CMD_ANYWHERE,
			       NULL, NULL, NULL};

/* An option marked CMD_REPEAT keeps every word given, in order; any other is refused when
 * given twice; the usage says it may repeat. */
static void test_repeat(void **state)
{
	(void)state;
	cmd_args a;
	mrs_error err;
	assert_int_equal(parse(&many, &a, NULL, &err, "many", "--set", "a=1", "--once", "x",
			       "--set", "b=2", "--set", "a=3", NULL),
			 0);
	const cmd_value *v = cmd_value_of(&a, "--set");
	assert_true(v->given);
	assert_int_equal(v->n_all, 3);
	assert_string_equal(v->all[0], "a=1");
	assert_string_equal(v->all[1], "b=2");
	assert_string_equal(v->all[2], "a=3");
	assert_string_equal(cmd_word(&a, "--set"), "a=3");
	cmd_args_free(&a);
	assert_null(a.v[0].all);
	assert_int_equal(parse(&many, &a, NULL, &err, "many", NULL), 0);
	assert_int_equal(cmd_value_of(&a, "--set")->n_all, 0);
	cmd_args_free(&a);
	assert_int_equal(parse(&many, &a, NULL, &err, "many", "--once", "x", "--once", "y", NULL),
			 -1);
	assert_string_equal(err.msg, "many: --once given twice");
	assert_int_equal(parse(&many, &a, NULL, &err, "many", "--set", "a=1", "--set", NULL), -1);
	assert_string_equal(err.msg, "--set needs a value");
	char buf[200];
	assert_string_equal(cmd_usage(&many, false, buf, sizeof buf),
			    "many [--set NAME=VALUE]... [--once X]");
}

static void test_usage(void **state)
{
	(void)state;
	char buf[400];
	assert_string_equal(cmd_usage(&demo, false, buf, sizeof buf),
			    "demo [USER] [-n N] [--seed S] [--rate X] [--colour red|green|blue] "
			    "[--mode fast|slow] [--pair TEXT LABELS] [--output FILE] [--force]");
	assert_string_equal(cmd_usage(&demo, true, buf, sizeof buf), "demo [USER] [OPTIONS]");
	assert_string_equal(cmd_usage(&need, true, buf, sizeof buf), "need --train TEXT LABELS");
	assert_string_equal(cmd_usage(&rest, false, buf, sizeof buf), "rest [COMMAND]");
}

/* Every entry of the real table: positionals before options, choices where a choice is,
 * no more arguments than a parse holds, and defaults the parser accepts. */
static void test_table(void **state)
{
	(void)state;
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		assert_true(((*c)->exec != NULL) != ((*c)->start != NULL));
		assert_true((*c)->where & (CMD_SESSION | CMD_ONCE));
		int n = 0;
		bool options = false;
		for (const cmd_arg *g = (*c)->args; g && g->name; g++, n++) {
			bool option = g->name[0] == '-';
			if (!option && options)
				fail_msg("%s: the positional %s follows an option", (*c)->name, g->name);
			options |= option;
			assert_true(g->type != CMD_CHOICE || g->choices);
			assert_non_null(g->help);
		}
		assert_true(n <= CMD_MAX_ARGS);
		assert_ptr_equal(cmd_find((*c)->name), *c);
	}
	/* `minirecsys eval --data X`: the parse of the real entry */
	cmd_args a;
	mrs_error err;
	cli_opts o = {0};
	assert_int_equal(parse(cmd_find("eval"), &a, &o, &err, "eval", "--data", "x.db", "--users",
			       "50", NULL),
			 0);
	assert_string_equal(o.data, "x.db");
	assert_int_equal(cmd_uint(&a, "--users"), 50);
	assert_int_equal(cmd_uint(&a, "--k"), 10);
	cmd_args_free(&a);
}

static void test_status(void **state)
{
	(void)state;
	static const struct {
		mrs_code code;
		int status;
	} rule[] = {
		{MRS_OK, CMD_OK},	     {MRS_ERR_USAGE, CMD_USAGE},   {MRS_ERR_IO, CMD_USAGE},
		{MRS_ERR_DATA, CMD_USAGE},   {MRS_ERR_MODEL, CMD_USAGE},   {MRS_ERR_REFUSED, CMD_FAIL},
		{MRS_ERR_NOMEM, CMD_FAIL},   {MRS_ERR_CANCELLED, CMD_FAIL}, {MRS_ERR_BUSY, CMD_FAIL},
	};
	for (size_t i = 0; i < sizeof rule / sizeof rule[0]; i++) {
		mrs_error err = {.code = rule[i].code};
		assert_int_equal(cmd_status(&err), rule[i].status);
	}
}

static void test_result(void **state)
{
	(void)state;
	cJSON *r = cJSON_CreateObject();
	res_add_num(r, "x", 0.5);
	res_add_num(r, "none", NAN);
	res_add_num(r, "inf", INFINITY);
	res_add_u64(r, "big", UINT64_MAX - 1);
	cJSON_AddStringToObject(r, "s", "text");
	char *text = cJSON_PrintUnformatted(r);
	assert_string_equal(text, "{\"x\":0.5,\"none\":null,\"inf\":null,"
				  "\"big\":18446744073709551614,\"s\":\"text\"}");
	cJSON_free(text);
	assert_true(res_num(r, "x") == 0.5);
	assert_true(isnan(res_num(r, "none")));
	assert_true(isnan(res_num(r, "missing")));
	assert_true(res_u64(r, "big") == UINT64_MAX - 1);
	assert_string_equal(res_str(r, "s"), "text");
	assert_string_equal(res_str(r, "missing"), "");
	assert_int_equal(res_u32(r, "missing"), 0);
	cJSON_Delete(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_anywhere), cmocka_unit_test(test_globals),
		cmocka_unit_test(test_bad_words),	 cmocka_unit_test(test_raw_rest),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_usage),		 cmocka_unit_test(test_table),
		cmocka_unit_test(test_status),		 cmocka_unit_test(test_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
