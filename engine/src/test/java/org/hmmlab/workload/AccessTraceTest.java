package org.hmmlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AccessTraceTest {

    @Test
    void readsATimedTraceWithCommentsAndHexAddresses() {
        AccessTrace t = AccessTrace.parse("""
                # recorded by hand
                time_ns,agent,address,access,size
                0,gpu0,0x7f0000000000,R,128

                250,cpu,4096,W,8
                250,gpu1,0x10,atomic,4
                """);
        assertEquals(AccessTrace.Clock.TIME_NS, t.clock());
        assertEquals(3, t.size());
        AccessTrace.Cursor c = t.cursor();
        assertTrue(c.next());
        assertEquals(0x7f0000000000L, c.offset());
        assertEquals(0, c.gpuIndex());
        assertEquals(AccessType.READ, c.type());
        assertEquals(128, c.size());
        assertTrue(c.next());
        assertTrue(c.isCpu());
        assertEquals(250, c.when());
        assertEquals(AccessType.WRITE, c.type());
        assertTrue(c.next());
        assertEquals(Agent.gpu(1), c.agent());
        assertEquals(AccessType.ATOMIC, c.type());
        assertFalse(c.next());
    }

    @Test
    void withoutHeaderTheFirstColumnIsAnOrder() {
        AccessTrace t = AccessTrace.parse("1,gpu,0,R,4096\n2,gpu,4096,R,4096\n");
        assertEquals(AccessTrace.Clock.ORDER, t.clock());
        assertEquals(2, t.size());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "0,gpu0,0x1000,R,64\\n1,gpu0,0x1000,X,64        | 3 | access",
        "0,gpu0,0x1000,R,64\\n1,npu,0x1000,R,64         | 3 | agent",
        "0,gpu0,0x1000,R,64\\n1,gpu0,0xZZ,R,64          | 3 | address",
        "0,gpu0,0x1000,R,64\\n1,gpu0,-5,R,64            | 3 | address",
        "0,gpu0,0x1000,R,64\\n1,gpu0,0x1000,R,0         | 3 | size",
        "0,gpu0,0x1000,R,64\\n1,gpu0,0x1000,R,big       | 3 | size",
        "0,gpu0,0x1000,R,64\\n1,gpu0,0x1000,R           | 3 | line",
        "5,gpu0,0x1000,R,64\\n1,gpu0,0x1000,R,64        | 3 | order",
        "0,gpu0,0x1000,R,64\\nx1,gpu0,0x1000,R,64       | 3 | order",
    })
    void malformedLineNamesLineNumberAndField(String body, int line, String field) {
        String csv = "order,agent,address,access,size\n" + body.strip().replace("\\n", "\n") + "\n";
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> AccessTrace.parse(csv));
        assertEquals(line, e.lineNumber(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith("trace line " + line + ", field '" + field + "'"), e.getMessage());
    }

    @Test
    void badHeaderIsNamed() {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> AccessTrace.parse("when,agent,address,access,size\n0,gpu,0,R,1\n"));
        assertEquals(1, e.lineNumber());
        assertEquals("order", e.field());
    }

    @Test
    void aTraceBecomesAWorkloadWithOnePhasePerAgentRun() {
        AccessTrace t = AccessTrace.parse("""
                order,agent,address,access,size
                0,cpu,0x10000,W,4096
                1,cpu,0x11000,W,4096
                2,gpu0,0x10000,R,4096
                3,gpu0,0x13000,A,8
                4,cpu,0x10000,R,4096
                """);
        Workload w = Workload.fromTrace("t", t);
        assertEquals(org.hmmlab.units.Bytes.pages(4), w.allocation("t").size());
        assertEquals(3, w.phases().size());
        assertTrue(w.phases().get(0).agent().isCpu());
        assertEquals(Agent.gpu(0), w.phases().get(1).agent());
        AccessStream s = w.phases().get(1).stream(0);
        assertTrue(s.next());
        assertEquals(0, s.offset());
        assertEquals(AccessType.READ, s.type());
        assertTrue(s.next());
        assertEquals(0x3000, s.offset());
        assertEquals(AccessType.ATOMIC, s.type());
        assertEquals(8, s.size());
        assertFalse(s.next());
    }
}
