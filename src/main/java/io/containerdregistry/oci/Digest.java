package io.containerdregistry.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A validated content digest {@code <algorithm>:<encoded>}. Only the algorithms a registry must verify are accepted:
 * sha256 (64 lowercase hex characters) and sha512 (128).
 */
public record Digest(String algorithm, String encoded) {
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

    public Digest {
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw ErrorCode.DIGEST_INVALID.exception("unsupported digest algorithm: " + algorithm);
        };
        if (encoded.length() != expected || !lowercaseHex(encoded, 0)) {
            throw ErrorCode.DIGEST_INVALID.exception("invalid " + algorithm + " digest: " + encoded);
        }
    }

    /** Parses a digest string, throwing {@code DIGEST_INVALID} when it is malformed or of an unsupported algorithm. */
    public static Digest parse(String text) {
        // the forms nearly every request carries, checked without the general grammar's regex
        if (text != null && text.length() == 71 && text.startsWith("sha256:") && lowercaseHex(text, 7)) {
            return new Digest("sha256", text.substring(7));
        }
        if (text != null && text.length() == 135 && text.startsWith("sha512:") && lowercaseHex(text, 7)) {
            return new Digest("sha512", text.substring(7));
        }
        if (text == null || text.length() > 256 || !GRAMMAR.matcher(text).matches()) {
            throw ErrorCode.DIGEST_INVALID.exception("invalid digest: " + Strings.printable(text));
        }
        int colon = text.indexOf(':');
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    private static boolean lowercaseHex(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** True when the text has the shape of a digest (as opposed to a tag). */
    public static boolean looksLikeDigest(String text) {
        return text != null && text.indexOf(':') > 0;
    }

    public static Digest sha256Of(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(messageDigest("sha256").digest(bytes)));
    }

    public static Digest of(String algorithm, byte[] bytes) {
        return new Digest(algorithm, HexFormat.of().formatHex(messageDigest(algorithm).digest(bytes)));
    }

    /** A fresh {@link MessageDigest} for a supported algorithm name ({@code sha256}, {@code sha512}). */
    public static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isSha256() {
        return algorithm.equals("sha256");
    }

    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }
}
