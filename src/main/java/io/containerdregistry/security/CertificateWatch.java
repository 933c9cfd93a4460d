package io.containerdregistry.security;

import io.quarkus.runtime.Startup;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.tls.runtime.config.TlsConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Serves rotated certificates without a restart: every reload period the TLS files (through symlinks, as a mounted
 * Secret has them) are hashed, and only when they changed is the default TLS configuration read again and the HTTP
 * server told ({@link CertificateUpdatedEvent}). Quarkus' own {@code reload-period} swaps the server's TLS options on
 * every tick, changed or not, and a connection accepted during a swap can be reset; here that window opens only when
 * a certificate really changed.
 */
@Startup
@ApplicationScoped
class CertificateWatch {
    private static final Logger LOG = Logger.getLogger(CertificateWatch.class);

    private final List<Path> files;
    private final TlsConfigurationRegistry registry;
    private final Event<CertificateUpdatedEvent> updates;
    private String served;

    CertificateWatch(TlsFilesConfig config, TlsConfigurationRegistry registry, Event<CertificateUpdatedEvent> updates,
            Vertx vertx) {
        this.files = config.files().orElse(List.of()).stream().map(Path::of).toList();
        this.registry = registry;
        this.updates = updates;
        if (!files.isEmpty()) {
            served = fingerprint();
            vertx.setPeriodic(config.reloadPeriod().toMillis(),
                    id -> vertx.executeBlocking(() -> check(), false));
        }
    }

    /** Reloads when the files differ from what is served; returns whether it did. Blocking. */
    synchronized boolean check() {
        String now = fingerprint();
        if (now == null || now.equals(served)) {
            return false;
        }
        TlsConfiguration configuration = registry.getDefault().orElse(null);
        if (configuration == null || !configuration.reload()) {
            LOG.warn("the TLS files changed but could not be loaded; still serving the previous certificate");
            return false;
        }
        served = now;
        updates.fire(new CertificateUpdatedEvent(TlsConfig.DEFAULT_NAME, configuration));
        LOG.infof("TLS files changed: now serving the new certificate");
        return true;
    }

    /** A SHA-256 over the files' contents, or null while one cannot be read (mid-rotation). */
    private String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
