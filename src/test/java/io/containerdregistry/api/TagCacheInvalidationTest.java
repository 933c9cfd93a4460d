package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Tags are resolved from a cache that containerd's event stream invalidates: a tag moved or removed behind the
 * registry's back (here with ctr) is seen as soon as containerd reports it.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class TagCacheInvalidationTest {
    private static final String REPO = "tagcache/app";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static String served(String tag) {
        var response = given().head("/v2/" + REPO + "/manifests/" + tag);
        return response.statusCode() == 200 ? response.header("Docker-Content-Digest") : "status " + response.statusCode();
    }

    private static void eventually(String expected, Supplier<String> actual) throws InterruptedException {
        String last = null;
        for (int i = 0; i < 50; i++) {
            last = actual.get();
            if (expected.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(expected, last);
    }

    @Test
    void aTagMovedOrRemovedInContainerdIsSeenPromptly() throws InterruptedException {
        String first = Registry.pushImage(REPO, "moving", "first layer");
        String second = Registry.pushImage(REPO, "other", "second layer");
        Thread.sleep(700);
        for (int i = 0; i < 3; i++) {
            assertEquals(first, served("moving"));
        }
        Ctr.ctr(Path.of(socket), "default", "images", "tag", "--force", REPO + ":other", REPO + ":moving");
        eventually(second, () -> served("moving"));
        Ctr.ctr(Path.of(socket), "default", "images", "rm", REPO + ":moving");
        eventually("status 404", () -> served("moving"));
    }
}
