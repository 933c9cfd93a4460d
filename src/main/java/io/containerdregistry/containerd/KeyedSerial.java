package io.containerdregistry.containerd;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key, never blocking a thread: a task starts when the previous task
 * of its key has ended, however it ended. Read-modify-write updates of one content's labels thus never interleave in
 * this process.
 */
final class KeyedSerial {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    <T> Uni<T> run(String key, Supplier<Uni<T>> task) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            CompletableFuture<Void> previous = tails.put(key, done);
            Uni<Void> turn = previous == null
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().completionStage(previous);
            return turn.chain(() -> task.get()).onTermination().invoke(() -> {
                tails.remove(key, done);
                done.complete(null);
            });
        });
    }

    /** Keys with a task running or waiting (for tests). */
    int size() {
        return tails.size();
    }
}
