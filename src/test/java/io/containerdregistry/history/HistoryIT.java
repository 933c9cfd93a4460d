package io.containerdregistry.history;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry's own Jepsen: a model-based, randomized, seeded history against the packaged registry and a private
 * containerd, with faults injected while it runs. Several clients push blobs (monolithic and chunked), mount them
 * across repositories, push manifests, indexes and artifacts by tag and by digest, move and delete tags, delete
 * manifests and blobs, lie (wrong digests, wrong sizes, {@code Content-Range} that disagrees with the body), and read
 * back what the model says must be there, while containerd is garbage-collected, restarted and killed and the
 * registry killed and restarted. Every request's outcome goes into the model, unknown outcomes as both possibilities;
 * afterwards the {@link Checker} holds the registry to the promises of {@code docs/guarantees.md}
 * ({@link Verdicts.Invariant}).
 *
 * <p>Short run (CI, about 90 s): {@code ./mvnw verify -Dit.test=HistoryIT}. Long run:
 * {@code -Dhistory.minutes=20 -Dhistory.seeds=3}. Reproduce a seed: {@code -Dhistory.seed=<seed>}. Each history
 * leaves its journal ({@code journal.log}), containerd's log and each registry incarnation's log under
 * {@code target/it-history/seed-<seed>/}.
 */
class HistoryIT {
    private static final Path WORK = Path.of("target", "it-history").toAbsolutePath();

    @Test
    void theRegistryKeepsItsPromisesUnderFaults() throws Exception {
        HistorySettings settings = HistorySettings.fromSystemProperties();
        List<Long> seeds = HistoryRun.seeds(settings.seed(), settings.seeds());
        System.out.println("history: seeds " + seeds + ", " + settings.clients() + " clients, workload "
                + settings.workload().toSeconds() + " s each");
        List<HistoryReport> dirty = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (long seed : seeds) {
            System.out.println("history: seed " + seed + " starting");
            HistoryReport report = new HistoryRun(seed, settings, WORK.resolve("seed-" + seed)).run();
            String text = report.text();
            System.out.println(text);
            Files.writeString(report.dir().resolve("report.txt"), text);
            all.append(text).append('\n');
            if (!report.clean()) {
                dirty.add(report);
            }
        }
        assertTrue(dirty.isEmpty(), () -> "the registry broke its promises in " + dirty.size() + " of "
                + seeds.size() + " histories (seeds " + dirty.stream().map(HistoryReport::seed).toList() + "):\n"
                + all);
    }
}
