package io.containerdregistry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Where two JSON trees differ, one line a place ({@code /json/pointer: expected … but was …}), for readable asserts. */
final class JsonDifferences {
    private JsonDifferences() {
    }

    static List<String> between(JsonNode expected, JsonNode actual) {
        List<String> differences = new ArrayList<>();
        collect("", expected, actual, differences);
        return differences;
    }

    private static void collect(String pointer, JsonNode expected, JsonNode actual, List<String> differences) {
        if (expected.equals(actual)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                collect(pointer + "/" + name, expected.path(name), actual.path(name), differences);
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                collect(pointer + "/" + i, expected.get(i), actual.get(i), differences);
            }
        } else {
            differences.add(pointer + ": expected " + expected + " but was " + actual);
        }
    }
}
