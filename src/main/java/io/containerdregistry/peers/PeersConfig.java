package io.containerdregistry.peers;

import io.containerdregistry.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Serving a node's mirror miss from another node's registry; see the README's "Peers" section. */
@ConfigMapping(prefix = "registry.peers")
interface PeersConfig {

    /** Base URLs of the other registries (alias {@code PEERS}, comma-separated), used outside Kubernetes. */
    @WithName("static")
    Optional<List<String>> staticPeers();

    /** This registry's own advertised base URL (alias {@code PEER_SELF}), never counted as a peer. */
    Optional<String> self();

    /** How many peers rendezvous hashing picks as a digest's first candidates, asked in parallel. */
    @WithDefault("3")
    int candidates();

    /** How many further peers (next in rendezvous order) are asked when no candidate holds the content. */
    @WithDefault("8")
    int fanout();

    /** TCP connect timeout to a peer. */
    @WithDefault("250ms")
    @WithConverter(GoDurationConverter.class)
    Duration connectTimeout();

    /** How long a peer may take to answer a lookup ({@code HEAD}). */
    @WithDefault("1s")
    @WithConverter(GoDurationConverter.class)
    Duration lookupTimeout();

    /** How long a transfer from a peer may stall (first byte or any later byte) before another holder takes over. */
    @WithDefault("3s")
    @WithConverter(GoDurationConverter.class)
    Duration idleTimeout();

    /** After this long without an answer from the first holder, the same request also goes to a second holder. */
    @WithDefault("300ms")
    @WithConverter(GoDurationConverter.class)
    Duration hedgeDelay();

    /** Where concurrent misses of the same content share one peer fetch. */
    Spool spool();

    /** Membership from the registry's headless Service in Kubernetes. */
    Kubernetes kubernetes();

    interface Spool {
        /**
         * Directory under which the shared fetches' temporary files are kept (in a subdirectory of this process,
         * {@code peer-spool-<pid>}); the JVM's temporary directory ({@code java.io.tmpdir}) when unset.
         */
        Optional<String> dir();

        /**
         * Most bytes the shared fetches may hold on disk together. A fetch reserves its content's whole length; one
         * that does not fit is not shared (each of its clients is served by a fetch of its own). 0 turns sharing off.
         */
        @WithDefault("2147483648")
        long maxSize();
    }

    interface Kubernetes {
        /** Watch the Service's EndpointSlices (alias {@code PEERS_KUBERNETES}); off by default. */
        @WithDefault("false")
        boolean enabled();

        /** Name of the headless Service whose EndpointSlices list the registries (alias {@code PEERS_SERVICE}). */
        @WithDefault("containerd-registry")
        String service();

        /** Namespace of that Service; the pod's own namespace when unset (alias {@code PEERS_NAMESPACE}). */
        Optional<String> namespace();

        /** Port peers listen on; the EndpointSlice's first port when unset. */
        OptionalInt port();
    }
}
