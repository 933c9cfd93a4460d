package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reads one piece of content from the peers that hold it, on the event loop it was started on, and hands what
 * arrives to a {@link Sink}. The first holder's answer wins; a holder slow to answer is hedged by the next one; a
 * holder that fails midway is replaced by the next with a {@code Range} request resuming at the received offset. The
 * digest of whole content is computed as the bytes pass and checked before {@link Sink#end()}; a part (the client
 * asked for a {@code Range}) cannot be hashed, its {@code Content-Range} and length are checked instead.
 */
final class PeerStream {
    private static final Logger LOG = Logger.getLogger(PeerStream.class);

    /** Where the bytes go; always called on the stream's event loop. */
    interface Sink {
        /** The first holder answered with this; for a {@code GET}, chunks follow. */
        void head(Head head);

        /** The next bytes, in order. */
        void chunk(Buffer chunk);

        /** Every announced byte arrived and, for whole content, the digest matched. */
        void end();

        /** No holder could serve the content, and nothing was handed on. */
        void notFound();

        /** A holder said the requested range lies outside the content, which has {@code size} bytes. */
        void unsatisfiable(long size);

        /** The transfer broke after {@link #head}: what was handed on must not be taken as complete. */
        void abort(String why);
    }

    /** What the serving holder announced: {@code length} bytes follow; {@code part} is null for whole content. */
    record Head(Digest digest, String contentType, long length, Part part) {
    }

