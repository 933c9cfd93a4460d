package io.containerdregistry.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.Ctr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Regression test for two violations {@link HistoryIT} found around the reference check (content a repository may read
 * because one of its manifests references it, though its label no longer lists the repository): when containerd
 * goes away while the check reads the repository's manifests, the request must end in 200 or 503, yet
 * <ul>
 * <li>it can be answered 404: {@code Readers.scan} skips every manifest it cannot read
 * ({@code onFailure().recoverWithNull()}), an {@code UNAVAILABLE} read included, and concludes "not referenced"
 * (history seed 20261207, 20 minutes: an index push refused with 404 {@code MANIFEST_BLOB_UNKNOWN} for a child the
 * repository's pinned index references, 27 ms after containerd was sent SIGTERM);</li>
 * <li>it can be left unanswered: no response for 60 s, the registry logs 499 when the client gives up, while its
 * event loops are idle (a completion that never comes, not a blocked thread; a thread dump is written next to the
 * journal). This is what this reproduction shows within a few attempts.</li>
 * </ul>
 * Setup: a manifest M and an index I over it, pinned by digest; 150 newer pinned manifests of about 200 KiB, so that
 * the check reads for a while before it reaches I; M deleted by digest (its pin goes, the repository is taken off its
 * label; M stays, I references it). Then, with the manifest cache empty (registry restarted) and the registry warm,
 * {@code GET M} while containerd is restarted (SIGTERM) or killed (SIGKILL), a little later at each attempt
 * ({@code history.repro.attempts}, default 8; the reproduction used 30).
 */
class ReferenceCheckContainerdRestartIT {
    private static final Path WORK = Path.of("target", "it-history", "repro-reference-check").toAbsolutePath();
    private static final String REPO = "repro/refcheck";

    @Test
    void aReadThatContainerdsOutageInterruptsIsAnswered200Or503() throws Exception {
        try (SystemUnderTest system = SystemUnderTest.start(WORK, Duration.ofSeconds(20));
                Journal journal = new Journal(WORK.resolve("journal.log"), System.currentTimeMillis())) {
            Calls calls = new Calls(new Wire(system.port(), 60_000), journal, "repro");
            byte[] config = "{\"repro\":\"reference check\"}".getBytes(StandardCharsets.UTF_8);
            String configDigest = Digest.sha256Of(config).toString();
            assertEquals(201, calls.send("blob", "POST", "/v2/" + REPO + "/blobs/uploads/?digest=" + configDigest,
                    Map.of(), config, false).status());
            BlobPool.Blob configBlob = new BlobPool.Blob(1, configDigest, config);
            ManifestDoc m = ManifestDoc.image(configBlob, List.of(), "M");
            ManifestDoc i = ManifestDoc.index(List.of(m));
            put(calls, m);
            put(calls, i);
            // large manifests (about 200 KiB each): reading them keeps the check busy for a while
            String padding = "x".repeat(200 * 1024);
            for (int n = 0; n < 150; n++) {
                put(calls, ManifestDoc.image(configBlob, List.of(), "filler-" + n + "-" + padding));
            }
            String target = "/v2/" + REPO + "/manifests/" + m.digest();
            Exchange found = null;
            int attempts = Integer.getInteger("history.repro.attempts", 8);
            for (int attempt = 0; attempt < attempts && found == null; attempt++) {
                // revoke the repository from M's label (M stays: the pinned index I references it)
                assertEquals(202, calls.delete("delete", target).status());
                system.stopRegistry(false);
                system.startRegistry(true); // an empty manifest cache: the check reads from containerd
                calls.get("warm-up", "/v2/" + REPO + "/blobs/" + configDigest);
                CompletableFuture<Exchange> read = CompletableFuture.supplyAsync(() -> calls.get("read", target));
                Calls.pause(attempt * 10L);
                if (attempt % 2 == 0) {
                    system.restartContainerd();
                } else {
                    system.killContainerd();
                    system.startContainerd();
                }
                Exchange answer;
                try {
                    answer = read.get(40, TimeUnit.SECONDS);
                } catch (TimeoutException stuck) {
                    Files.writeString(WORK.resolve("threads-attempt-" + attempt + ".txt"),
                            Ctr.run("jcmd", Long.toString(system.registryPid()), "Thread.print"));
                    answer = read.get();
                }
                System.out.println("attempt " + attempt + " (containerd " + (attempt % 2 == 0 ? "restarted" : "killed")
                        + " " + attempt * 10 + " ms after the read was sent): " + answer.answer());
                if (!answer.is(200) && !answer.is(503)) {
                    found = answer;
                }
                assertTrue(system.awaitReady(Duration.ofSeconds(30)));
                assertEquals(200, calls.get("read", target).status(), "M is readable through " + REPO);
            }
            assertEquals(null, found == null ? null : found.answer(), "content the reference check grants must be"
                    + " answered 200, or 503 while containerd is away: never unknown, never left unanswered");
        }
    }

    private static void put(Calls calls, ManifestDoc doc) {
        assertEquals(201, calls.send("manifest", "PUT", "/v2/" + REPO + "/manifests/" + doc.digest(),
                Map.of("Content-Type", doc.mediaType()), doc.bytes(), false).status());
    }
}
