package bng.core.config;

import java.util.Map;

/** The four object kinds that have ids and a life cycle, with their singular and plural keywords. */
enum ObjectKind {
    INTERFACE("interface", "interfaces"),
    NETWORK("network", "networks"),
    SERVER("server", "servers"),
    TARGET("target", "targets");

    final String singular;
    final String plural;

    ObjectKind(String singular, String plural) {
        this.singular = singular;
        this.plural = plural;
    }

    /** The kind named by a singular or plural keyword, or null. */
    static ObjectKind of(String keyword) {
        for (ObjectKind kind : values()) {
            if (kind.singular.equals(keyword) || kind.plural.equals(keyword)) {
                return kind;
            }
        }
        return null;
    }

    /** The builders of this kind in config. */
    Map<Integer, ? extends LifeCycleBuilder> builders(ConfigurationBuilder config) {
        return switch (this) {
            case INTERFACE -> config.interfaces;
            case NETWORK -> config.networks;
            case SERVER -> config.servers;
            case TARGET -> config.targets;
        };
    }
}
