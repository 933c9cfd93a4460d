package io.containerdregistry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long a request may make no progress before its connection is closed, so a stalled client cannot pin a
 * connection. Idle connections ({@code IDLE_TIMEOUT}) and the shutdown drain ({@code SHUTDOWN_TIMEOUT}) are
 * Quarkus' own settings, translated by {@link SeedEnvironmentConfigSource}. {@code 0} switches a timeout off.
 */
@ConfigMapping(prefix = "registry.http")
public interface HttpTimeoutsConfig {

    /**
     * Longest time a request body may go without a byte arriving while the request is still being received
     * (alias {@code READ_TIMEOUT}; Go duration syntax).
     */
    @WithDefault("5m")
    @WithConverter(GoDurationConverter.class)
    Duration readTimeout();

    /**
     * Longest time a response may wait for the client to take more bytes while its write queue is full
     * (alias {@code WRITE_TIMEOUT}; Go duration syntax).
     */
    @WithDefault("5m")
    @WithConverter(GoDurationConverter.class)
    Duration writeTimeout();
}
