package org.hmmlab.kernel;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;

/**
 * {@code %platform [NAME]}: lists the ready platform profiles ({@link Platforms}), or makes one of them the
 * notebook's {@code platform} variable and prints its profile.
 */
final class PlatformMagic {

    private PlatformMagic() {
    }

    static Object run(String name, Magics.Context ctx) {
        Map<String, Platform> ready = ready();
        if (name.isEmpty()) {
            StringBuilder sb = new StringBuilder("Ready platform profiles (%platform NAME makes one the `platform` variable):\n");
            ready.forEach((field, p) -> sb.append(String.format("  %-12s %s, %s, %s%n", field, p.name(),
                    p.link(), p.gpu().name())));
            Object current = ctx.evaluator().valueOf("platform");
            if (current instanceof Platform p) {
                sb.append("\nplatform = ").append(p.name());
            }
            return sb.toString().stripTrailing();
        }
        Platform chosen = ready.get(name);
        if (chosen == null) {
            throw new IllegalArgumentException("%platform NAME: NAME must be one of " + String.join(", ", ready.keySet())
                    + "; got '" + name + "'");
        }
        ctx.evaluator().eval("var platform = org.hmmlab.platform.Platforms." + name + ";", ctx.cell(), ctx.firstLine());
        return "platform = " + name + "\n" + org.hmmlab.dsl.json.PlatformJson.write(chosen).stripTrailing();
    }

    /** The public {@code Platform} constants of {@link Platforms}, in declaration order. */
    static Map<String, Platform> ready() {
        Map<String, Platform> out = new LinkedHashMap<>();
        for (Field f : Platforms.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Platform.class) {
                try {
                    out.put(f.getName(), (Platform) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
