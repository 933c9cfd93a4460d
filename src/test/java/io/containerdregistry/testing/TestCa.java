package io.containerdregistry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A throw-away certificate authority made with the {@code openssl} command, issuing server and client certificates. */
public final class TestCa {
    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code ca.crt} and {@code ca.key} in the directory. */
    public static TestCa create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Ctr.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=registry-test-ca",
                "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.crt").toString());
        return new TestCa(dir);
    }

    public Path certificate() {
        return dir.resolve("ca.crt");
    }

    /**
     * Issues {@code <name>.crt}/{@code <name>.key} with the serial, for 127.0.0.1 and localhost (a server) or for
     * client authentication.
     */
    public void issue(String name, long serial, boolean client, Path crt, Path key) throws IOException {
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, client ? "extendedKeyUsage=clientAuth\n"
                : "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Ctr.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", csr.toString());
        Ctr.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", certificate().toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-set_serial", Long.toString(serial), "-days", "2",
                "-extfile", ext.toString(), "-out", crt.toString());
    }

    /** An SSL context that trusts this CA only. */
    public SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate())) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
