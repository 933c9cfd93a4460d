package io.containerdregistry.history;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One seeded history: a fresh containerd and registry, the clients and the chaos running side by side for the
 * workload's duration, then the {@link Checker}. Everything random derives from the seed: the pool, each client's
 * choices (client {@code n} uses {@code seed * 31 + n}), the chaos schedule. Timing and thread interleaving are the
 * machine's, so a seed reproduces the same kinds of operations and faults, not the same interleaving.
 */
final class HistoryRun {
    private static final long GRACE_MILLIS = 5_000;
    private static final long FRESH_MARGIN_MILLIS = 3_000;
    private static final int WIRE_TIMEOUT_MILLIS = 60_000;

    private final long seed;
    private final HistorySettings settings;
    private final Path dir;

    HistoryRun(long seed, HistorySettings settings, Path dir) {
        this.seed = seed;
        this.settings = settings;
        this.dir = dir;
    }

    HistoryReport run() throws Exception {
        long began = System.currentTimeMillis();
        BlobPool pool = BlobPool.of(seed);
        long expiration = settings.expiration().toMillis();
        try (SystemUnderTest system = SystemUnderTest.start(dir, settings.expiration());
                Journal journal = new Journal(dir.resolve("journal.log"), System.currentTimeMillis())) {
            journal.note("run", "seed " + seed + ", registry on port " + system.port() + ", containerd "
                    + system.socket());
            // a run stopped from outside (Ctrl-C) takes its processes with it
            Thread cleanup = new Thread(system::close, "history-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            Verdicts verdicts = new Verdicts(journal.origin());
            Downtime downtime = new Downtime(GRACE_MILLIS);
            Wire wire = new Wire(system.port(), WIRE_TIMEOUT_MILLIS);
            List<RepositoryModel> repositories = new ArrayList<>();
            List<List<RepositoryModel>> owned = new ArrayList<>();
            for (int c = 0; c < settings.clients(); c++) {
                List<RepositoryModel> mine = new ArrayList<>();
                // nested names (h/c0/r0, h/c0/r0/r1, ...): a repository whose name prefixes another's must not
                // see its content
                String name = "h/c" + c + "/r0";
                for (int r = 0; r < settings.repositoriesPerClient(); r++) {
                    mine.add(new RepositoryModel(name, expiration - FRESH_MARGIN_MILLIS));
                    name = name + "/r" + (r + 1);
                }
                owned.add(mine);
                repositories.addAll(mine);
            }
            Holdings holdings = new Holdings(repositories);
            Verifier verifier = new Verifier(verdicts, pool);
            long deadline = System.currentTimeMillis() + settings.workload().toMillis();
            List<ClientWorker> clients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < settings.clients(); c++) {
                String name = "c" + c;
                ClientWorker client = new ClientWorker(name, seed * 31 + c, owned.get(c), holdings, pool,
                        new Calls(wire, journal, name), verifier, verdicts, downtime, deadline, expiration);
                clients.add(client);
                threads.add(new Thread(client, "history-" + name));
            }
            Chaos chaos = new Chaos(system, downtime, journal, seed * 31 + 1000, settings.faultGap().toMillis());
            Thread chaosThread = new Thread(chaos, "history-chaos");
            threads.forEach(Thread::start);
            chaosThread.start();

            // chaos stops a little before the clients, so that their last operations meet a settled system
            Calls.pause(Math.max(0, deadline - System.currentTimeMillis() - settings.calmBeforeEnd().toMillis()));
            chaos.stop();
            chaosThread.join(Duration.ofMinutes(3).toMillis());
            for (Thread thread : threads) {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()) + Duration.ofMinutes(3).toMillis());
            }
            List<String> problems = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                if (threads.get(c).isAlive()) {
                    threads.get(c).interrupt();
                    problems.add("client c" + c + " did not finish");
                }
                if (clients.get(c).crash() != null) {
                    problems.add("client c" + c + " crashed: " + stack(clients.get(c).crash()));
                }
            }
            if (chaosThread.isAlive()) {
                problems.add("the chaos did not stop");
            }
            if (chaos.crash() != null) {
                problems.add("the chaos crashed: " + stack(chaos.crash()));
            }
            long workloadEnded = System.currentTimeMillis();

            system.ensureUp();
            journal.note("run", "final check");
            Checker checker = new Checker(verdicts, verifier, holdings, pool, seed * 31 + 2000);
            checker.check(new Calls(wire, journal, "chk"));
            checker.serverErrors(journal, downtime);
            checker.silences(journal, WIRE_TIMEOUT_MILLIS);
            long ended = System.currentTimeMillis();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            journal.note("run", "done: " + verdicts.violations().size() + " violations");
            return new HistoryReport(seed, dir, journal.origin() - began, workloadEnded - journal.origin(),
                    ended - workloadEnded, journal.operations(), journal.requests(), journal.total(),
                    chaos.injected(), downtime.windows(), verdicts.checked(), verdicts.inconclusive(),
                    verdicts.violations(), problems);
        }
    }

    private static String stack(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** The seeds of a run of {@code count} histories starting at {@code first}. */
    static List<Long> seeds(long first, int count) {
        List<Long> seeds = new ArrayList<>();
        Random next = new Random(first);
        seeds.add(first);
        while (seeds.size() < count) {
            seeds.add(next.nextLong() & Long.MAX_VALUE);
        }
        return seeds;
    }
}
