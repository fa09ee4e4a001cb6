package org.hmmlab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.hmmlab.dsl.results.Displayable;
import org.jfree.chart.JFreeChart;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.sim.CancellationToken;

/**
 * The HMM Lab Jupyter kernel: runs cells with JShell in this JVM and renders their values by type.
 *
 * <p>The protocol handling comes from jjava-jupyter's {@link BaseKernel}; this class replaces its execute handler
 * (one error output per failing cell, no result for statements, a fresh engine cancellation token per cell,
 * {@code silent}/{@code store_history} honoured, history kept) and its kernel-info reply (which lacks
 * {@code status}). An interrupt cancels the engine token, so the simulator stops at its next check and the
 * kernel and its variables stay as they were.
 */
public final class HmmLabKernel extends BaseKernel {

    /** The start-up script every session runs before the first cell; users can read it in the jar. */
    static final String STARTUP_SCRIPT = "org/hmmlab/kernel/startup.jsh";
    /** The DSL's own import list, run after the kernel's script when the DSL provides one. */
    static final String DSL_STARTUP_SCRIPT = "org/hmmlab/dsl/startup.jsh";

    /**
     * The Help menu's entries. The lab's own pages are paths on the notebook server, which `./hmmlab notebook` runs
     * on the checkout's root (the README and docs/ open in its editor); the kernel's HMM documentation is external.
     */
    static final List<HelpLink> HELP_LINKS = List.of(
            new HelpLink("HMM Lab README (quick start)", "/edit/README.md"),
            new HelpLink("HMM Lab DSL reference", "/edit/docs/dsl.md"),
            new HelpLink("Linux HMM documentation", "https://docs.kernel.org/mm/hmm.html"));

    private final CellHistory history;
    private final CellIO cellIO;
    private final Magics magics = new Magics();
    private final CompletableFuture<CellEvaluator> evaluator = new CompletableFuture<>();
    private final AtomicLong displayIds = new AtomicLong();
    private volatile CancellationToken token = Cancellation.current();
    private volatile String startupProblem;
    /** A cell is being executed: the compiler warm-up waits meanwhile. */
    private volatile boolean cellRunning;
    /** Cells finished so far: the warm-up starts after the first, whose latency it must not add to. */
    private volatile int cellsDone;
    /** When the last cell finished ({@link System#nanoTime()}): the warm-up runs only in a pause after it. */
    private volatile long lastCellEnd;

    HmmLabKernel() {
        this(new CellHistory(), new CellIO());
    }

    private HmmLabKernel(CellHistory history, CellIO io) {
        super("hmmlab", version(), languageInfo(),
                HELP_LINKS,
                history, io, new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().addPrimaryStyle(TextColor.BOLD_RESET_FG).addSecondaryStyle(TextColor.BOLD_RED_FG)
                        .addHighlightStyle(TextColor.BOLD_RED_FG).build());
        this.history = history;
        this.cellIO = io;
    }

    /** Creates JShell and runs the start-up scripts; the first cell waits for this. Call once, off the shell thread. */
    void start() {
        try {
            try {
                ChartImages.installTheme();
            } catch (RuntimeException | Error noFonts) {
                // Charts will report it when drawn.
            }
            CellEvaluator e = new CellEvaluator();
            List<String> problems = new ArrayList<>();
            runStartup(e, STARTUP_SCRIPT, "startup.jsh", problems);
            if (getClass().getClassLoader().getResource(DSL_STARTUP_SCRIPT) != null) {
                runStartup(e, DSL_STARTUP_SCRIPT, "dsl startup.jsh", problems);
            }
            startupProblem = problems.isEmpty() ? null : String.join("\n", problems);
            evaluator.complete(e);
        } catch (Throwable t) {
            evaluator.completeExceptionally(t);
        }
    }

