package io.containerdregistry.containerd;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * What the registry keeps in memory of containerd's image records stays coherent with containerd: it is used only
 * once the event stream is confirmed by a handshake, it is rebuilt from a full listing on every resync tick (here
 * every 2 s) so even a change containerd never announced is picked up, and the registry's own reports never undo
 * what a later event said. CRI's image-id records are no repository.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(CacheCoherenceTest.QuickResync.class)
class CacheCoherenceTest {
    public static class QuickResync implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.containerd.cache-resync", "2s");
        }
    }

    @Inject
    ImageIndex index;

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static List<String> tags(String repo) {
        var response = given().get("/v2/" + repo + "/tags/list");
        return response.statusCode() == 200 ? response.jsonPath().getList("tags", String.class) : List.of();
    }

    private void liveIndex() throws InterruptedException {
        eventually(index::live, "the index is live once the event stream's handshake came back");
    }

    @Test
    void aChangeContainerdNeverAnnouncedIsGoneAfterTheNextResync() throws InterruptedException {
        liveIndex();
        Registry.pushImage("coherent/app", "v1", "coherent layer");
        // a record the index believes in but containerd does not hold: as if an event had been lost
        index.added(List.of("coherent/app:ghost"), index.sequence());
        assertEquals(List.of("ghost", "v1"), tags("coherent/app"));
        eventually(() -> tags("coherent/app").equals(List.of("v1")), "the resync drops what containerd does not hold");
    }

    @Test
    void aLateReportOfTheRegistrysOwnChangeNeverUndoesALaterEvent() throws InterruptedException {
        liveIndex();
        Registry.pushImage("coherent/race", "v1", "race layer");
        long since = index.sequence();
        Ctr.ctr(Path.of(socket), "default", "images", "tag", "coherent/race:v1", "coherent/race:v2");
        eventually(() -> index.names("coherent/race:", "coherent/race;").contains("coherent/race:v2"), "event seen");
        // the answer to a delete the registry made before that event arrives late: it must not remove v2 again
        index.removed("coherent/race:v2", since);
        assertTrue(index.names("coherent/race:", "coherent/race;").contains("coherent/race:v2"));
        assertEquals(List.of("v1", "v2"), tags("coherent/race"));
    }

    @Test
    void criImageIdRecordsAreNoRepository() throws InterruptedException {
        liveIndex();
        String digest = Registry.pushImage("coherent/cri", "v1", "cri layer");
        String id = "sha256:" + "ab".repeat(32);
        Ctr.ctr(Path.of(socket), "default", "images", "tag", "coherent/cri:v1", id);
        eventually(() -> index.names("sha256:", "sha256;").contains(id), "the id record is indexed");
        List<String> repositories = given().get("/v2/_catalog?n=1000").jsonPath().getList("repositories", String.class);
        assertTrue(repositories.contains("coherent/cri"), repositories.toString());
        assertFalse(repositories.contains("sha256"), repositories.toString());
        given().get("/v2/sha256/tags/list").then().statusCode(404);
        assertFalse(digest.isEmpty());
    }
}
