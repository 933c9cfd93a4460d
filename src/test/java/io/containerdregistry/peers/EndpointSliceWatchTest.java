package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Membership follows the headless Service's EndpointSlices, served by a Kubernetes mock API server. */
@EnableKubernetesMockClient(crud = true)
class EndpointSliceWatchTest {
    static KubernetesClient client;

    private static EndpointSlice slice(String name, String service, String... addresses) {
        EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName(name)
                .addToLabels(EndpointSliceWatch.SERVICE_LABEL, service).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(30020).endPort();
        for (String address : addresses) {
            builder.addNewEndpoint().withAddresses(address).withNewConditions().withReady(true).endConditions()
                    .endEndpoint();
        }
        return builder.build();
    }

    @Test
    void addingAndRemovingEndpointsChangesThePeerSetWithoutARestart() throws Exception {
        AtomicReference<Set<String>> seen = new AtomicReference<>(Set.of());
        client.resource(slice("registry-abc", "containerd-registry", "10.0.0.1", "10.0.0.2")).inNamespace("kube-system")
                .create();
        client.resource(slice("other-xyz", "something-else", "10.9.9.9")).inNamespace("kube-system").create();
        try (EndpointSliceWatch watch = new EndpointSliceWatch(client, "kube-system", "containerd-registry",
                OptionalInt.empty(), seen::set)) {
            watch.start();
            await(seen, Set.of("http://10.0.0.1:30020", "http://10.0.0.2:30020"));

            client.resource(slice("registry-abc", "containerd-registry", "10.0.0.1", "10.0.0.2", "10.0.0.3"))
                    .inNamespace("kube-system").update();
            await(seen, Set.of("http://10.0.0.1:30020", "http://10.0.0.2:30020", "http://10.0.0.3:30020"));

            client.resource(slice("registry-abc", "containerd-registry", "10.0.0.3")).inNamespace("kube-system")
                    .update();
            await(seen, Set.of("http://10.0.0.3:30020"));

            client.resource(slice("registry-abc", "containerd-registry")).inNamespace("kube-system").delete();
            await(seen, Set.of());
        }
    }

    @Test
    void endpointsThatAreNotReadyAreNoPeers() {
        EndpointSlice slice = slice("s", "containerd-registry", "10.0.0.1");
        slice.getEndpoints().add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder()
                .withAddresses("10.0.0.2").withNewConditions().withReady(false).endConditions().build());
        EndpointSliceWatch watch = new EndpointSliceWatch(client, "ns", "containerd-registry", OptionalInt.of(8080),
                urls -> { });
        assertEquals(Set.of("http://10.0.0.1:8080"), watch.urls(java.util.List.of(slice)));
    }

    private static void await(AtomicReference<Set<String>> seen, Set<String> expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!seen.get().equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertEquals(expected, seen.get());
    }
}
