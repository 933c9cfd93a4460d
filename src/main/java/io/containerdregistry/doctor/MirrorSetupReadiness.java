package io.containerdregistry.doctor;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The doctor's last verdict in {@code /q/health/ready}, as check {@value #NAME}. Always UP: a registry whose node's
 * containerd does not use it still serves its peers and direct clients, so a setup problem is reported, not a
 * reason to take the pod out of service. Reads the last verdict only; never asks containerd.
 */
@Readiness
@ApplicationScoped
class MirrorSetupReadiness implements HealthCheck {
    static final String NAME = "containerd-mirror-setup";
    private final ContainerdDoctor doctor;

    MirrorSetupReadiness(ContainerdDoctor doctor) {
        this.doctor = doctor;
    }

    @Override
    public HealthCheckResponse call() {
        ContainerdDoctor.Report report = doctor.report();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        report.failure().ifPresent(f -> response.withData("lastCheckFailed", f));
        if (report.verdict().isEmpty()) {
            return response.withData("mirror", "not checked yet").build();
        }
        Verdict verdict = report.verdict().get();
        response.withData("mirror", verdict.mirrorUse().label())
                .withData("problems", verdict.problems().size())
                .withData("checkedAt", report.checkedAt().orElseThrow().toString());
        for (Finding finding : verdict.findings()) {
            response.withData(finding.check().key(), finding.describe());
        }
        return response.build();
    }
}
