package bng.hc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a target's {@code script} (exit status 0 = up) off the scheduler thread: the command waits
 * on a thread of {@code executor} (virtual threads in the module), and the scheduler polls the
 * returned {@link Run} on its next tick. A command that outlives its time limit is killed. Also runs
 * the {@code alert}/{@code upalert} notifications ({@link #fire}), which nobody waits for.
 */
final class ScriptRunner {
    static final int OUTPUT_LIMIT = 200;

    private final Executor executor;

    ScriptRunner(Executor executor) {
        this.executor = executor;
    }

    /** One run; {@link #done} turns true once, after {@link #result} and {@link #exit} are set. */
    static final class Run {
        volatile boolean done;
        volatile int exit = -1;
        volatile String result;
    }

    /** Splits {@code "path args"} on white space: no shell, so no quoting surprises. */
    static List<String> words(String commandLine) {
        List<String> words = new ArrayList<>();
        for (String w : commandLine.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    Run start(String commandLine, Map<String, String> environment, long limitSeconds) {
        Run run = new Run();
        try {
            executor.execute(() -> execute(run, words(commandLine), environment, limitSeconds));
        } catch (RejectedExecutionException e) {
            finish(run, -1, "cannot run: the module is stopping");
        }
        return run;
    }

    /**
     * Runs a notification command once ({@code alert}, {@code upalert}) and hands its finished run
     * to {@code done} on the command's own thread: the caller never waits.
     */
    void fire(List<String> command, long limitSeconds, Consumer<Run> done) {
        try {
            executor.execute(() -> {
                Run run = new Run();
                execute(run, command, Map.of(), limitSeconds);
                done.accept(run);
            });
        } catch (RejectedExecutionException e) {
            Run run = new Run();
            finish(run, -1, "cannot run: the module is stopping");
            done.accept(run);
        }
    }

    private static void execute(Run run, List<String> command, Map<String, String> environment, long limitSeconds) {
        if (command.isEmpty()) {
            finish(run, -1, "empty command");
            return;
        }
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(environment);
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            finish(run, -1, "cannot run " + command.getFirst() + ": " + e.getMessage());
            return;
        }
        // The output is read on its own thread so that a command that prints little and hangs is still
        // killed on time; beyond the first bytes it is drained, so the command never blocks on a full pipe.
        byte[][] head = new byte[1][];
        InputStream out = p.getInputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (out) {
                head[0] = out.readNBytes(OUTPUT_LIMIT);
                out.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // The command ended or was killed: nothing more to read.
            }
        });
        try {
            if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                finish(run, -1, "killed after " + limitSeconds + " s");
                return;
            }
            reader.join(1_000);
            byte[] h = head[0];
            String text = h == null ? "" : firstLine(new String(h, StandardCharsets.UTF_8));
            int exit = p.exitValue();
            finish(run, exit, "exit " + exit + (text.isEmpty() ? "" : ": " + text));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            finish(run, -1, "interrupted");
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    private static void finish(Run run, int exit, String result) {
        run.exit = exit;
        run.result = result;
        run.done = true;
    }
}
