package io.containerdregistry.peers;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API server (fabric8's mock server, in CRUD mode: what is created can be read, watched, updated and
 * deleted) that the registry follows for its peers, and two peers that could be listed in its EndpointSlices: one on
 * {@code 127.0.0.1}, one on {@code 127.0.0.2}, both on the same port as the endpoints of one slice are.
 */
public class KubernetesPeers implements QuarkusTestResourceLifecycleManager {
    static final String NAMESPACE = "registry-test";
    static final String SERVICE = "containerd-registry";
    static volatile NamespacedKubernetesClient client;
    static volatile HoldingPeer first;
    static volatile HoldingPeer second;

    private KubernetesMockServer server;
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
        vertx = Vertx.vertx();
        first = HoldingPeer.start(vertx, "127.0.0.1", 0);
        second = HoldingPeer.start(vertx, "127.0.0.2", first.port());
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.trust-certs", "true",
                "registry.peers.kubernetes.enabled", "true",
                "registry.peers.kubernetes.namespace", NAMESPACE,
                "registry.peers.kubernetes.service", SERVICE);
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
