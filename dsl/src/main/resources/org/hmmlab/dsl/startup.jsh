// HMM Lab: the imports a notebook cell or a `./hmmlab run FILE.jsh` script starts with.
// One list for both: the kernel evaluates this resource at start, the CLI prepends it to .jsh scripts.
import static org.hmmlab.dsl.Lab.*;
import org.hmmlab.dsl.*;
import org.hmmlab.dsl.results.*;
import org.hmmlab.units.*;
// The kernel-level API: machine().process(), mmap, mirror(range).hmmRangeFault(range, REQ_FAULT)...
import org.hmmlab.dsl.mm.*;
import static org.hmmlab.dsl.mm.Access.*;
import static org.hmmlab.dsl.mm.Prot.*;
import static org.hmmlab.dsl.mm.HmmRequest.*;
