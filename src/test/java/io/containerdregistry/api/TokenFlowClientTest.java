package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.AuthProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** skopeo, a real Docker-protocol client, pushing and pulling through the token flow with {@code --creds}. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AuthProfile.class)
class TokenFlowClientTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void skopeoPushesAndPullsWithCredentialsThroughTheTokenFlow() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path work = Path.of("target", "token-flow-" + run).toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("source"), "v1", run, 2);
        String image = "docker://127.0.0.1:" + base.getPort() + "/team/skopeo:v1";

        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                "--dest-creds", "alice:secret", "oci:" + layout.dir() + ":v1", image);
        Path out = work.resolve("out");
        Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false",
                "--src-creds", "bob:bob-password", image, "oci:" + out + ":v1");
        assertTrue(Files.readString(out.resolve("index.json")).contains(layout.indexDigest()));
        for (String blob : layout.blobs()) {
            assertTrue(Files.exists(out.resolve("blobs/sha256").resolve(blob.substring(7))), blob);
        }

        AssertionError denied = assertThrows(AssertionError.class, () -> Ctr.run("skopeo", "--insecure-policy", "copy",
                "--all", "--dest-tls-verify=false", "--dest-creds", "bob:bob-password",
                "oci:" + layout.dir() + ":v1", "docker://127.0.0.1:" + base.getPort() + "/team/bob:v1"));
        assertTrue(denied.getMessage().contains("401") || denied.getMessage().toLowerCase().contains("unauthorized")
                || denied.getMessage().toLowerCase().contains("denied"), denied.getMessage());
        AssertionError anonymous = assertThrows(AssertionError.class, () -> Ctr.run("skopeo", "--insecure-policy",
                "inspect", "--tls-verify=false", image));
        assertEquals(true, anonymous.getMessage().length() > 0);
    }
}
