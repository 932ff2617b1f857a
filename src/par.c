/* par.c -- one step of a build split over the CPUs. */

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "par.h"

size_t
par_parts(size_t n, size_t min)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < min || ncpu <= 1)
		return 1;
	return ncpu < PAR_THREADS_MAX ? (size_t)ncpu : PAR_THREADS_MAX;
}

struct par_part {
	void		(*fn)(void *, size_t, size_t);
	void		*arg;
	size_t		 k, n;
	pthread_t	 thread;
	bool		 started;
};

static void *
part_run(void *p)
{
	struct par_part *pt = p;

	pt->fn(pt->arg, pt->k, pt->n);
	return NULL;
}

void
par_run(size_t nparts, void (*fn)(void *, size_t, size_t), void *arg)
{
	struct par_part parts[PAR_THREADS_MAX];

	if (nparts < 1)
		nparts = 1;
	if (nparts > PAR_THREADS_MAX)
		nparts = PAR_THREADS_MAX;
	for (size_t k = 0; k < nparts; k++)
		parts[k] = (struct par_part){ fn, arg, k, nparts, 0, false };
	for (size_t k = 1; k < nparts; k++)
		parts[k].started = pthread_create(&parts[k].thread, NULL,
		    part_run, &parts[k]) == 0;
	fn(arg, 0, nparts);
	for (size_t k = 1; k < nparts; k++) {
		if (parts[k].started)
			pthread_join(parts[k].thread, NULL);
		else
			fn(arg, k, nparts);	/* no thread: here, then */
	}
}
