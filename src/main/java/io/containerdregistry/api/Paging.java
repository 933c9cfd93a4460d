package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code n}/{@code last} paging of a sorted list: entries after {@code last} (exclusive), at most {@code n} of them
 * (capped to the configured maximum), and a {@code Link: <...>; rel="next"} header only when more remain.
 */
record Paging(Integer n, String last) {

    static Paging of(RoutingContext rc, int maxPageSize) {
        String n = rc.request().getParam("n");
        Integer size = null;
        if (n != null) {
            try {
                size = Integer.parseInt(n.trim());
            } catch (NumberFormatException e) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must be a number", null);
            }
            if (size < 0) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must not be negative", null);
            }
            size = Math.min(size, maxPageSize);
        }
        return new Paging(size == null ? null : size, rc.request().getParam("last"));
    }

    /** The page, and whether entries remain after it. */
    Page apply(List<String> sorted, int defaultSize) {
        int from = 0;
        if (last != null) {
            int at = java.util.Collections.binarySearch(sorted, last);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        int size = n == null ? defaultSize : n;
        int to = (int) Math.min((long) from + size, sorted.size());
        return new Page(sorted.subList(Math.min(from, sorted.size()), Math.max(to, Math.min(from, sorted.size()))),
                to < sorted.size() && size > 0);
    }

    record Page(List<String> entries, boolean more) {
        String link(String path, int n) {
            String lastEntry = entries.get(entries.size() - 1);
            return "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(lastEntry, StandardCharsets.UTF_8)
                    + ">; rel=\"next\"";
        }
    }
}
