package io.containerdregistry.api;

import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/** The same pages when the image index is off (more records than it may hold): read from containerd's listing. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(ListingWithoutIndexTest.NoIndex.class)
class ListingWithoutIndexTest extends ListingRoutesTest {
    public static class NoIndex implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.listing.index-max-records", "0");
        }
    }
}
