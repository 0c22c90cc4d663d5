package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.ShowTopic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/** Core's services inside a real framework: the foreign-function API, and bng's words as Gogo commands. */
class RuntimeServicesTest {
    @InjectService(filter = "(bng.show=status)", timeout = 5000)
    ShowTopic status;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @Test
    void foreignFunctionCallsWorkInsideTheFramework() {
        StringBuilder out = new StringBuilder();
        status.show(List.of(), out);
        // The pid printed comes from libc's getpid() through java.lang.foreign (NativeProcess).
        assertTrue(out.toString().contains("running with PID " + ProcessHandle.current().pid()), out.toString());
    }

    @Test
    void bngCommandsAreGogoCommandsWithoutScope() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
             CommandSession s = gogo.createSession(new ByteArrayInputStream(new byte[0]), ps, ps)) {
            Object modules = s.execute("show modules");
            Object version = s.execute("show version");
            assertTrue(String.valueOf(modules).contains("master     running"), String.valueOf(modules));
            assertTrue(String.valueOf(version).startsWith("bng "), String.valueOf(version));
        }
    }
}
