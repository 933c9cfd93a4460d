package io.containerdregistry.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** skopeo and ctr, as users run them, against the registry and its containerd. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class RealClientTest {
    private static final Pattern INDEX_DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private String host() {
        return "127.0.0.1:" + base.getPort();
    }

    @Test
    void skopeoCopiesAnIndexInAndOutWithIdenticalDigestsAndCtrPullsIt() throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path work = Path.of("target", "real-client-" + run).toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("source"), "v1", run, 3);
        String image = host() + "/realclient/app:v1";

        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":v1", "docker://" + image);
        Path out = work.resolve("out");
        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false",
                "docker://" + image, "oci:" + out + ":v1");

        Matcher copied = INDEX_DIGEST.matcher(Files.readString(out.resolve("index.json")));
        assertTrue(copied.find());
        assertEquals(layout.indexDigest(), copied.group(1), "the index digest survives the round trip");
        for (String blob : layout.blobs()) {
            Path file = out.resolve("blobs/sha256").resolve(blob.substring("sha256:".length()));
            assertTrue(Files.exists(file), "copied out: " + blob);
            assertEquals(blob, Digest.sha256Of(Files.readAllBytes(file)).toString());
        }

        String records = Ctr.ctr(Path.of(socket), "default", "images", "ls");
        assertTrue(records.contains("realclient/app:v1") && records.contains(layout.indexDigest()), records);

        try (LocalContainerd puller = LocalContainerd.startFresh(work.resolve("puller"))) {
            Ctr.ctr(puller.socket(), "default", "images", "pull", "--plain-http", "--snapshotter", "native", image);
            String pulled = Ctr.ctr(puller.socket(), "default", "images", "ls");
            assertTrue(pulled.contains(image) && pulled.contains(layout.indexDigest()), pulled);
        }
    }

    @Test
    void garbageCollectionKeepsEverythingATagReachesAndDropsTheRest() throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path work = Path.of("target", "gc-" + run).toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("source"), "v1", run, 2);
        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":v1", "docker://" + host() + "/gctest/app:v1");
        String orphan = Registry.pushBlob("gctest/app", "pushed but never referenced " + run);

        // without the blob leases only the manifests' GC labels and the tag keep content alive
        Path containerd = Path.of(socket);
        for (String lease : Ctr.ctr(containerd, "default", "leases", "ls", "-q").split("\\s+")) {
            if (lease.startsWith("blobs-") || lease.startsWith("upload")) {  // blob holds, and any session's own
                Ctr.ctr(containerd, "default", "leases", "delete", lease);
            }
        }
        Ctr.collectGarbage(containerd, "default");

        for (String blob : layout.blobs()) {
            given().head("/v2/gctest/app/blobs/" + blob).then().statusCode(200);
        }
        given().get("/v2/gctest/app/manifests/v1").then().statusCode(200);
        given().head("/v2/gctest/app/blobs/" + orphan).then().statusCode(404);
    }
}
