package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.TestCa;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS from PEM files signed by a test CA: skopeo pushes and pulls verifying the chain, a rotated certificate is
 * served without a restart, and with a client CA the registry admits only clients with a certificate it signed.
 */
class TlsIT {
    private static final Path WORK = Path.of("target", "it-tls").toAbsolutePath();
    private static LocalContainerd containerd;
    private static TestCa ca;

    @BeforeAll
    static void start() throws IOException {
        containerd = LocalContainerd.startFresh(WORK.resolve("containerd"));
        ca = TestCa.create(WORK.resolve("ca"));
    }

    @AfterAll
    static void stop() {
        containerd.stop();
    }

    private static Map<String, String> tlsEnv(Path tls, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("CONTAINERD_ADDRESS", containerd.socket().toString());
        env.put("TLS_CERT_FILE", tls.resolve("tls.crt").toString());
        env.put("TLS_KEY_FILE", tls.resolve("tls.key").toString());
        env.put("TLS_PORT", Integer.toString(port));
        env.put("TLS_RELOAD_PERIOD", "1s");
        return env;
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) ca.trustingContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** Points {@code tls/current} at {@code tls/<version>} in one rename, as kubelet updates a mounted Secret. */
    private static void publish(Path tls, String version) throws IOException {
        Path link = tls.resolve("current-next");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, tls.resolve(version));
        Files.move(link, tls.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void skopeoPushesOverHttpsWithTheTestCaAndARotatedCertificateIsServedWithoutARestart() throws Exception {
        Path tls = Files.createDirectories(WORK.resolve("server"));
        Files.createDirectories(tls.resolve("v1"));
        ca.issue("server", 1, false, tls.resolve("v1/tls.crt"), tls.resolve("v1/tls.key"));
        publish(tls, "v1");
        Path certs = Files.createDirectories(WORK.resolve("skopeo-certs"));
        Files.copy(ca.certificate(), certs.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        int port = PackagedRegistry.freePort();
        try (PackagedRegistry registry = PackagedRegistry.start(WORK.resolve("registry-1"), "256m",
                tlsEnv(tls.resolve("current"), port))) {
            OciLayout layout = OciLayout.build(WORK.resolve("layout"), "v1", "tls", 1);
            String image = "docker://127.0.0.1:" + port + "/tls/app:v1";
            Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-cert-dir", certs.toString(),
                    "oci:" + layout.dir() + ":v1", image);
            String inspected = Ctr.run("skopeo", "inspect", "--raw", "--cert-dir", certs.toString(), image);
            assertTrue(inspected.contains("\"manifests\""), inspected);
            assertThrows(AssertionError.class, () -> Ctr.run("skopeo", "inspect", "--raw", image),
                    "without the CA the certificate is not trusted");

            HttpResponse<String> answer = HttpClient.newBuilder().sslContext(ca.trustingContext()).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("max-age=31536000", answer.headers().firstValue("Strict-Transport-Security").orElse(""));

            assertEquals(BigInteger.ONE, servedSerial(port));
            Files.createDirectories(tls.resolve("v2"));
            ca.issue("server", 2, false, tls.resolve("v2/tls.crt"), tls.resolve("v2/tls.key"));
            publish(tls, "v2");
            BigInteger served = BigInteger.ONE;
            long deadline = System.currentTimeMillis() + 15_000;
            while (!served.equals(BigInteger.TWO) && System.currentTimeMillis() < deadline) {
                Thread.sleep(250);
                try {
                    served = servedSerial(port);
                } catch (IOException acceptedDuringTheSwap) {
                    // Vert.x may reset a connection accepted at the instant the TLS options are swapped
                }
            }
            assertEquals(BigInteger.TWO, served, "the rotated certificate is served:\n" + registry.log());
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateSignedByItAreAdmitted() throws Exception {
        Path tls = Files.createDirectories(WORK.resolve("server-mtls"));
        ca.issue("server-mtls", 3, false, tls.resolve("tls.crt"), tls.resolve("tls.key"));
        Path certs = Files.createDirectories(WORK.resolve("skopeo-client-certs"));
        Files.copy(ca.certificate(), certs.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        ca.issue("client", 4, true, certs.resolve("client.cert"), certs.resolve("client.key"));
        TestCa other = TestCa.create(WORK.resolve("other-ca"));
        Path strangers = Files.createDirectories(WORK.resolve("skopeo-stranger-certs"));
        Files.copy(ca.certificate(), strangers.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        other.issue("stranger", 5, true, strangers.resolve("client.cert"), strangers.resolve("client.key"));
        int port = PackagedRegistry.freePort();
        Map<String, String> env = tlsEnv(tls, port);
        env.put("TLS_CLIENT_CA_FILE", ca.certificate().toString());
        try (PackagedRegistry registry = PackagedRegistry.start(WORK.resolve("registry-2"), "256m", env)) {
            HttpClient withoutCertificate = HttpClient.newBuilder().sslContext(ca.trustingContext()).build();
            HttpResponse<String> refused = withoutCertificate.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("\"UNAUTHORIZED\""), refused.body());
            assertEquals(200, withoutCertificate.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "probes need no certificate");
            assertEquals(401, HttpClient.newHttpClient().send(HttpRequest.newBuilder(registry.uri("/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "plain HTTP is no way around it");

            OciLayout layout = OciLayout.build(WORK.resolve("layout-mtls"), "v1", "mtls", 1);
            String image = "docker://127.0.0.1:" + port + "/mtls/app:v1";
            Ctr.run("skopeo", "--insecure-policy", "copy", "--all", "--dest-cert-dir", certs.toString(),
                    "oci:" + layout.dir() + ":v1", image);
            assertThrows(AssertionError.class, () -> Ctr.run("skopeo", "inspect", "--raw", "--cert-dir",
                    strangers.toString(), image), "a certificate from another CA is refused");
            assertThrows(AssertionError.class, () -> Ctr.run("skopeo", "inspect", "--raw", "--cert-dir",
                    WORK.resolve("skopeo-certs").toString(), image), "no certificate is refused");
        }
    }
}
