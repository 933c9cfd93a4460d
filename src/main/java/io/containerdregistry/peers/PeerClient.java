package io.containerdregistry.peers;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * HTTP to other registries, always marked as a peer hop so the peer answers from its own containerd only. Short
 * connect timeout; an idle timeout bounds the wait for the first byte and any stall after it.
 */
@ApplicationScoped
class PeerClient {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PeerClient.class);
    /** Marks a request forwarded by a peer: it is answered locally, never forwarded again. */
    static final String HOP_HEADER = "X-Registry-Peer-Hop";

    private final HttpClient client;
    private final long lookupTimeoutMs;
    private final long idleTimeoutMs;

    PeerClient(Vertx vertx, PeersConfig config) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setMaxChunkSize(64 * 1024)
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(16));
        this.lookupTimeoutMs = config.lookupTimeout().toMillis();
        this.idleTimeoutMs = config.idleTimeout().toMillis();
    }

    /** Whether the peer holds what {@code uri} names ({@code HEAD}, answered 200). */
    Future<Boolean> holds(Peer peer, String uri) {
        return client.request(options(peer, HttpMethod.HEAD, uri).setIdleTimeout(lookupTimeoutMs))
                .compose(request -> request.send())
                .map(response -> response.statusCode() == 200)
                .otherwise(e -> {
                    LOG.debugf("lookup of %s at %s failed: %s", uri, peer, e.toString());
                    return false;
                });
    }

    /**
     * Starts reading {@code uri} from the peer, with a {@code Range} header unless {@code range} is null; the caller
     * consumes or resets the response.
     */
    Future<HttpClientResponse> get(Peer peer, HttpMethod method, String uri, String range) {
        RequestOptions options = options(peer, method, uri).setIdleTimeout(idleTimeoutMs);
        if (range != null) {
            options.putHeader("Range", range);
        }
        return client.request(options).compose(request -> request.send());
    }

    private static RequestOptions options(Peer peer, HttpMethod method, String uri) {
        return new RequestOptions().setMethod(method).setAbsoluteURI(peer.base() + uri).putHeader(HOP_HEADER, "1");
    }
}
