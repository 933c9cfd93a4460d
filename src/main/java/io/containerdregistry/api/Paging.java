package io.containerdregistry.api;

import io.containerdregistry.store.ListPage;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code n}/{@code last} paging parameters: entries after {@code last} (exclusive), at most {@code n} of them (capped
 * to the configured maximum), and a {@code Link: <...>; rel="next"} header only when more remain.
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

    /** How many entries a page holds: {@code n}, or the default. */
    int size(int defaultSize) {
        return n == null ? defaultSize : n;
    }

    /** The {@code Link: <...>; rel="next"} value after a page that has more. */
    static String link(String path, ListPage page) {
        String lastEntry = page.entries().get(page.entries().size() - 1);
        return "<" + path + "?n=" + page.entries().size() + "&last=" + URLEncoder.encode(lastEntry, StandardCharsets.UTF_8)
                + ">; rel=\"next\"";
    }
}
