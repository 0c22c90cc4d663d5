package bng.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What changed between two snapshots, per kind of object: ids added, removed, and changed (same
 * id, different definition or state). Modules apply exactly this, so an unrelated change never
 * resets a target's sessions or health.
 */
public record ConfigDiff(Changes interfaces, Changes networks, Changes servers, Changes targets,
                         boolean modulesChanged, boolean settingsChanged, boolean gatewayChanged, boolean vrrpChanged,
                         boolean bgpChanged) {

    /** Ids of one kind of object. */
    public record Changes(SortedSet<Integer> added, SortedSet<Integer> removed, SortedSet<Integer> changed) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }

        /** Every id that is new, gone or different. */
        public SortedSet<Integer> all() {
            SortedSet<Integer> s = new TreeSet<>(added);
            s.addAll(removed);
            s.addAll(changed);
            return s;
        }
    }

    public static ConfigDiff of(Configuration previous, Configuration current) {
        return new ConfigDiff(changes(previous.interfaces(), current.interfaces()),
            changes(previous.networks(), current.networks()),
            changes(previous.servers(), current.servers()),
            changes(previous.targets(), current.targets()),
            !previous.modules().equals(current.modules()),
            !previous.settings().equals(current.settings()),
            !Objects.equals(previous.gateway(), current.gateway()),
            !Objects.equals(previous.vrrp(), current.vrrp()),
            !Objects.equals(previous.bgp(), current.bgp()));
    }

    private static <T> Changes changes(Map<Integer, T> before, Map<Integer, T> after) {
        SortedSet<Integer> added = new TreeSet<>();
        SortedSet<Integer> removed = new TreeSet<>();
        SortedSet<Integer> changed = new TreeSet<>();
        for (Map.Entry<Integer, T> e : after.entrySet()) {
            T old = before.get(e.getKey());
            if (old == null) {
                added.add(e.getKey());
            } else if (!old.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        Set<Integer> gone = new TreeSet<>(before.keySet());
        gone.removeAll(after.keySet());
        removed.addAll(gone);
        return new Changes(added, removed, changed);
    }

    public boolean isEmpty() {
        return interfaces.isEmpty() && networks.isEmpty() && servers.isEmpty() && targets.isEmpty() && !modulesChanged
            && !settingsChanged && !gatewayChanged && !vrrpChanged
            && !bgpChanged;
    }
}
