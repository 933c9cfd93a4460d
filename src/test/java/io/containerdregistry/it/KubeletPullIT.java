package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.containerd.api.cri.Image;
import io.containerdregistry.containerd.api.cri.PullImageResponse;
import io.containerdregistry.testing.CriImages;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.FileTrees;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.Prometheus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubelet's own pull: the CRI call {@code runtime.v1.ImageService/PullImage} on a containerd whose CRI plugin reads
 * the hosts directory {@code HostsTomlCli} wrote, run as the DaemonSet's init container runs it (its classpath, its
 * arguments, {@code MIRROR_HOSTS}, {@code --keep-other-hosts} over the node's own {@code docker.io/hosts.toml}, whose
 * {@code server} names the upstream).
 *
 * <p>Seven processes, no network beyond loopback: kubelet's containerd (CRI plugin on, {@code config_path} the hosts
 * directory); the node-local registry ({@code CONTAINERD_NAMESPACE=k8s.io}, mirror for {@code docker.io}, writes off,
 * a static peer list) over a containerd of its own that holds what it serves; a peer node (the same registry, the same
 * peer list, its own containerd); and a third packaged registry over a fourth containerd standing in for the upstream,
 * reached over plain HTTP. Each image is imported into exactly one of the three stores. The node-local registry's
 * store is a containerd apart from kubelet's so that kubelet's containerd holds none of the content and must fetch
 * every blob: were they one containerd (as on a real node), containerd would find the blobs in its own store and ask
 * the mirror for the manifests only.
 */
class KubeletPullIT {
    private static final Path WORK = Path.of("target", "it-kubelet-pull").toAbsolutePath();
    private static final String LOCAL_IMAGE = "docker.io/library/kubelet-local:v1";
    private static final String UPSTREAM_IMAGE = "docker.io/library/kubelet-upstream:v1";
    private static final String PEER_IMAGE = "docker.io/library/kubelet-peer:v1";
    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static LocalContainerd kubeletContainerd;
    private static PackagedRegistry node;
    private static PackagedRegistry upstream;
    private static PackagedRegistry peer;
    private static OciLayout localLayout;
    private static OciLayout upstreamLayout;
    private static OciLayout peerLayout;
    private static CriImages cri;

