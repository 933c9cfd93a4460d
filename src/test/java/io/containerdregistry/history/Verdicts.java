package io.containerdregistry.history;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants the run checks, how often each was checked, how often a check could not conclude (no answer, or a
 * 503), and every violation in full. Thread-safe.
 */
final class Verdicts {
    /** The product's promises (docs/guarantees.md), as checked against the model. */
    enum Invariant {
        BLOB_DURABILITY("a blob answered 201, or referenced by a stored manifest, reads back"),
        MANIFEST_DURABILITY("a certain tag, a digest pin and what they reference resolve, byte-exact"),
        INTEGRITY("whatever is served as a digest is exactly that digest's content"),
        ISOLATION("a digest a repository never pushed, mounted or referenced reads as unknown through it"),
        NO_UNEXPLAINED_5XX("no 5xx except 503 while containerd or the registry is down (plus grace)"),
        ANSWERED("every request is answered, or its connection closed, within the client's timeout"),
        REFERRERS("an artifact with a subject, still stored, is listed by the referrers API"),
        LIES_REFUSED("a lying push gets its documented 4xx, never 201"),
        TRUTH_ACCEPTED("an honest push is never refused as a lie"),
        UPLOAD_SESSIONS("a session that holds bytes survives restarts until it expires"),
        DELETES("a certainly deleted tag resolves to 404"),
        LISTING("tags/list shows every certain tag and no certainly deleted one");

        final String promise;

        Invariant(String promise) {
            this.promise = promise;
        }
    }

    /** A violation: which promise, when (ms since the run began), who saw it, why, and the exchange. */
    record Violation(Invariant invariant, long at, String client, String detail, String request, String answer) {
        @Override
        public String toString() {
            return "[" + invariant + "] at +" + at + " ms by " + client + ": " + detail
                    + (request == null ? "" : "\n    request: " + request + "\n    answer:  " + answer);
        }
    }

    private final long origin;
    private final EnumMap<Invariant, Integer> checked = new EnumMap<>(Invariant.class);
    private final EnumMap<Invariant, Integer> inconclusive = new EnumMap<>(Invariant.class);
    private final List<Violation> violations = new ArrayList<>();

    Verdicts(long origin) {
        this.origin = origin;
    }

    synchronized void pass(Invariant invariant) {
        checked.merge(invariant, 1, Integer::sum);
    }

    synchronized void passMany(Invariant invariant, long count) {
        checked.merge(invariant, (int) count, Integer::sum);
    }

    synchronized void inconclusive(Invariant invariant) {
        inconclusive.merge(invariant, 1, Integer::sum);
    }

    synchronized void violation(Invariant invariant, String client, String detail, Exchange exchange) {
        checked.merge(invariant, 1, Integer::sum);
        long at = (exchange == null ? System.currentTimeMillis() : exchange.start()) - origin;
        violations.add(new Violation(invariant, at, client, detail,
                exchange == null ? null : exchange.request() + "  [sent +" + (exchange.start() - origin)
                        + " ms, answered +" + (exchange.end() - origin) + " ms]",
                exchange == null ? null : exchange.answer()));
    }

    /** Checks one promise: a pass when {@code ok}, else a violation. */
    boolean check(Invariant invariant, boolean ok, String client, String detail, Exchange exchange) {
        if (ok) {
            pass(invariant);
        } else {
            violation(invariant, client, detail, exchange);
        }
        return ok;
    }

    /** A lie must be answered 400 with the documented code; an unknown outcome says nothing. */
    void refused(Exchange exchange, String client, String what, String code) {
        if (exchange.unknown()) {
            inconclusive(Invariant.LIES_REFUSED);
            return;
        }
        check(Invariant.LIES_REFUSED, exchange.is(400) && exchange.code().equals(code), client,
                what + " must be refused with 400 " + code, exchange);
    }

    synchronized List<Violation> violations() {
        return List.copyOf(violations);
    }

    synchronized Map<Invariant, Integer> checked() {
        return new EnumMap<>(checked);
    }

    synchronized Map<Invariant, Integer> inconclusive() {
        return new EnumMap<>(inconclusive);
    }
}
