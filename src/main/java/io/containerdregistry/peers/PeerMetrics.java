package io.containerdregistry.peers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The peer meters: {@code registry_peer_hits_total} (misses served by a peer), {@code registry_peer_misses_total}
 * (misses no peer could serve), {@code registry_peer_bytes_total} (bytes streamed from peers) and
 * {@code registry_peer_lookup_seconds} (finding the holders of a digest).
 */
@ApplicationScoped
class PeerMetrics {
    private final Counter hits;
    private final Counter misses;
    private final Counter bytes;
    private final Timer lookup;

    PeerMetrics(MeterRegistry registry) {
        hits = Counter.builder("registry.peer.hits").description("local misses served by a peer").register(registry);
        misses = Counter.builder("registry.peer.misses").description("local misses no peer could serve")
                .register(registry);
        bytes = Counter.builder("registry.peer.bytes").description("bytes streamed from peers").register(registry);
        lookup = Timer.builder("registry.peer.lookup").description("time to find the peers that hold content")
                .register(registry);
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void bytes(long count) {
        bytes.increment(count);
    }

    void lookup(Duration took) {
        lookup.record(took);
    }
}
