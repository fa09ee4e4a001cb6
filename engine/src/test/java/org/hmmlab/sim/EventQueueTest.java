package org.hmmlab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class EventQueueTest {

    record Pending(long time, EventPhase phase, long seq, EventHandler handler, long arg) {
    }

    /** Pops come out in (time, phase, insertion order), with their own handler and argument, through growth. */
    @Test
    void popsComeOutInTimePhaseAndInsertionOrderWithTheirOwnPayload() {
        SplittableRandom r = new SplittableRandom(16);
        EventQueue q = new EventQueue();
        List<Pending> reference = new ArrayList<>();
        Comparator<Pending> order = Comparator.comparingLong(Pending::time)
                .thenComparing(Pending::phase).thenComparingLong(Pending::seq);
        EventHandler[] handlers = {a -> { }, a -> { }, a -> { }};
        long seq = 0;
        int popped = 0;
        for (int step = 0; step < 200_000; step++) {
            // mostly adds at first, so the heap grows past its initial 64 nodes; then a steady mix with ties
            if (reference.isEmpty() || r.nextInt(100) < (step < 2_000 ? 90 : 50)) {
                long t = r.nextLong(300);
                EventPhase p = EventPhase.values()[r.nextInt(EventPhase.values().length)];
                EventHandler h = handlers[r.nextInt(handlers.length)];
                long a = r.nextLong();
                q.add(t, p, h, a);
                reference.add(new Pending(t, p, seq++, h, a));
            } else {
                Pending head = reference.stream().min(order).orElseThrow();
                reference.remove(head);
                assertEquals(head.time(), q.peekTime(), "pop " + popped);
                assertEquals(head.arg(), q.peekArg(), "pop " + popped);
                assertSame(head.handler(), q.peekHandler(), "pop " + popped);
                q.removeHead();
                popped++;
            }
            assertEquals(reference.size(), q.size());
        }
        assertTrue(popped > 50_000, "popped " + popped);
    }
}
