package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.store.StoredManifest;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tag cache answers only while the stream is up, and never with an entry older than the resync interval. */
class TagCacheTest {
    private static RegistryConfig resyncEvery(Duration interval) {
        RegistryConfig.Containerd containerd = (RegistryConfig.Containerd) Proxy.newProxyInstance(
                RegistryConfig.class.getClassLoader(), new Class<?>[] {RegistryConfig.Containerd.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("cacheResync")) {
                        return interval;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("containerd")) {
                        return containerd;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static StoredManifest manifest() {
        Digest digest = Digest.sha256Of("m".getBytes(StandardCharsets.UTF_8));
        return new StoredManifest(digest, digest, "application/vnd.oci.image.manifest.v1+json", 1, null);
    }

    @Test
    void anEntryOlderThanTheResyncIntervalIsNotServed() throws InterruptedException {
        TagCache cache = new TagCache(resyncEvery(Duration.ofMillis(200)));
        cache.up();
        cache.put("a/b:v1", manifest(), cache.generation());
        assertEquals(manifest(), cache.get("a/b:v1"));
        Thread.sleep(300);
        assertNull(cache.get("a/b:v1"));
    }

    @Test
    void nothingIsServedBeforeTheStreamIsUpOrAfterItWentDown() {
        TagCache cache = new TagCache(resyncEvery(Duration.ofMinutes(1)));
        cache.put("a/b:v1", manifest(), cache.generation());
        assertNull(cache.get("a/b:v1"));
        cache.up();
        cache.put("a/b:v1", manifest(), cache.generation());
        cache.down();
        cache.up();
        assertNull(cache.get("a/b:v1"));
    }

    @Test
    void aResolutionThatRacedWithAChangeIsNotCached() {
        TagCache cache = new TagCache(resyncEvery(Duration.ofMinutes(1)));
        cache.up();
        long seen = cache.generation();
        cache.resync();
        cache.put("a/b:v1", manifest(), seen);
        assertNull(cache.get("a/b:v1"));
    }
}
