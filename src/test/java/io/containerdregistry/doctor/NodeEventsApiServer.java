package io.containerdregistry.doctor;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API server (fabric8's mock, in CRUD mode) that the doctor posts its node Events to, as node
 * {@value #NODE} in namespace {@value #NAMESPACE}; the doctor checks every second.
 */
public class NodeEventsApiServer implements QuarkusTestResourceLifecycleManager {
    static final String NAMESPACE = "doctor-test";
    static final String NODE = "node-a";
    static volatile NamespacedKubernetesClient client;

    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(Serialization.jsonMapper()),
                new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.trust-certs", "true",
                "registry.doctor.interval", "1s",
                "registry.doctor.node-events.enabled", "true",
                "registry.doctor.node-events.node-name", NODE,
                "registry.doctor.node-events.namespace", NAMESPACE);
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
