package bng.hc;

import bng.core.api.ConfigListener;
import bng.core.api.GatewayHealth;
import bng.core.api.NeighbourCache;
import bng.core.api.Ports;
import bng.core.api.ShowTopic;
import bng.core.api.TargetHealth;
import bng.core.config.Configuration;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Module hc's scheduler: ONE thread, whatever the number of targets, ticking {@link CheckEngine}
 * every {@link #TICK_MILLIS} ms; configuration changes and {@code show hc} run on that thread too, so
 * the engine needs no locks. Deactivation stops the thread; TargetHealth (core) keeps the states
 * as they were.
 */
@Component(immediate = true, service = {ConfigListener.class, ShowTopic.class},
    property = {ShowTopic.TOPIC + "=hc", ShowTopic.DESCRIPTION + "=health checks: state, last result, next check"})
public final class HealthChecker implements ConfigListener, ShowTopic {
    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());
    /** How often answers are read and due probes sent: a success shows within a tenth of a second. */
    static final long TICK_MILLIS = 100;

    @Reference
    Ports ports;

    @Reference
    NeighbourCache neighbours;

    @Reference
    TargetHealth health;

    @Reference
    GatewayHealth gatewayHealth;

    @Reference
    HealthProbeReceiver receiver;

    private ScheduledExecutorService scheduler;
    /** Scripts wait for their commands on virtual threads, never on the scheduler thread. */
    private ExecutorService scriptThreads;
    private CheckEngine engine;

    @Activate
    void activate() {
        // SecureRandom: initial sequence numbers must not be guessable (RFC 6528).
        scriptThreads = Executors.newVirtualThreadPerTaskExecutor();
        engine = new CheckEngine(ports, neighbours, health, receiver.table, receiver.clock, new SecureRandom(),
                new ScriptRunner(scriptThreads));
        engine.gatewayHealth = gatewayHealth;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bng-hc");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.stop();
        scriptThreads.shutdownNow(); // interrupts waiting runs, which kill their commands
    }

    private void tick() {
        try {
            engine.tick();
        } catch (RuntimeException e) { // a bug must not end the schedule
            LOG.log(System.Logger.Level.ERROR, "health check tick failed", e);
        }
    }

    @Override
    public void configurationChanged(Configuration previous, Configuration current) {
        try {
            scheduler.execute(() -> engine.apply(current));
        } catch (RejectedExecutionException | NullPointerException e) {
            // Not active (any more): the next activation reads the snapshot when it binds again.
        }
    }

    @Override
    public void show(List<String> args, StringBuilder out) {
        try {
            out.append(scheduler.submit(() -> {
                StringBuilder text = new StringBuilder();
                engine.render(text);
                return text;
            }).get(2, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            out.append("hc: not available (").append(e).append(")\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
