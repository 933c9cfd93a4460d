package io.containerdregistry.doctor;

import java.util.Optional;

/**
 * The outcome of one check.
 *
 * @param fix what to change, for a problem
 */
record Finding(Check check, Status status, String message, Optional<String> fix) {

    enum Status {
        OK, PROBLEM, UNKNOWN
    }

    static Finding ok(Check check, String message) {
        return new Finding(check, Status.OK, message, Optional.empty());
    }

    static Finding problem(Check check, String message, String fix) {
        return new Finding(check, Status.PROBLEM, message, Optional.of(fix));
    }

    static Finding unknown(Check check, String message) {
        return new Finding(check, Status.UNKNOWN, message, Optional.empty());
    }

    boolean isProblem() {
        return status == Status.PROBLEM;
    }

    /** How health details show it: {@code ok: …}, {@code unknown: …} or {@code problem: …; fix: …}. */
    String describe() {
        return status.name().toLowerCase(java.util.Locale.ROOT) + ": " + message + fix.map(f -> "; fix: " + f).orElse("");
    }
}
