package io.containerdregistry.history;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, one request per connection ({@code Connection: close}), sent exactly as given. It is
 * the history test's only way to talk to the registry: nothing here retries, pools or rewrites a request behind the
 * model's back (a retried {@code DELETE} would turn a success into a 404), and lying headers ({@code Content-Range},
 * {@code Content-Length}, a chunked body) go out as written.
 */
final class Wire {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 64 << 20;
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");
    /** Closes sockets whose exchange outlived its hard deadline (a write that blocks has no timeout of its own). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "history-wire-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** An answer: status, headers (lower-case names, first value) and body (empty for {@code HEAD}). */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first OCI error code in the body, or the empty string. */
        String errorCode() {
            Matcher matcher = ERROR_CODE.matcher(text());
            return matcher.find() ? matcher.group(1) : "";
        }
    }

    /** The exchange took longer than the client waits: the registry may still be working on it. */
    static final class Timeout extends IOException {
        Timeout(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final int port;
    private final int timeoutMillis;

    Wire(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    int port() {
        return port;
    }

    /**
     * Sends the request and reads the whole answer. {@code body} null sends none; {@code chunked} sends it with
     * {@code Transfer-Encoding: chunked} instead of a {@code Content-Length}; a {@code Content-Length} among
     * {@code headers} is sent instead of the real one. Throws when no complete answer arrived.
     */
    Reply send(String method, String target, Map<String, String> headers, byte[] body, boolean chunked)
            throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        boolean lengthGiven = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Length"));
        if (body != null && chunked) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (!lengthGiven && (body != null || method.equals("POST") || method.equals("PUT")
                || method.equals("PATCH"))) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("\r\n");
        AtomicBoolean cut = new AtomicBoolean();
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                cut.set(true);
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is all it can do
                }
            }, 2L * timeoutMillis, TimeUnit.MILLISECONDS);
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                socket.setSoTimeout(timeoutMillis);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                IOException sendFailure = null;
                try {
                    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                    if (body != null) {
                        if (chunked) {
                            writeChunked(out, body);
                        } else {
                            out.write(body);
                        }
                    }
                    out.flush();
                } catch (IOException e) {
                    sendFailure = e; // the registry may have answered early and closed: read what it said
                }
                try {
                    return read(in, method.equals("HEAD"));
                } catch (IOException e) {
                    if (sendFailure != null) {
                        sendFailure.addSuppressed(e);
                        throw sendFailure;
                    }
                    throw e;
                }
            } catch (SocketTimeoutException e) {
                throw new Timeout("no answer within " + timeoutMillis + " ms", e);
            } catch (IOException e) {
                if (cut.get()) {
                    throw new Timeout("exchange cut after " + 2L * timeoutMillis + " ms", e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    private static void writeChunked(OutputStream out, byte[] body) throws IOException {
        int chunk = 8192;
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Reply read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before any answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        int headSize = statusLine.length();
        for (String line = line(in); ; line = line(in)) {
            if (line == null) {
                throw new EOFException("connection closed inside the answer's head");
            }
            if (line.isEmpty()) {
                break;
            }
            headSize += line.length();
            if (headSize > MAX_HEAD) {
                throw new IOException("answer head too large");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if (head || status == 204 || status == 304 || status < 200) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(in);
        } else if (headers.containsKey("content-length")) {
            long length = Long.parseLong(headers.get("content-length"));
            if (length > MAX_BODY) {
                throw new IOException("answer body too large: " + length);
            }
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("answer body cut short: " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readNBytes(MAX_BODY);
        }
        return new Reply(status, headers, body);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            if (sizeLine == null) {
                throw new EOFException("chunked answer cut short");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers are not used
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size || out.size() + size > MAX_BODY) {
                throw new EOFException("chunked answer cut short or too large");
            }
            out.write(chunk);
            line(in);
        }
    }

    /** A CRLF-terminated line without its terminator; null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_HEAD) {
                throw new IOException("line too long");
            }
        }
    }
}
