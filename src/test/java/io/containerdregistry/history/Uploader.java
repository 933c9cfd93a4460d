package io.containerdregistry.history;

import static io.containerdregistry.history.Verdicts.Invariant.UPLOAD_SESSIONS;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Uploads in sessions, as a careful client does: {@code POST} a session, {@code PATCH} chunks with
 * {@code Content-Range}, the last part sometimes in the {@code PUT ?digest=}; after an unknown outcome or a 416 it
 * asks the session where it stands ({@code GET}) and resumes there, waiting out outages. One {@code PATCH} may lie
 * about its range (refused with 400 {@code SIZE_INVALID}, then resumed). A session the registry calls unknown is
 * checked against {@link Verdicts.Invariant#UPLOAD_SESSIONS}: it may be gone only once expired, or when no byte
 * certainly reached it and the registry was replaced since it was opened.
 */
final class Uploader {
    private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");
    /** Sessions are not used this close to their expiry. */
    private static final long SESSION_MARGIN = 4_000;

    private final String client;
    private final Random random;
    private final Calls calls;
    private final Verdicts verdicts;
    private final Downtime downtime;
    private final long expirationMillis;

    Uploader(String client, Random random, Calls calls, Verdicts verdicts, Downtime downtime, long expirationMillis) {
        this.client = client;
        this.random = random;
        this.calls = calls;
        this.verdicts = verdicts;
        this.downtime = downtime;
        this.expirationMillis = expirationMillis;
    }

    /** An upload session: where it is, when it was opened, whether bytes certainly reached it. */
    private static final class Session {
        final String location;
        final long started;
        boolean written;

        Session(String location, long started) {
            this.location = location;
            this.started = started;
        }
    }

    /**
     * Uploads {@code bytes} claiming {@code digest} in a session: {@code PATCH} chunks with {@code Content-Range}
     * (one of them a lie when {@code patchLie}), the last part sometimes in the {@code PUT}. After an unknown
     * outcome or a 416 it asks the session where it stands and resumes there. Returns the final {@code PUT}'s
     * exchange, or null when the upload was given up before it (no effect).
     */
    Exchange upload(RepositoryModel repo, byte[] bytes, String digest, boolean patchLie) {
        Exchange opened = calls.send("blob.session.start", "POST", "/v2/" + repo.name() + "/blobs/uploads/",
                Map.of(), null, false);
        if (!opened.is(202) || opened.header("location") == null) {
            calls.journal().unexpected(client, opened, "opening an upload session");
            return null;
        }
        Session session = new Session(opened.header("location"), opened.start());
        int chunks = 1 + random.nextInt(4);
        int chunkSize = Math.max(256, (bytes.length + chunks - 1) / chunks);
        int patchLimit = random.nextBoolean() ? Math.max(0, bytes.length - chunkSize) : bytes.length;
        if (patchLimit == 1) {
            patchLimit = 0; // a session holding one byte says "Range: 0-0", as one holding none does
        }
        long offset = 0;
        int requests = 0;
        while (offset < patchLimit) {
            if (++requests > chunks + 8 || tooOld(session)) {
                return null;
            }
            if (patchLie) {
                patchLie = false;
                Long stored = patchLie(session, bytes, offset);
                if (stored == null) {
                    return null;
                }
                offset = stored;
                continue;
            }
            int n = (int) Math.min(chunkSize, patchLimit - offset);
            Exchange patch = calls.send("blob.session.patch", "PATCH", session.location,
                    Map.of("Content-Type", "application/octet-stream",
                            "Content-Range", offset + "-" + (offset + n - 1)),
                    Arrays.copyOfRange(bytes, (int) offset, (int) offset + n), false);
            if (patch.is(202)) {
                verdicts.pass(UPLOAD_SESSIONS);
                session.written = true;
                long stored = stored(patch.header("range"));
                offset = stored == offset + n ? stored : resyncOr(session, -1);
            } else if (patch.is(404)) {
                sessionUnknown(session, patch);
                return null;
            } else {
                offset = resyncOr(session, -1);
            }
            if (offset < 0) {
                return null;
            }
        }
        for (int attempt = 0; attempt < 2 && !tooOld(session); attempt++) {
            byte[] rest = Arrays.copyOfRange(bytes, (int) offset, bytes.length);
            Map<String, String> headers = new LinkedHashMap<>(OCTETS);
            if (rest.length > 0 && random.nextBoolean()) {
                headers.put("Content-Range", offset + "-" + (bytes.length - 1));
            }
            String separator = session.location.contains("?") ? "&" : "?";
            Exchange put = calls.send("blob.session.put", "PUT", session.location + separator + "digest=" + digest,
                    headers, rest, false);
            if (put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN")) {
                sessionUnknown(session, put);
            }
            if (!put.is(416)) {
                return put;
            }
            offset = resyncOr(session, -1);
            if (offset < 0) {
                return null;
            }
        }
        return null;
    }

    private boolean tooOld(Session session) {
        return System.currentTimeMillis() > session.started + expirationMillis - SESSION_MARGIN;
    }

    /**
     * A {@code PATCH} whose {@code Content-Range} disagrees with its body: a {@code Content-Length} other than the
     * range's length, or a chunked body shorter or longer than the range. The registry must refuse it with 400
     * {@code SIZE_INVALID}; the upload then resumes where the session says it stands. Returns that offset, or null
     * when the session is lost or unreachable.
     */
    private Long patchLie(Session session, byte[] bytes, long offset) {
        int n = (int) Math.min(Math.min(32 * 1024, bytes.length - offset), 1 + random.nextInt(16 * 1024));
        n = Math.max(n, 4);
        if (offset + n > bytes.length) {
            return offset;
        }
        int how = random.nextInt(3);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/octet-stream"));
        byte[] body;
        boolean chunked = how > 0;
        String kind;
        if (how == 0) {
            int claimed = n + (random.nextBoolean() ? 1 + random.nextInt(64) : -Math.min(n - 1, 1 + random.nextInt(64)));
            headers.put("Content-Range", offset + "-" + (offset + claimed - 1));
            body = Arrays.copyOfRange(bytes, (int) offset, (int) offset + n);
            kind = "lie.patch.content-length";
        } else if (how == 1) {
            headers.put("Content-Range", offset + "-" + (offset + n - 1));
            body = Arrays.copyOfRange(bytes, (int) offset, (int) offset + n / 2);
            kind = "lie.patch.body-short";
        } else {
            headers.put("Content-Range", offset + "-" + (offset + n - 1));
            int extra = 1 + random.nextInt(512);
            body = new byte[n + extra];
            int real = (int) Math.min(body.length, bytes.length - offset);
            System.arraycopy(bytes, (int) offset, body, 0, real);
            kind = "lie.patch.body-long";
        }
        Exchange lie = calls.send(kind, "PATCH", session.location, headers, body, chunked);
        if (lie.is(404) && lie.code().equals("BLOB_UPLOAD_UNKNOWN")) {
            sessionUnknown(session, lie);
            calls.journal().operation(kind, lie.outcome());
            return null;
        }
        verdicts.refused(lie, client, kind, "SIZE_INVALID");
        calls.journal().operation(kind, lie.outcome());
        long stored = resyncOr(session, -1);
        return stored < 0 ? null : stored;
    }

    /** Asks the session where it stands (waiting out an outage); its offset, or {@code lost} when it is gone. */
    private long resyncOr(Session session, long lost) {
        for (int attempt = 0; attempt < 40 && !tooOld(session); attempt++) {
            Exchange status = calls.get("blob.session.status", session.location);
            if (status.is(204)) {
                verdicts.pass(UPLOAD_SESSIONS);
                long stored = stored(status.header("range"));
                session.written |= stored > 0;
                return stored;
            }
            if (status.is(404)) {
                sessionUnknown(session, status);
                return lost;
            }
            if (status.outcome() == Outcome.FAILURE) {
                calls.journal().unexpected(client, status, "asking an upload session's status");
                return lost;
            }
            Calls.pause(500);
        }
        return lost;
    }

    /** The offset a {@code Range: 0-<last>} header says the session holds ("0-0" is read as nothing yet). */
    private static long stored(String range) {
        if (range == null || !range.startsWith("0-")) {
            return -1;
        }
        long last = Long.parseLong(range.substring(2).trim());
        return last == 0 ? 0 : last + 1;
    }

    /**
     * The registry says a session is unknown. It may be: when it expired, or when no bytes certainly reached it and
     * the registry was replaced since it was opened (it lived only in the old process's memory).
     */
    private void sessionUnknown(Session session, Exchange exchange) {
        if (Exchange.vanished(exchange)) {
            // not a lost session: the content went (another repository's delete) while this upload completed
            calls.journal().operation("blob.push.vanished", exchange.outcome());
            return;
        }
        boolean expired = exchange.start() >= session.started + expirationMillis - 3_000;
        boolean forgotten = !session.written && downtime.registryReplacedBetween(session.started, exchange.end());
        verdicts.check(UPLOAD_SESSIONS, expired || forgotten, client, "upload session opened at +"
                + calls.journal().since(session.started) + " ms" + (session.written ? " and written to" : "")
                + " is unknown " + (exchange.start() - session.started) + " ms later", exchange);
    }

    /**
     * Completes a session opened elsewhere (the one a refused mount opens) with the whole blob in the {@code PUT};
     * returns the exchange.
     */
    Exchange finish(String location, long openedAt, byte[] bytes, String digest) {
        Session session = new Session(location, openedAt);
        Exchange put = calls.send("blob.session.put", "PUT", location + (location.contains("?") ? "&" : "?")
                + "digest=" + digest, OCTETS, bytes, false);
        if (put.is(404) && put.code().equals("BLOB_UPLOAD_UNKNOWN")) {
            sessionUnknown(session, put);
        }
        return put;
    }
}
