package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The api's hook for a local miss: a mirror request ({@code ?ns=}) that the local containerd cannot answer is served
 * from a peer that holds the content; anything else, or a miss no peer can serve, fails as it would have.
 */
@ApplicationScoped
public class PeerFetcher {
    private final Membership membership;
    private final PeerLookup lookup;
    private final PeerClient client;
    private final PeerMetrics metrics;
    private final long hedgeDelayMs;

    PeerFetcher(Membership membership, PeerLookup lookup, PeerClient client, PeerMetrics metrics, PeersConfig config) {
        this.membership = membership;
        this.lookup = lookup;
        this.client = client;
        this.metrics = metrics;
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
        Context context = Vertx.currentContext();
        String uri = rc.request().uri();
        String key = digest != null ? digest.toString() : uri;
        lookup.holders(key, uri).whenComplete((holders, error) -> context.runOnContext(v -> {
            if (rc.response().closed()) {
                return;
            }
            List<Peer> found = holders == null ? List.of() : holders;
            Runnable notFound = () -> {
                metrics.miss();
                rc.fail(failure);
            };
            if (found.isEmpty()) {
                notFound.run();
                return;
            }
            new PeerTransfer(rc, digest, found, client, metrics, hedgeDelayMs, notFound).start();
        }));
    }

    private boolean eligible(RoutingContext rc, Throwable failure) {
        return failure instanceof RegistryException miss
                && (miss.code() == ErrorCode.BLOB_UNKNOWN || miss.code() == ErrorCode.MANIFEST_UNKNOWN)
                && miss.status() == 404
                && rc.request().getParam("ns") != null
                && rc.request().getHeader(PeerClient.HOP_HEADER) == null
                && rc.request().getHeader("Range") == null
                && !membership.peers().isEmpty();
    }
}
