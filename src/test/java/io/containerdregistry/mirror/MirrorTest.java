package io.containerdregistry.mirror;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node-local mirror: containerd A holds images in {@code k8s.io} as kubelet would have pulled them; the registry
 * serves A; containerd B, configured by the project's own hosts.toml writer with the upstream unreachable, pulls
 * through it.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(MirrorTest.NodeProfile.class)
class MirrorTest {
    private static final String IMAGE = "docker.io/library/mirrortest:v1";
    private static String indexDigest;

    public static class NodeProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.containerd.namespace", "k8s.io", "registry.mirror.hosts", "docker.io,ghcr.io");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    @BeforeEach
    void importImageIntoNodeOnce() throws IOException {
        if (indexDigest != null) {
            return;
        }
        Path work = Path.of("target", "mirror-node").toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("layout"), IMAGE, "mirror", 2);
        Path archive = work.resolve("image.tar");
        Ctr.run("tar", "-C", layout.dir().toString(), "-cf", archive.toString(), ".");
        Ctr.ctr(Path.of(socket), "k8s.io", "images", "import", "--all-platforms", "--no-unpack", archive.toString());
        indexDigest = layout.indexDigest();
    }

    private String mirror() {
        return "http://127.0.0.1:" + base.getPort();
    }

    @Test
    void nodePullsThroughTheMirrorWithTheUpstreamUnreachable() throws Exception {
        Path work = Path.of("target", "mirror-pull-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Path hostsDir = work.resolve("certs.d");
        assertEquals(0, HostsTomlCli.run("--config-dir", hostsDir.toString(), "--mirror", mirror(), "--hosts", "docker.io"));
        try (LocalContainerd nodeB = LocalContainerd.startFresh(work.resolve("node-b"))) {
            Ctr.ctr(nodeB.socket(), "k8s.io", "images", "pull", "--hosts-dir", hostsDir.toString(),
                    "--snapshotter", "native", IMAGE);
            String images = Ctr.ctr(nodeB.socket(), "k8s.io", "images", "ls");
            assertTrue(images.contains(IMAGE) && images.contains(indexDigest), images);
            Set<String> onB = digests(Ctr.ctr(nodeB.socket(), "k8s.io", "content", "ls", "-q"));
            Set<String> onA = digests(Ctr.ctr(Path.of(socket), "k8s.io", "content", "ls", "-q"));
            assertTrue(onA.containsAll(onB), "B holds only what A holds: " + onB + " vs " + onA);
            assertTrue(onB.contains(indexDigest));
        }
    }

    private static Set<String> digests(String listing) {
        return new TreeSet<>(listing.lines().map(String::trim).filter(l -> l.startsWith("sha256:")).toList());
    }

    @Test
    void mirrorRequestsMapToContainerdNamesAndCarryOciNamespace() {
        given().get("/v2/library/mirrortest/manifests/v1?ns=docker.io").then().statusCode(200)
                .header("OCI-Namespace", "docker.io")
                .header("Docker-Content-Digest", indexDigest);
        given().head("/v2/mirrortest/manifests/v1?ns=docker.io").then().statusCode(200);
        given().head("/v2/library/mirrortest/manifests/v1?ns=index.docker.io").then().statusCode(200);
        given().head("/v2/library/mirrortest/manifests/" + indexDigest + "?ns=docker.io").then().statusCode(200);
    }

    @Test
    void repositoriesNamedWithTheirHostKeepWorkingWithoutNs() {
        given().get("/v2/docker.io/library/mirrortest/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", indexDigest);
    }

    @Test
    void missesAnswer404Fast() throws Exception {
        given().get("/v2/library/nothing-here/manifests/v1?ns=docker.io").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().get("/v2/library/mirrortest/blobs/sha256:" + "0".repeat(64) + "?ns=docker.io").then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        assertMedianMillisBelow(50, mirror() + "/v2/library/nothing-here/manifests/v1?ns=docker.io");
        assertMedianMillisBelow(50, mirror() + "/v2/library/mirrortest/blobs/sha256:" + "0".repeat(64) + "?ns=docker.io");
    }

    /** A generous latency bound, not a benchmark: median of several 404s after a warm-up. */
    private static void assertMedianMillisBelow(long bound, String url) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        for (int i = 0; i < 20; i++) {
            client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        long[] millis = new long[7];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            assertEquals(404, client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        assertTrue(millis[millis.length / 2] < bound, "median miss " + millis[millis.length / 2] + " ms for " + url);
    }

    @Test
    void hostsThatAreNotMirroredAreMisses() {
        given().head("/v2/library/mirrortest/manifests/v1?ns=quay.io").then().statusCode(404);
        given().get("/v2/library/mirrortest/manifests/v1?ns=bad_host!").then().statusCode(400)
                .body("errors[0].code", equalTo("NAME_INVALID"));
    }

    @Test
    void mirrorRequestsNeverWrite() {
        given().post("/v2/library/mirrortest/blobs/uploads/?ns=docker.io").then().statusCode(405)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
    }

    @Test
    void anImagePushedIntoTheNodeNamespaceIsPullableByTheNodeWithoutNetwork() throws Exception {
        Path work = Path.of("target", "mirror-push-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("layout"), "v1", "pushed", 2);
        String host = "127.0.0.1:" + base.getPort();
        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":v1", "docker://" + host + "/docker.io/library/pushed:v1");
        String images = Ctr.ctr(Path.of(socket), "k8s.io", "images", "ls", "-q");
        assertTrue(images.contains("docker.io/library/pushed:v1"), images);

        Path hostsDir = work.resolve("certs.d");
        assertEquals(0, HostsTomlCli.run("--config-dir", hostsDir.toString(), "--mirror", mirror(), "--hosts", "docker.io"));
        assertTrue(Files.exists(hostsDir.resolve("docker.io/hosts.toml")));
        Ctr.ctr(Path.of(socket), "k8s.io", "images", "pull", "--hosts-dir", hostsDir.toString(),
                "--snapshotter", "native", "docker.io/library/pushed:v1");
    }
}
