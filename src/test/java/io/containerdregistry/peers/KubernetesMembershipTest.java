package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.Prometheus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole registry with its membership from Kubernetes ({@code registry.peers.kubernetes.enabled}), its API server
 * a mock: creating, updating and deleting the headless Service's EndpointSlice changes, without a restart, how many
 * peers the registry counts and which one a miss is served from.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@WithTestResource(KubernetesPeers.class)
class KubernetesMembershipTest {
    private static final HttpClient HTTP = Http.client();
    private static final byte[] CONTENT = "held by the peers the API server lists".repeat(1000)
            .getBytes(StandardCharsets.UTF_8);

    @TestHTTPResource("/")
    URL base;

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + base.getPort() + path);
    }

    private double members() {
        return Prometheus.sum(Http.get(HTTP, uri("/q/metrics")).body(), "registry_peer_members", Map.of());
    }

    private void awaitMembers(int count) {
        Http.await(Duration.ofSeconds(15), this::members, n -> n == count);
    }

    private HttpResponse<byte[]> pull(Digest digest) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/v2/library/k8s/blobs/" + digest + "?ns=docker.io"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static EndpointSlice slice(boolean firstReady, String... addresses) {
        EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName(KubernetesPeers.SERVICE + "-x1")
                .addToLabels(EndpointSliceWatch.SERVICE_LABEL, KubernetesPeers.SERVICE).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(KubernetesPeers.first.port()).endPort();
        for (int i = 0; i < addresses.length; i++) {
            builder.addNewEndpoint().withAddresses(addresses[i]).withNewConditions().withReady(i > 0 || firstReady)
                    .endConditions().endEndpoint();
        }
        return builder.build();
    }

    @Test
    void endpointsAddedAndRemovedChangeThePeersWithoutARestart() throws Exception {
        HoldingPeer first = KubernetesPeers.first;
        HoldingPeer second = KubernetesPeers.second;
        Digest digest = first.hold(CONTENT);
        second.hold(CONTENT);
        var slices = KubernetesPeers.client.discovery().v1().endpointSlices().inNamespace(KubernetesPeers.NAMESPACE);

        awaitMembers(0);
        assertEquals(404, pull(digest).statusCode(), "no peer yet");

        slices.resource(slice(true, "127.0.0.1")).create();
        awaitMembers(1);
        HttpResponse<byte[]> fromFirst = pull(digest);
        assertEquals(200, fromFirst.statusCode());
        assertArrayEquals(CONTENT, fromFirst.body());
        assertEquals(1, first.gets(digest));

        slices.resource(slice(true, "127.0.0.1", "127.0.0.2")).update();
        awaitMembers(2);

        // the first endpoint stops being ready, then leaves: only the second can serve the miss now
        slices.resource(slice(false, "127.0.0.1", "127.0.0.2")).update();
        awaitMembers(1);
        slices.resource(slice(true, "127.0.0.2")).update();
        HttpResponse<byte[]> fromSecond = pull(digest);
        assertEquals(200, fromSecond.statusCode());
        assertArrayEquals(CONTENT, fromSecond.body());
        assertEquals(1, second.gets(digest));
        assertEquals(1, first.gets(digest), "the endpoint that left was not asked");

        slices.withName(KubernetesPeers.SERVICE + "-x1").delete();
        awaitMembers(0);
        assertEquals(404, pull(digest).statusCode(), "no peer left");
        assertEquals(1, second.gets(digest));
    }
}
