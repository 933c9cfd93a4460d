package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The fetches from peers that concurrent misses share, one per request URI (repository, digest and {@code ns}), and
 * the spool they write to: a directory of this process ({@code <dir>/peer-spool-<pid>}) whose files together never
 * hold more than {@code registry.peers.spool.max-size} bytes. A fetch reserves its content's length when the holder
 * announces it; one that does not fit is not shared.
 */
@ApplicationScoped
class SharedFetches {
    private static final Logger LOG = Logger.getLogger(SharedFetches.class);
    private static final String DIR_PREFIX = "peer-spool-";

    private final Vertx vertx;
    private final PeerLookup lookup;
    private final PeerClient client;
    private final PeerMetrics metrics;
    private final long hedgeDelayMs;
    private final Path base;
    private final Path dir;
    private final long maxSize;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final Map<String, SharedFetch> running = new ConcurrentHashMap<>();
    private volatile boolean enabled;

    SharedFetches(Vertx vertx, PeerLookup lookup, PeerClient client, PeerMetrics metrics, PeersConfig config) {
        this.vertx = vertx;
        this.lookup = lookup;
        this.client = client;
        this.metrics = metrics;
        this.hedgeDelayMs = config.hedgeDelay().toMillis();
        this.base = Path.of(config.spool().dir().orElse(System.getProperty("java.io.tmpdir")));
        this.dir = base.resolve(DIR_PREFIX + ProcessHandle.current().pid());
        this.maxSize = config.spool().maxSize();
        metrics.spool(reserved);
    }

    /** Creates this process' spool directory, removing what earlier processes (or this one, before) left behind. */
    void start(@Observes StartupEvent event) {
        if (maxSize <= 0) {
            LOG.info("peers: concurrent misses do not share fetches (registry.peers.spool.max-size is 0)");
            return;
        }
        try {
            if (Files.isDirectory(base)) {
                try (Stream<Path> entries = Files.list(base)) {
                    entries.filter(SharedFetches::abandoned).forEach(SharedFetches::deleteTree);
                }
            }
            Files.createDirectories(dir);
            enabled = true;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("peers: no spool directory %s (%s); concurrent misses do not share fetches", dir, e.toString());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        enabled = false;
        deleteTree(dir);
    }

    /** A spool directory of a process that is gone, or of this process from an earlier start. */
    private static boolean abandoned(Path entry) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(DIR_PREFIX)) {
            return false;
        }
        try {
            long pid = Long.parseLong(name.substring(DIR_PREFIX.length()));
            return pid == ProcessHandle.current().pid()
                    || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove %s: %s", root, e.toString());
        }
    }

    /**
     * Serves {@code reader}'s client from the fetch running for {@code uri}, or, when there is none and
     * {@code startIfNone}, from one started now (on the caller's event loop). {@code key} ranks the peers. False when
     * nothing was done: sharing is off, or there was no fetch to join and none was to be started.
     */
    boolean serve(SpoolReader reader, String key, String uri, Digest digest, boolean startIfNone) {
        if (!enabled) {
            return false;
        }
        SharedFetch[] chosen = new SharedFetch[1];
        boolean[] joined = new boolean[1];
        running.compute(uri, (k, existing) -> {
            if (existing != null && existing.join(reader)) {
                chosen[0] = existing;
                joined[0] = true;
                return existing;
            }
            if (!startIfNone) {
                return existing;
            }
            chosen[0] = new SharedFetch(this, key, uri, digest);
            chosen[0].join(reader);
            return chosen[0];
        });
        if (chosen[0] == null) {
            return false;
        }
        reader.attach(chosen[0]);
        if (joined[0]) {
            metrics.joined();
        } else {
            chosen[0].start();
        }
        return true;
    }

    /** The fetch no longer takes new readers. */
    void forget(String uri, SharedFetch fetch) {
        running.remove(uri, fetch);
    }

    /** A new, empty spool file holding {@code size} bytes of the budget; fails when they do not fit. */
    Future<AsyncFile> open(Path path, long size) {
        long used;
        do {
            used = reserved.get();
            if (used + size > maxSize) {
                return Future.failedFuture("the spool holds " + used + " of " + maxSize + " bytes, no room for " + size);
            }
        } while (!reserved.compareAndSet(used, used + size));
        return vertx.fileSystem().open(path.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
                .onFailure(e -> reserved.addAndGet(-size));
    }

    /** Closes and deletes a spool file, giving its bytes back to the budget. */
    void discard(AsyncFile file, Path path, long size) {
        file.close()
                .eventually(v -> vertx.fileSystem().delete(path.toString()))
                .onComplete(done -> {
                    reserved.addAndGet(-size);
                    if (done.failed()) {
                        LOG.warnf("could not remove spool file %s: %s", path, done.cause().toString());
                    }
                });
    }

    Path newPath() {
        return dir.resolve("fetch-" + files.incrementAndGet() + ".part");
    }

    Vertx vertx() {
        return vertx;
    }

    PeerLookup lookup() {
        return lookup;
    }

    PeerMetrics metrics() {
        return metrics;
    }

    PeerStream stream(String uri, Digest digest, List<Peer> holders, PeerStream.Sink sink) {
        return new PeerStream(client, metrics, io.vertx.core.http.HttpMethod.GET, uri, digest, null, holders,
                hedgeDelayMs, sink);
    }
}
