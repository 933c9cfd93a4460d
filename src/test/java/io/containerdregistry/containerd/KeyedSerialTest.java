package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedSerialTest {

    @Test
    void tasksOfOneKeyNeverOverlapAndRunInOrder() {
        KeyedSerial serial = new KeyedSerial();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            Uni<Integer> task = serial.run("sha256:same", () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                order.add(n);
                return Uni.createFrom().item(n).onItem().delayIt().by(Duration.ofMillis(5))
                        .invoke(() -> running.decrementAndGet());
            });
            results.add(task.subscribeAsCompletionStage());
        }
        results.forEach(CompletableFuture::join);
        assertEquals(1, most.get(), "one task at a time");
        for (int i = 0; i < 20; i++) {
            assertEquals(i, order.get(i));
        }
        assertEquals(0, serial.size(), "nothing left behind");
    }

    @Test
    void aFailedTaskReleasesTheNextAndOtherKeysDoNotWait() {
        KeyedSerial serial = new KeyedSerial();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<Object> blocked = serial.run("a", () -> Uni.createFrom().completionStage(gate).replaceWith((Object) "a"))
                .subscribeAsCompletionStage();
        Object other = serial.run("b", () -> Uni.createFrom().item((Object) "b")).await().atMost(Duration.ofSeconds(5));
        assertEquals("b", other);
        assertTrue(!blocked.isDone());
        CompletableFuture<Object> failing = serial.run("a", () -> Uni.createFrom().failure(new IllegalStateException("x")))
                .subscribeAsCompletionStage();
        CompletableFuture<Object> after = serial.run("a", () -> Uni.createFrom().item((Object) "after"))
                .subscribeAsCompletionStage();
        gate.complete(null);
        assertEquals("a", blocked.join());
        assertTrue(failing.isCompletedExceptionally() || failing.handle((v, e) -> e != null).join());
        assertEquals("after", after.join());
        assertEquals(0, serial.size());
    }
}
