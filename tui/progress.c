/* progress.c: progress bars on a terminal, plain lines elsewhere, Ctrl-C as cancel. */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "text.h"

static volatile sig_atomic_t cancel_flag;

static void on_signal(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

void cli_cancel_on_signal(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool cli_cancel_requested(void)
{
	return cancel_flag != 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *cp, bool quiet)
{
	memset(cp, 0, sizeof *cp);
	cp->tty = isatty(STDERR_FILENO);
	cp->quiet = quiet;
	cp->started = cp->last = now_s();
}

static void fmt_eta(char *buf, size_t size, double secs)
{
	if (secs < 0 || secs > 86400 * 7)
		snprintf(buf, size, "--:--");
	else if (secs >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)secs / 3600, ((int)secs / 60) % 60,
			 (int)secs % 60);
	else
		snprintf(buf, size, "%02d:%02d", (int)secs / 60, (int)secs % 60);
}

static int progress_cb(void *ud, const char *phase, double done, double total, const char *detail)
{
	cli_progress *cp = ud;
	if (cancel_flag)
		return 1;
	if (cp->quiet)
		return 0;
	double t = now_s();
	if (strncmp(cp->eta_phase, phase, sizeof cp->eta_phase - 1) != 0) {
		snprintf(cp->eta_phase, sizeof cp->eta_phase, "%s", phase);
		cp->phase_started = t;
		cp->phase_done0 = done;
	}
	bool new_phase = strncmp(cp->phase, phase, sizeof cp->phase - 1) != 0;
	/* show nothing for work under a second; then a bar at most 10 times a second */
	if (t - cp->started < 1.0 || (!new_phase && t - cp->last < (cp->tty ? 0.1 : 1.0)))
		return 0;
	if (!cp->tty && !new_phase && t - cp->last < 1.0)
		return 0;
	if (new_phase && cp->tty && cp->width)
		fputc('\n', stderr);
	snprintf(cp->phase, sizeof cp->phase, "%s", phase);
	cp->last = t;
	double frac = total > 0 ? done / total : 0;
	if (frac > 1)
		frac = 1;
	char eta[32] = "";
	double el = t - cp->phase_started, moved = done - cp->phase_done0;
	if (total > 0 && moved > 0 && el > 0.5)
		fmt_eta(eta, sizeof eta, el * (total - done) / moved);
	char clean_phase[256]; /* phases may name files; the bar's is one column of 22 */
	phase = text_cut(phase, cp->tty ? 22 : 200, cp->tty, clean_phase, sizeof clean_phase);
	if (cp->tty) {
		char bar[31];
		int fill = (int)(frac * 30);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		cp->width = fprintf(stderr, "\r%s [%s] %5.1f%% %s%s%s\033[K", phase, bar,
				    frac * 100, eta[0] ? "ETA " : "", eta, detail ? "  " : "");
		if (detail)
			text_fputs(detail, stderr);
	} else {
		text_printf(stderr, "%s: %.0f/%.0f%s%s%s%s\n", phase, done, total,
			    eta[0] ? " ETA " : "", eta, detail ? " " : "", detail ? detail : "");
	}
	fflush(stderr);
	return 0;
}

mrs_progress cli_progress_get(cli_progress *cp)
{
	return (mrs_progress){progress_cb, cp};
}

void cli_progress_done(cli_progress *cp)
{
	if (cp->tty && cp->width && !cp->quiet) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	cp->width = 0;
}
