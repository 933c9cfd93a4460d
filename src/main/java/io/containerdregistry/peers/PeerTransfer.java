package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One miss served from peers, on the request's event loop. The first holder's answer is streamed to the client
 * with back-pressure while its digest is computed; a holder slow to answer is hedged by a second one; a holder that
 * fails midway is replaced by the next with {@code Range: bytes=<received>-}, and the client's response just goes
 * on. The last chunk is held back until the whole stream's digest is checked: on a mismatch the connection is reset,
 * so the client never sees wrong bytes marked complete.
 */
final class PeerTransfer {
    private static final Logger LOG = Logger.getLogger(PeerTransfer.class);

    private final RoutingContext rc;
    private final HttpServerResponse out;
    private final HttpMethod method;
    private final String uri;
    private final List<Peer> holders;
    private final PeerClient client;
    private final PeerMetrics metrics;
    private final long hedgeDelayMs;
    private final Runnable notFound;

    private Digest expected;
    private MessageDigest hash;
    private long total = -1;
    private long received;
    private Buffer pending;
    private int next;
    private int attemptSeq;
    private final java.util.Set<Integer> live = new java.util.HashSet<>();
    private boolean started;
    private boolean done;
    private HttpClientResponse current;

    PeerTransfer(RoutingContext rc, Digest expected, List<Peer> holders, PeerClient client, PeerMetrics metrics,
            long hedgeDelayMs, Runnable notFound) {
        this.rc = rc;
        this.out = rc.response();
        this.method = rc.request().method();
        this.uri = rc.request().uri();
        this.expected = expected;
        this.holders = holders;
        this.client = client;
        this.metrics = metrics;
        this.hedgeDelayMs = hedgeDelayMs;
        this.notFound = notFound;
    }

    void start() {
        out.closeHandler(ignored -> {
            if (!done) {
                done = true;
                if (current != null) {
                    current.request().reset();
                }
            }
        });
        attemptNext();
        if (holders.size() > 1) {
            Vertx.currentContext().owner().setTimer(hedgeDelayMs, id -> {
                if (!started && !done && live.size() == 1 && next < holders.size()) {
                    LOG.debugf("hedging %s to %s", uri, holders.get(next));
                    attemptNext();
                }
            });
        }
    }

    private void attemptNext() {
        Peer peer = holders.get(next++);
        int id = ++attemptSeq;
        live.add(id);
        long offset = received;
        client.get(peer, method, uri, offset).onComplete(result -> {
            if (result.failed()) {
                failed(id, peer, result.cause().toString());
            } else {
                answered(id, peer, result.result(), offset);
            }
        });
    }

    private void answered(int id, Peer peer, HttpClientResponse response, long offset) {
        if (done || !live.contains(id) || current != null || offset != received) {
            live.remove(id);
            response.request().reset(); // the other hedged request won, or the client left
            return;
        }
        String problem = started ? checkResumed(response, offset) : checkFirst(response);
        if (problem != null) {
            response.request().reset();
            failed(id, peer, problem);
            return;
        }
        live.clear(); // a hedged request still on its way has lost
        live.add(id);
        current = response;
        if (!started) {
            started = true;
            sendHeaders(response);
            if (method == HttpMethod.HEAD) {
                finish(true);
                return;
            }
        }
        response.handler(chunk -> {
            if (done || current != response) {
                return;
            }
            hash.update(chunk.getBytes());
            received += chunk.length();
            if (received > total) {
                abort("peer " + peer + " sent more than " + total + " bytes");
                return;
            }
            if (pending != null) {
                out.write(pending);
            }
            pending = chunk;
            if (out.writeQueueFull()) {
                response.pause();
                out.drainHandler(ignored -> response.resume());
            }
        });
        response.exceptionHandler(e -> {
            if (current == response) {
                current = null;
                failed(id, peer, e.toString());
            }
        });
        response.endHandler(ignored -> {
            if (current != response) {
                return;
            }
            current = null;
            if (received < total) {
                failed(id, peer, "ended at " + received + " of " + total + " bytes");
            } else {
                verifyAndEnd(peer);
            }
        });
    }

    private String checkFirst(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return "answered " + response.statusCode();
        }
        String digestHeader = response.getHeader("Docker-Content-Digest");
        String length = response.getHeader("Content-Length");
        if (length == null) {
            return "no Content-Length";
        }
        try {
            Digest announced = digestHeader == null ? null : Digest.parse(digestHeader);
            if (expected == null) {
                expected = announced;
            }
            if (expected == null || (announced != null && !announced.equals(expected))) {
                return "announced digest " + digestHeader + ", wanted " + expected;
            }
            total = Long.parseLong(length.trim());
        } catch (RuntimeException e) {
            return "bad headers: " + e.getMessage();
        }
        hash = Digest.messageDigest(expected.algorithm());
        return null;
    }

    private String checkResumed(HttpClientResponse response, long offset) {
        String range = response.getHeader("Content-Range");
        if (response.statusCode() != 206 || range == null || !range.startsWith("bytes " + offset + "-")) {
            return "did not resume at " + offset + " (" + response.statusCode() + " " + range + ")";
        }
        return null;
    }

    private void sendHeaders(HttpClientResponse response) {
        String type = response.getHeader("Content-Type");
        out.setStatusCode(200)
                .putHeader("Content-Type", type == null ? "application/octet-stream" : type)
                .putHeader("Content-Length", Long.toString(total))
                .putHeader("Docker-Content-Digest", expected.toString())
                .putHeader("ETag", '"' + expected.toString() + '"');
    }

    private void failed(int id, Peer peer, String why) {
        if (!live.remove(id) || done) {
            return;
        }
        LOG.debugf("peer %s failed on %s: %s", peer, uri, why);
        if (!live.isEmpty()) {
            return; // a hedged request is still on its way
        }
        if (next < holders.size()) {
            if (started) {
                LOG.infof("resuming %s at byte %d from %s after %s failed: %s", uri, received, holders.get(next), peer,
                        why);
            }
            attemptNext();
            return;
        }
        if (started) {
            abort("no holder left after " + peer + " failed: " + why);
        } else {
            done = true;
            notFound.run();
        }
    }

    private void verifyAndEnd(Peer peer) {
        String actual = HexFormat.of().formatHex(hash.digest());
        if (!actual.equals(expected.encoded())) {
            abort("peer " + peer + " sent " + expected.algorithm() + ":" + actual + " for " + expected);
            return;
        }
        finish(true);
        if (pending != null) {
            out.end(pending);
        } else {
            out.end();
        }
    }

    private void finish(boolean hit) {
        done = true;
        if (hit) {
            metrics.hit();
            metrics.bytes(received);
        }
        if (method == HttpMethod.HEAD) {
            out.end();
        }
    }

    private void abort(String why) {
        LOG.warnf("%s from peers aborted: %s", uri, why);
        done = true;
        if (current != null) {
            current.request().reset();
        }
        out.reset();
    }
}
