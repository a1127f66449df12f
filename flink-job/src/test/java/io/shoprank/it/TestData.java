package io.shoprank.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared data sets (../shared/data beside the repository, or the folder {@code $SHOPRANK_DATA} names,
 * for a checkout elsewhere), read in place.
 */
public final class TestData {
    private TestData() {}

    public static Path file(String name) {
        String dir = System.getenv("SHOPRANK_DATA");
        if (dir != null && !dir.isEmpty() && Files.isRegularFile(Path.of(dir, name))) {
            return Path.of(dir, name);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("data").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("data file " + name + " not found in a shared/data folder beside "
                + here + " or its parents (or set SHOPRANK_DATA to the folder)");
    }
}
