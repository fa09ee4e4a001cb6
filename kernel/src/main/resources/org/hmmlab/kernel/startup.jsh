// HMM Lab notebook start-up script: runs before the first cell of every session.
// The DSL adds its own imports after this (org/hmmlab/dsl/startup.jsh, when present).

import java.util.*;
import java.util.function.*;
import java.util.stream.*;

// Typed units: Bytes, SimDuration, SimTime, Bandwidth (the DSL's Lab adds MiB(2), us(5), GBps(31.5)...)
import org.hmmlab.units.*;

// display(x), updateDisplay(id, x), progress(label, total)
import static org.hmmlab.kernel.Notebook.*;
