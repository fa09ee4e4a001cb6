"""Executes every notebook in notebooks/ with nbclient against the HMM Lab kernel.

A notebook fails on any error output, on a cell tagged "chart" without an image/png, or on running longer than
its budget (metadata hmmlab.budget_seconds, default 60 s).
"""
import os
import unittest
from pathlib import Path

import hmmlab_notebooks

NOTEBOOKS = Path(os.environ.get("HMMLAB_HOME", Path(__file__).resolve().parents[4])) / "notebooks"


class Notebooks(unittest.TestCase):

    def test_every_cell_has_a_unique_id(self):
        """nbformat 4.5 wants an id on every cell (it warns and invents one otherwise, a diff on every save)."""
        import json
        for path in sorted(NOTEBOOKS.glob("*.ipynb")):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            ids = [c.get("id") for c in cells]
            self.assertNotIn(None, ids, f"{path.name}: cell {ids.index(None) if None in ids else ''} has no id")
            self.assertEqual(len(ids), len(set(ids)), f"{path.name}: duplicate cell ids")


def _make_test(path):
    def test(self):
        nb, seconds = hmmlab_notebooks.execute(path)
        issues = hmmlab_notebooks.problems(nb, seconds)
        self.assertEqual(issues, [], f"{path.name}: " + "; ".join(issues))
        print(f"  {path.name}: {seconds:.1f} s (budget {hmmlab_notebooks.budget_seconds(nb)} s)")
    return test


for _path in sorted(NOTEBOOKS.glob("*.ipynb")):
    setattr(Notebooks, "test_" + _path.stem.replace("-", "_"), _make_test(_path))


if __name__ == "__main__":
    unittest.main()
