package io.containerdregistry.testing;

import java.util.HashMap;
import java.util.Map;

/** {@link AuthProfile} with mirror requests ({@code ?ns=}) allowed to write, so that pushes through them can be tried. */
public class WritableMirrorAuthProfile extends AuthProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("registry.mirror.read-only", "false");
        return config;
    }
}
