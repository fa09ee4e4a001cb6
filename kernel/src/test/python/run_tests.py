#!/usr/bin/python3
"""Runs the Jupyter test modules (conformance, behaviour, hostile cells, notebooks, docs, browser) and prints "N passed, M failed" last.

Usage: run_tests.py [MODULE ...]   (default: all of them). Exits 1 on any failure or error.
"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = ["test_kernel_conformance", "test_kernel_behaviour", "test_kernel_hostile", "test_notebooks", "test_docs",
           "test_browser"]


class CountingResult(unittest.TextTestResult):
    """Counts subtests too: a test passes when it and all its subtests pass."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_ids = set()

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None and not issubclass(err[0], unittest.SkipTest):
            self.failed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())


def main(argv):
    names = argv[1:] or MODULES
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for name in names:
        suite.addTests(loader.loadTestsFromName(name))
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failed_ids)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    if skipped:
        print(f"({skipped} skipped: conformance samples this kernel does not offer, such as a pager)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
