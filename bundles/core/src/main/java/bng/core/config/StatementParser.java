package bng.core.config;

import java.util.List;
import java.util.Map;

/**
 * Applies the statements of a token stream to a {@link ConfigurationBuilder}, in order.
 * A statement outside a block ends at the end of its line; inside {@code { }} line ends only
 * separate attributes. After an error the rest of the statement (a whole block when the header was
 * bad) is skipped, so one mistake gives one message and the next statement is still checked.
 * Nothing here recurses, so deep nesting in hostile input costs no stack.
 */
final class StatementParser {
    private static final String STATEMENTS = "hostname, modules, set, interface, network, gateway, vrrp, bgp, server, "
            + "target, register, enable, disable, unregister";
    private static final List<String> STATEMENT_LIST = List.of(STATEMENTS.split(", "));
    /** Attributes whose value is free text: a space in it needs quotes. */
    private static final List<String> TEXT_ATTRIBUTES = List.of("name", "script", "alert", "upalert");

    /** Applies one attribute to the object being parsed; false when the name is not one of its attributes. */
    private interface AttributeSetter {
        boolean apply(Token name, Token value);
    }

    private final List<Token> tokens;
    private final ConfigurationBuilder config;
    private final Values values;
    private final AttributeSetters setters;
    private final List<ConfigError> errors;
    private int next;

    StatementParser(List<Token> tokens, ConfigurationBuilder config, Values values, AttributeSetters setters,
            List<ConfigError> errors) {
        this.tokens = tokens;
        this.config = config;
        this.values = values;
        this.setters = setters;
        this.errors = errors;
    }

    void parseAll() {
        while (!peek().is(Token.Type.END)) {
            if (peek().is(Token.Type.NEWLINE)) {
                next++;
            } else {
                statement();
            }
        }
    }

    private void statement() {
        Token keyword = peek();
        switch (keyword.is(Token.Type.WORD) ? keyword.text() : "") {
            case "hostname" -> hostname();
            case "modules" -> modules();
            case "set" -> set();
            case "interface", "network", "server", "target" -> object(ObjectKind.of(keyword.text()));
            case "gateway" -> gateway();
            case "vrrp" -> vrrp();
            case "bgp" -> bgp();
            case "register", "enable", "disable", "unregister" -> lifeCycle();
            default -> {
                String hint = "";
                if (keyword.is(Token.Type.OPEN)) {
                    hint = "; a block's '{' goes at the end of its header's line (target 1 {)";
                } else if (keyword.is(Token.Type.WORD) && (keyword.text().startsWith("#") || keyword.text().startsWith(";"))) {
                    hint = "; comments start with //";
                } else if (keyword.is(Token.Type.WORD) && STATEMENT_LIST.contains(lowerCase(keyword.text()))) {
                    hint = "; keywords are lower case";
                }
                values.error(keyword.position(), (keyword.is(Token.Type.WORD)
                        ? "unknown keyword " + keyword.describe() + "; expected one of " + STATEMENTS
                        : "expected a statement keyword (" + STATEMENTS + "), found " + keyword.describe()) + hint);
                skipStatement();
            }
        }
    }

    private void hostname() {
        next++;
        Token v = peek();
        if (values.text(v, "hostname") == null) {
            skipStatement();
            return;
        }
        next++;
        config.hostname = v.text();
        if (v.is(Token.Type.WORD) && peek().is(Token.Type.WORD)) {
            values.error(peek().position(), "expected end of line, found " + peek().describe() + "; a name with "
                    + "spaces is written in quotes: hostname \"" + v.text() + " " + peek().text() + "\"");
            skipStatement();
            return;
        }
        endOfStatement();
    }

    private void modules() {
        next++;
        List<String> names = values.moduleNames(peek());
        if (names == null) {
            skipStatement();
            return;
        }
        next++;
        config.modules = names;
        endOfStatement();
    }

    private void set() {
        next++;
        attributes("set", Setting.keywords(), (name, v) -> setters.setting(config, name, v));
    }

    private void gateway() {
        next++;
        if (config.gateway == null) {
            config.gateway = new GatewayDef.Builder();
        }
        GatewayDef.Builder b = config.gateway;
        attributes("gateway", AttributeSetters.GATEWAY, (name, v) -> setters.gatewayAttribute(b, name, v));
    }

