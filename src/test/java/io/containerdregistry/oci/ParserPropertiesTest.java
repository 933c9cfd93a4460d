package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of the parsers that read client input: for any input each either returns a valid value
 * or throws {@link RegistryException} (or {@link ByteRange.RangeNotSatisfiable}), never anything else. Inputs are
 * random strings over the characters that matter to each grammar, plus mutations of valid examples. The seed is
 * random per run and printed on failure; replay one with {@code -Dfuzz.seed=<seed>}.
 */
class ParserPropertiesTest {
    private static final int TRIES = 20_000;
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final String ALPHABET = "abcdefABCDEF0123456789:/-._=+* \t\n%@#?&\\\"'[]{}~\u0000\u007f\u00e4\u20ac\ud83d\ude00";
    private static final List<String> EXAMPLES = List.of(
            "sha256:" + "a".repeat(64), "sha512:" + "b".repeat(128), "library/alpine", "a/b/c-d_e.f__g",
            "v1.2.3", "latest", "bytes=0-99", "bytes=-5", "bytes=10-", "0-99", "bytes 0-99/100", "bytes 5-9/*",
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:" + "c".repeat(64)
                    + "\",\"size\":1},\"layers\":[]}");

    private final Random random = new Random(SEED);

    private String input() {
        if (random.nextInt(3) == 0) {
            return random(random.nextInt(random.nextInt(10) == 0 ? 600 : 80));
        }
        StringBuilder mutated = new StringBuilder(EXAMPLES.get(random.nextInt(EXAMPLES.size())));
        for (int i = random.nextInt(4); i >= 0; i--) {
            int at = mutated.length() == 0 ? 0 : random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.insert(at, random(1 + random.nextInt(3)));
                case 1 -> {
                    if (mutated.length() > 0) {
                        mutated.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (mutated.length() > 0) {
                        mutated.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                }
                default -> mutated.append(mutated, 0, Math.min(mutated.length(), random.nextInt(300)));
            }
        }
        return mutated.toString();
    }

    private String random(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(20) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    private void forAll(String what, Consumer<String> property) {
        for (int i = 0; i < TRIES; i++) {
            String input = input();
            try {
                property.accept(input);
            } catch (RegistryException | ByteRange.RangeNotSatisfiable expected) {
                // a refusal the registry answers with a 4xx
            } catch (RuntimeException | AssertionError e) {
                fail(what + " with seed " + SEED + " on input \"" + input.replace("\n", "\\n") + "\": " + e, e);
            }
        }
    }

    @Test
    void digestParseReturnsAValidDigestOrRefuses() {
        forAll("Digest.parse", text -> {
            Digest digest = Digest.parse(text);
            assertEquals(text, digest.toString());
            assertTrue(digest.algorithm().equals("sha256") || digest.algorithm().equals("sha512"));
        });
        forAll("Digest.parse(null)", text -> Digest.parse(random.nextBoolean() ? null : text));
    }

    @Test
    void repositoryAcceptsOnlyGrammaticalNames() {
        forAll("Repository", text -> {
            Repository repository = new Repository(text);
            assertTrue(repository.name().length() <= Repository.MAX_LENGTH);
            assertEquals(repository.name(), repository.name().toLowerCase(java.util.Locale.ROOT));
        });
    }

    @Test
    void referenceParseReturnsATagOrADigestOrRefuses() {
        forAll("Reference.parse", text -> {
            Reference reference = Reference.parse(text);
            assertEquals(text, reference.toString());
            assertTrue(reference.isDigest() || reference.tag().length() <= 128);
        });
    }

    @Test
    void byteRangeResolveStaysInsideTheBlobOrRefuses() {
        forAll("ByteRange.resolve", text -> {
            long size = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(200);
                case 2 -> Long.MAX_VALUE;
                default -> Math.abs(random.nextLong() >>> 1);
            };
            ByteRange range = ByteRange.resolve(text, size);
            if (range != null) {
                assertTrue(range.start() >= 0 && range.length() > 0 && range.end() < size, range + " of " + size);
            }
        });
    }

    @Test
    void uploadRangeParseReturnsAnOrderedRangeOrRefuses() {
        forAll("UploadRange.parse", text -> {
            UploadRange range = UploadRange.parse(text);
            assertTrue(range.start() >= 0 && range.end() >= range.start(), range.toString());
        });
    }

    @Test
    void manifestParseReturnsAManifestOrRefuses() {
        forAll("Manifest.parse", text -> {
            Manifest manifest = Manifest.parse(text.getBytes(StandardCharsets.UTF_8), random.nextBoolean() ? null : text);
            assertTrue(manifest.mediaType() != null);
        });
    }
}
