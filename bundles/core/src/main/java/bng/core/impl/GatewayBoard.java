package bng.core.impl;

import bng.core.api.GatewayHealth;
import bng.core.api.TargetHealth;
import org.osgi.service.component.annotations.Component;

/** Core's copy of the gateway's health: one volatile state, written by hc. */
@Component(service = GatewayHealth.class, immediate = true)
public final class GatewayBoard implements GatewayHealth {
    private static final System.Logger LOG = System.getLogger(GatewayBoard.class.getName());
    private volatile int state = TargetHealth.UNKNOWN;

    @Override
    public int state() {
        return state;
    }

    @Override
    public void report(int newState, String reason) {
        int before = state;
        state = newState;
        if (before != newState) {
            LOG.log(System.Logger.Level.INFO, "gateway {0} -> {1}: {2}", TargetHealth.name(before),
                    TargetHealth.name(newState), reason);
        }
    }
}
