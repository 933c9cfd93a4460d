package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The api's hook for a local miss: a mirror request ({@code ?ns=}) that the local containerd cannot answer is served
 * from a peer that holds the content; anything else, or a miss no peer can serve, fails as it would have.
 *
 * <p>A {@code GET} joins the {@link SharedFetches shared fetch} running for the same request URI, or starts one, so
 * concurrent misses of the same content make one peer {@code GET}. A blob {@code GET} with a {@code Range} joins a
 * running fetch when there is one, and otherwise passes the range on to a holder; a {@code HEAD}, and a miss whose
 * content cannot be spooled, are served straight from a holder.
 */
@ApplicationScoped
public class PeerFetcher {
    private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    private final Membership membership;
    private final PeerLookup lookup;
    private final PeerClient client;
    private final PeerMetrics metrics;
    private final SharedFetches shared;
    private final long hedgeDelayMs;

    PeerFetcher(Membership membership, PeerLookup lookup, PeerClient client, PeerMetrics metrics,
            SharedFetches shared, PeersConfig config) {
        this.membership = membership;
        this.lookup = lookup;
        this.client = client;
        this.metrics = metrics;
        this.shared = shared;
        this.hedgeDelayMs = config.hedgeDelay().toMillis();
    }

    /**
     * Serves {@code rc} from a peer when {@code failure} is a local miss of a mirror request, else fails it with
     * {@code failure}. {@code digest} is the content's digest when the request names one (null for a tag).
     */
    public void serveOrFail(RoutingContext rc, Throwable failure, Digest digest) {
        if (!eligible(rc, failure)) {
            rc.fail(failure);
            return;
        }
        String uri = originForm(rc.request());
        String key = digest != null ? digest.toString() : uri;
        boolean blob = ((RegistryException) failure).code() == ErrorCode.BLOB_UNKNOWN;
        String range = blob ? singleRange(rc.request().getHeader("Range")) : null;
        Runnable notFound = () -> {
            metrics.miss();
            rc.fail(failure);
        };
        if (rc.request().method() == HttpMethod.GET) {
            SpoolReader reader = new SpoolReader(rc, metrics, range, notFound,
                    holders -> direct(rc, holders, digest, range, notFound));
            if (shared.serve(reader, key, uri, digest, range == null)) {
                return;
            }
        }
        Context context = Vertx.currentContext();
        lookup.holders(key, uri).whenComplete((holders, error) -> context.runOnContext(v -> {
            if (rc.response().closed()) {
                return;
            }
            if (holders == null || holders.isEmpty()) {
                notFound.run();
            } else {
                direct(rc, holders, digest, range, notFound);
            }
        }));
    }

    /** Serves the client from the holders with a stream of its own. */
    private void direct(RoutingContext rc, List<Peer> holders, Digest digest, String range, Runnable notFound) {
        ResponseSink sink = new ResponseSink(rc, metrics, notFound);
        sink.start(new PeerStream(client, metrics, rc.request().method(), originForm(rc.request()), digest, range, holders,
                hedgeDelayMs, sink));
    }

    /**
     * The request's target as a peer is asked for it: path and query only. A client may send the absolute form
     * ({@code GET http://host/v2/...}), whose scheme and host are nothing a peer should see.
     */
    static String originForm(HttpServerRequest request) {
        String query = request.query();
        return request.path() + (query == null ? "" : "?" + query);
    }

    /**
     * The client's {@code Range} header when it is one byte range of the form this registry serves, else null: like
     * a local read, anything else is answered with the whole content.
     */
    static String singleRange(String header) {
        if (header == null) {
            return null;
        }
        String trimmed = header.trim();
        var m = SINGLE_RANGE.matcher(trimmed);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            long first = m.group(1).isEmpty() ? 0 : Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            return last < first ? null : trimmed;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean eligible(RoutingContext rc, Throwable failure) {
        return failure instanceof RegistryException miss
                && (miss.code() == ErrorCode.BLOB_UNKNOWN || miss.code() == ErrorCode.MANIFEST_UNKNOWN)
                && miss.status() == 404
                && rc.request().getParam("ns") != null
                && rc.request().getHeader(PeerClient.HOP_HEADER) == null
                && !membership.peers().isEmpty();
    }
}
