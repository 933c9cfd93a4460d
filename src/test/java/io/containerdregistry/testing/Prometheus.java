package io.containerdregistry.testing;

import java.util.Map;

/** Reads values out of a Prometheus text exposition ({@code /q/metrics}). */
public final class Prometheus {
    private Prometheus() {
    }

    /**
     * The sum of every sample named {@code name} whose labels include all of {@code labels} (0 when there is none,
     * as for a counter that was never incremented).
     */
    public static double sum(String exposition, String name, Map<String, String> labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) {
                continue;
            }
            int valueAt = line.lastIndexOf(' ');
            String labelText = rest.startsWith("{") ? rest.substring(0, rest.indexOf('}') + 1) : "";
            if (labels.entrySet().stream().allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                total += Double.parseDouble(line.substring(valueAt + 1));
            }
        }
        return total;
    }
}
