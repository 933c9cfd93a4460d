package io.containerdregistry.oci;

/** Small helpers for putting client input into error details safely. */
public final class Strings {
    private static final int MAX = 128;

    private Strings() {
    }

    /** The text cut to a readable length with control characters replaced, for error details. */
    public static String printable(String text) {
        if (text == null) {
            return "<missing>";
        }
        String cut = text.length() > MAX ? text.substring(0, MAX) + "…" : text;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