    @BeforeAll
    static void startNodeAndUpstream() throws Exception {
        LocalContainerd upstreamStore = open(LocalContainerd.startFresh(WORK.resolve("upstream-containerd")));
        LocalContainerd nodeStore = open(LocalContainerd.startFresh(WORK.resolve("node-containerd")));
        LocalContainerd peerStore = open(LocalContainerd.startFresh(WORK.resolve("peer-containerd")));
        upstreamLayout = importImage(upstreamStore, UPSTREAM_IMAGE, "kubelet-upstream");
        localLayout = importImage(nodeStore, LOCAL_IMAGE, "kubelet-local");
        peerLayout = importImage(peerStore, PEER_IMAGE, "kubelet-peer");

        upstream = open(PackagedRegistry.start(WORK.resolve("upstream"), "256m", Map.of(
                "CONTAINERD_ADDRESS", upstreamStore.socket().toString(),
                "CONTAINERD_NAMESPACE", "k8s.io")));
        int nodePort = PackagedRegistry.freePort();
        int peerPort = PackagedRegistry.freePort();
        // both nodes get the same static peer list; each recognises itself in it
        String peers = "http://127.0.0.1:" + nodePort + ",http://127.0.0.1:" + peerPort;
        node = open(PackagedRegistry.start(WORK.resolve("node"), "256m", nodeEnv(nodeStore, peers), nodePort));
        peer = open(PackagedRegistry.start(WORK.resolve("peer"), "256m", nodeEnv(peerStore, peers), peerPort));
        for (PackagedRegistry registry : List.of(node, peer)) {
            // a cold JVM's first containerd lookup can exceed the peers' lookup timeout: warm each node once, with
            // the peers' hop header (PeerClient.HOP_HEADER) so that it asks its own containerd only
            Http.get(Http.client(), registry.uri("/v2/library/warm/manifests/v0?ns=docker.io"), "X-Registry-Peer-Hop", "1");
        }

        Path hostsDir = WORK.resolve("certs.d");
        FileTrees.delete(hostsDir); // a backup of an earlier run's node file would be taken as the node's file
        Files.createDirectories(hostsDir.resolve("docker.io"));
        // the node's own file before the DaemonSet came: docker.io is reached at the stand-in upstream
        Files.writeString(hostsDir.resolve("docker.io/hosts.toml"),
                "server = \"http://127.0.0.1:" + upstream.port() + "\"\n");
        runHostsTomlCli(hostsDir);

        kubeletContainerd = open(LocalContainerd.startFresh(WORK.resolve("kubelet-containerd"),
                Optional.of(new LocalContainerd.CriPlugin(Optional.of(hostsDir.toString()), false))));
        cri = new CriImages(kubeletContainerd.socket());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cri != null) {
            cri.close();
        }
        for (int i = OPEN.size() - 1; i >= 0; i--) {
            OPEN.get(i).close();
        }
    }

    @Test
    void kubeletsPullIsServedByTheNodeLocalRegistryAndNeverReachesTheUpstream() throws Exception {
        PullImageResponse pulled = pull(LOCAL_IMAGE);

        assertImagePresent(LOCAL_IMAGE, localLayout, pulled);
        String log = node.log();
        // containerd asked for docker.io/library/kubelet-local as library/kubelet-local with ?ns=docker.io: a 200
        // for that path exists only through the ns mapping (the image record is named docker.io/...)
        assertTrue(find(log, "(HEAD|GET) /v2/library/kubelet-local/manifests/v1 200 ") >= 1, log);
        assertTrue(find(log, "GET /v2/library/kubelet-local/manifests/sha256:[0-9a-f]{64} 200 ") >= 1, log);
        // the amd64 image's config and its layers: every blob containerd needed came from the node-local registry
        assertTrue(find(log, "GET /v2/library/kubelet-local/blobs/sha256:[0-9a-f]{64} 200 ") >= 3, log);
        assertTrue(metric(node, "registry_served_total", Map.of("kind", "blob", "source", "local")) >= 3);
        assertTrue(metric(node, "registry_served_total", Map.of("kind", "manifest", "source", "local")) >= 2);
        // without ?ns= the same path names no image: the 200s above were answers to containerd's ?ns=docker.io
        assertEquals(404, Http.get(Http.client(), node.uri("/v2/library/kubelet-local/manifests/v1")).statusCode());
        assertEquals(200, Http.get(Http.client(), node.uri("/v2/library/kubelet-local/manifests/v1?ns=docker.io"),
                "Accept", OciLayout.INDEX).statusCode());
        // the upstream could not have served it: it does not hold the image and was never asked
        assertFalse(upstream.log().contains("kubelet-local"), upstream.log());
    }

    @Test
    void aMissOnTheNodeFallsBackToTheUpstreamNamedInHostsTomlWithoutDelay() throws Exception {
        PullImageResponse pulled = pull(UPSTREAM_IMAGE);

        assertImagePresent(UPSTREAM_IMAGE, upstreamLayout, pulled);
        String log = node.log();
        Matcher miss = Pattern.compile("(HEAD|GET) /v2/library/kubelet-upstream/manifests/v1 404 (\\d+)ms").matcher(log);
        assertTrue(miss.find(), "the node-local registry was asked first and missed:\n" + log);
        assertTrue(Long.parseLong(miss.group(2)) < 1000, "the miss took " + miss.group(2) + " ms");
        assertEquals(0, find(log, "/v2/library/kubelet-upstream/\\S+ 200 "), log);
        String upstreamLog = upstream.log();
        assertTrue(find(upstreamLog, "(HEAD|GET) /v2/library/kubelet-upstream/manifests/v1 200 ") >= 1, upstreamLog);
        assertTrue(find(upstreamLog, "GET /v2/library/kubelet-upstream/blobs/sha256:[0-9a-f]{64} 200 ") >= 3,
                upstreamLog);
    }

    @Test
    void anImageOnlyAPeerHoldsIsPulledThroughTheNodeLocalRegistryFromThePeer() throws Exception {
        double hitsBefore = metric(node, "registry_peer_hits_total", Map.of());
        PullImageResponse pulled = pull(PEER_IMAGE);

        assertImagePresent(PEER_IMAGE, peerLayout, pulled);
        String log = node.log();
        assertTrue(find(log, "(HEAD|GET) /v2/library/kubelet-peer/manifests/v1 200 ") >= 1, log);
        assertTrue(find(log, "GET /v2/library/kubelet-peer/blobs/sha256:[0-9a-f]{64} 200 ") >= 3, log);
        assertTrue(metric(node, "registry_peer_hits_total", Map.of()) >= hitsBefore + 4,
                "the manifests and blobs were the peer's");
        String peerLog = peer.log();
        assertTrue(find(peerLog, "GET /v2/library/kubelet-peer/blobs/sha256:[0-9a-f]{64} 200 ") >= 3, peerLog);
        assertFalse(upstream.log().contains("kubelet-peer"), upstream.log());
    }

    /** kubelet's call: PullImage with the image reference only (no auth, no sandbox config). */
    private static PullImageResponse pull(String image) {
        return cri.pull(image);
    }

    /** CRI's ImageStatus names the image by its tag and by the digest of the index that was pulled. */
    private static void assertImagePresent(String reference, OciLayout layout, PullImageResponse pulled) {
        Image image = cri.status(reference);
        String repository = reference.substring(0, reference.lastIndexOf(':'));
        assertEquals(List.of(reference), image.getRepoTagsList(), image.toString());
        assertEquals(List.of(repository + "@" + layout.indexDigest()), image.getRepoDigestsList(), image.toString());
        assertEquals(image.getId(), pulled.getImageRef());
        assertTrue(layout.blobs().contains(image.getId()), "the id is the pulled image's config: " + image);
        assertTrue(image.getSize() > 0, image.toString());
    }

    /** Builds a two-platform image and imports it into the containerd's {@code k8s.io} namespace. */
    private static OciLayout importImage(LocalContainerd containerd, String reference, String seed) throws Exception {
        OciLayout layout = OciLayout.build(WORK.resolve("layout-" + seed), reference, seed, 2);
        Path archive = WORK.resolve(seed + ".tar");
        Ctr.run("tar", "-C", layout.dir().toString(), "-cf", archive.toString(), ".");
        Ctr.ctr(containerd.socket(), "k8s.io", "images", "import", "--all-platforms", "--no-unpack",
                archive.toString());
        return layout;
    }

    /** The init container's command: {@code java -cp app/*:lib/main/* HostsTomlCli ... --keep-other-hosts}. */
    private static void runHostsTomlCli(Path hostsDir) throws Exception {
        Path app = Path.of(System.getProperty("registry.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath().getParent();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", app.resolve("app") + File.separator + "*" + File.pathSeparator
                        + app.resolve("lib/main") + File.separator + "*",
                "io.containerdregistry.mirror.HostsTomlCli", "--config-dir", hostsDir.toString(),
                "--mirror", "http://127.0.0.1:" + node.port(), "--keep-other-hosts").redirectErrorStream(true);
        builder.environment().put("MIRROR_HOSTS", "docker.io");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        String toml = Files.readString(hostsDir.resolve("docker.io/hosts.toml"));
        assertTrue(toml.contains("http://127.0.0.1:" + upstream.port()) && toml.contains("http://127.0.0.1:" + node.port()),
                toml);
    }

    private static Map<String, String> nodeEnv(LocalContainerd store, String peers) {
        return Map.of("CONTAINERD_ADDRESS", store.socket().toString(),
                "CONTAINERD_NAMESPACE", "k8s.io",
                "MIRROR_HOSTS", "docker.io",
                "WRITES_ENABLED", "false",
                "PEERS", peers);
    }


    private static double metric(PackagedRegistry registry, String name, Map<String, String> labels) {
        return Prometheus.sum(Http.get(Http.client(), registry.uri("/q/metrics")).body(), name, labels);
    }

    private static int find(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static <T extends AutoCloseable> T open(T closeable) {
        OPEN.add(closeable);
        return closeable;
    }
}
