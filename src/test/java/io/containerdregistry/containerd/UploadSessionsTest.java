package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.config.RegistryConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the process remembers of upload sessions stays bounded however many sessions come and go. */
class UploadSessionsTest {
    private static RegistryConfig config() {
        RegistryConfig.Uploads uploads = (RegistryConfig.Uploads) Proxy.newProxyInstance(
                RegistryConfig.class.getClassLoader(), new Class<?>[] {RegistryConfig.Uploads.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "idleStreamTimeout" -> Duration.ofSeconds(30);
                    case "maxIdleStreams" -> 64;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("uploads")) {
                        return uploads;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void rememberedSessionsAreCappedAndTheRestAreLookedUp() {
        UploadSessions sessions = new UploadSessions(config());
        Instant expiry = Instant.now().plusSeconds(600);
        for (int i = 0; i < UploadSessions.MAX_SESSIONS; i++) {
            assertTrue(sessions.started("s" + i, expiry));
        }
        for (int i = UploadSessions.MAX_SESSIONS; i < UploadSessions.MAX_SESSIONS + 100; i++) {
            assertFalse(sessions.started("s" + i, expiry), "beyond the cap the caller must keep the session itself");
        }
        assertEquals(Optional.of(expiry), sessions.expiry("s0"));
        assertEquals(Optional.empty(), sessions.expiry("s" + (UploadSessions.MAX_SESSIONS + 50)));
    }

    @Test
    void completedSessionsAreForgottenOnceManyAreRemembered() {
        UploadSessions sessions = new UploadSessions(config());
        Instant expiry = Instant.now().plusSeconds(600);
        sessions.started("early", expiry);
        sessions.complete("early");
        assertTrue(sessions.completed("early"), "few sessions: a completed one is remembered as such");
        for (int i = 0; i < UploadSessions.MAX_SESSIONS / 2; i++) {
            sessions.started("s" + i, expiry);
        }
        sessions.started("late", expiry);
        sessions.complete("late");
        assertFalse(sessions.completed("late"), "many sessions: a completed one is forgotten");
        assertEquals(Optional.empty(), sessions.expiry("late"));
    }
}
