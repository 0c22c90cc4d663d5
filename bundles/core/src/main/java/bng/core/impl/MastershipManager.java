package bng.core.impl;

import bng.core.api.ConfigListener;
import bng.core.api.Mastership;
import bng.core.api.MastershipListener;
import bng.core.config.Configuration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Keeps the VRRP state the vrrp module reports and derives the effective one: master whenever VRRP
 * is not configured (no {@code vrrp} block, or {@code vrrp} not in the {@code modules} line), so a
 * single node owns everything. A configured node starts in INIT, owning only its {@code real}
 * addresses, until the module decides. Pushes the effect to {@link AddressBook} and tells listeners.
 */
@Component(service = {Mastership.class, ConfigListener.class}, immediate = true)
public final class MastershipManager implements Mastership, ConfigListener {
    private static final System.Logger LOG = System.getLogger(MastershipManager.class.getName());

    @Reference
    AddressBook addresses;

    private final List<MastershipListener> listeners = new CopyOnWriteArrayList<>();
    private boolean configured;
    private State reported = State.INIT;
    private volatile State effective = State.MASTER;
    private volatile long since = System.currentTimeMillis();
    private volatile String reason = "no vrrp configured";

    public MastershipManager() {
    }

    /** Outside SCR: tests of modules that need the effect on owned addresses. */
    public MastershipManager(AddressBook addresses) {
        this.addresses = addresses;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(MastershipListener l) {
        listeners.add(l);
    }

    public void removeListener(MastershipListener l) {
        listeners.remove(l);
    }

    @Override
    public synchronized void configurationChanged(Configuration previous, Configuration current) {
        boolean now = current.vrrp() != null && current.modules().contains("vrrp");
        if (now != configured) {
            configured = now;
            if (now) {
                reported = State.INIT; // the module decides from here (RFC 3768 §6.4.1 Startup)
            }
            update(now ? "vrrp configured" : "no vrrp configured");
        }
    }

    @Override
    public State state() {
        return effective;
    }

    @Override
    public boolean isMaster() {
        return effective == State.MASTER;
    }

    @Override
    public synchronized void report(State state, String why) {
        reported = state;
        update(why);
    }

    @Override
    public void announce(String why) {
        if (effective == State.MASTER) {
            tell(State.MASTER, State.MASTER, why);
        }
    }

    @Override
    public long sinceMillis() {
        return since;
    }

    @Override
    public String reason() {
        return reason;
    }

    private void update(String why) {
        State next = configured ? reported : State.MASTER;
        State before = effective;
        if (next == before) {
            return;
        }
        addresses.ownFloating(next == State.MASTER);
        effective = next;
        since = System.currentTimeMillis();
        reason = why;
        LOG.log(System.Logger.Level.INFO, "mastership {0} -> {1}: {2}", before, next, why);
        tell(before, next, why);
    }

    private void tell(State before, State next, String why) {
        for (MastershipListener l : listeners) {
            try {
                l.mastershipChanged(before, next, why);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "mastership listener failed", e);
            }
        }
    }
}
