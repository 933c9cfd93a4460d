package io.containerdregistry.security;

import io.containerdregistry.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The PEM files behind the HTTPS listener and how often they are checked for changes. Set from {@code TLS_CERT_FILE},
 * {@code TLS_KEY_FILE}, {@code TLS_CLIENT_CA_FILE} and {@code TLS_RELOAD_PERIOD} by the TLS environment source.
 */
@ConfigMapping(prefix = "registry.tls")
public interface TlsFilesConfig {

    /** The files whose change makes the TLS configuration be read again; none when TLS is off. */
    Optional<List<String>> files();

    /** How often the files are compared with what is being served. */
    @WithDefault("1m")
    @WithConverter(GoDurationConverter.class)
    Duration reloadPeriod();
}
