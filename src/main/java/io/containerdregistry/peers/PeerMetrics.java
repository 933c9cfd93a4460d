package io.containerdregistry.peers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer meters: {@code registry_peer_hits_total} (misses served by a peer), {@code registry_peer_misses_total}
 * (misses no peer could serve), {@code registry_peer_bytes_total} (bytes streamed from peers) and
 * {@code registry_peer_lookup_seconds} (finding the holders of a digest), {@code registry_peer_joined_total} (misses
 * that joined a fetch already running for the same content), and the gauges {@code registry_peer_members} (peers
 * known now) and {@code registry_peer_spool_bytes} (disk the shared fetches hold).
 */
@ApplicationScoped
class PeerMetrics {
    private final Counter hits;
    private final Counter misses;
    private final Counter bytes;
    private final Timer lookup;
    private final Counter joined;
    private final AtomicInteger members = new AtomicInteger();
    private final MeterRegistry registry;
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

    PeerMetrics(MeterRegistry registry) {
        this.registry = registry;
        hits = Counter.builder("registry.peer.hits").description("local misses served by a peer").register(registry);
        misses = Counter.builder("registry.peer.misses").description("local misses no peer could serve")
                .register(registry);
        bytes = Counter.builder("registry.peer.bytes").description("bytes streamed from peers").register(registry);
        lookup = Timer.builder("registry.peer.lookup").description("time to find the peers that hold content")
                .register(registry);
        joined = Counter.builder("registry.peer.joined")
                .description("local misses that joined a peer fetch already running for the same content")
                .register(registry);
        gauges.add(Gauge.builder("registry.peer.members", members, AtomicInteger::get).strongReference(true)
                .description("peers known now, this node not counted").register(registry));
    }

    /** Reports the shared fetches' disk use, which {@code reserved} counts. */
    void spool(AtomicLong reserved) {
        gauges.add(Gauge.builder("registry.peer.spool", reserved, AtomicLong::get).strongReference(true)
                .baseUnit("bytes").description("disk held by shared peer fetches").register(registry));
    }

    /**
     * Removes the gauges: the injected registry may outlive this bean (a restart in the same JVM, as in tests), and
     * a gauge left behind would go on reading this instance's numbers instead of the next one's.
     */
    @PreDestroy
    void close() {
        gauges.forEach(registry::remove);
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void members(int count) {
        members.set(count);
    }

    void joined() {
        joined.increment();
    }

    void bytes(long count) {
        bytes.increment(count);
    }

    void lookup(Duration took) {
        lookup.record(took);
    }
}
