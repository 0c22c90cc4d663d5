package bng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.config.ConfigParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/bng as a user types it. The install is a temporary copy: the script, a client jar built
 * from this module's classes, and a fake runtime jar, so that start/status/control/stop run
 * through the real script, the real client and a real detached process.
 */
class BinBngTest {
    static final Path SCRIPT = Path.of("../../bin/bng").toAbsolutePath().normalize();
    static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir Path dir;
    Path home;
    Path runDir;

    record Result(int exit, String out, String err) {}

    Result bng(Map<String, String> env, String input, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(home.resolve("bin/bng").toString()),
                Stream.of(args)).toList());
        builder.environment().put("BNG_RUN_DIR", runDir.toString());
        builder.environment().put("BNG_JAVA_HOME", JAVA_HOME);
        builder.environment().putAll(env);
        Path outFile = dir.resolve("out.txt");
        Path errFile = dir.resolve("err.txt");
        builder.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "bin/bng did not finish");
        return new Result(process.exitValue(), Files.readString(outFile), Files.readString(errFile));
    }

    void install(boolean withJars) throws IOException {
        home = dir.resolve("home");
        runDir = dir.resolve("run");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(SCRIPT, home.resolve("bin/bng"));
        Files.setPosixFilePermissions(home.resolve("bin/bng"), PosixFilePermissions.fromString("rwxr-xr-x"));
        if (!withJars) return;
        Path cliJar = home.resolve("bundles/cli/target/bng.cli-0.1.0-test.jar");
        Files.createDirectories(cliJar.getParent());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(cliJar), manifest("bng.cli.Main"))) {
            addTree(jar, Path.of("target/classes"));
            addLocation(jar, Path.of(ConfigParser.class.getProtectionDomain().getCodeSource().getLocation().getPath()));
        }
        Path runtimeJar = home.resolve("runtime/target/bng.jar");
        Files.createDirectories(runtimeJar.getParent());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(runtimeJar), manifest("bng.cli.FakeRuntime"))) {
            addTree(jar, Path.of("target/classes"));
            addTree(jar, Path.of("target/test-classes"));
        }
    }

    @AfterEach
    void killLeftovers() throws IOException {
        if (runDir == null || !Files.isDirectory(runDir)) return;
        try (Stream<Path> pids = Files.list(runDir)) {
            for (Path pid : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void withoutJava25ItSaysWhatItNeeds() throws Exception {
        install(false);
        Path emptyJvmDir = Files.createDirectories(dir.resolve("jvm"));
        Result r = bng(Map.of("BNG_JAVA_HOME", "/nonexistent", "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64",
                "PATH", "/usr/bin:/bin", "BNG_JVM_DIR", emptyJvmDir.toString()), "", "status");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("bng: Java 25 or newer is needed (looked in BNG_JAVA_HOME=/nonexistent "
                + "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 " + emptyJvmDir + "); install Temurin 25 or set BNG_JAVA_HOME"),
                r.err());
    }

    @Test
    void withoutTheBuildItAsksForTheSetUp() throws Exception {
        install(false);
        Result r = bng(Map.of(), "", "status");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("run the set-up command first (see README)"), r.err());
    }

    @Test
    void startStatusControlStopAsAUserTypesThem() throws Exception {
        install(true);
        Path conf = dir.resolve("bng.conf");
        Files.writeString(conf, "modules ping\n");

        Result start = bng(Map.of(), "", "-c", conf.toString(), "start", "5");
        assertEquals(new Result(0, "BalanceNG: starting up instance 5 ...\n", ""), start);
        long pid = Long.parseLong(Files.readString(runDir.resolve("bng.5.pid")).strip());
        String out = Files.readString(runDir.resolve("bng.5.out"));
        assertTrue(out.contains("config " + conf), "absolute config handed on: " + out);
        assertTrue(out.contains(" log " + runDir.resolve("bng.5.log")), "the daemon logs to its rotated file: " + out);
        assertTrue(Files.readString(runDir.resolve("bng.5.log")).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO bng\\.cli\\.Daemon: starting instance 5 with "
                + java.util.regex.Pattern.quote(conf.toString()) + "\n"), "the start, in the log's format");

        assertEquals(new Result(1, "BalanceNG: already running with PID " + pid + "\n", ""),
                bng(Map.of(), "", "-c", conf.toString(), "start", "5"));
        assertEquals(new Result(0, "running, config test.conf\nmodules: ping\n", ""), bng(Map.of(), "", "status", "5"));
        assertEquals(new Result(0, "one\n\ntwo\nthree\nbad: unknown statement\n", ""),
                bng(Map.of(), "show lines\nbad\n", "-i", "5", "control"));

        assertEquals(new Result(0, "BalanceNG: shutdown of instance 5 PID " + pid + " complete\n", ""),
                bng(Map.of(), "", "stop", "5"));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(new Result(3, "BalanceNG: not running\n", ""), bng(Map.of(), "", "status", "5"));
    }

    @Test
    void aKilledInstanceIsCleanedUpByTheNextStart() throws Exception {
        install(true);
        Path conf = dir.resolve("bng.conf");
        Files.writeString(conf, "modules ping\n");
        assertEquals(0, bng(Map.of(), "", "-c", conf.toString(), "start").exit());
        ProcessHandle first = ProcessHandle.of(Long.parseLong(Files.readString(runDir.resolve("bng.0.pid")).strip())).orElseThrow();
        first.destroyForcibly();
        first.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(runDir.resolve("bng.0.sock")), "a killed daemon leaves its socket");

        assertEquals(new Result(0, "BalanceNG: starting up ...\n", ""), bng(Map.of(), "", "-c", conf.toString(), "start"));
        assertEquals(0, bng(Map.of(), "", "stop").exit());
    }

    @Test
    void startRefusesABrokenConfigurationWithLineAndColumn() throws Exception {
        install(true);
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, "modules ping\n   oops\n");
        Result r = bng(Map.of(), "", "-c", conf.toString(), "start");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(conf + ":2:4: "), r.err()); // the wording is the parser's
        assertFalse(Files.exists(runDir.resolve("bng.0.pid")));

        Result foreground = bng(Map.of(), "", "-f", "-c", conf.toString(), "start");
        assertEquals(1, foreground.exit());
        assertTrue(foreground.err().contains(conf + ":2:4: "), foreground.err());
    }

    private static Manifest manifest(String mainClass) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        return manifest;
    }

    private static void addLocation(JarOutputStream jar, Path location) throws IOException {
        if (Files.isDirectory(location)) {
            addTree(jar, location);
            return;
        }
        try (JarFile source = new JarFile(location.toFile())) {
            for (JarEntry entry : List.copyOf(source.stream().filter(e -> e.getName().startsWith("bng/core/config/")
                    && !e.isDirectory()).toList())) {
                jar.putNextEntry(new JarEntry(entry.getName()));
                source.getInputStream(entry).transferTo(jar);
                jar.closeEntry();
            }
        }
    }

    private static void addTree(JarOutputStream jar, Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = root.relativize(file).toString();
                if (name.startsWith("META-INF/")) continue;
                jar.putNextEntry(new JarEntry(name));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        }
    }
}
