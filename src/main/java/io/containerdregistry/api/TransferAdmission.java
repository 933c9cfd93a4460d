package io.containerdregistry.api;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Admission of transfers that hold buffers: before a request reads its body or starts a buffered stream, it takes its
 * share of {@code registry.limits.transfer-memory} ({@link TransferBudget}); the share is given back when the request
 * ends, however it ends. A request that does not get its share within {@code registry.limits.admission-wait}, or finds
 * too many waiting already, is answered {@code 503} with {@code Retry-After} before it has taken any buffer, so memory
 * stays bounded however many clients come at once.
 */
@ApplicationScoped
class TransferAdmission {
    /** What one blob upload request holds at most (see {@code BodyPump}). */
    static final long UPLOAD = 2L * 1024 * 1024;
    /** What one blob read through containerd's {@code Read} stream holds at most (a message, a window, a copy). */
    static final long CONTAINERD_READ = 5L * 512 * 1024;
    private static final long SHARE_UNIT = UPLOAD;
    /**
     * Requests that may wait per upload share of the budget. A waiting request has read no body, but the HTTP layer
     * may hold what already arrived of it (up to a few 64 KiB chunks) until it is resumed.
     */
    private static final int WAITING_PER_SHARE = 4;

    private final Vertx vertx;
    private final TransferBudget budget;
    private final long waitMillis;

    TransferAdmission(Vertx vertx, RegistryConfig config) {
        this.vertx = vertx;
        long capacity = config.limits().transferMemory().asLongValue();
        this.budget = new TransferBudget(capacity, (int) Math.max(1, WAITING_PER_SHARE * capacity / SHARE_UNIT));
        this.waitMillis = Math.max(1, config.limits().admissionWait().toMillis());
    }

    /** What a manifest body of {@code length} bytes holds while it is read, parsed and stored. */
    static long manifest(long length) {
        return 2 * length + 64 * 1024;
    }

    /**
     * Runs {@code then} on the request's context once the request holds {@code bytes} of the budget, which it gives
     * back when it ends; fails the request with 503 when that does not happen in time.
     */
    void admit(RoutingContext rc, long bytes, Runnable then) {
        Context context = Vertx.currentContext();
        CompletableFuture<TransferBudget.Share> promise = budget.take(bytes);
        rc.addEndHandler(ignored -> {
            if (!promise.cancel(false)) {
                promise.thenAccept(TransferBudget.Share::giveBack);
            }
        });
        if (promise.isDone() && !promise.isCompletedExceptionally()) {
            run(rc, then);
            return;
        }
        long timer = vertx.setTimer(waitMillis, id -> promise.cancel(false));
        promise.whenComplete((share, failure) -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            if (failure != null) {
                rc.fail(busy(failure));
            } else if (!rc.response().ended() && !rc.response().closed()) {
                run(rc, then);
            }
        }));
    }

    private static void run(RoutingContext rc, Runnable then) {
        try {
            then.run();
        } catch (RuntimeException e) {
            rc.fail(e);
        }
    }

    private RegistryException busy(Throwable failure) {
        String why = failure instanceof CancellationException
                ? "no transfer memory came free within " + waitMillis + " ms"
                : failure.getMessage();
        return new RegistryException(ErrorCode.UNAVAILABLE, 503, "the registry is busy: " + why, null)
                .withHeader("Retry-After", "1");
    }

    /** Bytes of the budget free now (for tests and metrics). */
    long available() {
        return budget.available();
    }
}
