package io.containerdregistry.doctor;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** The findings of one inspection of containerd, one per {@link Check}, and what they add up to. */
record Verdict(List<Finding> findings) {

    Verdict {
        findings = findings.stream().sorted(Comparator.comparing(Finding::check)).toList();
    }

    List<Finding> problems() {
        return findings.stream().filter(Finding::isProblem).toList();
    }

    /** Whether kubelet's containerd will pull through this mirror. */
    enum MirrorUse {
        /** Every check that decides it passed. */
        USED("used", "containerd will use this mirror: "),
        /** One of them found a problem. */
        NOT_USED("not used", ""),
        /** None found a problem, but one could not tell (containerd did not show what it reads). */
        UNKNOWN("unknown", "containerd may use this mirror (not everything could be checked): ");

        private final String label;
        private final String summaryPrefix;

        MirrorUse(String label, String summaryPrefix) {
            this.label = label;
            this.summaryPrefix = summaryPrefix;
        }

        /** How readiness details show it. */
        String label() {
            return label;
        }
    }

    MirrorUse mirrorUse() {
        List<Finding> deciding = findings.stream().filter(f -> f.check().impact() == Check.Impact.MIRROR_UNUSED).toList();
        if (deciding.stream().anyMatch(Finding::isProblem)) {
            return MirrorUse.NOT_USED;
        }
        return deciding.stream().allMatch(f -> f.status() == Finding.Status.OK) ? MirrorUse.USED : MirrorUse.UNKNOWN;
    }

    /**
     * One line that says it all: each problem with what it means for the node and its fix, or, without problems,
     * that the mirror is used and why.
     */
    String summary() {
        List<Finding> problems = problems();
        if (problems.isEmpty()) {
            return mirrorUse().summaryPrefix + findings.stream().map(Finding::message).collect(Collectors.joining("; "));
        }
        return problems.stream()
                .map(f -> f.check().impact().meaning() + ": " + f.message() + "; fix: " + f.fix().orElse(""))
                .collect(Collectors.joining(" | "));
    }
}