    /** Warms JShell's compiler on the calling thread once start-up is done ({@link CompilerWarmup}). */
    void warmCompiler() {
        if (!Boolean.parseBoolean(System.getProperty("hmmlab.kernel.warmup", "true"))) {
            return; // -Dhmmlab.kernel.warmup=false: for measuring what it saves
        }
        try {
            evaluator.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            return;
        }
        // after the first cell (the start-to-first-result path stays its own), or a few idle seconds
        long ready = System.nanoTime();
        try {
            while (cellsDone == 0 && System.nanoTime() - ready < 3_000_000_000L) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        boolean dsl = getClass().getClassLoader().getResource(DSL_STARTUP_SCRIPT) != null;
        // cells that come back to back (Run All) are not competed with: it compiles only in a pause after a cell
        CompilerWarmup.run(() -> cellRunning || System.nanoTime() - lastCellEnd < CompilerWarmup.PAUSE_NANOS, dsl ? List.of("import static org.hmmlab.dsl.Lab.*;") : List.of(),
                CompilerWarmup.SNIPPETS, CompilerWarmup.BUDGET_NANOS);
    }

    private static void runStartup(CellEvaluator e, String resource, String name, List<String> problems) {
        try (InputStream in = HmmLabKernel.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                problems.add("start-up script " + resource + " is missing from the class path");
                return;
            }
            e.runScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (CellError err) {
            problems.add("start-up script " + name + " failed: " + String.join("\n", err.traceback()));
        } catch (IOException io) {
            problems.add("cannot read start-up script " + resource + ": " + io);
        }
    }

    private CellEvaluator evaluator() {
        try {
            return evaluator.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the kernel was starting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the kernel could not start JShell: " + e.getCause(), e.getCause());
        }
    }

    Magics magics() {
        return magics;
    }

    // --- execution ---------------------------------------------------------------------------------------

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        String code = request.getCode();
        boolean silent = request.isSilent();
        boolean store = request.shouldStoreHistory() && !silent;
        int count = store ? executionCount.getAndIncrement() : Math.max(0, executionCount.get() - 1);

        cellRunning = true;
        env.setStatusBusy();
        if (!silent) {
            env.publish(new PublishExecuteInput(code, count));
        }
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        InputStream stdin = System.in;
        System.setOut(cellIO.stdout);
        System.setErr(cellIO.stderr);
        System.setIn(cellIO.in);
        cellIO.attach(env, request.isStdinEnabled());

        // Every output of the cell, then idle, then the reply: a client that reads the reply first finds all of
        // the cell's output (and the idle status) already published.
        Runnable finish = () -> {
            cellRunning = false;
            lastCellEnd = System.nanoTime();
            cellsDone++;
            cellIO.detach(env);
            System.setOut(stdout);
            System.setErr(stderr);
            System.setIn(stdin);
            env.setStatusIdle();
        };
        token = Cancellation.begin();
        try {
            CellEvaluator e = evaluator();
            String problem = startupProblem;
            if (problem != null) {
                startupProblem = null;
                System.err.println(problem);
            }
            Object value = magics.run(code, e, "cell [" + count + "]");
            System.out.flush();
            System.err.flush();
            String plain = null;
            if (value != CellEvaluator.NO_VALUE && value != null && !silent) {
                DisplayData data = renderValue(value);
                env.publish(new PublishExecuteResult(count, data));
                Object text = data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
                plain = text == null ? null : text.toString();
            }
            if (store) {
                history.add(count, code, plain);
            }
            finish.run();
            env.reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (Throwable t) {
            System.out.flush();
            System.err.flush();
            CellError error = t instanceof CellError ce ? ce : Tracebacks.runtime(null, t, Map.of(), null);
            if (store) {
                history.add(count, code, null);
            }
            env.publish(new PublishError(error.name(), error.getMessage() == null ? "" : error.getMessage(), error.traceback()));
            ErrorReply reply = new ErrorReply(error.name(), error.getMessage() == null ? "" : error.getMessage(), error.traceback());
            reply.setExecutionCount(count);
            finish.run();
            env.replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    @Override
    public Object evalRaw(String source) {
        Object value;
        try {
            value = magics.run(source, evaluator(), "eval");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return value == CellEvaluator.NO_VALUE ? null : value;
    }

    /** Interrupt: the engine's token stops simulations and sweeps; the cell thread is interrupted too. */
    @Override
    public void interrupt() {
        token.cancel();
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator.join().interrupt();
        }
    }

    /** Renders a cell's value: the DSL's charts and tables by their own MIME bundle, everything else by type. */
    DisplayData renderValue(Object value) {
        if (value instanceof DisplayData data) {
            return data;
        }
        if (value instanceof Displayable d) {
            DisplayData data = new DisplayData();
            d.mimeBundle().forEach(data::putData);
            d.mimeMetadata().forEach(data::putMetaData);
            return data;
        }
        if (value instanceof JFreeChart chart) {
            return ChartImages.png(chart);
        }
        if (value instanceof CharSequence text) {
            return new DisplayData(capped(text.toString()));
        }
        DisplayData data = getRenderer().render(value);
        Object plain = data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
        if (plain instanceof String s && s.length() > CellIO.LIMIT_BYTES) {
            data.putData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN, capped(s));
        }
        return data;
    }

    /** A value's text, cut at the cell's output limit with a note that says so (a client stalls on megabytes). */
    static String capped(String text) {
        if (text.length() <= CellIO.LIMIT_BYTES) {
            return text;
        }
        return text.substring(0, CellIO.LIMIT_BYTES) + "\n[value truncated: its text has " + text.length()
                + " characters; the first " + CellIO.LIMIT_BYTES + " are shown]";
    }

    String newDisplayId() {
        return "hmmlab-" + ProcessHandle.current().pid() + "-" + displayIds.incrementAndGet();
    }

    // --- editor support ----------------------------------------------------------------------------------

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        Inspection found = evaluator().inspect(code, at);
        if (found == null) {
            return null;
        }
        DisplayData data = new DisplayData(found.plainText());
        data.putHTML(found.html());
        return data;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        String linePrefix = code.substring(lineStart, at);
        if (linePrefix.stripLeading().startsWith("%") && !linePrefix.contains(" ")) {
            int start = lineStart + (linePrefix.length() - linePrefix.stripLeading().length());
            return new ReplacementOptions(magics.names(linePrefix.strip()), start, at);
        }
        CellEvaluator.Completions c = evaluator().complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public String isComplete(String code) {
        if (Magics.isCellMagic(code)) {
            return IS_COMPLETE_YES;
        }
        StringBuilder java = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            java.append(Magics.isLineMagic(line) ? "" : line).append('\n');
        }
        String answer = evaluator().isComplete(java.substring(0, java.length() - 1));
        return answer;
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new InfoReply(Header.PROTOCOL_VERISON, name, version, getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    /** jjava-jupyter's kernel-info reply plus the {@code status} field the protocol requires. */
    static final class InfoReply extends KernelInfoReply {
        @SuppressWarnings("unused")
        private final String status = "ok";

        InfoReply(String protocol, String name, String version, LanguageInfo info, String banner, List<HelpLink> links) {
            super(protocol, name, version, info, banner, links);
        }
    }

    /** History replies with the {@code status} field jjava-jupyter leaves out. */
    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryRequest request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> history.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range range = (HistoryRequest.Range) request;
                yield history.lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search search = (HistoryRequest.Search) request;
                if (search.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                yield history.search(search.getPattern(), search.getMaxReturnLength(), flags);
            }
        };
        List<Object> tuples = new ArrayList<>();
        for (HistoryEntry e : entries) {
            Object io = e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput();
            tuples.add(List.of(e.getSession(), e.getCellNumber(), io));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Message reply = new Message(env.getContext(), MessageType.HISTORY_REPLY, new HistoryContent(tuples));
        env.reply(reply);
    }

    /**
     * A history reply as the protocol spells it: {@code status} and {@code [session, line, input]} tuples.
     * (jjava-jupyter 1.0-a6 leaves out the status and serialises its entries as objects.)
     */
    record HistoryContent(String status, List<Object> history) {
        HistoryContent(List<Object> history) {
            this("ok", history);
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        token.cancel();
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator.join().close();
        }
        super.onShutdown(isRestarting);
    }

    @Override
    public String getBanner() {
        return "HMM Lab " + version + " (Java " + Runtime.version().feature() + ", JShell)";
    }

    private static String version() {
        String v = HmmLabKernel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jsh")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }
}
