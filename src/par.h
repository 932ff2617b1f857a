/* par.h -- one step of a build split over the CPUs. */
#ifndef OCSDNSD_PAR_H
#define OCSDNSD_PAR_H

#include <stddef.h>

#define PAR_THREADS_MAX	8

/*
 * How many parts n items are worth: 1 below min items or on one CPU, else
 * one per CPU, at most PAR_THREADS_MAX.
 */
size_t	par_parts(size_t n, size_t min);
/*
 * Calls fn(arg, k, nparts) for every k below nparts (<= PAR_THREADS_MAX),
 * part 0 here and the others each in a thread of its own (here after
 * part 0 when a thread cannot be had), and returns when all are done.
 */
void	par_run(size_t nparts, void (*fn)(void *arg, size_t k, size_t nparts),
	    void *arg);

/* Part k's share [*from, *to) of n items cut in nparts: the last takes the rest. */
static inline void
par_range(size_t n, size_t k, size_t nparts, size_t *from, size_t *to)
{
	*from = n / nparts * k;
	*to = k + 1 == nparts ? n : n / nparts * (k + 1);
}

#endif
