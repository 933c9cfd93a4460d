package io.containerdregistry.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A budget of bytes: what the registry's transfers may hold in buffers at once. A transfer takes its share before it
 * reads a byte and gives it back when it ends. Shares are granted in the order they were asked for, never blocking a
 * thread: a share that is not available now is promised, and at most {@code maxWaiting} promises are outstanding (one
 * more is refused at once). Pure bookkeeping, no framework.
 */
final class TransferBudget {
    /** A granted share; giving it back twice gives it back once. */
    interface Share {
        void giveBack();
    }

    /** No share can be promised: too many are waiting already. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final long capacity;
    private final int maxWaiting;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private long available;

    TransferBudget(long capacity, int maxWaiting) {
        this.capacity = Math.max(1, capacity);
        this.maxWaiting = Math.max(0, maxWaiting);
        this.available = this.capacity;
    }

    private record Waiter(long bytes, CompletableFuture<Share> promise) {
    }

    /**
     * A share of {@code bytes} (at most the whole budget): granted now when it is available and nobody waits ahead,
     * else when enough is given back. Cancelling the returned future withdraws the request (a share granted in the
     * same instant is given back). Fails with {@link Refused} when too many requests wait already.
     */
    CompletableFuture<Share> take(long bytes) {
        long wanted = Math.min(Math.max(0, bytes), capacity);
        CompletableFuture<Share> promise = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.isEmpty() && available >= wanted) {
                available -= wanted;
                promise.complete(share(wanted));
                return promise;
            }
            if (waiting.size() >= maxWaiting) {
                promise.completeExceptionally(new Refused(waiting.size() + " transfers wait for buffer memory already"));
                return promise;
            }
            waiting.add(new Waiter(wanted, promise));
        }
        promise.whenComplete((share, failure) -> {
            if (promise.isCancelled()) {
                withdraw(promise);
            }
        });
        return promise;
    }

    /** Bytes not held by any share now. */
    synchronized long available() {
        return available;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    long capacity() {
        return capacity;
    }

    private Share share(long bytes) {
        AtomicBoolean given = new AtomicBoolean();
        return () -> {
            if (given.compareAndSet(false, true)) {
                giveBack(bytes);
            }
        };
    }

    private void withdraw(CompletableFuture<Share> promise) {
        synchronized (this) {
            waiting.removeIf(waiter -> waiter.promise() == promise);
        }
        grant();
    }

    private void giveBack(long bytes) {
        synchronized (this) {
            available += bytes;
        }
        grant();
    }

    /** Grants waiting requests in order while the first one fits; completes them outside the lock. */
    private void grant() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiting.peek();
                if (next == null || available < next.bytes()) {
                    return;
                }
                waiting.poll();
                available -= next.bytes();
            }
            Share share = share(next.bytes());
            if (!next.promise().complete(share)) {
                share.giveBack(); // withdrawn meanwhile
            }
        }
    }
}
