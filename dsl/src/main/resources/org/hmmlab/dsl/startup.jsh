// HMM Lab: the imports a notebook cell or a `./hmmlab run FILE.jsh` script starts with.
// One list for both: the kernel evaluates this resource at start, the CLI prepends it to .jsh scripts.
import static org.hmmlab.dsl.Lab.*;
import org.hmmlab.dsl.*;
// Sweeps described as data: sweep(scenario) beside Lab's sweep(param); on demand, so both overloads are seen.
import static org.hmmlab.dsl.grid.Grids.*;
import org.hmmlab.dsl.grid.*;
// The policy spec's types, for variables such as Map<String, PolicySpec>: PolicySpec, PlacementSpec, HintSpec...
import org.hmmlab.dsl.spec.*;
import org.hmmlab.dsl.results.*;
import org.hmmlab.units.*;
// The kernel-level API: machine().process(), mmap, mirror(range).hmmRangeFault(range, REQ_FAULT)...
import org.hmmlab.dsl.mm.*;
// The enums' constants by name, not with .*: an on-demand import of three enums would bring in three values()
// and valueOf(String), and a cell's own values() (from its own enum import or helper) would become ambiguous.
// StartupImportsTest keeps this list complete.
import static org.hmmlab.dsl.mm.Access.READ;
import static org.hmmlab.dsl.mm.Access.WRITE;
import static org.hmmlab.dsl.mm.Prot.NONE;
import static org.hmmlab.dsl.mm.Prot.READ_ONLY;
import static org.hmmlab.dsl.mm.Prot.READ_WRITE;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_FAULT;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_WRITE;
