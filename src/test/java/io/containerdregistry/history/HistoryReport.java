package io.containerdregistry.history;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What one history did and found, and its text form: counts first, then the first violations in full. */
record HistoryReport(long seed, Path dir, long startupMillis, long workloadMillis, long checkMillis,
        Map<String, EnumMap<Outcome, Integer>> operations, Map<String, EnumMap<Outcome, Integer>> requests,
        long requestCount, Map<String, Integer> faults, List<Downtime.Window> windows,
        Map<Verdicts.Invariant, Integer> checked, Map<Verdicts.Invariant, Integer> inconclusive,
        List<Verdicts.Violation> violations, List<String> problems) {

    private static final int VIOLATIONS_IN_FULL = 10;

    boolean clean() {
        return violations.isEmpty() && problems.isEmpty();
    }

    String text() {
        StringBuilder out = new StringBuilder();
        out.append("history seed ").append(seed).append("  (reproduce: -Dhistory.seed=").append(seed)
                .append(")  journal and logs: ").append(dir).append('\n');
        out.append(String.format("  startup %.1f s, workload %.1f s, final check %.1f s, %d requests%n",
                startupMillis / 1000.0, workloadMillis / 1000.0, checkMillis / 1000.0, requestCount));
        out.append("  operations (success / failure / unknown):\n");
        counts(out, operations);
        out.append("  requests (success / failure / unknown):\n");
        counts(out, requests);
        out.append("  faults injected:\n");
        faults.forEach((kind, n) -> out.append(String.format("    %-50s %6d%n", kind, n)));
        long down = windows.stream().mapToLong(w -> w.to() == Long.MAX_VALUE ? 0 : w.to() - w.from()).sum();
        out.append(String.format("    %-50s %6.1f s in %d windows%n", "time down", down / 1000.0, windows.size()));
        out.append("  invariants (checked / inconclusive / violated):\n");
        for (Verdicts.Invariant invariant : Verdicts.Invariant.values()) {
            long violated = violations.stream().filter(v -> v.invariant() == invariant).count();
            out.append(String.format("    %-20s %8d %6d %6d   %s%n", invariant, checked.getOrDefault(invariant, 0),
                    inconclusive.getOrDefault(invariant, 0), violated, invariant.promise));
        }
        out.append("  violations: ").append(violations.size()).append('\n');
        violations.stream().limit(VIOLATIONS_IN_FULL).forEach(v -> out.append("  ").append(v).append('\n'));
        if (violations.size() > VIOLATIONS_IN_FULL) {
            out.append("  ... ").append(violations.size() - VIOLATIONS_IN_FULL).append(" more\n");
        }
        problems.forEach(p -> out.append("  test problem: ").append(p).append('\n'));
        return out.toString();
    }

    private static void counts(StringBuilder out, Map<String, EnumMap<Outcome, Integer>> counts) {
        counts.forEach((kind, byOutcome) -> out.append(String.format("    %-40s %7d %7d %7d%n", kind,
                byOutcome.getOrDefault(Outcome.SUCCESS, 0), byOutcome.getOrDefault(Outcome.FAILURE, 0),
                byOutcome.getOrDefault(Outcome.UNKNOWN, 0))));
    }
}
