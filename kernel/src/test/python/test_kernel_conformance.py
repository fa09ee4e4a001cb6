"""The standard Jupyter kernel-conformance suite (jupyter_kernel_test) against the HMM Lab kernel."""
import os
import unittest

import jupyter_kernel_test


class HmmLabKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("HMMLAB_KERNEL", "hmmlab")
    language_name = "java"
    file_extension = ".jsh"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'

    completion_samples = [
        {"text": "Math.toRad", "matches": {"toRadians("}},
        {"text": "int n = 1;\n\"abc\".toUpperC", "matches": {"toUpperCase("}},
        {"text": "%lsm", "matches": {"%lsmagic"}},
    ]

    complete_code_samples = ["1 + 1", "int x = 3;", "for (int i = 0; i < 2; i++) { }", "%lsmagic"]
    incomplete_code_samples = ["for (int i = 0; i < 2; i++) {", "Math.max(1,", "int y ="]
    invalid_code_samples = [")", "int x = );", "else { }"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"hm\" + \"m\"", "result": "hmm"},
        {"code": "MiB(2)", "mime": "text/plain"},
    ]

    code_display_data = [
        {"code": 'display("shown now");', "mime": "text/plain"},
        {"code": "display(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"


if __name__ == "__main__":
    unittest.main()
