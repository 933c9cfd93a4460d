package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The in-memory image index behind tag and catalog pages follows image records created and removed behind the
 * registry's back (here with ctr), through containerd's event stream.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ListingFollowsContainerdTest {
    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static List<String> tags(String repo) {
        var response = given().get("/v2/" + repo + "/tags/list");
        return response.statusCode() == 200 ? response.jsonPath().getList("tags", String.class) : List.of();
    }

    private static List<String> catalog() {
        return given().get("/v2/_catalog?n=1000").jsonPath().getList("repositories", String.class);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 50 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertTrue(condition.getAsBoolean());
    }

    @Test
    void recordsAddedAndRemovedWithCtrShowInTagsAndCatalog() throws InterruptedException {
        Registry.pushImage("follow/app", "v1", "follow layer");
        assertEquals(List.of("v1"), tags("follow/app"));
        Thread.sleep(700);
        Ctr.ctr(Path.of(socket), "default", "images", "tag", "follow/app:v1", "follow/app:v2");
        Ctr.ctr(Path.of(socket), "default", "images", "tag", "follow/app:v1", "follow/other:latest");
        eventually(() -> tags("follow/app").equals(List.of("v1", "v2")));
        eventually(() -> catalog().contains("follow/other"));
        Ctr.ctr(Path.of(socket), "default", "images", "rm", "follow/other:latest");
        eventually(() -> !catalog().contains("follow/other"));
        given().get("/v2/follow/other/tags/list").then().statusCode(404);
        assertFalse(catalog().contains("follow/other"));
        assertTrue(catalog().contains("follow/app"));
    }
}
