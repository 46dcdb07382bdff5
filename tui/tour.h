/* tour.h: the guided tour's text, read from a data file (data/tour/en.txt). */
#ifndef MRS_TOUR_H
#define MRS_TOUR_H

#include "minirecsys.h"

typedef struct tour_step {
	char *name;    /* "intro" or a stage name */
	char *mirrors; /* the published component it mirrors */
	char *look;    /* what to look at on the screen now */
	char *text;    /* paragraphs, separated by blank lines */
} tour_step;

typedef struct tour {
	char *path;
	tour_step *steps;
	int n;
} tour;

/* Loads path (NULL: $MINIRECSYS_TOUR, the installed copy, then data/tour/en.txt beside
 * the program or the current folder). Errors name the file and line, or say where the
 * text was looked for when there is none. */
tour *tour_load(const char *path, mrs_error *err);
void tour_free(tour *t);
/* The step for a stage name ("intro" for the first), or NULL. */
const tour_step *tour_find(const tour *t, const char *name);
/* The stage a step shows (-1 for intro). */
int tour_step_stage(const tour_step *s);

#endif
