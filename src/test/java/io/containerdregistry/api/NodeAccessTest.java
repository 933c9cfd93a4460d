package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.RawHttp;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A node's registry as the DaemonSet runs it: no writes at all (405 for every push, patch and delete), and reads only
 * from this machine (loopback, as kubelet's containerd asks) and from peers; anyone else is 403 before any
 * credentials are asked for.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(NodeAccessTest.ReadOnlyNode.class)
class NodeAccessTest {
    public static class ReadOnlyNode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.access.writes", "false", "registry.access.read-from", "loopback-and-peers",
                    "registry.peers.static", "http://10.255.255.1:1");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyWriteIs405Unsupported() throws IOException {
        given().contentType(Registry.OCI_MANIFEST).body("{}").put("/v2/node/app/manifests/v1")
                .then().statusCode(405).body("errors[0].code", equalTo("UNSUPPORTED"));
        given().post("/v2/node/app/blobs/uploads/").then().statusCode(405);
        given().contentType("application/octet-stream").body("x".getBytes(StandardCharsets.UTF_8)).patch("/v2/node/app/blobs/uploads/"
                + java.util.UUID.randomUUID()).then().statusCode(405);
        given().delete("/v2/node/app/manifests/v1").then().statusCode(405);
        given().post("/v2/node/app/blobs/uploads/?mount=sha256:" + "0".repeat(64) + "&from=other/app")
                .then().statusCode(405);
    }

    @Test
    void readsFromThisMachineAreServed() {
        given().get("/v2/").then().statusCode(200);
        given().get("/v2/node/app/tags/list").then().statusCode(404).body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }

    @Test
    void readsFromAnyOtherAddressAre403() throws IOException {
        Optional<InetAddress> own = nonLoopbackAddress();
        assumeTrue(own.isPresent(), "this machine has no address but loopback");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(own.get(), base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v2/node/app/tags/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            RawHttp.Answer answer = RawHttp.read(in);
            assertEquals(403, answer.status(), answer.toString());
            assertTrue(answer.text().contains("DENIED"), answer.text());
        }
        // probes and metrics are outside /v2/: kubelet probes the pod's address
        assertEquals(200, RawHttp.send(base.getPort(), "GET", "/readyz", Map.of(), null).status());
    }

    /** An address of this machine that is not loopback, as another host would reach it. */
    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
