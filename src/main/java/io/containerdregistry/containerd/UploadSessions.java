package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What this process knows about its upload sessions, to spare containerd round trips: when each session expires
 * (fixed when it starts) and, between two requests of a
 * chunked upload, the still-open {@code Write} stream of its ingest. Reopening an ingest makes containerd read
 * everything already written to rebuild its hash, so a chunked upload that reopened per chunk would cost time
 * quadratic in its size; a parked stream continues where it stopped.
 *
 * <p>Once written to, a session lives in containerd (its ingest): a session this process does not know (it
 * restarted) is looked up there, a parked stream that broke is dropped and the ingest reopened, and a parked stream
 * is closed after {@code registry.uploads.idle-stream-timeout}, before the session expires, or when too many are
 * parked. A session not written to yet exists only here, unless too many are remembered (then it gets a lease of its
 * own in containerd).
 */
@ApplicationScoped
class UploadSessions {
    /** Sessions remembered at most; beyond it a session is looked up in containerd like after a restart. */
    static final int MAX_SESSIONS = 20_000;
    private static final long SWEEP_SECONDS = 30;

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Daemons.scheduler("upload-sessions");
    private final Duration idleTimeout;
    private final int maxParked;
    private int parked;

    UploadSessions(RegistryConfig config) {
        this.idleTimeout = config.uploads().idleStreamTimeout();
        this.maxParked = config.uploads().maxIdleStreams();
        timers.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        timers.shutdownNow();
        sessions.values().forEach(Session::closeParked);
    }

    /**
     * Remembers a session this process created, with its expiry; false when too many are remembered already (the
     * caller then keeps the session in containerd).
     */
    boolean started(String uploadId, Instant expiresAt) {
        return remember(uploadId, new Session(expiresAt), false);
    }

    /** Remembers a session that was looked up in containerd: its expiry, and whether it was already committed. */
    void learned(String uploadId, Instant expiresAt, boolean completed) {
        if (expiresAt.isAfter(Instant.now()) && !expiresAt.equals(Instant.MAX)) {
            Session session = new Session(expiresAt);
            session.completed = completed;
            remember(uploadId, session, true);
        }
    }

    private boolean remember(String uploadId, Session session, boolean ifAbsent) {
        if (sessions.size() >= MAX_SESSIONS) {
            return false;
        }
        if (ifAbsent) {
            sessions.putIfAbsent(uploadId, session);
        } else {
            sessions.put(uploadId, session);
        }
        return true;
    }

    /** Forgets sessions that have expired (and closes a stream one may still have parked). */
    private void sweep() {
        Instant now = Instant.now();
        sessions.entrySet().removeIf(entry -> {
            if (entry.getValue().expiresAt.isAfter(now)) {
                return false;
            }
            entry.getValue().closeParked();
            return true;
        });
    }

    /** The session's expiry, when this process knows it. */
    Optional<Instant> expiry(String uploadId) {
        Session session = sessions.get(uploadId);
        return session == null ? Optional.empty() : Optional.of(session.expiresAt);
    }

    /** Whether this process knows the session was committed. */
    boolean completed(String uploadId) {
        Session session = sessions.get(uploadId);
        return session != null && session.completed;
    }

    /**
     * The session was committed: it takes no more requests. It is remembered as complete until it expires (a later
     * request is refused without asking containerd), unless too many are remembered: then it is forgotten, and a
     * later request finds no ingest for it in containerd.
     */
    void complete(String uploadId) {
        Session session = sessions.get(uploadId);
        if (session != null) {
            session.completed = true;
            session.closeParked();
            if (sessions.size() >= MAX_SESSIONS / 2) {
                sessions.remove(uploadId);
            }
        }
    }

    /** Takes the session's parked stream, if a usable one waits; the caller then owns it. */
    Optional<IngestWriter> take(String uploadId) {
        Session session = sessions.get(uploadId);
        return session == null ? Optional.empty() : Optional.ofNullable(session.take());
    }

    /** Parks an open stream for the session's next request, or closes it when it cannot be kept. */
    void park(String uploadId, IngestWriter writer) {
        Session session = sessions.get(uploadId);
        Duration untilExpiry = session == null ? Duration.ZERO : Duration.between(Instant.now(), session.expiresAt);
        Duration keep = untilExpiry.compareTo(idleTimeout) < 0 ? untilExpiry : idleTimeout;
        if (session == null || keep.isNegative() || keep.isZero() || !reserveSlot()) {
            writer.close();
            return;
        }
        session.park(writer, timers.schedule(() -> session.closeParked(writer), keep.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The session was cancelled (or is gone from containerd): closes a parked stream and forgets it. */
    void forget(String uploadId) {
        Session session = sessions.remove(uploadId);
        if (session != null) {
            session.closeParked();
        }
    }

    /** How many streams are parked now. */
    synchronized int parkedStreams() {
        return parked;
    }

    private synchronized boolean reserveSlot() {
        if (parked >= maxParked) {
            return false;
        }
        parked++;
        return true;
    }

    private synchronized void releaseSlot() {
        parked--;
    }

    private final class Session {
        final Instant expiresAt;
        volatile boolean completed;
        private IngestWriter writer;
        private ScheduledFuture<?> closer;

        Session(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }

        synchronized IngestWriter take() {
            IngestWriter taken = writer;
            if (taken == null) {
                return null;
            }
            writer = null;
            closer.cancel(false);
            releaseSlot();
            if (!taken.usable()) {
                taken.close();
                return null;
            }
            return taken;
        }

        synchronized void park(IngestWriter parkedWriter, ScheduledFuture<?> parkedCloser) {
            if (writer != null) {
                // a second stream for one session (requests raced): keep one
                parkedCloser.cancel(false);
                releaseSlot();
                parkedWriter.close();
                return;
            }
            writer = parkedWriter;
            closer = parkedCloser;
        }

        void closeParked(IngestWriter expected) {
            synchronized (this) {
                if (writer != expected) {
                    return;
                }
            }
            closeParked();
        }

        void closeParked() {
            IngestWriter closing;
            synchronized (this) {
                closing = writer;
                if (closing == null) {
                    return;
                }
                writer = null;
                closer.cancel(false);
                releaseSlot();
            }
            closing.close();
        }
    }
}
