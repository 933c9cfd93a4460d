package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listing index comes up with the event stream and holds the registry's own records at once. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ImageIndexTest {
    @Inject
    ImageIndex index;

    @Test
    void isLiveAndHoldsAPushedTagAtOnce() throws InterruptedException {
        for (int i = 0; i < 50 && !index.live(); i++) {
            Thread.sleep(100);
        }
        assertTrue(index.live(), "the index is live once containerd's event stream is up");
        Registry.pushImage("indexed/app", "v1", "indexed layer");
        assertEquals(List.of("indexed/app:v1"), List.copyOf(index.names("indexed/app:", "indexed/app;")));
        assertTrue(index.repositoriesAfter("indexed/").contains("indexed/app"));
    }
}
