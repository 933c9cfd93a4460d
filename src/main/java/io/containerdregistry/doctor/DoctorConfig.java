package io.containerdregistry.doctor;

import io.containerdregistry.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The containerd doctor: whether this node's containerd will use the mirror; see docs/containerd-doctor.md. */
@ConfigMapping(prefix = "registry.doctor")
interface DoctorConfig {

    /**
     * The directory whose {@code <host>/hosts.toml} files name this registry as containerd's mirror, as containerd
     * sees it (alias {@code HOSTS_CONFIG_DIR}; the init container's {@code --config-dir}). The CRI plugin's
     * {@code config_path} must include it.
     */
    @WithDefault("/etc/containerd/certs.d")
    String hostsDir();

    /** How often containerd is inspected again after the check at start; 0 checks at start only. */
    @WithDefault("5m")
    @WithConverter(GoDurationConverter.class)
    Duration interval();

    /** How soon a check that found containerd unreachable is tried again (never later than {@link #interval()}). */
    @WithDefault("15s")
    @WithConverter(GoDurationConverter.class)
    Duration retry();

    /** Deadline of each call to containerd during a check. */
    @WithDefault("10s")
    @WithConverter(GoDurationConverter.class)
    Duration timeout();

    /** Kubernetes Events on this node when the verdict changes. */
    NodeEventsConfig nodeEvents();

    interface NodeEventsConfig {
        /**
         * Post an Event on the Node when the verdict changes (alias {@code NODE_EVENTS}); the generated DaemonSet turns
         * it on. Needs {@link #nodeName()} and permission to create Events in the pod's namespace.
         */
        @WithDefault("false")
        boolean enabled();

        /** The Node the Events are about (alias {@code NODE_NAME}, from the pod's {@code spec.nodeName}). */
        Optional<String> nodeName();

        /** Namespace of the Events; the Kubernetes client's (the pod's own) when unset. */
        Optional<String> namespace();
    }
}
