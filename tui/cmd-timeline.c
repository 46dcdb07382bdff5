/* cmd-timeline.c: `timeline [N]`: the final ordering of the current user's timeline. */
#include "report.h"

static int timeline_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t n = 10;
	if (argc == 2 && cmd_u32("N", argv[1], 1, 100000, &n, err))
		return CMD_USAGE;
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	report_timeline(s, n);
	return CMD_OK;
}

const cmd_entry cmd_timeline_entry = {
	"timeline", "t", "[N]",
	"the top N (10) with source, score, heads, embeddings, safety and rank movement", 0, 1,
	timeline_exec,
};
