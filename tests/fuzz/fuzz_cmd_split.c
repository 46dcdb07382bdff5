/* fuzz_cmd_split.c: the command language's tokenizer (cmd_split: the words of a line's
 * first command). Words come back NULL-terminated and never longer than the line; words
 * written back with double quotes (and \ before " and \) split into the same words again. */
#include "cmd.h"
#include "fuzz.h"

/* The words of argv, each in double quotes with " and \ escaped, blank-separated. */
static char *quote_words(char **argv, int n, size_t size)
{
	char *text = malloc(2 * size + 3 * (size_t)n + 1), *p = text;
	if (!text)
		abort();
	for (int i = 0; i < n; i++) {
		*p++ = '"';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		*p++ = '"';
		*p++ = ' ';
	}
	*p = '\0';
	return text;
}

FUZZ_TARGET(cmd_split)
{
	char *line = fuzz_cstr(data, size);
	char **argv = NULL, msg[256] = "";
	int n = cmd_split(line, &argv, msg, sizeof msg);
	if (n < 0) {
		FUZZ_CHECK(msg[0] != '\0', "failed without a message");
		free(line);
		return 0;
	}
	FUZZ_CHECK(argv && argv[n] == NULL, "words not NULL-terminated");
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(strlen(argv[i]) <= size, "word %d longer than the line", i);
	char *again = quote_words(argv, n, size);
	char **argv2 = NULL;
	int n2 = cmd_split(again, &argv2, msg, sizeof msg);
	FUZZ_CHECK(n2 == n, "quoted words split into %d words, not %d: %s", n2, n, again);
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(argv[i], argv2[i]) == 0, "word %d changed when quoted", i);
	cmd_free_words(argv2);
	cmd_free_words(argv);
	free(again);
	free(line);
	return 0;
}
