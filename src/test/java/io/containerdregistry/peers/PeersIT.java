package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.PatternStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three nodes, each a packaged registry with its own containerd in {@code k8s.io}, all given the same static peer
 * list (each recognises itself in it). A fourth containerd pulls through node 3 what only other nodes hold.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeersIT {
    private static final long BIG = 200L * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path WORK = Path.of("target", "it-peers").toAbsolutePath();
    private static final List<LocalContainerd> CONTAINERDS = new ArrayList<>();
    private static final List<PackagedRegistry> REGISTRIES = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        int[] ports = {PackagedRegistry.freePort(), PackagedRegistry.freePort(), PackagedRegistry.freePort()};
        String peers = String.join(",", url(ports[0]), url(ports[1]), url(ports[2]));
        for (int i = 0; i < 3; i++) {
            LocalContainerd containerd = LocalContainerd.startFresh(WORK.resolve("node" + (i + 1)));
            CONTAINERDS.add(containerd);
            REGISTRIES.add(PackagedRegistry.start(WORK.resolve("registry" + (i + 1)), "256m", Map.of(
                    "CONTAINERD_ADDRESS", containerd.socket().toString(),
                    "CONTAINERD_NAMESPACE", "k8s.io",
                    "PEERS", peers,
                    "QUARKUS_LOG_CATEGORY__IO_CONTAINERDREGISTRY_PEERS__LEVEL", "DEBUG"), ports[i]));
        }
        for (PackagedRegistry registry : REGISTRIES) {
            // a cold JVM's first containerd lookup can exceed the peers' lookup timeout: warm each node once
            HTTP.send(HttpRequest.newBuilder(registry.uri("/v2/library/warm/manifests/v0?ns=docker.io"))
                    .header(PeerClient.HOP_HEADER, "1").build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    @AfterAll
    static void stop() {
        REGISTRIES.forEach(PackagedRegistry::close);
        CONTAINERDS.forEach(LocalContainerd::close);
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static PackagedRegistry node(int n) {
        return REGISTRIES.get(n - 1);
    }

    @Test
    @Order(1)
    void anImageOnlyNodeOneHoldsIsPulledThroughNodeThree() throws Exception {
        String image = "docker.io/library/peertest:v1";
        OciLayout layout = OciLayout.build(WORK.resolve("layout"), image, "peers", 2);
        Path archive = WORK.resolve("image.tar");
        Ctr.run("tar", "-C", layout.dir().toString(), "-cf", archive.toString(), ".");
        Ctr.ctr(CONTAINERDS.get(0).socket(), "k8s.io", "images", "import", "--all-platforms", "--no-unpack",
                archive.toString());
        Path hostsDir = WORK.resolve("certs.d");
        java.nio.file.Files.createDirectories(hostsDir.resolve("docker.io"));
        java.nio.file.Files.writeString(hostsDir.resolve("docker.io/hosts.toml"), "server = \"http://127.0.0.1:9\"\n\n"
                + "[host.\"" + url(node(3).port()) + "\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
        try (LocalContainerd client = LocalContainerd.startFresh(WORK.resolve("client"))) {
            Ctr.ctr(client.socket(), "k8s.io", "images", "pull", "--hosts-dir", hostsDir.toString(),
                    "--snapshotter", "native", image);
            String images = Ctr.ctr(client.socket(), "k8s.io", "images", "ls");
            assertTrue(images.contains(image) && images.contains(layout.indexDigest()), images);
            List<String> pulled = digests(Ctr.ctr(client.socket(), "k8s.io", "content", "ls", "-q"));
            List<String> onNodeOne = digests(Ctr.ctr(CONTAINERDS.get(0).socket(), "k8s.io", "content", "ls", "-q"));
            assertTrue(pulled.size() >= 4 && onNodeOne.containsAll(pulled), pulled + " vs " + onNodeOne);
            assertTrue(pulled.contains(layout.indexDigest()));
        }
        assertTrue(metric(node(3), "registry_peer_hits_total") >= 2, "node 3 counts its peer hits");
        assertTrue(metric(node(3), "registry_peer_bytes_total") > 0);
        assertEquals(0.0, metric(node(1), "registry_peer_hits_total"), "node 1 served everything locally");
    }

    @Test
    @Order(2)
    void aForwardedRequestIsAnsweredFromTheLocalStoreOnly() throws Exception {
        String path = "/v2/library/peertest/manifests/v1?ns=docker.io";
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(node(3).uri(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(node(3).uri(path)).header(PeerClient.HOP_HEADER, "1").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    @Order(3)
    void aMissNoPeerCanServeIsAFast404() throws Exception {
        URI uri = node(3).uri("/v2/library/peertest/blobs/sha256:" + "1".repeat(64) + "?ns=docker.io");
        double missesBefore = metric(node(3), "registry_peer_misses_total");
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("BLOB_UNKNOWN"), response.body());
        assertTrue(millis < 1000, "miss took " + millis + " ms");
        assertEquals(missesBefore + 1, metric(node(3), "registry_peer_misses_total"));
    }

    @Test
    @Order(4)
    void aHolderKilledMidTransferIsReplacedByAnotherAndTheDigestStillMatches() throws Exception {
        String digest = "sha256:" + sha256(new PatternStream(BIG, 7), Long.MAX_VALUE);
        push(node(1), digest);
        push(node(2), digest);
        // node 3 reads from the holder ranked first for this digest; that one dies mid-transfer
        List<Peer> ranked = Rendezvous.rank(digest, List.of(Peer.of(url(node(1).port())), Peer.of(url(node(2).port()))));
        PackagedRegistry first = ranked.get(0).base().equals(url(node(1).port())) ? node(1) : node(2);

        double before = metric(node(3), "registry_peer_bytes_total");
        HttpResponse<InputStream> get = HTTP.send(HttpRequest.newBuilder(
                node(3).uri("/v2/library/big/blobs/" + digest + "?ns=docker.io")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        assertEquals(String.valueOf(BIG), get.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, get.headers().firstValue("Docker-Content-Digest").orElseThrow());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream body = get.body()) {
            long read = copy(body, sha, 16L * 1024 * 1024);
            assertEquals(16L * 1024 * 1024, read);
            // node 3 spools the blob ahead of this client: the holder dies once node 3 has 32 MiB of it
            awaitMetric(node(3), "registry_peer_bytes_total", before + 32L * 1024 * 1024);
            first.process().destroyForcibly().waitFor();
            read += copy(body, sha, Long.MAX_VALUE);
            assertEquals(BIG, read);
        }
        assertEquals(digest, "sha256:" + HexFormat.of().formatHex(sha.digest()));
        assertTrue(node(3).log().contains("resuming"), node(3).log());
    }

    private static void push(PackagedRegistry registry, String digest) throws Exception {
        HttpResponse<Void> started = HTTP.send(HttpRequest.newBuilder(
                        registry.uri("/v2/docker.io/library/big/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(202, started.statusCode());
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(registry.uri(location + "?digest=" + digest))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BIG, 7)), BIG))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
    }

    private static List<String> digests(String listing) {
        return listing.lines().map(String::trim).filter(l -> l.startsWith("sha256:")).toList();
    }

    private static double metric(PackagedRegistry registry, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(registry.uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    /** Polls a counter closely until it reaches {@code atLeast}, so the test acts while a transfer is mid-way. */
    private static void awaitMetric(PackagedRegistry registry, String name, double atLeast) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (metric(registry, name) < atLeast) {
            assertTrue(System.nanoTime() < deadline, name + " did not reach " + atLeast);
            Thread.sleep(5);
        }
    }

    private static long copy(InputStream in, MessageDigest sha, long limit) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        while (total < limit) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
            if (n < 0) {
                break;
            }
            sha.update(buffer, 0, n);
            total += n;
        }
        return total;
    }

    private static String sha256(InputStream in, long limit) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (in) {
            copy(in, sha, limit);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
