package io.containerdregistry.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The registry with {@code ALLOW_DELETE} on and a small page-size cap. */
public class AllowDeleteProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("registry.allow-delete", "true", "registry.listing.max-page-size", "3");
    }
}
