package org.hmmlab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the Javadoc of the lab's own methods for Shift-Tab.
 *
 * <p>JShell reads Javadoc only from the JDK's {@code src.zip}. The kernel jar carries the engine's and the DSL's
 * sources under {@code hmmlab-src/}, and this class reads the comment in front of a declaration there.
 */
final class SourceDocs {

    private static final String ROOT = "hmmlab-src/";
    private static final Pattern SIGNATURE = Pattern.compile("([\\w$]+(?:\\.[\\w$]+)*)\\.(\\w+|<init>)\\(([^)]*)\\)");
    private static final Pattern FIELD = Pattern.compile("([\\w.$]+)\\.(\\w+)$");

    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private Map<String, String> simpleNames;

    /**
     * The Javadoc (HTML) for a JShell signature such as {@code org.hmmlab.units.Bytes org.hmmlab.units.Bytes.MiB(long n)},
     * or {@code null}.
     */
    String javadocFor(String signature) {
        String qualified;
        String member;
        int params;
        Matcher m = SIGNATURE.matcher(signature);
        if (m.find()) {
            qualified = m.group(1);
            member = m.group(2);
            params = m.group(3).isBlank() ? 0 : m.group(3).split(",").length;
        } else {
            Matcher f = FIELD.matcher(signature.strip());
            if (!f.find()) {
                return typeDoc(signature.strip());
            }
            qualified = f.group(1);
            member = f.group(2);
            params = -1;
        }
        String source = sourceOf(qualified);
        if (source == null) {
            return typeDoc(signature.strip() + (member.isEmpty() ? "" : "." + member));
        }
        String name = member.equals("<init>") ? simpleName(qualified) : member;
        return commentBefore(source, name, params);
    }

    private String typeDoc(String qualified) {
        String source = sourceOf(qualified);
        return source == null ? null : commentBefore(source, simpleName(qualified), -2);
    }

    /**
     * The source file holding {@code qualified}, trying outer classes for nested ones; a simple name (JShell
     * prints {@code Bytes.MiB}, not the package) is looked up among the shipped sources.
     */
    private String sourceOf(String qualified) {
        String name = qualified;
        while (!name.isEmpty()) {
            String path = name.contains(".") ? ROOT + name.replace('.', '/') + ".java" : bySimpleName().get(name);
            if (path != null) {
                String text = sources.computeIfAbsent(path, SourceDocs::read);
                if (!text.isEmpty()) {
                    return text;
                }
            }
            if (!name.contains(".")) {
                return null;
            }
            name = name.substring(0, name.lastIndexOf('.'));
        }
        return null;
    }

    /** Simple class name to resource path, over every source file under {@code hmmlab-src/}. */
    private synchronized Map<String, String> bySimpleName() {
        if (simpleNames != null) {
            return simpleNames;
        }
        Map<String, String> index = new HashMap<>();
        try {
            URL root = SourceDocs.class.getClassLoader().getResource(ROOT);
            if (root != null && root.getProtocol().equals("jar")) {
                String jar = root.getPath().substring("file:".length(), root.getPath().indexOf('!'));
                try (JarFile file = new JarFile(URLDecoder.decode(jar, StandardCharsets.UTF_8))) {
                    file.stream().map(JarEntry::getName).filter(n -> n.startsWith(ROOT) && n.endsWith(".java"))
                            .forEach(n -> index.putIfAbsent(simpleName(n.substring(0, n.length() - 5).replace('/', '.')), n));
                }
            } else if (root != null && root.getProtocol().equals("file")) {
                Path dir = Path.of(root.toURI());
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        String rel = ROOT + dir.relativize(f).toString().replace('\\', '/');
                        index.putIfAbsent(f.getFileName().toString().replace(".java", ""), rel);
                    });
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // No sources shipped: inspection shows signatures only.
        }
        simpleNames = index;
        return index;
    }

    private static String read(String path) {
        try (InputStream in = SourceDocs.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The Javadoc right before a declaration of {@code name}: with {@code params} parameters for methods (-1: a
     * field or any method, -2: a type).
     */
    private static String commentBefore(String source, String name, int params) {
        String decl = params == -2
                ? "(?:class|interface|record|enum)\\s+" + Pattern.quote(name) + "\\b"
                : "\\b" + Pattern.quote(name) + "\\s*(\\(([^)]*)\\)|[=;])";
        Pattern p = Pattern.compile("/\\*\\*((?:(?!\\*/).)*?)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*[^;{}/]*?" + decl,
                Pattern.DOTALL);
        Matcher m = p.matcher(source);
        String fallback = null;
        while (m.find()) {
            String comment = m.group(1);
            if (params < 0) {
                return cleanup(comment);
            }
            String args = m.groupCount() >= 3 ? m.group(3) : null;
            int n = args == null || args.isBlank() ? 0 : args.split(",").length;
            if (n == params) {
                return cleanup(comment);
            }
            if (fallback == null) {
                fallback = cleanup(comment);
            }
        }
        return fallback;
    }

    /** Javadoc body to HTML: leading stars gone, inline tags to code, block tags to a definition list. */
    private static String cleanup(String comment) {
        StringBuilder text = new StringBuilder();
        for (String line : comment.split("\n")) {
            String l = line.strip();
            if (l.startsWith("*")) {
                l = l.substring(1).strip();
            }
            text.append(l).append('\n');
        }
        String html = text.toString().strip();
        html = html.replaceAll("\\{@(?:code|literal) ([^{}]*(?:\\{[^{}]*\\}[^{}]*)*)\\}", "<code>$1</code>");
        html = html.replaceAll("\\{@(?:link|linkplain) ([^}]*)\\}", "<code>$1</code>");
        html = html.replaceAll("(?m)^@param (\\w+)", "<br><b>param</b> <code>$1</code>");
        html = html.replaceAll("(?m)^@return", "<br><b>returns</b>");
        html = html.replaceAll("(?m)^@throws (\\w+)", "<br><b>throws</b> <code>$1</code>");
        return html;
    }

    /** Javadoc HTML as plain text for the tooltip's text/plain part. */
    static String toPlainText(String html) {
        return html.replaceAll("<br>", "\n").replaceAll("<p>", "\n\n").replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip();
    }

    private static String simpleName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }
}
