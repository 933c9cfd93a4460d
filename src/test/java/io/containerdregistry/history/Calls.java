package io.containerdregistry.history;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Map;

/**
 * One client's requests: sends each through the {@link Wire}, journals it, and is the single place where an answer
 * (or its absence) becomes an {@link Outcome}. A refused connection backs off briefly, so that clients do not spin
 * while the registry restarts.
 */
final class Calls {
    private final Wire wire;
    private final Journal journal;
    private final String client;

    Calls(Wire wire, Journal journal, String client) {
        this.wire = wire;
        this.journal = journal;
        this.client = client;
    }

    String client() {
        return client;
    }

    Journal journal() {
        return journal;
    }

    Exchange send(String kind, String method, String target, Map<String, String> headers, byte[] body,
            boolean chunked) {
        long start = System.currentTimeMillis();
        Wire.Reply reply = null;
        String error = null;
        boolean lingering = false;
        boolean timedOut = false;
        boolean refused = false;
        try {
            reply = wire.send(method, target, headers, body, chunked);
        } catch (Wire.Timeout e) {
            error = e.toString();
            lingering = true;
            timedOut = true;
        } catch (ConnectException e) {
            error = e.toString();
            refused = true;
        } catch (IOException | RuntimeException e) {
            error = e.toString();
        }
        long end = System.currentTimeMillis();
        Outcome outcome = reply == null ? Outcome.UNKNOWN : Outcome.of(reply.status());
        if (reply != null && reply.status() >= 500) {
            // containerd's deadline passed: the call may still complete inside containerd after the answer
            lingering = reply.text().toLowerCase(Locale.ROOT).contains("deadline");
        }
        Exchange exchange = new Exchange(client, kind, method, target, start, end, reply, error, outcome, lingering,
                timedOut);
        journal.record(exchange);
        if (refused) {
            pause(250);
        }
        return exchange;
    }

    Exchange get(String kind, String target, Map<String, String> headers) {
        return send(kind, "GET", target, headers, null, false);
    }

    Exchange get(String kind, String target) {
        return get(kind, target, Map.of());
    }

    Exchange head(String kind, String target) {
        return send(kind, "HEAD", target, Map.of(), null, false);
    }

    Exchange delete(String kind, String target) {
        return send(kind, "DELETE", target, Map.of(), null, false);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