    private void vrrp() {
        next++;
        if (config.vrrp == null) {
            config.vrrp = new VrrpDef.Builder();
        }
        VrrpDef.Builder b = config.vrrp;
        attributes("vrrp", AttributeSetters.VRRP, (name, v) -> setters.vrrpAttribute(b, name, v));
    }

    private void bgp() {
        next++;
        if (config.bgp == null) {
            config.bgp = new BgpDef.Builder();
        }
        BgpDef.Builder b = config.bgp;
        attributes("bgp", AttributeSetters.BGP, (name, v) -> setters.bgpAttribute(b, name, v));
    }

    /** {@code target 1 { ... }}, {@code target 1 weight 5}, or a bare {@code target 1} that only defines it. */
    private void object(ObjectKind kind) {
        next++;
        Integer id = values.id(peek(), kind.singular);
        if (id == null) {
            skipStatement();
            return;
        }
        next++;
        switch (kind) {
            case INTERFACE -> {
                InterfaceDef.Builder b = config.interfaces.computeIfAbsent(id, InterfaceDef.Builder::new);
                attributes("interface", AttributeSetters.INTERFACE, (name, v) -> setters.interfaceAttribute(b, name, v));
            }
            case NETWORK -> {
                NetworkDef.Builder b = config.networks.computeIfAbsent(id, NetworkDef.Builder::new);
                attributes("network", AttributeSetters.NETWORK, (name, v) -> setters.networkAttribute(b, name, v));
            }
            case SERVER -> {
                ServerDef.Builder b = config.servers.computeIfAbsent(id, ServerDef.Builder::new);
                attributes("server", AttributeSetters.SERVER, (name, v) -> setters.serverAttribute(b, name, v));
            }
            case TARGET -> {
                TargetDef.Builder b = config.targets.computeIfAbsent(id, TargetDef.Builder::new);
                attributes("target", AttributeSetters.TARGET, (name, v) -> setters.targetAttribute(b, name, v));
            }
        }
    }

    /**
     * Name-value pairs up to the end of the line, or inside a block opened on this line. Each
     * attribute takes exactly one value token, which is what lets several share a line
     * ({@code gateway { ipaddr 198.18.0.1 ping 3,8 }}).
     */
    private void attributes(String owner, List<String> known, AttributeSetter setter) {
        Token open = peek().is(Token.Type.OPEN) ? tokens.get(next++) : null;
        while (true) {
            Token name = peek();
            if (open == null && name.endsLine()) {
                endOfStatement();
                return;
            }
            if (open != null) {
                if (name.is(Token.Type.NEWLINE)) {
                    next++;
                    continue;
                }
                if (name.is(Token.Type.CLOSE)) {
                    next++;
                    endOfStatement();
                    return;
                }
                if (name.is(Token.Type.END)) {
                    values.error(name.position(), "expected '}' to close the block opened at " + open.line() + ":"
                            + open.column() + ", found end of input");
                    return;
                }
            }
            int errorsBefore = errors.size();
            // The value written before this name, and whose it is: "alert /usr/bin/page-ops --urgent".
            Token value = next >= 2 && tokens.get(next - 1).isValue() ? tokens.get(next - 1) : null;
            Token valueOf = value == null ? null : tokens.get(next - 2);
            next++;
            if (!name.is(Token.Type.WORD)) {
                values.error(name.position(), "expected " + owner + (owner.equals("set") ? " parameter (" : " attribute (")
                        + String.join(", ", known)
                        + "), found " + name.describe());
            } else if (!setter.apply(name, peek())) {
                // A statement keyword inside a block: most likely the block's '}' was left out.
                String hint = open != null && STATEMENT_LIST.contains(name.text())
                        ? " (is the '}' of the block opened at " + open.line() + ":" + open.column() + " missing?)"
                        : known.contains(lowerCase(name.text())) ? "; keywords are lower case" : "";
                if (hint.isEmpty() && value != null && value.is(Token.Type.WORD) && valueOf.is(Token.Type.WORD)
                        && TEXT_ATTRIBUTES.contains(valueOf.text())) {
                    hint = "; a value with spaces is written in quotes: " + valueOf.text() + " \"" + value.text() + " "
                            + name.text() + "\"";
                }
                values.error(name.position(), "unknown " + owner + (owner.equals("set") ? " parameter " : " attribute ")
                        + name.describe()
                        + "; expected one of " + String.join(", ", known) + hint);
                if (hint.startsWith(" (is the '}'")) {
                    // Read the statement as one: its lines would otherwise each be an error of this block.
                    next--;
                    return;
                }
            } else if (peek().isValue()) {
                next++;
            }
            if (errors.size() > errorsBefore) {
                skipRestOfLine();
            }
        }
    }

