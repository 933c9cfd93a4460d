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

    /** Whether kubelet's containerd will pull through this mirror (nothing found that stops it). */
    boolean mirrorUsed() {
        return problems().stream().noneMatch(f -> f.check().impact() == Check.Impact.MIRROR_UNUSED);
    }

    /**
     * One line that says it all: each problem with what it means for the node and its fix, or, without problems,
     * that the mirror is used and why.
     */
    String summary() {
        List<Finding> problems = problems();
        if (problems.isEmpty()) {
            return "containerd will use this mirror: " + findings.stream().map(Finding::message)
                    .collect(Collectors.joining("; "));
        }
        return problems.stream()
                .map(f -> f.check().impact().meaning() + ": " + f.message() + "; fix: " + f.fix().orElse(""))
                .collect(Collectors.joining(" | "));
    }
}
