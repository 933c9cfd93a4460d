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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Admission of transfers that hold buffers: before a request reads its body or starts a buffered stream, it takes its
 * share of {@code registry.limits.transfer-memory} ({@link TransferBudget}); the share is given back when the request
 * ends, however it ends. A request that does not get its share within {@code registry.limits.admission-wait}, or finds
 * too many waiting already, is answered {@code 503} with {@code Retry-After} before it has taken any buffer, so memory
 * stays bounded however many clients come at once. One client (remote address) may hold a quarter of the budget at
 * most, so a few slow clients cannot take all of it: its further requests wait for its own share first, and get
 * {@code 429} when it does not come free in time.
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
    /** Requests of one client that may wait for its share. */
    private static final int WAITING_PER_CLIENT = 64;

    private final Vertx vertx;
    private final TransferBudget budget;
    private final long waitMillis;
    /**
     * What one client (remote address) may hold or wait for at once: a quarter of the budget, and at least what its
     * largest single request may need (an upload and a read, or a manifest of the largest size).
     */
    private final long perClient;
    private final ConcurrentHashMap<String, TransferBudget> byClient = new ConcurrentHashMap<>();

    TransferAdmission(Vertx vertx, RegistryConfig config) {
        this.vertx = vertx;
        long capacity = config.limits().transferMemory().asLongValue();
        this.budget = new TransferBudget(capacity, (int) Math.max(1, WAITING_PER_SHARE * capacity / SHARE_UNIT));
        this.waitMillis = Math.max(1, config.limits().admissionWait().toMillis());
        this.perClient = Math.max(Math.max(SHARE_UNIT + CONTAINERD_READ,
                manifest(config.limits().maxManifestSize())), capacity / 4);
    }

    /** What a manifest body of {@code length} bytes holds while it is read, parsed and stored. */
    static long manifest(long length) {
        return 2 * length + 64 * 1024;
    }

    /**
     * Runs {@code then} on the request's context once the request holds {@code bytes} of its client's share and of
     * the whole budget, which it gives back when it ends. Waiting for either takes at most the admission wait; a
     * request that does not get its client's share is answered 429 (its client holds enough already), one that does
     * not get the budget 503 (the registry is busy).
     */
    void admit(RoutingContext rc, long bytes, Runnable then) {
        Context context = Vertx.currentContext();
        String client = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().host();
        TransferBudget own = clientBudget(client);
        CompletableFuture<TransferBudget.Share> clientShare = own.take(bytes);
        AtomicReference<CompletableFuture<TransferBudget.Share>> globalShare = new AtomicReference<>();
        CompletableFuture<Void> admitted = clientShare.thenCompose(mine -> {
            CompletableFuture<TransferBudget.Share> global = budget.take(bytes);
            globalShare.set(global);
            return global.thenAccept(ignored -> { });
        });
        rc.addEndHandler(ignored -> {
            giveBackOrWithdraw(clientShare);
            CompletableFuture<TransferBudget.Share> global = globalShare.get();
            if (global != null) {
                giveBackOrWithdraw(global);
            }
            forgetIfIdle(client, own);
        });
        if (admitted.isDone() && !admitted.isCompletedExceptionally()) {
            run(rc, then);
            return;
        }
        long timer = vertx.setTimer(waitMillis, id -> {
            clientShare.cancel(false);
            CompletableFuture<TransferBudget.Share> global = globalShare.get();
            if (global != null) {
                global.cancel(false);
            }
        });
        admitted.whenComplete((ignored, failure) -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            if (failure != null) {
                rc.fail(clientShare.isDone() && !clientShare.isCompletedExceptionally()
                        ? busy(failure) : clientOverShare(client, failure));
            } else if (!rc.response().ended() && !rc.response().closed()) {
                run(rc, then);
            }
        }));
    }

    private static void giveBackOrWithdraw(CompletableFuture<TransferBudget.Share> share) {
        if (!share.cancel(false)) {
            share.thenAccept(TransferBudget.Share::giveBack);
        }
    }

    private TransferBudget clientBudget(String client) {
        return byClient.computeIfAbsent(client, key -> new TransferBudget(perClient, WAITING_PER_CLIENT));
    }

    /** A client's budget that holds and awaits nothing is dropped (a later request makes a new one). */
    private void forgetIfIdle(String client, TransferBudget own) {
        byClient.computeIfPresent(client, (key, current) -> current == own
                && own.available() == own.capacity() && own.waiting() == 0 ? null : current);
    }

    private RegistryException clientOverShare(String client, Throwable failure) {
        String why = unwrap(failure) instanceof CancellationException
                ? "it held a quarter of the transfer memory for " + waitMillis + " ms"
                : unwrap(failure).getMessage();
        return new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, client + " holds its share of the transfer"
                + " memory: " + why, null).withHeader("Retry-After", "1").withHeader("Connection", "close");
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private static void run(RoutingContext rc, Runnable then) {
        try {
            then.run();
        } catch (RuntimeException e) {
            rc.fail(e);
        }
    }

    private RegistryException busy(Throwable failure) {
        Throwable cause = unwrap(failure);
        String why = cause instanceof CancellationException
                ? "no transfer memory came free within " + waitMillis + " ms"
                : cause.getMessage();
        return new RegistryException(ErrorCode.UNAVAILABLE, 503, "the registry is busy: " + why, null)
                .withHeader("Retry-After", "1").withHeader("Connection", "close");
    }

    /** Bytes of the budget free now (for tests and metrics). */
    long available() {
        return budget.available();
    }
}
