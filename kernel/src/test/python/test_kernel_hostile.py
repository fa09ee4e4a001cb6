"""Hostile cells: every cell here tries to break the kernel, and the kernel must survive each one.

After each hostile cell the test runs a cell that reads a variable defined before it: the kernel survives only if
that read answers with the value. Exits and halts are refused (CellBytecode rewrites cell classes); loops that
ignore interrupts stop at the guard's polls; a JavaScript loop stops at Polyglot's interrupt; floods of output
are cut with a note. HMMLAB_HOSTILE_FULL=1 runs the long variants (more output, more rapid cells).
"""
import os
import time
import unittest

from jupyter_client.manager import start_new_kernel

from test_kernel_behaviour import KERNEL, of_type, traceback_text

FULL = os.environ.get("HMMLAB_HOSTILE_FULL") == "1"
TIMEOUT = 60
# A small heap, so that the out-of-memory cell fills it in a moment without taking the machine's memory.
HEAP = "-Xmx768m"


class HostileSession:
    """One kernel with a small heap and a client; run() returns (reply content, iopub messages of the cell)."""

    def __init__(self):
        env = dict(os.environ)
        env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + " " + HEAP).strip()
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60, env=env)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code, timeout=TIMEOUT, interrupt_after=None):
        msg_id = self.kc.execute(code)
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            self.interrupted_at = time.monotonic()
            self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=timeout)
        self.replied_at = time.monotonic()
        return reply["content"], self.collect(msg_id, timeout)

    def collect(self, msg_id, timeout=TIMEOUT):
        outputs = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        return outputs


def stream_text(outputs, name=None):
    return "".join(m["content"]["text"] for m in of_type(outputs, "stream")
                   if name is None or m["content"]["name"] == name)


