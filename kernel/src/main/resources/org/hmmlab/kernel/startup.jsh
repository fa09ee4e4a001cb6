// HMM Lab notebook start-up script: runs before the first cell of every session.
// The DSL adds its own imports after this (org/hmmlab/dsl/startup.jsh, when present).

import java.util.*;
import java.util.function.*;
import java.util.stream.*;

// Typed units: Bytes, SimDuration, SimTime, Bandwidth, with MiB(2), us(5), GBps(31.5)...
import org.hmmlab.units.*;
import static org.hmmlab.units.Bytes.*;
import static org.hmmlab.units.SimDuration.*;
import static org.hmmlab.units.Bandwidth.*;

// display(x), updateDisplay(id, x), progress(label, total)
import static org.hmmlab.kernel.Notebook.*;
