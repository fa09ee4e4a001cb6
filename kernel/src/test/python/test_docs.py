"""Runs every Java, JSON and JavaScript block of README.md and docs/*.md, so the documentation cannot rot.

Java blocks become the code cells of one notebook per Markdown file, in order, executed by nbclient against the
HMM Lab kernel (the front end a reader pastes them into); JSON blocks are scenarios and JavaScript blocks are
scenario scripts, each written under build/doc-blocks/ and run with `./hmmlab run`, the command-line front end.
A block fails on an error output or a non-zero exit; the failure names the file and the block's first line.
"""
import os
import re
import subprocess
import unittest
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import hmmlab_notebooks

HOME = Path(os.environ.get("HMMLAB_HOME", Path(__file__).resolve().parents[4]))
FENCE = re.compile(r"^```(\w*)\s*$")
LANGUAGES = {"java": "java", "json": "json", "js": "js", "javascript": "js"}
BLOCK_TIMEOUT_SECONDS = 300


def documents():
    """README.md and docs/*.md, the Markdown files whose code a reader runs."""
    return [HOME / "README.md"] + sorted((HOME / "docs").glob("*.md"))


def blocks(path):
    """The fenced code blocks of a Markdown file as (language, first line number, source), in order."""
    found, lang, start, body = [], None, 0, []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        m = FENCE.match(line)
        if lang is None and m:
            lang, start, body = m.group(1).lower(), number + 1, []
        elif lang is not None and line.strip() == "```":
            found.append((lang, start, "\n".join(body)))
            lang = None
        elif lang is not None:
            body.append(line)
    if lang is not None:
        raise AssertionError(f"{path.name}:{start - 1}: code fence never closed")
    return found


def runnable(path):
    return [(LANGUAGES[lang], line, src) for lang, line, src in blocks(path) if lang in LANGUAGES]


def run_java_blocks(path, java):
    """Executes the Java blocks as one notebook's cells; returns readable problems."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for _, src in java]
    client = NotebookClient(nb, kernel_name=hmmlab_notebooks.KERNEL, timeout=BLOCK_TIMEOUT_SECONDS,
                            startup_timeout=60, allow_errors=True, resources={"metadata": {"path": str(HOME)}})
    client.execute()
    problems = []
    for (line, _), cell in zip(java, nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                detail = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(out.get("traceback", [])))[:600]
                problems.append(f"{path.relative_to(HOME)}:{line}: {out.ename}: {out.evalue}\n{detail}")
            elif out.output_type == "stream" and out.name == "stderr" and out.text.strip():
                problems.append(f"{path.relative_to(HOME)}:{line}: wrote to stderr: {out.text.strip()[:300]}")
    return problems


def run_file_block(path, lang, line, src):
    """Writes a JSON or JavaScript block to build/doc-blocks/ and runs it with ./hmmlab run."""
    out_dir = HOME / "build" / "doc-blocks"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}-{line}.{lang}"
    target.write_text(src + "\n", encoding="utf-8")
    done = subprocess.run([str(HOME / "hmmlab"), "run", str(target)], cwd=HOME, capture_output=True, text=True,
                          timeout=BLOCK_TIMEOUT_SECONDS)
    if done.returncode != 0:
        return [f"{path.relative_to(HOME)}:{line}: ./hmmlab run {target.name} exited {done.returncode}: "
                + (done.stderr.strip() or done.stdout.strip())[-500:]]
    return []


LINK = re.compile(r"\]\(([^)\s]+)\)")


class Docs(unittest.TestCase):

    def test_relative_links_resolve_inside_the_checkout(self):
        """Every relative link of README.md and docs/*.md names a file of this checkout (no ../shared/...)."""
        broken = []
        for doc in documents():
            for number, line in enumerate(doc.read_text(encoding="utf-8").split("\n"), start=1):
                for target in LINK.findall(line):
                    if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                        continue
                    path = (doc.parent / target.split("#")[0]).resolve()
                    if not path.exists() or HOME.resolve() not in path.parents:
                        broken.append(f"{doc.relative_to(HOME)}:{number}: {target}")
        self.assertEqual(broken, [], "links to files that are not in the checkout: " + ", ".join(broken))

    def test_blocks_are_found(self):
        """The extraction itself: the README's quick start has its three Java cells."""
        java = [b for b in runnable(HOME / "README.md") if b[0] == "java"]
        self.assertGreaterEqual(len(java), 3, "README.md lost its quick-start Java blocks")
        self.assertIn("scenario(", java[0][2])


def _make_test(path):
    def test(self):
        found = runnable(path)
        java = [(line, src) for lang, line, src in found if lang == "java"]
        problems = run_java_blocks(path, java) if java else []
        for lang, line, src in found:
            if lang != "java":
                problems += run_file_block(path, lang, line, src)
        self.assertEqual(problems, [], "\n".join(problems))
        print(f"  {path.relative_to(HOME)}: {len(java)} Java, {len(found) - len(java)} JSON/JavaScript blocks ran")
    return test


for _doc in documents():
    setattr(Docs, "test_" + re.sub(r"\W", "_", str(_doc.relative_to(HOME)).removesuffix(".md")).lower(),
            _make_test(_doc))


if __name__ == "__main__":
    unittest.main()
