package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.DaemonSetEnvironment;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.PatternStream;
import io.containerdregistry.testing.RawHttp;
import io.containerdregistry.testing.SourceAddressHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memory stays bounded however many clients push and pull at once, with the JVM settings the generated DaemonSet
 * gives the registry ({@code JAVA_TOOL_OPTIONS}: a 160 MiB heap, 32 MiB of direct memory, ...) and its limits. Four
 * clients (four loopback addresses) each run as many uploads as the per-client cap allows, four times over the
 * transfer memory; the same for pulls streamed through containerd ({@code Read}, the content directory hidden) and for
 * large manifests sent slowly. Every answer is a success with every byte right, or a 429/503 with
 * {@code Retry-After}; nothing else, the process never dies, and its peak resident memory stays under the
 * DaemonSet's memory limit.
 */
class MemoryBoundIT {
    private static final Path WORK = Path.of("target", "it-memory").toAbsolutePath();
    private static final long BLOB = 16L << 20;
    private static final int CLIENTS = 4;
    private static LocalContainerd containerd;
    private static PackagedRegistry registry;
    private static int perClient;
    /** The DaemonSet's memory limit: the container would be killed above it. */
    private static long memoryLimit;

    @BeforeAll
    static void start() throws IOException {
        containerd = LocalContainerd.startFresh(WORK.resolve("containerd"));
        Map<String, String> daemonSet = DaemonSetEnvironment.registryContainer();
        Map<String, String> env = new HashMap<>();
        // the node's flags, without the class-data archive that only the image has
        env.put("JAVA_TOOL_OPTIONS", daemonSet.get("JAVA_TOOL_OPTIONS").replaceAll("-XX:SharedArchiveFile=\\S+", "")
                + (System.getProperty("memory.diagnose") != null ? " -XX:NativeMemoryTracking=summary" : ""));
        env.put("MALLOC_ARENA_MAX", daemonSet.get("MALLOC_ARENA_MAX"));
        if (daemonSet.containsKey("TRANSFER_MEMORY")) {
            env.put("TRANSFER_MEMORY", daemonSet.get("TRANSFER_MEMORY"));
        }
        env.put("CONTAINERD_ADDRESS", containerd.socket().toString());
        env.put("REGISTRY_CONTAINERD_CONTENT_DIR", WORK.resolve("not-mounted").toString());
        perClient = Integer.parseInt(daemonSet.getOrDefault("MAX_UPLOADS_PER_CLIENT", "32"));
        memoryLimit = DaemonSetEnvironment.memoryLimitBytes();
        Matcher heap = Pattern.compile("-Xmx(\\S+)").matcher(env.get("JAVA_TOOL_OPTIONS"));
        assertTrue(heap.find(), env.get("JAVA_TOOL_OPTIONS"));
        registry = PackagedRegistry.start(WORK.resolve("registry"), heap.group(1), env);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (containerd != null) {
            containerd.stop();
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digestOf(long seed) throws IOException {
        return sha256(new PatternStream(BLOB, seed));
    }

    /** An answer that is neither a success nor a refusal with {@code Retry-After} is a failure of the registry. */
    private static void successOrRefused(int expected, RawHttp.Answer answer, String what) {
        if (answer.status() == expected) {
            return;
        }
        assertTrue((answer.status() == 429 || answer.status() == 503) && answer.headers().containsKey("retry-after"),
                what + ": " + answer);
    }

    private static long parseMiB(String size) {
        assertTrue(size.endsWith("M"), size);
        return Long.parseLong(size.substring(0, size.length() - 1));
    }

    private static long peakResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(registry.process().pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmHWM");
    }

    private static void alive() throws IOException {
        assertTrue(registry.process().isAlive(), "the registry died:\n" + registry.log());
        long peak = peakResidentBytes();
        if (System.getProperty("memory.diagnose") != null) {
            System.out.println("PEAK " + (peak >> 20) + " MiB");
            System.out.println(io.containerdregistry.testing.Ctr.run("jcmd", Long.toString(registry.process().pid()),
                    "VM.native_memory", "summary"));
        }
        assertTrue(peak < memoryLimit, "peak resident memory " + (peak >> 20) + " MiB, the DaemonSet's limit "
                + (memoryLimit >> 20) + " MiB");
    }

    @Test
    void manyConcurrentPushesPullsAndSlowManifestsNeverExhaustMemory() throws Exception {
        int uploads = CLIENTS * perClient;
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        try {
            Map<Long, String> pushed = new ConcurrentHashMap<>();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                long seed = 1000 + i;
                String from = "127.0.0." + (2 + i % CLIENTS);
                done.add(pool.submit(() -> {
                    String digest = digestOf(seed);
                    RawHttp.Answer answer = SourceAddressHttp.send(from, registry.port(), "POST",
                            "/v2/memory/push/blobs/uploads/?digest=" + digest,
                            Map.of("Content-Type", "application/octet-stream"), new PatternStream(BLOB, seed), BLOB);
                    successOrRefused(201, answer, "push " + seed);
                    if (answer.status() == 201) {
                        pushed.put(seed, digest);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            alive();
            // at least as many as fit in the transfer memory at once get through; the rest wait or are refused
            long shares = DaemonSetEnvironment.registryContainer().containsKey("TRANSFER_MEMORY")
                    ? parseMiB(DaemonSetEnvironment.registryContainer().get("TRANSFER_MEMORY")) / 2 : perClient;
            assertTrue(pushed.size() >= shares, pushed.size() + " pushes got through, fewer than " + shares);

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<Future<?>> pulls = new ArrayList<>();
            List<Map.Entry<Long, String>> entries = new ArrayList<>(pushed.entrySet());
            for (int i = 0; i < uploads; i++) {
                Map.Entry<Long, String> blob = entries.get(i % entries.size());
                pulls.add(pool.submit(() -> {
                    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                                    registry.uri("/v2/memory/push/blobs/" + blob.getValue())).GET()
                            .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    if (response.statusCode() == 200) {
                        assertEquals(blob.getValue(), sha256(response.body()), "every byte right");
                    } else {
                        response.body().close();
                        assertTrue((response.statusCode() == 503 || response.statusCode() == 429)
                                && response.headers().firstValue("Retry-After").isPresent(), "pull: " + response);
                    }
                    return null;
                }));
            }
            for (Future<?> f : pulls) {
                f.get();
            }
            alive();

            byte[] manifest = largeManifest();
            List<Future<?>> manifests = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                String from = "127.0.0." + (2 + i % CLIENTS);
                int tag = i;
                manifests.add(pool.submit(() -> {
                    RawHttp.Answer answer = SourceAddressHttp.send(from, registry.port(), "PUT",
                            "/v2/memory/manifests/m" + tag,
                            Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                            slowly(manifest), manifest.length);
                    successOrRefused(201, answer, "manifest " + tag);
                    return null;
                }));
            }
            for (Future<?> f : manifests) {
                f.get();
            }
            alive();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A repository full of large manifests, and reads through it of content another repository holds: each read
     * makes the registry look through the repository's manifests for a reference. Sixteen such reads at once hold no
     * more memory than two, are answered 404 (never a dead process), and slow nobody else down for long.
     */
    @Test
    void readsThatMakeTheRegistryLookThroughLargeManifestsStayBounded() throws Exception {
        byte[] base = largeManifest();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(201, SourceAddressHttp.send("127.0.0.1", registry.port(), "POST",
                "/v2/memory/scanned/blobs/uploads/?digest=" + sha256(new java.io.ByteArrayInputStream(config)),
                Map.of(), new java.io.ByteArrayInputStream(config), config.length).status());
        String text = new String(base, StandardCharsets.UTF_8);
        for (int i = 0; i < 10; i++) {
            byte[] manifest = text.replace("\"key-0\"", "\"copy-" + i + "\"").getBytes(StandardCharsets.UTF_8);
            RawHttp.Answer pushed = SourceAddressHttp.send("127.0.0.1", registry.port(), "PUT",
                    "/v2/memory/scanned/manifests/t" + i,
                    Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                    new java.io.ByteArrayInputStream(manifest), manifest.length);
            assertEquals(201, pushed.status(), pushed.toString());
        }
        byte[] other = "held by another repository".getBytes(StandardCharsets.UTF_8);
        String digest = sha256(new java.io.ByteArrayInputStream(other));
        assertEquals(201, SourceAddressHttp.send("127.0.0.1", registry.port(), "POST",
                "/v2/memory/other/blobs/uploads/?digest=" + digest, Map.of(), new java.io.ByteArrayInputStream(other),
                other.length).status());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<RawHttp.Answer>> reads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String from = "127.0.0." + (2 + i % CLIENTS);
                reads.add(pool.submit(() -> SourceAddressHttp.send(from, registry.port(), "GET",
                        "/v2/memory/scanned/blobs/" + digest, Map.of(), null, 0)));
            }
            for (Future<RawHttp.Answer> read : reads) {
                assertEquals(404, read.get().status(), read.get().toString());
            }
        } finally {
            pool.shutdownNow();
        }
        alive();
    }

    /**
     * Uploads that trickle in hold their share of the transfer memory; one client may hold a quarter of it at most
     * (beyond: 429 at once), so a few slow clients never lock everyone else out.
     */
    @Test
    void aClientTricklingUploadsCannotTakeEveryoneElsesTransferMemory() throws Exception {
        List<java.net.Socket> trickling = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                java.net.Socket socket = SourceAddressHttp.connect("127.0.0.9", registry.port(), 8_000);
                trickling.add(socket);
                socket.getOutputStream().write(("POST /v2/memory/slow/blobs/uploads/?digest=sha256:" + "1".repeat(64)
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576"
                        + "\r\n\r\n0123456789").getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                answers.add(readers.submit(() -> {
                    try {
                        RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
                        assertTrue(answer.headers().containsKey("retry-after"), answer.toString());
                        return answer.status();
                    } catch (java.net.SocketTimeoutException admitted) {
                        return 0; // admitted: it waits for the rest of its body
                    }
                }));
                Thread.sleep(100);
            }
            int refused = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                assertTrue(status == 0 || status == 429, "status " + status);
                refused += status == 429 ? 1 : 0;
            }
            assertTrue(refused >= 4, "a client past its quarter of the transfer memory is refused: " + refused);
            byte[] blob = "another client's push".getBytes(StandardCharsets.UTF_8);
            RawHttp.Answer other = SourceAddressHttp.send("127.0.0.10", registry.port(), "POST",
                    "/v2/memory/fast/blobs/uploads/?digest=" + sha256(new java.io.ByteArrayInputStream(blob)),
                    Map.of(), new java.io.ByteArrayInputStream(blob), blob.length);
            assertEquals(201, other.status(), other.toString());
        } finally {
            readers.shutdownNow();
            for (java.net.Socket socket : trickling) {
                socket.close();
            }
        }
        alive();
    }

    /** A 3.9 MB manifest (annotations) whose config is an empty JSON object pushed first. */
    private static byte[] largeManifest() throws IOException {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(new java.io.ByteArrayInputStream(config));
        RawHttp.Answer pushed = SourceAddressHttp.send("127.0.0.1", registry.port(), "POST",
                "/v2/memory/blobs/uploads/?digest=" + configDigest, Map.of(),
                new java.io.ByteArrayInputStream(config), config.length);
        assertEquals(201, pushed.status(), pushed.toString());
        StringBuilder annotations = new StringBuilder();
        for (int a = 0; annotations.length() < 3_900_000; a++) {
            annotations.append(a == 0 ? "" : ",").append("\"key-").append(a).append("\":\"")
                    .append("v".repeat(40)).append('"');
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":2},\"layers\":[],\"annotations\":{" + annotations + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes, sent in pieces with pauses: a client that holds its request open for a few seconds. */
    private static InputStream slowly(byte[] bytes) {
        return new InputStream() {
            private int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) throws IOException {
                if (at >= bytes.length) {
                    return -1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                int n = Math.min(Math.min(count, 64 * 1024), bytes.length - at);
                System.arraycopy(bytes, at, buffer, offset, n);
                at += n;
                return n;
            }
        };
    }
}
