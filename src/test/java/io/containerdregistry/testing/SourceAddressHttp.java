package io.containerdregistry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 request over a connection of its own, opened from a chosen loopback address ({@code 127.0.0.x}), so a
 * test can be many clients at once: the registry counts its per-client limits by remote address. The body streams
 * from an {@link InputStream}; the answer is read whole (as {@link RawHttp} reads it), or the response body is hashed
 * while it streams.
 */
public final class SourceAddressHttp {
    private SourceAddressHttp() {
    }

    public static Socket connect(String fromAddress, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    /** Sends the request with a {@code Content-Length} body streamed from {@code body} (may be null). */
    public static RawHttp.Answer send(String fromAddress, int port, String method, String path,
            Map<String, String> headers, InputStream body, long length) throws IOException {
        try (Socket socket = connect(fromAddress, port, 120_000)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(body == null ? 0 : length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                byte[] buffer = new byte[64 * 1024];
                try {
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                    }
                } catch (IOException refusedEarly) {
                    // the registry answered (and closed) before the whole body was sent: read its answer
                }
            }
            out.flush();
            return RawHttp.read(socket.getInputStream());
        }
    }
}
