package io.containerdregistry.peers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The other registries of the fleet: the static list ({@code PEERS}) or, when enabled, the registry's headless
 * Service's EndpointSlices, followed live. This node is never a member of its own list.
 */
@ApplicationScoped
class Membership {
    private static final Logger LOG = Logger.getLogger(Membership.class);

    private final PeersConfig config;
    private final SelfFilter self;
    private final Instance<KubernetesClient> kubernetes;
    private final PeerMetrics metrics;
    private volatile List<Peer> peers = List.of();
    /** The hosts of {@link #peers}, as written in their URLs (addresses, for members from EndpointSlices). */
    private volatile java.util.Set<String> hosts = java.util.Set.of();
    private EndpointSliceWatch watch;

    Membership(PeersConfig config, Instance<KubernetesClient> kubernetes, PeerMetrics metrics,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int listenPort) {
        this.config = config;
        this.kubernetes = kubernetes;
        this.metrics = metrics;
        this.self = new SelfFilter(config.self(), listenPort);
        replace(config.staticPeers().orElse(List.of()));
    }

    void start(@Observes StartupEvent event) {
        if (!config.kubernetes().enabled()) {
            LOG.infof("peers: %s", peers);
            return;
        }
        KubernetesClient client = kubernetes.get();
        String namespace = config.kubernetes().namespace().orElseGet(client::getNamespace);
        watch = new EndpointSliceWatch(client, namespace, config.kubernetes().service(), config.kubernetes().port(),
                this::replace);
        watch.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (watch != null) {
            watch.close();
        }
    }

    /** The current peers, never this node. */
    List<Peer> peers() {
        return peers;
    }

    /** Whether {@code host} (an address as a connection reports it) is one of the current peers' hosts. */
    boolean hasHost(String host) {
        return hosts.contains(host);
    }

    void replace(Collection<String> urls) {
        List<Peer> next = urls.stream().filter(u -> !u.isBlank()).map(Peer::of).distinct()
                .filter(p -> !self.isSelf(p)).sorted(java.util.Comparator.comparing(Peer::base)).toList();
        if (!next.equals(peers)) {
            LOG.infof("peers changed: %s", next);
            hosts = next.stream().map(p -> p.uri().getHost()).collect(java.util.stream.Collectors.toUnmodifiableSet());
            peers = next;
            metrics.members(next.size());
        }
    }
}
