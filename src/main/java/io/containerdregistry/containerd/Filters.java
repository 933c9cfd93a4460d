package io.containerdregistry.containerd;

/** containerd's filter syntax ({@code field==value}, {@code field~=regex}, {@code ,} for and). */
final class Filters {
    private Filters() {
    }

    /** A value as a quoted filter string, so any character may appear in it. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