    /** A {@code Content-Range}: bytes {@code start} to {@code end} (inclusive) of content of {@code size} bytes. */
    record Part(long start, long end, long size) {
        private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})");

        static Part parse(String header) {
            Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.trim());
            if (m == null || !m.matches()) {
                return null;
            }
            try {
                Part part = new Part(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
                return part.start <= part.end && part.end < part.size ? part : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        long length() {
            return end - start + 1;
        }

        @Override
        public String toString() {
            return "bytes " + start + "-" + end + "/" + size;
        }
    }

    private final PeerClient client;
    private final PeerMetrics metrics;
    private final HttpMethod method;
    private final String uri;
    private final String range;
    private final List<Peer> holders;
    private final long hedgeDelayMs;
    private final Sink sink;

    private Digest expected;
    private MessageDigest hash;
    private Head head;
    private long received;
    private int next;
    private int attemptSeq;
    private final Set<Integer> live = new HashSet<>();
    private boolean done;
    private boolean paused;
    private HttpClientResponse current;

    /**
     * {@code range} is the client's single {@code Range} header, passed on to the holder, or null for the whole
     * content; {@code expected} is the content's digest, or null when only the holder can tell (a tag).
     */
    PeerStream(PeerClient client, PeerMetrics metrics, HttpMethod method, String uri, Digest expected, String range,
            List<Peer> holders, long hedgeDelayMs, Sink sink) {
        this.client = client;
        this.metrics = metrics;
        this.method = method;
        this.uri = uri;
        this.expected = expected;
        this.range = range;
        this.holders = holders;
        this.hedgeDelayMs = hedgeDelayMs;
        this.sink = sink;
    }

    void start() {
        attemptNext();
        if (holders.size() > 1) {
            Vertx.currentContext().owner().setTimer(hedgeDelayMs, id -> {
                if (head == null && !done && live.size() == 1 && next < holders.size()) {
                    LOG.debugf("hedging %s to %s", uri, holders.get(next));
                    attemptNext();
                }
            });
        }
    }

    /** Stops reading from the holder until {@link #resume()} (the sink cannot take more yet). */
    void pause() {
        paused = true;
        if (current != null) {
            current.pause();
        }
    }

    void resume() {
        paused = false;
        if (current != null) {
            current.resume();
        }
    }

    /** Gives up: the holder's connection is reset and the sink hears nothing more. */
    void cancel() {
        if (!done) {
            done = true;
            if (current != null) {
                current.request().reset();
            }
        }
    }

    private void attemptNext() {
        Peer peer = holders.get(next++);
        int id = ++attemptSeq;
        live.add(id);
        long offset = received;
        client.get(peer, method, uri, rangeFrom(offset)).onComplete(result -> {
            if (result.failed()) {
                failed(id, peer, result.cause().toString());
            } else {
                answered(id, peer, result.result(), offset);
            }
        });
    }

    /** The {@code Range} to ask for: the client's at first, then the rest of what the first holder announced. */
    private String rangeFrom(long offset) {
        if (head == null) {
            return range;
        }
        Part part = wanted();
        return "bytes=" + (part.start() + offset) + "-" + part.end();
    }

    /** The bytes this stream delivers, as a part of the content (all of it for whole content). */
    private Part wanted() {
        return head.part() != null ? head.part() : new Part(0, head.length() - 1, head.length());
    }

    private void answered(int id, Peer peer, HttpClientResponse response, long offset) {
        if (done || !live.contains(id) || current != null || offset != received) {
            live.remove(id);
            discard(response); // the other hedged request won, or the sink gave up
            return;
        }
        if (head == null && range != null && response.statusCode() == 416) {
            Long size = unsatisfiedSize(response.getHeader("Content-Range"));
            if (size != null) {
                done = true;
                live.clear();
                discard(response);
                sink.unsatisfiable(size);
                return;
            }
        }
        Head announced = head == null ? checkFirst(response) : null;
        String problem = head == null ? (announced == null ? describe(response) : null) : checkResumed(response, offset);
        if (problem != null) {
            discard(response);
            failed(id, peer, problem);
            return;
        }
        live.clear(); // a hedged request still on its way has lost
        live.add(id);
        current = response;
        if (paused) {
            response.pause();
        }
        response.handler(chunk -> {
            if (done || current != response) {
                return;
            }
            if (hash != null) {
                hash.update(chunk.getByteBuf().nioBuffer());
            }
            received += chunk.length();
            metrics.bytes(chunk.length());
            if (received > head.length()) {
                abort("peer " + peer + " sent more than " + head.length() + " bytes");
                return;
            }
            sink.chunk(chunk);
        });
        response.exceptionHandler(e -> {
            if (current == response) {
                current = null;
                failed(id, peer, e.toString());
            }
        });
        response.endHandler(ignored -> {
            if (current != response || done) {
                return;
            }
            current = null;
            if (received < head.length()) {
                failed(id, peer, "ended at " + received + " of " + head.length() + " bytes");
            } else {
                verifyAndEnd(peer);
            }
        });
        if (head == null) {
            head = announced;
            if (method == HttpMethod.GET && head.part() == null) {
                hash = Digest.messageDigest(head.digest().algorithm());
            }
            sink.head(head);
            if (method == HttpMethod.HEAD && !done) {
                done = true;
                sink.end();
            }
        }
    }

    /** Drops an answer that will not be read: its connection is reset, quietly. */
    private static void discard(HttpClientResponse response) {
        response.exceptionHandler(ignored -> { });
        response.request().reset();
    }

    /** The first answer's head, or null when it is not what was asked for. */
    private Head checkFirst(HttpClientResponse response) {
        int wantedStatus = range == null ? 200 : 206;
        String length = response.getHeader("Content-Length");
        String digestHeader = response.getHeader("Docker-Content-Digest");
        if (response.statusCode() != wantedStatus || length == null) {
            return null;
        }
        try {
            Digest announced = digestHeader == null ? null : Digest.parse(digestHeader);
            Digest digest = expected != null ? expected : announced;
            if (digest == null || (announced != null && !announced.equals(digest))) {
                return null;
            }
            long bytes = Long.parseLong(length.trim());
            Part part = range == null ? null : Part.parse(response.getHeader("Content-Range"));
            if (bytes < 0 || (range != null && (part == null || part.length() != bytes))) {
                return null;
            }
            expected = digest;
            String type = response.getHeader("Content-Type");
            return new Head(digest, type == null ? "application/octet-stream" : type, bytes, part);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private String describe(HttpClientResponse response) {
        return "answered " + response.statusCode() + " (length " + response.getHeader("Content-Length") + ", digest "
                + response.getHeader("Docker-Content-Digest") + ", range " + response.getHeader("Content-Range")
                + "), wanted " + expected + (range == null ? "" : " " + range);
    }

    private String checkResumed(HttpClientResponse response, long offset) {
        Part part = wanted();
        String want = new Part(part.start() + offset, part.end(), part.size()).toString();
        String got = response.getHeader("Content-Range");
        if (response.statusCode() != 206 || got == null || !got.trim().equals(want)) {
            return "did not resume with " + want + " (" + response.statusCode() + " " + got + ")";
        }
        return null;
    }

    private static Long unsatisfiedSize(String contentRange) {
        if (contentRange == null || !contentRange.startsWith("bytes */")) {
            return null;
        }
        try {
            return Long.parseLong(contentRange.substring("bytes */".length()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
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
            if (head != null) {
                LOG.infof("resuming %s at byte %d from %s after %s failed: %s", uri, received, holders.get(next), peer,
                        why);
            }
            attemptNext();
            return;
        }
        if (head != null) {
            abort("no holder left after " + peer + " failed: " + why);
        } else {
            done = true;
            sink.notFound();
        }
    }

    private void verifyAndEnd(Peer peer) {
        if (hash != null) {
            String actual = HexFormat.of().formatHex(hash.digest());
            if (!actual.equals(expected.encoded())) {
                abort("peer " + peer + " sent " + expected.algorithm() + ":" + actual + " for " + expected);
                return;
            }
        }
        done = true;
        sink.end();
    }

    private void abort(String why) {
        LOG.warnf("%s from peers aborted: %s", uri, why);
        done = true;
        if (current != null) {
            current.request().reset();
            current = null;
        }
        sink.abort(why);
    }
}
