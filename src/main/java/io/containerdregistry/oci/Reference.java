package io.containerdregistry.oci;

import java.util.regex.Pattern;

/** The {@code <reference>} of a manifest path: either a tag or a digest. */
public record Reference(String tag, Digest digest) {
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public static Reference parse(String text) {
        if (Digest.looksLikeDigest(text)) {
            return new Reference(null, Digest.parse(text));
        }
        return tag(text);
    }

    public static Reference tag(String text) {
        if (!isValidTag(text)) {
            throw ErrorCode.TAG_INVALID.exception("invalid tag: " + Strings.printable(text));
        }
        return new Reference(text, null);
    }

    public static boolean isValidTag(String text) {
        return text != null && TAG.matcher(text).matches();
    }

    public boolean isDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag;
    }
}
