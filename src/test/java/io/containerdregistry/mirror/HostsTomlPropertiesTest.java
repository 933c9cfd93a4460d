package io.containerdregistry.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * For any valid node file, a merge keeps every key and table with its value: random TOML documents (keys and strings
 * over characters that need quoting and escaping, nested tables, arrays, numbers, booleans, host tables with odd URLs)
 * are written as a node's file, merged, and read back. Only this registry's own host entry (put first) and a missing
 * {@code server} (added) may differ. The seed is random per run and printed on failure; replay one with
 * {@code -Dfuzz.seed=<seed>}.
 */
class HostsTomlPropertiesTest {
    private static final int TRIES = 2_000;
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final String MIRROR = "http://127.0.0.1:30020";
    private static final String KEY_CHARS = "abcXYZ019_-. \"'\\\\/:=[]#\t\u00e4\u20ac";
    private static final TomlMapper TOML = new TomlMapper();

    private final Random random = new Random(SEED);

    private String text(String alphabet, int max) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(max);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(15) == 0 ? (char) (1 + random.nextInt(0x2fff)) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString().replace('\u0000', 'x');
    }

    private JsonNode value(int depth) {
        return switch (random.nextInt(depth > 2 ? 5 : 7)) {
            case 0 -> JsonNodeFactory.instance.textNode(text(KEY_CHARS + "\n\r\u0001", 30));
            case 1 -> JsonNodeFactory.instance.numberNode(random.nextInt());
            case 2 -> JsonNodeFactory.instance.booleanNode(random.nextBoolean());
            case 3 -> JsonNodeFactory.instance.numberNode(random.nextLong());
            case 4 -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(text(KEY_CHARS, 20));
                }
                yield array;
            }
            default -> table(depth + 1);
        };
    }

    private ObjectNode table(int depth) {
        ObjectNode table = JsonNodeFactory.instance.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
            table.set(text(KEY_CHARS, 12), value(depth));
        }
        return table;
    }

    private ObjectNode nodeFile() {
        ObjectNode file = table(1);
        file.remove("host");
        if (random.nextBoolean()) {
            file.put("server", "https://" + text("abc.-0", 10));
        }
        ObjectNode hosts = file.putObject("host");
        for (int i = random.nextInt(4); i > 0; i--) {
            ObjectNode host = table(2);
            ArrayNode capabilities = host.putArray("capabilities");
            capabilities.add("pull");
            hosts.set("https://" + text(KEY_CHARS, 16), host);
        }
        if (random.nextInt(4) == 0) {
            hosts.putObject(MIRROR).put("old-setting", "replaced");
        }
        return file;
    }

    @Test
    void everyKeyOfAnyValidNodeFileSurvivesAMerge() throws Exception {
        HostsToml writer = new HostsToml(Path.of("unused"), MIRROR, true, "200ms");
        for (int i = 0; i < TRIES; i++) {
            ObjectNode node = nodeFile();
            String written = TOML.writeValueAsString(node);
            try {
                ObjectNode input = HostsToml.parse(written);
                ObjectNode merged = HostsToml.parse(writer.render("docker.io", written));
                List<String> expectedHosts = new ArrayList<>(List.of(MIRROR));
                input.get("host").fieldNames().forEachRemaining(h -> {
                    if (!h.equals(MIRROR)) {
                        expectedHosts.add(h);
                    }
                });
                List<String> hosts = new ArrayList<>();
                merged.get("host").fieldNames().forEachRemaining(hosts::add);
                assertEquals(expectedHosts, hosts, "the mirror first, then the node's hosts in order");
                for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (entry.getKey().equals("host")) {
                        entry.getValue().fields().forEachRemaining(host -> {
                            if (!host.getKey().equals(MIRROR)) {
                                assertEquals(host.getValue(), merged.get("host").get(host.getKey()), host.getKey());
                            }
                        });
                    } else {
                        assertEquals(entry.getValue(), merged.get(entry.getKey()), entry.getKey());
                    }
                }
                if (!input.has("server")) {
                    assertEquals("https://registry-1.docker.io", merged.get("server").asText());
                }
                assertEquals("200ms", merged.get("host").get(MIRROR).get("dial_timeout").asText());
            } catch (AssertionError | Exception e) {
                fail("seed " + SEED + ", try " + i + ": " + e.getMessage() + "\nnode file:\n" + written, e);
            }
        }
    }
}
