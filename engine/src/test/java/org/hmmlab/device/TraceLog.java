package org.hmmlab.device;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A run's JSON-lines trace read back into the few event kinds the timing tests look at. */
final class TraceLog {

    record Event(String type, long time, long page, long pages, int warp, String to) {
        boolean covers(long p) {
            return p >= page && p < page + pages;
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[-0-9]+|true|false)");

    final List<Event> events = new ArrayList<>();

    TraceLog(CharSequence trace) {
        trace.toString().lines().forEach(line -> {
            String type = null;
            long time = 0;
            long page = -1;
            long pages = 1;
            int warp = -1;
            String to = null;
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String v = m.group(2);
                switch (m.group(1)) {
                    case "type" -> type = v.substring(1, v.length() - 1);
                    case "time_ns" -> time = Long.parseLong(v);
                    case "page" -> page = Long.parseLong(v);
                    case "pages", "notifications" -> pages = Long.parseLong(v); // a batch's size, for batches
                    case "warp" -> warp = Integer.parseInt(v);
                    case "to" -> to = v.substring(1, v.length() - 1);
                    default -> { }
                }
            }
            events.add(new Event(type, time, page, pages, warp, to));
        });
    }

    List<Event> of(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    /** The first device mapping of {@code page} that became usable at or after {@code from}, or null. */
    Event mappedAtOrAfter(long page, long from) {
        return of("map").stream().filter(e -> e.covers(page) && e.time() >= from).findFirst().orElse(null);
    }
}
