package io.shoprank.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared data sets (../shared/data beside the repository), read in place. */
public final class TestData {
    private TestData() {}

    public static Path file(String name) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("data").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("data file " + name + " not found in a shared/data folder beside "
                + here + " or its parents");
    }
}
