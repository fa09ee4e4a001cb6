"""What the HMM Lab kernel promises beyond the conformance suite, checked over the real protocol.

Interrupts stop a run and keep the variables; errors point at the cell's line; one error output per failing cell;
statements show no result; displays update in place; Displayable values render by their own MIME bundle.
"""
import os
import re
import time
import unittest
from queue import Empty

from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("HMMLAB_KERNEL", "hmmlab")
TIMEOUT = 60


class KernelSession:
    """One kernel and a client, with a helper that runs a cell and collects its iopub messages."""

    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code, timeout=TIMEOUT, during=None, **kwargs):
        """Runs code; returns (reply content, [iopub messages for it]). during() is called once the cell is busy."""
        msg_id = self.kc.execute(code, **kwargs)
        if during is not None:
            during()
        reply = self.kc.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=timeout)
        outputs = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=5)
            except Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        return reply["content"], outputs


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def traceback_text(error_msg):
    """The traceback of an error message as plain text (colour codes removed)."""
    return ANSI.sub("", "\n".join(error_msg["content"]["traceback"]))


def of_type(outputs, msg_type):
    return [m for m in outputs if m["msg_type"] == msg_type]


class KernelBehaviour(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.session = KernelSession()

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def test_statement_cell_shows_no_result(self):
        reply, outputs = self.session.run('System.out.println("side effect");')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(of_type(outputs, "execute_result"), [])
        self.assertIn("side effect", "".join(m["content"]["text"] for m in of_type(outputs, "stream")))

    def test_last_expression_of_a_multi_statement_cell_is_shown(self):
        reply, outputs = self.session.run("int a = 20;\nint b = 22;\na + b")
        self.assertEqual(reply["status"], "ok")
        results = of_type(outputs, "execute_result")
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")

    def test_runtime_error_points_at_the_cell_line_and_hides_kernel_frames(self):
        code = 'int ok = 1;\nObject o = null;\no.toString();'
        reply, outputs = self.session.run(code)
        self.assertEqual(reply["status"], "error")
        errors = of_type(outputs, "error")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "NullPointerException")
        traceback = traceback_text(errors[0])
        self.assertIn("line 3", traceback)
        self.assertNotIn("jdk.jshell", traceback)
        self.assertNotIn("org.hmmlab.kernel", traceback)
        self.assertNotIn("java.lang.reflect", traceback)

    def test_compile_error_quotes_the_line_with_a_caret(self):
        reply, outputs = self.session.run('int fine = 2;\nint bad = undefinedThing + 1;')
        self.assertEqual(reply["status"], "error")
        errors = of_type(outputs, "error")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "CompileError")
        traceback = traceback_text(errors[0])
        self.assertIn("line 2", traceback)
        self.assertIn("undefinedThing", traceback)
        self.assertIn("^", traceback)

    def test_error_in_a_method_defined_earlier_names_both_cells(self):
        self.session.run('int half(int x) {\n    if (x < 0) throw new IllegalArgumentException("x must be >= 0 (got " + x + ")");\n    return x / 2;\n}')
        reply, outputs = self.session.run("half(-4)")
        self.assertEqual(reply["status"], "error")
        traceback = traceback_text(of_type(outputs, "error")[0])
        self.assertIn("x must be >= 0 (got -4)", traceback)
        self.assertIn("line 2 in half(): if (x < 0)", traceback)
        self.assertIn("line 1: half(-4)", traceback)

    def test_failing_cell_keeps_the_kernel_and_its_variables(self):
        self.session.run("var kept = 1234;")
        reply, _ = self.session.run("throw new StackOverflowError();")
        self.assertEqual(reply["status"], "error")
        reply, outputs = self.session.run("kept")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "1234")

    def test_interrupt_cancels_the_engine_token_and_keeps_variables(self):
        self.session.run("var before = 7;")
        code = ("var token = org.hmmlab.dsl.Cancellation.current();\n"
                "long spins = 0;\n"
                "while (true) { token.throwIfCancelled(); spins++; }")

        def interrupt_soon():
            time.sleep(1.5)
            self.session.km.interrupt_kernel()

        start = time.monotonic()
        reply, outputs = self.session.run(code, during=interrupt_soon)
        self.assertEqual(reply["status"], "error")
        self.assertLess(time.monotonic() - start, 1.5 + 2.5, "the interrupt should stop the run within a second or so")
        errors = of_type(outputs, "error")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "Interrupted")
        reply, outputs = self.session.run("before")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "7")

    def test_interrupt_ends_a_sleeping_cell(self):
        def interrupt_soon():
            time.sleep(1.0)
            self.session.km.interrupt_kernel()

        reply, outputs = self.session.run("Thread.sleep(60_000);", during=interrupt_soon)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(of_type(outputs, "error")[0]["content"]["ename"], "Interrupted")

    def test_display_can_be_updated_in_place(self):
        reply, outputs = self.session.run('var id = display("step 1");\nupdateDisplay(id, "step 2");')
        self.assertEqual(reply["status"], "ok")
        shown = of_type(outputs, "display_data")
        updated = of_type(outputs, "update_display_data")
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updated), 1)
        self.assertEqual(shown[0]["content"]["transient"]["display_id"], updated[0]["content"]["transient"]["display_id"])
        self.assertEqual(updated[0]["content"]["data"]["text/plain"], "step 2")

    def test_progress_bar_updates_one_display(self):
        reply, outputs = self.session.run('var p = progress("sweep", 4);\nfor (int i = 0; i < 4; i++) p.step();\np.finish();')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(len(of_type(outputs, "display_data")), 1)
        last = of_type(outputs, "update_display_data")[-1]["content"]["data"]
        self.assertIn("4/4", last["text/plain"])
        self.assertIn("<progress", last["text/html"])

    def test_displayable_renders_its_own_bundle_with_metadata(self):
        code = ("new org.hmmlab.dsl.results.Displayable() {\n"
                "  public Map<String, String> mimeBundle() { return Map.of(\"text/plain\", \"t\", \"text/html\", \"<table></table>\"); }\n"
                "  public Map<String, Map<String, Object>> mimeMetadata() { return Map.of(\"text/html\", Map.of(\"isolated\", false)); }\n"
                "}")
        reply, outputs = self.session.run(code)
        self.assertEqual(reply["status"], "ok")
        result = of_type(outputs, "execute_result")[0]["content"]
        self.assertEqual(result["data"]["text/html"], "<table></table>")
        self.assertEqual(result["metadata"]["text/html"], {"isolated": False})

    def test_a_long_table_says_how_to_see_its_hidden_rows_and_show_all_shows_them(self):
        reply, outputs = self.session.run(
            'var fortyRows = Table.of("forty", Column.longs("i", LongStream.range(0, 40).toArray()));\nfortyRows')
        self.assertEqual(reply["status"], "ok")
        cut = of_type(outputs, "execute_result")[0]["content"]["data"]
        hint = "15 rows hidden (20 to 34): .showAll() shows all 40, .slice(20, 35) just these"
        self.assertIn(hint, cut["text/html"])
        self.assertIn(hint, cut["text/plain"])
        self.assertEqual(cut["text/html"].count("<tr>"), 1 + 25 + 1, "header, 20 + 5 rows, the hidden-rows line")
        reply, outputs = self.session.run("fortyRows.showAll()")
        whole = of_type(outputs, "execute_result")[0]["content"]["data"]
        self.assertEqual(whole["text/html"].count("<tr>"), 1 + 40)
        self.assertNotIn("hidden", whole["text/plain"])
        reply, outputs = self.session.run("fortyRows.slice(20, 35)")
        part = of_type(outputs, "execute_result")[0]["content"]["data"]
        self.assertRegex(part["text/html"], r'<td style="text-align:right"[^>]*>34</td>')
        self.assertEqual(part["text/html"].count("<tr>"), 1 + 15)

    def test_silent_execution_publishes_nothing_and_keeps_the_count(self):
        reply1, _ = self.session.run("1")
        reply2, outputs = self.session.run("2", silent=True)
        self.assertEqual(reply2["status"], "ok")
        self.assertEqual(of_type(outputs, "execute_input"), [])
        self.assertEqual(of_type(outputs, "execute_result"), [])
        reply3, _ = self.session.run("3")
        self.assertEqual(reply3["execution_count"], reply1["execution_count"] + 1)

    def test_a_cells_own_values_call_is_not_ambiguous_with_the_startup_imports(self):
        # startup.jsh imports the DSL enums' constants by name; on demand, their values() would clash.
        reply, outputs = self.session.run("java.util.List.of(1).size()")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "1")
        reply, outputs = self.session.run("import static java.util.concurrent.TimeUnit.*;\nvalues().length")
        self.assertEqual(reply["status"], "ok", [traceback_text(e) for e in of_type(outputs, "error")])
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "7")
        reply, outputs = self.session.run(
            "READ == Access.READ && READ_WRITE == Prot.READ_WRITE && REQ_FAULT == HmmRequest.REQ_FAULT")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "true")

    def test_magics_list_and_unknown_magic_is_one_error(self):
        reply, outputs = self.session.run("%lsmagic")
        self.assertEqual(reply["status"], "ok")
        self.assertIn("%load", of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"])
        reply, outputs = self.session.run("%nosuchmagic")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(len(of_type(outputs, "error")), 1)

    def test_js_cell_shows_through_the_notebook_and_errors_point_at_its_line(self):
        reply, outputs = self.session.run('%%js\nlab.show("shown from JavaScript");')
        self.assertEqual(reply["status"], "ok")
        shown = of_type(outputs, "display_data")
        self.assertEqual(shown[0]["content"]["data"]["text/plain"], "shown from JavaScript")
        reply, outputs = self.session.run('%%js\nvar fine = 1;\nnoSuchFunction();')
        self.assertEqual(reply["status"], "error")
        errors = of_type(outputs, "error")
        self.assertEqual(len(errors), 1)
        self.assertIn("line 3", traceback_text(errors[0]))

    def test_inspection_shows_javadoc_of_the_lab_api(self):
        msg_id = self.session.kc.inspect("MiB(", 4)
        reply = self.session.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertTrue(reply["content"]["found"])
        text = reply["content"]["data"]["text/plain"]
        self.assertIn("MiB(long", text)
        self.assertIn("MiB", text.split("\n", 1)[0])


class RunawayCell(unittest.TestCase):
    """A loop written in a cell that checks nothing: the kernel's guard stops it and the kernel stays usable."""

    def test_interrupt_stops_a_loop_that_ignores_it(self):
        session = KernelSession()
        try:
            session.run("var alive = 5;")

            def interrupt_soon():
                time.sleep(1.0)
                session.km.interrupt_kernel()

            reply, outputs = session.run("long n = 0;\nwhile (n >= 0) { n = n + 1 - 1; }", during=interrupt_soon)
            self.assertEqual(reply["status"], "error")
            error = of_type(outputs, "error")[0]["content"]
            self.assertEqual(error["ename"], "Interrupted")
            self.assertNotIn("background", error["evalue"], "the loop is stopped, not left running")
            reply, outputs = session.run("alive")
            self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "5")
        finally:
            session.close()



