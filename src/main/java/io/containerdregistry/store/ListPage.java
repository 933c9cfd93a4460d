package io.containerdregistry.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One page of a sorted listing: the entries after {@code last} (exclusive), at most {@code n} of them, and whether
 * more remain after it.
 */
public record ListPage(List<String> entries, boolean more) {

    /** The page of an already sorted list. */
    public static ListPage of(List<String> sorted, String last, int n) {
        int from = 0;
        if (last != null) {
            int at = Collections.binarySearch(sorted, last);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        from = Math.min(from, sorted.size());
        int to = (int) Math.min((long) from + n, sorted.size());
        return new ListPage(List.copyOf(sorted.subList(from, to)), to < sorted.size() && n > 0);
    }

    /** The page from an iteration in order: the first {@code n} entries, and whether one more exists. */
    public static ListPage first(Iterable<String> ordered, int n) {
        List<String> entries = new ArrayList<>(Math.min(n, 1024));
        for (String entry : ordered) {
            if (entries.size() == n) {
                return new ListPage(entries, n > 0);
            }
            entries.add(entry);
        }
        return new ListPage(entries, false);
    }
}
