package io.containerdregistry.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request of a run in the order the answers arrived, with its timestamps and outcome, written to
 * {@code journal.log} as it happens (times are milliseconds since the run began), plus the counts of requests and of
 * operations (a chunked push is one operation of several requests) by kind and outcome, chaos events, and for the
 * checker the answers with a 5xx status and the requests that were never answered.
 */
final class Journal implements AutoCloseable {
    private final long origin;
    private final BufferedWriter out;
    private final Map<String, EnumMap<Outcome, Integer>> requests = new TreeMap<>();
    private final Map<String, EnumMap<Outcome, Integer>> operations = new TreeMap<>();
    private final List<Exchange> serverErrors = new ArrayList<>();
    private final List<Exchange> silences = new ArrayList<>();
    private long total;
    private long answered;

    Journal(Path file, long origin) {
        this.origin = origin;
        try {
            Files.createDirectories(file.getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long origin() {
        return origin;
    }

    /** Milliseconds since the run began. */
    long since(long at) {
        return at - origin;
    }

    synchronized void record(Exchange exchange) {
        total++;
        if (exchange.reply() != null) {
            answered++;
        }
        requests.computeIfAbsent(exchange.kind(), k -> new EnumMap<>(Outcome.class)).merge(exchange.outcome(), 1, Integer::sum);
        if (exchange.status() >= 500) {
            serverErrors.add(exchange);
        }
        if (exchange.timedOut()) {
            silences.add(exchange);
        }
        write(String.format("%8d %8d %-4s %-24s %s -> %s%s", since(exchange.start()), since(exchange.end()),
                exchange.client(), exchange.kind(), exchange.request(), exchange.answer().replace('\n', ' '),
                exchange.lingering() ? " (lingering)" : ""));
    }

    synchronized void operation(String kind, Outcome outcome) {
        operations.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class)).merge(outcome, 1, Integer::sum);
    }

    /** A 4xx that no model state explains: journaled, not a violation by itself. */
    void unexpected(String client, Exchange exchange, String what) {
        if (exchange.outcome() == Outcome.FAILURE) {
            note(client, "unexpected " + exchange.status() + " " + exchange.code() + " for " + what);
        }
    }

    /** A line that is not a request: chaos events, violations, notes. */
    synchronized void note(String who, String text) {
        write(String.format("%8d %8s %-4s %s", since(System.currentTimeMillis()), "", who, text));
    }

    private void write(String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized Map<String, EnumMap<Outcome, Integer>> requests() {
        return copy(requests);
    }

    synchronized Map<String, EnumMap<Outcome, Integer>> operations() {
        return copy(operations);
    }

    synchronized long total() {
        return total;
    }

    /** Requests that got an answer (any status). */
    synchronized long answered() {
        return answered;
    }

    /** Requests that got neither an answer nor a closed connection within the client's timeout. */
    synchronized List<Exchange> silences() {
        return List.copyOf(silences);
    }

    synchronized List<Exchange> serverErrors() {
        return List.copyOf(serverErrors);
    }

    private static Map<String, EnumMap<Outcome, Integer>> copy(Map<String, EnumMap<Outcome, Integer>> counts) {
        Map<String, EnumMap<Outcome, Integer>> copy = new TreeMap<>();
        counts.forEach((kind, byOutcome) -> copy.put(kind, new EnumMap<>(byOutcome)));
        return copy;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
