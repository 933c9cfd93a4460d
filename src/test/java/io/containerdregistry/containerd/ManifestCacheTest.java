package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ManifestCacheTest {

    private static ManifestCache cache(long capacity) {
        RegistryConfig.Limits limits = (RegistryConfig.Limits) Proxy.newProxyInstance(
                RegistryConfig.Limits.class.getClassLoader(), new Class<?>[] {RegistryConfig.Limits.class},
                (proxy, method, args) -> method.getName().equals("manifestCacheBytes") ? capacity : null);
        RegistryConfig config = (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> limits);
        return new ManifestCache(config);
    }

    private static Digest digest(int n) {
        return Digest.sha256Of(new byte[] {(byte) n});
    }

    @Test
    void keepsRecentlyUsedEntriesWithinItsByteBudget() {
        ManifestCache cache = cache(10);
        cache.put(digest(1), new byte[4]);
        cache.put(digest(2), new byte[4]);
        cache.get(digest(1));
        cache.put(digest(3), new byte[4]);
        assertArrayEquals(new byte[4], cache.get(digest(1)));
        assertNull(cache.get(digest(2)), "least recently used goes first");
        assertArrayEquals(new byte[4], cache.get(digest(3)));
    }

    @Test
    void neverHoldsAnEntryLargerThanTheBudgetAndZeroTurnsItOff() {
        ManifestCache small = cache(3);
        small.put(digest(1), new byte[4]);
        assertNull(small.get(digest(1)));
        ManifestCache off = cache(0);
        off.put(digest(2), new byte[1]);
        assertNull(off.get(digest(2)));
    }
}