    /** {@code register targets 1,2}: singular or plural kind keyword, then an id list. */
    private void lifeCycle() {
        Token verb = tokens.get(next++);
        Token kindToken = peek();
        ObjectKind kind = kindToken.is(Token.Type.WORD) ? ObjectKind.of(kindToken.text()) : null;
        if (kind == null) {
            values.error(kindToken.position(), verb.text() + ": expected interface(s), network(s), server(s) or "
                    + "target(s), found " + kindToken.describe());
            skipStatement();
            return;
        }
        next++;
        Token idsToken = peek();
        List<Position> positions = new java.util.ArrayList<>();
        List<Integer> ids = values.ids(idsToken, verb.text() + " " + kindToken.text(), kind.singular, positions);
        if (ids == null) {
            skipStatement();
            return;
        }
        next++;
        Map<Integer, ? extends LifeCycleBuilder> builders = kind.builders(config);
        // The first problem of a range is reported, the others counted: 1-65532 is one mistake.
        String pending = null;
        Position pendingAt = null;
        int more = 0;
        for (int i = 0; i < ids.size(); i++) {
            LifeCycleBuilder b = builders.get(ids.get(i));
            String problem = b == null ? "is not defined" : transition(verb.text(), b);
            if (problem == null) {
                continue;
            }
            if (positions.get(i).equals(pendingAt)) {
                more++;
                continue;
            }
            reportRange(pendingAt, pending, more, kind);
            pending = verb.text() + " " + kind.singular + " " + ids.get(i) + ": " + kind.singular + " " + ids.get(i)
                    + " " + problem;
            pendingAt = positions.get(i);
            more = 0;
        }
        reportRange(pendingAt, pending, more, kind);
        endOfStatement();
    }

    private void reportRange(Position at, String message, int more, ObjectKind kind) {
        if (message != null) {
            String others = more == 1 ? kind.singular : kind.plural;
            values.error(at, more == 0 ? message : message + " (and " + more + " more " + others + " of that range)");
        }
    }

    /** Moves b along define -> register -> enable; returns why it cannot, or null. */
    private static String transition(String verb, LifeCycleBuilder b) {
        switch (verb) {
            case "register" -> {
                if (b.state() == ObjectState.DEFINED) {
                    b.state(ObjectState.REGISTERED);
                }
            }
            case "enable" -> {
                if (b.state() == ObjectState.DEFINED) {
                    return "is not registered";
                }
                b.state(ObjectState.ENABLED);
            }
            case "disable" -> {
                if (b.state() == ObjectState.ENABLED) {
                    b.state(ObjectState.REGISTERED);
                }
            }
            default -> b.state(ObjectState.DEFINED);
        }
        return null;
    }

    private void endOfStatement() {
        Token t = peek();
        if (t.is(Token.Type.NEWLINE)) {
            next++;
        } else if (!t.is(Token.Type.END)) {
            values.error(t.position(), "expected end of line, found " + t.describe());
            skipStatement();
        }
    }

    /** Skips to the end of the line, and past the matching '}' when a block was opened. */
    private void skipStatement() {
        int depth = 0;
        while (true) {
            Token t = peek();
            if (t.is(Token.Type.END)) {
                return;
            }
            next++;
            if (t.is(Token.Type.OPEN)) {
                depth++;
            } else if (t.is(Token.Type.CLOSE) && depth > 0) {
                depth--;
            } else if (t.is(Token.Type.NEWLINE) && depth == 0) {
                return;
            }
        }
    }

    /** Skips the rest of an attribute line, stopping before a '}' that closes the block. */
    private void skipRestOfLine() {
        while (!peek().endsLine() && !peek().is(Token.Type.CLOSE)) {
            next++;
        }
    }

    private static String lowerCase(String word) {
        return word.toLowerCase(java.util.Locale.ROOT);
    }

    private Token peek() {
        return tokens.get(next);
    }
}
