package org.hmmlab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The cells this kernel ran, for the front end's history requests (console up-arrow, {@code %history}).
 *
 * <p>Kept in memory for the life of the kernel; session 0 is this session and there are no earlier ones.
 */
final class CellHistory implements HistoryManager {

    private record Cell(int number, String input, String output) {
    }

    private final List<Cell> cells = new ArrayList<>();

    synchronized void add(int number, String input, String output) {
        cells.add(new Cell(number, input, output == null ? "" : output));
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        if (session != 0) {
            return out;
        }
        for (Cell c : cells) {
            if (c.number() >= start && c.number() < stop) {
                out.add(entry(c, flags));
            }
        }
        return out;
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : cells.subList(Math.max(0, cells.size() - length), cells.size())) {
            out.add(entry(c, flags));
        }
        return out;
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern glob = globToRegex(pattern);
        Map<String, Cell> matches = new LinkedHashMap<>();
        List<Cell> ordered = new ArrayList<>();
        for (Cell c : cells) {
            if (glob.matcher(c.input()).matches()) {
                if (flags.contains(ResultFlag.UNIQUE)) {
                    matches.remove(c.input());
                    matches.put(c.input(), c);
                } else {
                    ordered.add(c);
                }
            }
        }
        if (flags.contains(ResultFlag.UNIQUE)) {
            ordered.addAll(matches.values());
        }
        int from = length > 0 ? Math.max(0, ordered.size() - length) : 0;
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : ordered.subList(from, ordered.size())) {
            out.add(entry(c, flags));
        }
        return out;
    }

    private static HistoryEntry entry(Cell c, Set<ResultFlag> flags) {
        return flags.contains(ResultFlag.INCLUDE_OUTPUT)
                ? new HistoryEntry(0, c.number(), c.input(), c.output())
                : new HistoryEntry(0, c.number(), c.input(), null);
    }

    /** SQLite-style glob ({@code *}, {@code ?}, {@code [...]}) to a regular expression over the whole input. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        if (set.startsWith("^")) {
                            set = "^" + set.substring(1).replace("\\", "\\\\");
                        } else {
                            set = set.replace("\\", "\\\\").replace("^", "\\^");
                        }
                        re.append('[').append(set).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
