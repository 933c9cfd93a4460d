package io.containerdregistry.security;

import java.util.regex.Pattern;

/** A repository glob: {@code *} matches within one path segment, {@code **} matches across segments. */
public final class Glob {
    private final String text;
    private final Pattern pattern;

    public Glob(String text) {
        this.text = text.trim();
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        String t = this.text;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '*') {
                literal.append(c);
                continue;
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (i + 1 < t.length() && t.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    public boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
