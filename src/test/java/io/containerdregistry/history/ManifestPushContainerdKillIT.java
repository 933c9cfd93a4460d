package io.containerdregistry.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a violation {@link HistoryIT} found (seed 2): a manifest {@code PUT} that containerd's death
 * interrupts was answered {@code 500 UNKNOWN} with a {@code CompositeException} of two 503s, where
 * {@code docs/guarantees.md} promises {@code 503} ("nothing a client sends is ever answered with a 500"). Four
 * clients push new manifests (each with a new config blob) while containerd is killed (SIGKILL) and started again every two seconds, for
 * {@code history.repro.seconds} (default 30).
 */
class ManifestPushContainerdKillIT {
    private static final Path WORK = Path.of("target", "it-history", "repro-manifest-500").toAbsolutePath();

    @Test
    void aManifestPushCutByContainerdsDeathIsA503() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(WORK, Duration.ofSeconds(20));
                Journal journal = new Journal(WORK.resolve("journal.log"), System.currentTimeMillis())) {
            Wire wire = new Wire(system.port(), 60_000);
            ConcurrentLinkedQueue<Exchange> serverErrors = new ConcurrentLinkedQueue<>();
            AtomicInteger pushes = new AtomicInteger();
            long deadline = System.currentTimeMillis()
                    + 1000L * Long.getLong("history.repro.seconds", 30);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Calls calls = new Calls(wire, journal, "c" + c);
                int client = c;
                clients.add(new Thread(() -> {
                    for (int i = 0; System.currentTimeMillis() < deadline && serverErrors.isEmpty(); i++) {
                        byte[] config = ("{\"client\":" + client + ",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        String digest = Digest.sha256Of(config).toString();
                        Exchange blob = calls.send("blob", "POST", "/v2/repro/c" + client + "/blobs/uploads/?digest="
                                + digest, Map.of(), config, false);
                        if (!blob.is(201)) {
                            continue;
                        }
                        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + ManifestDoc.IMAGE_MANIFEST
                                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                                + "\"digest\":\"" + digest + "\",\"size\":" + config.length + "},\"layers\":[]}";
                        Exchange put = calls.send("manifest", "PUT", "/v2/repro/c" + client + "/manifests/t" + i,
                                Map.of("Content-Type", ManifestDoc.IMAGE_MANIFEST),
                                manifest.getBytes(StandardCharsets.UTF_8), false);
                        pushes.incrementAndGet();
                        if (put.status() >= 500 && put.status() != 503) {
                            serverErrors.add(put);
                        }
                    }
                }));
            }
            clients.forEach(Thread::start);
            int kills = 0;
            while (System.currentTimeMillis() < deadline && serverErrors.isEmpty()) {
                Calls.pause(1500 + (kills % 7) * 100);
                system.killContainerd();
                kills++;
                Calls.pause(300);
                system.startContainerd();
                system.awaitReady(Duration.ofSeconds(30));
            }
            for (Thread client : clients) {
                client.join();
            }
            Exchange first = serverErrors.peek();
            System.out.println("manifest pushes: " + pushes + ", containerd kills: " + kills + ", first non-503 5xx: "
                    + (first == null ? "none" : first.request() + " -> " + first.answer()));
            assertEquals(null, first == null ? null : first.answer(),
                    "a manifest push interrupted by containerd's death must be a 503");
        }
    }
}
