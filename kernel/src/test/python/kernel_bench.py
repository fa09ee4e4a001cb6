#!/usr/bin/python3
"""Kernel speed figures (a benchmark, not a test): start to first result, trivial and chart cells right after it
and after a reader's pause, and a chart's render time inside the kernel.

Run with `./hmmlab kernel bench`. Prints one line per figure; --json prints them as a JSON object.
"""
import json
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

KERNEL = os.environ.get("HMMLAB_KERNEL", "hmmlab")
STARTS = 3
CHART_RUNS = 10
# A reader's pause after the first result: the kernel warms JShell's compiler while no cell runs (CompilerWarmup),
# so the cells after it show what a session feels like; the cells right after the first result show a cold JVM.
IDLE_S = 15

SETUP_CELL = """
var rows = new ArrayList<Row>();
for (int i = 1; i <= 200; i++) rows.add(row().with("size_bytes", i * 4096L).with("h2d_GBps", Math.log(i + 1)));
var table = Table.fromRows("bench", rows);
"""
CHART_CELL = 'Charts.curves("Render benchmark", table, "size_bytes", "h2d_GBps")'



def run(kc, code, timeout=60):
    """Executes code; returns (seconds from request to reply, reply content, outputs)."""
    start = time.monotonic()
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    elapsed = time.monotonic() - start
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"bench cell failed: {reply['content']}")
    return elapsed, reply["content"], outputs


def start_to_first_result():
    km = KernelManager(kernel_name=KERNEL)
    start = time.monotonic()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        run(kc, "1 + 1")
        return time.monotonic() - start, km, kc
    except Exception:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise


def cells(kc):
    """Median seconds of 10 trivial cells, then the chart cell's first and median seconds."""
    trivial = [run(kc, "2 + 2")[0] for _ in range(CHART_RUNS)]
    run(kc, SETUP_CELL)
    chart = []
    for _ in range(CHART_RUNS):
        seconds, _, outputs = run(kc, CHART_CELL)
        if not any("image/png" in m["content"].get("data", {}) for m in outputs):
            raise RuntimeError("the chart cell showed no image/png")
        chart.append(seconds)
    return statistics.median(trivial), chart[0], statistics.median(chart[1:])


def main(argv):
    figures = {}
    starts = []
    km = kc = None
    cold = None
    for i in range(STARTS):
        seconds, km_i, kc_i = start_to_first_result()
        starts.append(seconds)
        if i < STARTS - 1:
            if i == STARTS - 2:
                try:
                    cold = cells(kc_i)  # right after the first result
                finally:
                    kc_i.stop_channels()
                    km_i.shutdown_kernel()
            else:
                kc_i.stop_channels()
                km_i.shutdown_kernel()
        else:
            km, kc = km_i, kc_i
    figures["kernel_start_to_first_result_s_median"] = round(statistics.median(starts), 3)
    figures["kernel_start_to_first_result_s_max"] = round(max(starts), 3)
    try:
        time.sleep(IDLE_S)
        trivial, first_chart, chart = cells(kc)
        _, _, outputs = run(kc, "var c = " + CHART_CELL + ";\nvar ms = new ArrayList<Double>();\n"
                                "for (int i = 0; i < 10; i++) { long t0 = System.nanoTime(); c.mimeBundle(); "
                                "ms.add((System.nanoTime() - t0) / 1e6); }\n"
                                "ms.stream().sorted().toList().get(5)")
        in_kernel_ms = float(outputs[-1]["content"]["data"]["text/plain"])
    finally:
        kc.stop_channels()
        km.shutdown_kernel()  # a graceful shutdown: the JVM writes its class-data archive on exit
    figures["first_chart_cell_ms"] = round(cold[1] * 1000, 1)
    figures["chart_cell_ms_median"] = round(cold[2] * 1000, 1)
    figures["trivial_cell_ms_median"] = round(cold[0] * 1000, 1)
    figures["chart_cell_ms_median_after_idle"] = round(chart * 1000, 1)
    figures["trivial_cell_ms_median_after_idle"] = round(trivial * 1000, 1)
    figures["chart_png_render_in_kernel_ms"] = round(in_kernel_ms, 1)
    figures["load_average"] = round(os.getloadavg()[0], 2)
    if "--json" in argv:
        print(json.dumps(figures, indent=2))
    else:
        print(f"kernel start to first result: median {figures['kernel_start_to_first_result_s_median']} s, "
              f"max {figures['kernel_start_to_first_result_s_max']} s over {STARTS} starts (target <= 1 s)")
        print(f"trivial cell (2 + 2), request to reply: median {figures['trivial_cell_ms_median']} ms right after "
              f"the first result, {figures['trivial_cell_ms_median_after_idle']} ms after {IDLE_S} s idle (target <= 30 ms)")
        print(f"chart cell (one expression: a 200-point curve as a 2x PNG), request to reply: first "
              f"{figures['first_chart_cell_ms']} ms, then median {figures['chart_cell_ms_median']} ms right after the "
              f"first result, {figures['chart_cell_ms_median_after_idle']} ms after {IDLE_S} s idle (target <= 100 ms)")
        print(f"chart to PNG inside the kernel (median of 10): {figures['chart_png_render_in_kernel_ms']} ms")
        print(f"load average at the end: {figures['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
