package io.containerdregistry.api;

import io.containerdregistry.config.HttpTimeoutsConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * Cuts the connection of a request whose transfer stopped: a body that has not finished arriving and gained no
 * byte for the read timeout while the registry was ready to read it, or a response whose write queue stayed full,
 * without a byte taken, for the write timeout. Quarkus' idle timeout covers connections with no traffic at all;
 * this covers a client that started a transfer and stalled in the middle of it.
 */
@ApplicationScoped
class StallGuard {
    static final int ORDER = DrainGate.ORDER + 1;
    private static final long MIN_TICK_MS = 50;
    private static final long MAX_TICK_MS = 5000;

    private final long readNanos;
    private final long writeNanos;
    private final long tickMillis;

    StallGuard(HttpTimeoutsConfig config) {
        this.readNanos = config.readTimeout().toNanos();
        this.writeNanos = config.writeTimeout().toNanos();
        long shortest = Math.min(enabledOrMax(readNanos), enabledOrMax(writeNanos));
        this.tickMillis = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, Duration.ofNanos(shortest).toMillis() / 4));
    }

    private static long enabledOrMax(long nanos) {
        return nanos > 0 ? nanos : Long.MAX_VALUE;
    }

    void init(@Observes Router router) {
        if (readNanos > 0 || writeNanos > 0) {
            router.route().order(ORDER).handler(this::watch);
        }
    }

    private void watch(RoutingContext rc) {
        Watch watch = new Watch(rc);
        long timer = rc.vertx().setPeriodic(tickMillis, id -> watch.tick());
        rc.addEndHandler(ignored -> rc.vertx().cancelTimer(timer));
        rc.next();
    }

    /** The progress of one request, checked on its event loop at every tick. */
    private final class Watch {
        private final RoutingContext rc;
        private final boolean hasBody;
        private long lastRead;
        private long readSince;
        private boolean writeBlocked;
        private long lastWritten;
        private long writeSince;

        Watch(RoutingContext rc) {
            this.rc = rc;
            this.hasBody = RequestBody.announced(rc.request());
            this.readSince = System.nanoTime();
        }

        void tick() {
            HttpServerRequest request = rc.request();
            HttpServerResponse response = rc.response();
            if (response.ended() || response.closed()) {
                return;
            }
            long now = System.nanoTime();
            if (readNanos > 0 && hasBody && !request.isEnded()) {
                long read = request.bytesRead();
                if (read != lastRead || RequestBody.pausedByUs(rc)) {
                    lastRead = read;
                    readSince = now;
                } else if (now - readSince >= readNanos) {
                    cut("read timeout");
                    return;
                }
            }
            if (writeNanos > 0 && response.writeQueueFull()) {
                long written = response.bytesWritten();
                if (!writeBlocked || written != lastWritten) {
                    writeBlocked = true;
                    lastWritten = written;
                    writeSince = now;
                } else if (now - writeSince >= writeNanos) {
                    cut("write timeout");
                }
            } else {
                writeBlocked = false;
            }
        }

        private void cut(String reason) {
            rc.put(RequestTelemetry.ABORTED, reason);
            Connections.cut(rc);
        }
    }
}