class HostileCells(unittest.TestCase):
    """One kernel for all hostile cells: each must leave it alive with its variables."""

    @classmethod
    def setUpClass(cls):
        cls.session = HostileSession()
        reply, _ = cls.session.run("var kept = 4242;")
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def assertSurvives(self):
        """The kernel still answers and still holds the variable defined before the hostile cell."""
        reply, outputs = self.session.run("kept")
        self.assertEqual(reply["status"], "ok", [traceback_text(e) for e in of_type(outputs, "error")])
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "4242")

    def assertFails(self, code, ename, *in_message, **kwargs):
        reply, outputs = self.session.run(code, **kwargs)
        self.assertEqual(reply["status"], "error", code)
        errors = of_type(outputs, "error")
        self.assertEqual(len(errors), 1, code)
        self.assertEqual(errors[0]["content"]["ename"], ename, traceback_text(errors[0]))
        for text in in_message:
            self.assertIn(text, traceback_text(errors[0]))
        self.assertSurvives()
        return errors[0], outputs

    # --- failures a cell may have ------------------------------------------------------------------------

    def test_exception(self):
        self.assertFails('throw new IllegalStateException("boom");', "IllegalStateException", "boom")

    def test_compile_error(self):
        self.assertFails("int broken = ;", "CompileError")

    def test_stack_overflow(self):
        self.session.run("int down(int n) { return down(n + 1) + 1; }")
        self.assertFails("down(0)", "StackOverflowError")

    def test_out_of_memory_one_array(self):
        self.assertFails("long[] huge = new long[Integer.MAX_VALUE - 8];", "OutOfMemoryError")

    def test_out_of_memory_filling_the_heap(self):
        # A block, so the filled list is garbage once the error is thrown and the next cell has its heap back.
        self.assertFails("{ var hog = new ArrayList<long[]>(); while (true) hog.add(new long[1 << 20]); }",
                         "OutOfMemoryError")

    # --- calls that would end the JVM ----------------------------------------------------------------------

    def test_exit_and_its_relatives_are_refused(self):
        cases = {
            "System.exit(1);": "System.exit",
            "Runtime.getRuntime().exit(3);": "Runtime.exit",
            "Runtime.getRuntime().halt(0);": "Runtime.halt",
            'System.class.getMethod("exit", int.class).invoke(null, 0);': "System.exit",
            'Runtime.class.getMethod("halt", int.class).invoke(Runtime.getRuntime(), 0);': "Runtime.halt",
            ('java.lang.invoke.MethodHandles.lookup().findStatic(System.class, "exit",\n'
             '    java.lang.invoke.MethodType.methodType(void.class, int.class)).invoke(0);'): "System.exit",
            ('java.lang.invoke.MethodHandles.lookup().findVirtual(Runtime.class, "halt",\n'
             '    java.lang.invoke.MethodType.methodType(void.class, int.class)).invoke(Runtime.getRuntime(), 0);'):
                "Runtime.halt",
            "java.util.function.IntConsumer bye = System::exit;\nbye.accept(0);": "System.exit",
            "java.util.function.IntConsumer stop = Runtime.getRuntime()::halt;\nstop.accept(0);": "Runtime.halt",
            ('var invoke = java.lang.reflect.Method.class.getMethod("invoke", Object.class, Object[].class);\n'
             'invoke.invoke(System.class.getMethod("exit", int.class), null, new Object[] {0});'): "reflection on Method.invoke",
            'sun.misc.Signal.raise(new sun.misc.Signal("TERM"));': "Signal.raise",
            ('var field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");\nfield.setAccessible(true);\n'
             '((sun.misc.Unsafe) field.get(null)).putAddress(0L, 0L);'): "sun.misc.Unsafe.putAddress",
            'System.load("/lib/x86_64-linux-gnu/libc.so.6");': "System.load (native code)",
        }
        for code, refused in cases.items():
            with self.subTest(code=code):
                self.assertFails(code, "CellRefusedException", refused + " is refused in a notebook cell")

    def test_exit_from_a_method_defined_in_an_earlier_cell_is_refused(self):
        reply, _ = self.session.run("void quit() { if (kept > 0) System.exit(2); }")
        self.assertEqual(reply["status"], "ok")
        self.assertFails("quit();", "CellRefusedException", "System.exit")

    def test_exit_from_a_thread_the_cell_starts_is_refused(self):
        reply, outputs = self.session.run(
            "var quitter = new Thread(() -> Runtime.getRuntime().halt(9));\nquitter.start();\nquitter.join();")
        self.assertEqual(reply["status"], "ok")
        self.assertSurvives()

    def test_destroying_the_kernel_process_is_refused_by_the_jdk(self):
        self.assertFails("ProcessHandle.current().destroyForcibly();", "IllegalStateException")

    # --- loops that run away -------------------------------------------------------------------------------

    def test_runaway_java_loop_stops_within_a_second_of_the_interrupt(self):
        error, _ = self.assertFails("long n = 0;\nwhile (n >= 0) { n = n + 1 - 1; }", "Interrupted",
                                    interrupt_after=1.0)
        self.assertNotIn("background", error["content"]["evalue"])

    def test_runaway_loop_that_swallows_everything_stops(self):
        code = ("int spins = 0;\n"
                "while (true) {\n"
                "    try { for (;;) { spins++; } } catch (Throwable swallowed) { }\n"
                "}")
        self.assertFails(code, "Interrupted", interrupt_after=1.0)
        self.assertLess(self.session.replied_at - self.session.interrupted_at, 1.0)

    def test_runaway_loop_in_a_stream_lambda_stops(self):
        self.assertFails("java.util.stream.IntStream.iterate(0, i -> i + 1).filter(i -> i < 0).findFirst()",
                         "Interrupted", interrupt_after=1.0)
        self.assertLess(self.session.replied_at - self.session.interrupted_at, 1.0)

    def test_runaway_javascript_loop_stops_within_a_second_of_the_interrupt(self):
        self.session.run("%%js\nvar warm = 1;")  # the first script builds GraalJS: interrupt the loop, not that
        self.assertFails("%%js\nwhile (true) {}", "Interrupted", interrupt_after=1.5)
        self.assertLess(self.session.replied_at - self.session.interrupted_at, 1.0)

    def test_javascript_interrupted_while_its_context_is_built_stops(self):
        self.assertFails("%%js\nvar n = 0;\nwhile (true) { n++; }", "Interrupted", interrupt_after=0.05)

    def test_runaway_threads_stop_at_an_interrupt(self):
        reply, outputs = self.session.run(
            "Thread spinner = new Thread(() -> { long x = 0; while (true) { x++; } });\n"
            "spinner.setDaemon(true);\nspinner.start();\n"
            "Thread spinner2 = Thread.ofVirtual().start(() -> { while (true) { Thread.onSpinWait(); } });")
        self.assertEqual(reply["status"], "ok", [traceback_text(e) for e in of_type(outputs, "error")])
        self.assertSurvives()
        reply, outputs = self.session.run("spinner.isAlive() && spinner2.isAlive()")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "true")
        self.session.km.interrupt_kernel()  # nothing running: stops what earlier cells left spinning
        time.sleep(0.5)  # let the interrupt land before the next cell, or it interrupts that cell
        reply, outputs = self.session.run("spinner.join(2000);\nspinner2.join(2000);\nspinner.isAlive() || spinner2.isAlive()")
        self.assertEqual(reply["status"], "ok", [traceback_text(e) for e in of_type(outputs, "error")])
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], "false")
        self.assertSurvives()

    def test_interrupted_flood_of_output_stops(self):
        self.assertFails('while (true) System.out.println("spam");', "Interrupted", interrupt_after=1.0)

    # --- floods --------------------------------------------------------------------------------------------

    def test_flood_of_lines_is_truncated_with_a_note(self):
        lines = 3_000_000 if FULL else 300_000
        reply, outputs = self.session.run(
            f'for (int i = 0; i < {lines}; i++) System.out.println("line " + i);')
        self.assertEqual(reply["status"], "ok")
        streams = of_type(outputs, "stream")
        self.assertLess(len(streams), 200, "output is batched, not one message per line")
        shown = stream_text(outputs, "stdout")
        self.assertLessEqual(len(shown.encode()), 1 << 20)
        self.assertTrue(shown.startswith("line 0\nline 1\n"))
        self.assertIn("[output truncated: the cell wrote", stream_text(outputs, "stderr"))
        self.assertSurvives()

    def test_flood_without_newlines_and_on_stderr_is_truncated(self):
        reply, outputs = self.session.run('System.err.print("e".repeat(5_000_000));\nSystem.out.print("o".repeat(5_000_000));')
        self.assertEqual(reply["status"], "ok")
        total = sum(len(m["content"]["text"]) for m in of_type(outputs, "stream"))
        self.assertLess(total, (1 << 20) + 1000)
        self.assertIn("[output truncated", stream_text(outputs, "stderr"))
        self.assertSurvives()

    def test_huge_value_is_truncated_with_a_note(self):
        reply, outputs = self.session.run('"x".repeat(20_000_000)')
        self.assertEqual(reply["status"], "ok")
        text = of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"]
        self.assertLess(len(text), (1 << 20) + 1000)
        self.assertIn("[value truncated", text)
        self.assertSurvives()

    def test_output_shows_while_the_cell_still_runs(self):
        reply, outputs = self.session.run('System.out.println("early");\nThread.sleep(1500);\nSystem.out.println("late");')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(stream_text(outputs, "stdout"), "early\nlate\n")
        self.assertGreaterEqual(len(of_type(outputs, "stream")), 2, "the first line is published before the sleep ends")

    # --- many cells ----------------------------------------------------------------------------------------

    def test_rapid_cells_all_run_in_order(self):
        n = 1000 if FULL else 100
        self.session.run("int counter = 0;")
        ids = [self.session.kc.execute("counter++;") for _ in range(n)]
        statuses = {}
        deadline = time.monotonic() + TIMEOUT * 2
        while len(statuses) < n and time.monotonic() < deadline:
            reply = self.session.kc.get_shell_msg(timeout=TIMEOUT)
            parent = reply["parent_header"].get("msg_id")
            if parent in ids:
                statuses[parent] = reply["content"]["status"]
        self.assertEqual(list(statuses.values()).count("ok"), n)
        reply, outputs = self.session.run("counter")
        self.assertEqual(of_type(outputs, "execute_result")[0]["content"]["data"]["text/plain"], str(n))
        self.assertSurvives()


if __name__ == "__main__":
    unittest.main()
