package bng.itests.fuzz;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Wires a module's component the way SCR would, without a framework: its service properties come
 * from the bundle's own component description (OSGI-INF/NAME.xml, written by bnd from the
 * annotations), so the fuzzed bus has the real bands, priorities and wants; references are its
 * package-private fields, set by name.
 */
final class Components {
    private Components() {
    }

    /** The component's properties as SCR would register them (Integer, or Integer[] when multi-valued). */
    static Map<String, Object> properties(Class<?> impl) {
        String resource = "OSGI-INF/" + impl.getName() + ".xml";
        try (InputStream in = impl.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found next to " + impl.getName());
            }
            NodeList props = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
                .getElementsByTagName("property");
            Map<String, Object> out = new HashMap<>();
            for (int i = 0; i < props.getLength(); i++) {
                Element p = (Element) props.item(i);
                boolean integer = "Integer".equals(p.getAttribute("type"));
                if (p.hasAttribute("value")) {
                    String v = p.getAttribute("value");
                    out.put(p.getAttribute("name"), integer ? Integer.valueOf(v.trim()) : v);
                } else {
                    List<Object> values = new ArrayList<>();
                    for (String line : p.getTextContent().split("\n")) {
                        if (!line.isBlank()) {
                            values.add(integer ? Integer.valueOf(line.trim()) : line.trim());
                        }
                    }
                    out.put(p.getAttribute("name"), integer ? values.toArray(Integer[]::new) : values.toArray(String[]::new));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static void set(Object component, String field, Object value) {
        try {
            Field f = component.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(component, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object get(Object component, String field) {
        try {
            Field f = component.getClass().getDeclaredField(field);
            f.setAccessible(true);
            return f.get(component);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls a (package-private) method by name; the first with that name and arity. */
    static Object call(Object target, String method, Object... args) {
        try {
            for (var m : target.getClass().getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    m.setAccessible(true);
                    return m.invoke(target, args);
                }
            }
            throw new NoSuchMethodException(method);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Class<?> type(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A (package-private) constructor by class name and parameter types. */
    static Object construct(String className, Class<?>[] types, Object... args) {
        try {
            Constructor<?> c = Class.forName(className).getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
