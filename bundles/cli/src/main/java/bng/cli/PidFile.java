package bng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pid file the daemon writes. A pid counts only while it names a live process whose command
 * line runs {@code bng.jar}: after a crash or reboot the number may belong to something else.
 */
public final class PidFile {
    private final InstanceFiles files;

    public PidFile(InstanceFiles files) {
        this.files = files;
    }

    /** The running daemon of this instance, if any. */
    public Optional<ProcessHandle> liveProcess() {
        return readPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(PidFile::isBng);
    }

    /** Removes the pid file and socket when no daemon owns them; true when something was removed. */
    public boolean removeIfStale() throws IOException {
        if (liveProcess().isPresent()) return false;
        boolean pid = Files.deleteIfExists(files.pidFile());
        boolean socket = Files.deleteIfExists(files.socket());
        return pid || socket;
    }

    Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(files.pidFile(), StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isBng(ProcessHandle process) {
        return commandLine(process).contains("bng.jar");
    }

    private static String commandLine(ProcessHandle process) {
        Optional<String> fromInfo = process.info().commandLine();
        if (fromInfo.isPresent()) return fromInfo.get();
        // info() is empty for processes the JDK cannot inspect; /proc still has the arguments.
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
