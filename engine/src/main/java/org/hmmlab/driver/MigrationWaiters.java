package org.hmmlab.driver;

import java.util.Arrays;
import java.util.function.LongPredicate;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;

/**
 * CPU threads waiting for a page to finish migrating, in arrival order. Mirrors migration_entry_wait() (mm/migrate.c):
 * a CPU fault on a migration entry sleeps until the migration is over, then retries its access. Every driver
 * personality keeps one; primitive arrays, no boxing per waiter.
 */
public final class MigrationWaiters {
    private long[] page = new long[4];
    private EventHandler[] handler = new EventHandler[4];
    private long[] arg = new long[4];
    private int count;

    /** The thread touching {@code p} resumes through {@code resume} with {@code a} once {@code p} has landed. */
    public void add(long p, EventHandler resume, long a) {
        if (count == page.length) {
            page = Arrays.copyOf(page, count * 2);
            handler = Arrays.copyOf(handler, count * 2);
            arg = Arrays.copyOf(arg, count * 2);
        }
        page[count] = p;
        handler[count] = resume;
        arg[count] = a;
        count++;
    }

    /** At {@code now}, resumes every waiter whose page is no longer {@code migrating}; the others keep waiting. */
    public void wake(Simulator sim, long now, LongPredicate migrating) {
        int kept = 0;
        for (int k = 0; k < count; k++) {
            if (migrating.test(page[k])) {
                page[kept] = page[k];
                handler[kept] = handler[k];
                arg[kept] = arg[k];
                kept++;
            } else {
                sim.scheduleAtNanos(now, EventPhase.HOST, handler[k], arg[k]);
            }
        }
        for (int k = kept; k < count; k++) {
            handler[k] = null;
        }
        count = kept;
    }
}
