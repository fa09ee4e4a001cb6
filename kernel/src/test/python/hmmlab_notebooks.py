#!/usr/bin/python3
"""Executes HMM Lab notebooks with a real Jupyter client (nbclient) and checks what they show.

Used by the notebook tests and by `./hmmlab run NOTEBOOK.ipynb`. A notebook passes when it runs within its time
budget (notebook metadata hmmlab.budget_seconds, default 60), no cell shows an error, and every cell tagged
"chart" shows an image/png.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = os.environ.get("HMMLAB_KERNEL", "hmmlab")
DEFAULT_BUDGET_SECONDS = 60
CELL_TIMEOUT_SECONDS = 120


def execute(path):
    """Runs the notebook at path; returns (executed notebook, wall seconds)."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT_SECONDS,
        startup_timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": str(Path(path).resolve().parent)}},
    )
    start = time.monotonic()
    client.execute()
    return nb, time.monotonic() - start


def budget_seconds(nb):
    """The notebook's budget on a quiet machine (metadata hmmlab.budget_seconds)."""
    return nb.metadata.get("hmmlab", {}).get("budget_seconds", DEFAULT_BUDGET_SECONDS)


def load_factor():
    """How much slower than quiet this machine runs now: the 1-minute load per core, at least 1.

    A budget is a promise to the reader about a quiet machine; on a machine busy with other builds, the same
    notebook takes longer for reasons that are not the notebook's, so its budget stretches by this factor.
    """
    try:
        return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:
        return 1.0


def effective_budget(nb):
    return budget_seconds(nb) * load_factor()


def problems(nb, seconds):
    """What is wrong with an executed notebook, as readable lines (empty: nothing)."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {index} (execution count {cell.get('execution_count')})"
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{where}: {out.ename}: {out.evalue}")
        if "chart" in cell.metadata.get("tags", []):
            if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
                found.append(f"{where} is tagged 'chart' but shows no image/png")
    budget = budget_seconds(nb)
    allowed = effective_budget(nb)
    if seconds > allowed:
        stretched = "" if allowed == budget else f" (stretched to {allowed:.0f} s by the machine's load)"
        found.append(f"ran {seconds:.1f} s, over its budget of {budget} s{stretched}")
    return found


def export_html(nb, target):
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter().from_notebook_node(nb)
    Path(target).write_text(body, encoding="utf-8")


def main(argv):
    if len(argv) != 3:
        print("usage: hmmlab_notebooks.py NOTEBOOK.ipynb OUTPUT_DIR", file=sys.stderr)
        return 2
    source, out_dir = Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    nb, seconds = execute(source)
    executed = out_dir / source.name
    nbformat.write(nb, str(executed))
    html = out_dir / (source.stem + ".html")
    export_html(nb, html)
    issues = problems(nb, seconds)
    for line in issues:
        print(f"hmmlab: {source.name}: {line}", file=sys.stderr)
    print(f"hmmlab: ran {source.name} in {seconds:.1f} s; wrote {executed} and {html}", file=sys.stderr)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