class SparkSweepInterrupt(unittest.TestCase):
    """A notebook interrupt during a sweep on Spark: the job is cancelled, the finished rows are kept, Spark stays quiet."""

    def test_interrupt_cancels_the_spark_job_and_keeps_the_finished_rows(self):
        session = KernelSession()
        try:
            reply, _ = session.run(
                'var slow = sweep(scenario("scan").on(A100_PCIE4).engine(RESIDENCY_MODEL)\n'
                '        .policy(onDemand().placement(accessCounters().threshold(4).granularity(KiB(64))))\n'
                '        .alloc("x", MiB(16)).cpu(phase("init").writes("x"))\n'
                '        .gpu(kernel("scan").reads("x").pattern(hotSet(0.25, 0.9)).accesses(2_000_000).warps(64)))\n'
                '    .vary("policy.placement.threshold", 1, 2, 4, 8).vary("vram", MiB(4), MiB(8), MiB(12), MiB(16))\n'
                '    .vary("phases.scan.accesses", 2_000_000, 4_000_000).columns("faults").on("spark:local[2]");\n'
                'org.hmmlab.spark.Spark.session("local[2]");', timeout=120)
            self.assertEqual(reply["status"], "ok", reply)
            msg_id = session.kc.execute('slow.onProgress(progress("on spark")).run()')
            outputs, interrupted = [], False
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                msg = session.kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
                outputs.append(msg)
                shown = str(msg["content"].get("data", {}))
                if not interrupted and "/32" in shown and "32/32" not in shown:
                    session.km.interrupt_kernel()
                    interrupted = True
            self.assertTrue(interrupted, "a progress display came before the end")
            errors = of_type(outputs, "error")
            self.assertEqual(len(errors), 1, outputs)
            self.assertEqual(errors[0]["content"]["ename"], "Interrupted")
            self.assertIn("rows are kept", errors[0]["content"]["evalue"])
            noise = [m["content"]["text"] for m in of_type(outputs, "stream") if m["content"]["name"] == "stderr"]
            self.assertEqual(noise, [], "Spark wrote to the notebook")
            reply, outputs = session.run("Sweep.lastInterrupted().get().table().rowCount()")
            kept = int(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"])
            self.assertTrue(1 <= kept < 32, kept)
            reply, outputs = session.run("slow.on(\"local\").run().table().toCsv().contains("
                                         "Sweep.lastInterrupted().get().table().toCsv().split(\"\\r\\n\")[1])")
            self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "true")
        finally:
            session.close()

if __name__ == "__main__":
    unittest.main()
