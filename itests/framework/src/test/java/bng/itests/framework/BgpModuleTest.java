package bng.itests.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bng.core.api.ModuleManager;
import bng.core.api.RunningConfig;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.ConfigResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Module bgp inside the real framework, started by the {@code modules} line: its {@code show bgp}
 * follows target health from core and says why each VIP is or is not announced. The bgp statement
 * here lacks its neighbor on purpose, so no BIRD and no interface are created on the test machine
 * (the end-to-end ScaleOutBgpTest runs the real daemon in namespaces).
 */
class BgpModuleTest {
    private static final String CONFIG = """
        modules   master,bgp
        bgp { asn 64512 routerid 198.18.0.5 peeras 64500 }
        server 9 { ipaddr 198.18.1.109 port 80 protocol tcp method hash targets 9,10 }
        target 9 { ipaddr 198.18.0.19 dsr enable }
        target 10 { ipaddr 198.18.0.20 dsr enable }
        register server 9
        enable server 9
        register targets 9,10
        enable targets 9,10
        """;

    @InjectService(timeout = 5000)
    RunningConfig running;
    @InjectService(timeout = 5000)
    ModuleManager modules;
    @InjectService(timeout = 5000)
    TargetHealth health;
    @InjectBundleContext
    BundleContext context;

    @AfterEach
    void reset() {
        // Statements merge into the running configuration, which the other tests share: ids of
        // our own, put out of service again afterwards.
        running.apply("itest-bgp-reset", "modules master\nunregister server 9\nunregister targets 9,10\n");
        health.forget(9);
    }

    /** {@code show bgp}'s text, or null when no module offers the topic. */
    String showBgp() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(ShowTopic.class.getName(), "(bng.show=bgp)");
        if (refs == null) {
            return null;
        }
        ShowTopic topic = (ShowTopic) context.getService(refs[0]);
        try {
            StringBuilder out = new StringBuilder();
            topic.show(List.of(), out);
            return out.toString();
        } finally {
            context.ungetService(refs[0]);
        }
    }

    /** Waits up to 10 s (the module works in rounds of 500 ms) until show bgp contains expected. */
    String showBgpWhen(String expected) throws Exception {
        String text = null;
        for (int i = 0; i < 100; i++) {
            text = showBgp();
            if (text != null && text.contains(expected)) {
                return text;
            }
            Thread.sleep(100);
        }
        return text;
    }

    @Test
    void theModulesLineStartsItAndShowBgpSaysWhyNothingIsAnnounced() throws Exception {
        ConfigResult r = running.apply("itest-bgp", CONFIG);
        assertTrue(r.ok(), () -> "config: " + r.errors());
        health.report(9, TargetHealth.UP, "itest");
        String text = showBgpWhen("withdrawn");
        assertTrue(text != null && text.contains("daemon   not started: bgp lacks neighbor"), text);
        assertTrue(text.matches("(?s).*\\n9\\s+198\\.18\\.1\\.109/32\\s+withdrawn\\s+bgp lacks neighbor\\n.*"), text);

        assertTrue(running.apply("itest-bgp", "modules master\n").ok());
        for (int i = 0; i < 100 && showBgp() != null; i++) {
            Thread.sleep(100);
        }
        assertNull(showBgp(), "show bgp leaves with the module");
        assertEquals("stopped", modules.modules().stream().filter(m -> m.name().equals("bgp")).findFirst()
            .map(m -> m.state()).orElse("stopped"));
    }
}
