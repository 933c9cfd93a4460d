package io.containerdregistry.history;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * The run's parameters, from system properties: {@code history.seed} (default random), {@code history.seeds}
 * (histories in sequence, default 1), {@code history.minutes} or {@code history.seconds} (workload per history,
 * default 75 s), {@code history.clients} (default 6), {@code history.faultGapSeconds} (mean time between process
 * faults, default 9 s).
 */
record HistorySettings(long seed, int seeds, Duration workload, int clients, int repositoriesPerClient,
        Duration expiration, Duration faultGap, Duration calmBeforeEnd) {

    static HistorySettings fromSystemProperties() {
        String seed = System.getProperty("history.seed", "");
        String minutes = System.getProperty("history.minutes", "");
        Duration workload = !minutes.isBlank()
                ? Duration.ofMillis((long) (Double.parseDouble(minutes) * 60_000))
                : Duration.ofSeconds(Long.parseLong(System.getProperty("history.seconds", "75")));
        return new HistorySettings(
                seed.isBlank() ? new SecureRandom().nextLong() & Long.MAX_VALUE : Long.parseLong(seed.trim()),
                Integer.parseInt(System.getProperty("history.seeds", "1").trim()),
                workload,
                Integer.parseInt(System.getProperty("history.clients", "6").trim()),
                2,
                Duration.ofSeconds(20),
                Duration.ofSeconds(Long.parseLong(System.getProperty("history.faultGapSeconds", "9").trim())),
                Duration.ofSeconds(4));
    }
}
