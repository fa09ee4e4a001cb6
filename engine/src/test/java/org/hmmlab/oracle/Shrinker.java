package org.hmmlab.oracle;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks a diverging script to a small one that still diverges: removes chunks of operations (halving the chunk size
 * when no removal keeps the divergence), trying every candidate of a round in one boot of the guest. Any subsequence
 * of a script is a valid script (areas live at fixed addresses), so removal needs no repair.
 */
final class Shrinker {
    /** Boots one shrink may spend. */
    static final int MAX_BOOTS = 8;

    private Shrinker() {
    }

    static List<String> shrink(Guest g, List<String> script, PrintStream out) throws Exception {
        List<String> cur = script;
        int chunk = Math.max(1, cur.size() / 2);
        int boots = 0;
        while (boots < MAX_BOOTS && cur.size() > 1) {
            Map<String, List<String>> cands = new LinkedHashMap<>();
            for (int start = 0; start < cur.size(); start += chunk) {
                List<String> c = new ArrayList<>(cur.subList(0, start));
                c.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                // A removal can expose a device READ/WRITE the generator steered around: the 6.12 driver
                // would crash the guest on it, so such candidates are not tried.
                if (!c.isEmpty() && !EngineInterpreter.crashesDriver612(c)) {
                    cands.put(String.format("c%04d", cands.size()), c);
                }
            }
            if (cands.isEmpty()) {
                if (chunk == 1) {
                    break;
                }
                chunk = Math.max(1, chunk / 2);
                continue;
            }
            Map<String, List<List<String>>> k = OracleMain.guestRuns(g, cands);
            boots++;
            List<String> found = null;
            for (var e : cands.entrySet()) {
                List<List<String>> kr = k.get(e.getKey());
                Comparison c = Comparison.of(kr.get(0), kr.get(1), EngineInterpreter.runTracked(e.getValue()));
                if (c.guestError == null && c.diverged()) {
                    found = OracleMain.prefix(e.getValue(), c.divergenceKernel);
                    break;
                }
            }
            if (found != null) {
                cur = found;
                chunk = Math.max(1, Math.min(chunk, cur.size() / 2));
            } else if (chunk == 1) {
                break;
            } else {
                chunk = Math.max(1, chunk / 2);
            }
            out.printf("oracle: shrink: %d operations (chunk %d, boot %d)%n", cur.size(), chunk, boots);
        }
        return cur;
    }

    /** The kernel function that decides the outcome of a transcript line's operation: where a reader looks first. */
    static String kernelSource(String line) {
        if (line == null) {
            return "-";
        }
        String op = line.replaceFirst("^[0-9.]+ (c )?", "");
        String[] t = op.split("\\s+");
        return switch (t[0]) {
            case "mmap" -> "do_mmap() in mm/mmap.c (and the first fault: handle_mm_fault() in mm/memory.c)";
            case "munmap" -> "do_vmi_munmap() in mm/mmap.c";
            case "mprotect" -> "do_mprotect_pkey() and mprotect_fixup() in mm/mprotect.c";
            case "madvise" -> "do_madvise() in mm/madvise.c";
            case "read", "write" -> "handle_mm_fault() in mm/memory.c (do_swap_page() for device-private entries)";
            case "fork" -> "dup_mmap() in kernel/fork.c and copy_page_range() in mm/memory.c";
            case "dev" -> t.length < 3 ? "lib/test_hmm.c" : switch (t[2]) {
                case "read", "write" -> "dmirror_read()/dmirror_write() and dmirror_fault() in lib/test_hmm.c,"
                        + " hmm_range_fault() in mm/hmm.c";
                case "snapshot" -> "dmirror_snapshot() and dmirror_mkentry() in lib/test_hmm.c, hmm_range_fault()";
                case "migrate_to_dev" -> "dmirror_migrate_to_device() in lib/test_hmm.c, migrate_vma_setup() in"
                        + " mm/migrate_device.c";
                case "migrate_to_sys" -> "dmirror_migrate_to_system() in lib/test_hmm.c, migrate_vma_setup() in"
                        + " mm/migrate_device.c";
                case "exclusive", "check_exclusive" -> "dmirror_exclusive()/dmirror_check_atomic() in lib/test_hmm.c,"
                        + " make_device_exclusive_range() in mm/rmap.c";
                case "release" -> "dmirror_device_remove_chunks() in lib/test_hmm.c";
                default -> "dmirror_fops_unlocked_ioctl() in lib/test_hmm.c";
            };
            default -> "-";
        };
    }
}
