package io.containerdregistry.history;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A value the model cannot always be sure of: the set of values it may have, given the outcomes of the requests that
 * set it. A success makes it certain; an unknown outcome adds the value it would have set; a definite failure changes
 * nothing. Once a request whose effect may still land later (a lingering one) touched it, it is haunted: it never
 * becomes certain again, since that request could overwrite any later value.
 */
final class Possible<T> {
    private final Set<T> values = new LinkedHashSet<>();
    private boolean haunted;

    Possible(T initial) {
        values.add(initial);
    }

    /** A request that sets the value, with its exchange. */
    void set(T value, Exchange exchange) {
        switch (exchange.outcome()) {
            case SUCCESS -> {
                if (!haunted) {
                    values.clear();
                }
                values.add(value);
            }
            case UNKNOWN -> {
                values.add(value);
                haunted |= exchange.lingering();
            }
            case FAILURE -> {
                // refused: no effect
            }
        }
    }

    /** A request that sets the value to {@code value} only where it is {@code old} now. */
    void replace(T old, T value, Exchange exchange) {
        if (!values.contains(old)) {
            return;
        }
        switch (exchange.outcome()) {
            case SUCCESS -> {
                if (!haunted) {
                    values.remove(old);
                }
                values.add(value);
            }
            case UNKNOWN -> {
                values.add(value);
                haunted |= exchange.lingering();
            }
            case FAILURE -> {
                // refused: no effect
            }
        }
    }

    /**
     * The registry showed the value (a definite answer, such as a 404 for a delete): it is certain from now on,
     * unless a request that may still land haunts it.
     */
    void observe(T value) {
        if (!haunted) {
            values.clear();
        }
        values.add(value);
    }

    Optional<T> certain() {
        return !haunted && values.size() == 1 ? Optional.of(values.iterator().next()) : Optional.empty();
    }

    boolean possibly(T value) {
        return values.contains(value);
    }

    Set<T> values() {
        return Set.copyOf(values);
    }

    @Override
    public String toString() {
        return values + (haunted ? " (haunted)" : "");
    }
}
